// `vigil replay`: the pipeline fed from a capture file instead of the sensor.
#include <unistd.h>

#include <cstdio>

#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/pipeline.h"
#include "common/host.h"
#include "common/log.h"
#include "events/capture.h"
#include "output/sink.h"
#include "state/name_resolver.h"

namespace vigil::cli {
namespace {
constexpr std::chrono::milliseconds kNameWait{30'000};
}  // namespace

int Replay(const std::string& capture_path, const std::vector<std::string>& rule_files,
           const std::string& output, const std::string& min_priority_text, bool resolve_names) {
  Priority min_priority = Priority::kDebug;
  if (!ParsePriority(min_priority_text, &min_priority)) {
    fmt::print(stderr, "vigil: unknown priority '{}'\n", min_priority_text);
    return 2;
  }
  auto rule_set = LoadRulesOrReport(rule_files);
  if (!rule_set) return 1;
  rule_set->SetMinimumPriority(min_priority);

  // Pass 1 checks the whole file and gathers the facts (container metadata, user names): they
  // may be recorded after the first events that need them, since metadata arrives from the
  // engine asynchronously. A damaged file is rejected before any alert is printed.
  std::vector<ContainerInfo> containers;
  std::vector<UserInfo> users;
  auto facts = ForEachRecord(capture_path, [&](CaptureRecord& record) {
    if (auto* c = std::get_if<ContainerInfo>(&record)) containers.push_back(std::move(*c));
    if (auto* u = std::get_if<UserInfo>(&record)) users.push_back(std::move(*u));
  });
  if (!facts) {
    fmt::print(stderr, "vigil: {}\n", facts.error().message);
    return 1;
  }

  // Domain names (fd.sip.name): resolved now, all of them before the first event, when asked.
  auto domain_names = std::make_shared<DomainNames>();
  std::unique_ptr<NameResolver> resolver;
  if (resolve_names) {
    resolver = std::make_unique<NameResolver>(domain_names);
    resolver->Watch(rule_set->DomainNamesInUse());
    resolver->Start();
    if (!resolver->WaitFirstRound(kNameWait)) {
      log::Warning("domain names: not all resolved within {} s; replaying anyway",
                   kNameWait.count() / 1000);
    }
  } else if (auto names = rule_set->DomainNamesInUse(); !names.empty()) {
    log::Info("the rules compare {} domain name{}: without --resolve-names they never match",
              names.size(), names.size() == 1 ? "" : "s");
  }

  output::StreamSink sink(stdout, output == "json" ? output::Format::kJson : output::Format::kText);
  PipelineOptions options;
  options.rules = rule_set.get();
  options.sink = &sink;
  options.live = false;
  options.hostname = Hostname();
  if (resolver) options.domain_names = domain_names.get();
  EventPipeline pipeline(options);
  for (const auto& c : containers) pipeline.AddContainer(c);
  for (const auto& u : users) pipeline.AddUser(u);

  // Pass 2 evaluates the events in order.
  uint64_t last_sweep = 0;
  auto replayed = ForEachRecord(capture_path, [&](CaptureRecord& record) {
    auto* event = std::get_if<Event>(&record);
    if (!event) return;
    pipeline.Handle(*event);
    if (event->ts_ns > last_sweep + 1'000'000'000ull) {
      pipeline.Tick(event->ts_ns);
      last_sweep = event->ts_ns;
    }
  });
  sink.Flush();
  if (!replayed) {  // the file changed between the passes
    fmt::print(stderr, "vigil: {}\n", replayed.error().message);
    return 1;
  }
  log::Info("replayed {} events: {} alerts", pipeline.events(), pipeline.alerts());
  return 0;
}

}  // namespace vigil::cli
