// The event pipeline shared by `vigil run`, `vigil capture` and `vigil replay`: an event goes
// through the state (processes, containers, users), then the rules, and a match becomes an
// Alert for the sink. Capture mode records what replay will need.
//
// Single-threaded: owned and driven by the event loop.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "baseline/engine.h"
#include "events/alert.h"
#include "events/capture.h"
#include "output/sink.h"
#include "rules/eval_context.h"
#include "rules/ruleset.h"
#include "runtime/metadata_service.h"
#include "state/container_table.h"
#include "state/process_table.h"
#include "state/users.h"

namespace vigil {

struct PipelineOptions {
  const rules::RuleSet* rules = nullptr;         // null: no rule evaluation (capture)
  output::AlertSink* sink = nullptr;             // where alerts go; required with rules
  ContainerMetadataService* metadata = nullptr;  // null: metadata only from AddContainer()
  CaptureWriter* capture = nullptr;              // non-null: record events and facts
  baseline::Engine* baseline = nullptr;          // non-null: learn and detect per image
  bool live = true;                              // false: replaying; read no host files
  std::string hostname;
  const DomainNames* domain_names = nullptr;  // null: no name resolves (fd.*ip.name)
  // How long an alert may wait for the metadata of its container before it is printed.
  std::chrono::milliseconds metadata_wait{2000};
};

class EventPipeline {
 public:
  explicit EventPipeline(PipelineOptions options);

  void Handle(Event& event);
  // Between batches (SIGHUP): evaluates `rules` from the next event on. Not null when the
  // pipeline was built with rules; the caller keeps it alive.
  void SetRules(const rules::RuleSet* rules);
  void AddContainer(const ContainerInfo& info);
  void AddUser(const UserInfo& user) { users_.Add(user); }
  // Between batches: takes metadata updates, forgets long-exited processes.
  void Tick(uint64_t now_ns);
  // An alert vigil raises about itself (source "internal").
  // Its source is set to "internal" and the hostname filled in.
  void EmitInternal(Alert alert);

  uint64_t events() const { return events_; }
  // The cgroups of containers forgotten since the last call (for the sensor's maps).
  std::vector<uint64_t> TakeForgottenCgroups() { return std::exchange(forgotten_cgroups_, {}); }
  static constexpr std::size_t kTrimAfterForgotten = 256;
  // A removed container's metadata stays this long for its processes' last events.
  static constexpr uint64_t kForgetContainerAfterNs = 10'000'000'000ull;
  // How often processes whose exit was never seen (lost records) are looked for in /proc.
  static constexpr uint64_t kReapIntervalNs = 30'000'000'000ull;
  uint64_t alerts() const { return alerts_; }
  const baseline::Engine* baseline() const { return options_.baseline; }
  // Rule evaluation time, estimated: one event in kEvalSampleEvery is timed.
  static constexpr uint64_t kEvalSampleEvery = 32;
  uint64_t rule_eval_ns() const { return rule_eval_sampled_ns_ * kEvalSampleEvery; }
  std::size_t processes_tracked() const { return processes_.size(); }
  std::size_t containers_known() const { return containers_.size(); }
  Status capture_status() const { return capture_status_; }

 private:
  void DrainMetadata();
  void KeepEnvFor(const rules::RuleSet* rules);
  void ForgetRemovedContainers(uint64_t now_ns);
  void NoteContainer(const Process& process, const Event& event);
  void Emit(const rules::Rule& rule, const Process& process);
  void Record(const Status& status);

  PipelineOptions options_;
  ProcessTable processes_;
  ContainerTable containers_;
  UserDb users_;
  rules::EvalContext ctx_;
  uint64_t events_ = 0;
  uint64_t alerts_ = 0;
  uint64_t rule_eval_sampled_ns_ = 0;
  Alert alert_;
  Status capture_status_;
  std::size_t forgotten_since_trim_ = 0;
  std::deque<std::pair<uint64_t, std::string>> removed_containers_;  // (forget at, id)
  uint64_t next_reap_ns_ = 0;
  std::vector<uint64_t> forgotten_cgroups_;
};

}  // namespace vigil
