// The HTTP(S) output: each alert's JSON POSTed to a URL — falcosidekick's `/`, or any
// collector that takes Falco's JSON — with keep-alive, retries with exponential backoff, a
// bounded queue and a spill file while the receiver is down (output/spill_queue.h).
// Its own thread; the event loop only queues.
#pragma once

#include <memory>

#include "config/config.h"
#include "output/output.h"
#include "output/spill_queue.h"
#include "output/threaded_output.h"

namespace vigil::output {

// libcurl, one easy handle reused for every request (keep-alive). Used by one thread.
std::unique_ptr<Transport> MakeCurlTransport(const config::HttpOutput& options);

class HttpOutput final : public ThreadedOutput {
 public:
  HttpOutput(std::unique_ptr<Transport> transport, SpillQueueOptions queue, JsonOptions json);
  ~HttpOutput() override;

  const std::string& name() const override { return name_; }
  void Enqueue(const Alert& alert) override;
  OutputStats Stats() const override { return queue_.Stats(); }

 private:
  void Run() override;

  const std::string name_ = "http";
  std::unique_ptr<Transport> transport_;
  const JsonOptions json_;
  SpillQueue queue_;
};

SpillQueueOptions SpillOptionsFor(const config::HttpOutput& http, std::size_t capacity);

}  // namespace vigil::output
