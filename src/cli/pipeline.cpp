#include "cli/pipeline.h"

#include <malloc.h>
#include <signal.h>

#include <cerrno>

#include "common/clock.h"
#include "common/log.h"

namespace vigil {

EventPipeline::EventPipeline(PipelineOptions options)
    : options_(std::move(options)),
      users_(options_.live),
      ctx_(&processes_, &containers_, &users_) {
  KeepEnvFor(options_.rules);
  ctx_.set_domain_names(options_.domain_names);
  if (options_.capture) {
    users_.OnLoaded([this](const UserInfo& user) { Record(options_.capture->Write(user)); });
  }
}

void EventPipeline::KeepEnvFor(const rules::RuleSet* rules) {
  // A capture records environments from the events themselves; rules read the table's.
  const bool keep = !rules || rules->ReadsField("proc.env");
  if (keep && !processes_.keep_env()) {
    log::Info("rules read proc.env: known for processes that exec from now on");
  }
  processes_.set_keep_env(keep);
}

void EventPipeline::SetRules(const rules::RuleSet* rules) {
  options_.rules = rules;
  KeepEnvFor(rules);
}

void EventPipeline::Record(const Status& status) {
  if (!status && capture_status_) {
    capture_status_ = status;
    log::Error("{}", status.error().message);
  }
}

void EventPipeline::AddContainer(const ContainerInfo& info) {
  if (options_.capture) Record(options_.capture->Write(info));
  // Its processes may all be gone before one could be read through /proc: its files can.
  if (options_.live) users_.LoadContainerFromDirs(info.id, info.rootfs_dirs);
  if (options_.baseline) options_.baseline->ContainerKnown(info);
  containers_.Put(info);
}

void EventPipeline::DrainMetadata() {
  if (!options_.metadata) return;
  for (auto& info : options_.metadata->TakeUpdates()) AddContainer(info);
}

void EventPipeline::ForgetRemovedContainers(uint64_t now_ns) {
  if (options_.metadata) {
    for (auto& id : options_.metadata->TakeRemovals()) {
      removed_containers_.emplace_back(now_ns + kForgetContainerAfterNs, std::move(id));
    }
  }
  while (!removed_containers_.empty() && removed_containers_.front().first <= now_ns) {
    const std::string& id = removed_containers_.front().second;
    containers_.Erase(id);
    users_.Forget(id);
    processes_.ForgetContainer(id);
    if (options_.baseline) {
      auto cgroups = options_.baseline->ContainerRemoved(id);
      forgotten_cgroups_.insert(forgotten_cgroups_.end(), cgroups.begin(), cgroups.end());
    }
    removed_containers_.pop_front();
  }
}

void EventPipeline::Tick(uint64_t now_ns) {
  DrainMetadata();
  ForgetRemovedContainers(now_ns);
  if (options_.live && now_ns >= next_reap_ns_) {
    if (next_reap_ns_ != 0) {
      processes_.ReapVanished(now_ns, [](uint32_t pid) {
        return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
      });
    }
    next_reap_ns_ = now_ns + kReapIntervalNs;
  }
  // Give memory freed after bursts back to the system (glibc keeps it otherwise: a burst of
  // 2,000 processes left the agent 11 MB larger for good).
  forgotten_since_trim_ += processes_.Sweep(now_ns);
  if (forgotten_since_trim_ >= kTrimAfterForgotten) {
    malloc_trim(0);
    forgotten_since_trim_ = 0;
  }
}

void EventPipeline::NoteContainer(const Process& process, const Event& event) {
  if (process.container_id == kHostContainerId || process.container_id.empty()) return;
  // At exec the process runs inside the container's root; a fork may still be the runtime's.
  if (options_.live && IsProcessImage(event.type)) {
    users_.LoadContainer(process.container_id, event.pid);
  }
  if (options_.metadata && !containers_.Find(process.container_id)) {
    options_.metadata->Request(process.container_id);
  }
}

void EventPipeline::Handle(Event& event) {
  event.num = ++events_;
  const vigil::Process* process = processes_.Apply(event);
  if (IsProcessImage(event.type) || event.type == EventType::kClone) NoteContainer(*process, event);
  if (options_.capture) {
    // Load the host's users now, so the capture records them (containers' are recorded as
    // their tables load).
    if (IsProcessImage(event.type)) users_.Name(process->container_id, event.uid);
    Record(options_.capture->Write(event));
  }
  if (options_.baseline && process->container_id != kHostContainerId) {
    std::string_view user;
    if (IsProcessImage(event.type)) {
      user = users_.Name(process->container_id, event.uid).value_or(std::string_view());
    }
    options_.baseline->Observe(event, *process, processes_.Find(process->ppid), user);
  }
  if (!options_.rules) return;
  const bool timed = events_ % kEvalSampleEvery == 0;
  const auto start = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  ctx_.Begin(&event, process);
  options_.rules->Match(ctx_, event.type, [&](const rules::Rule& rule) { Emit(rule, *process); });
  if (timed) {
    rule_eval_sampled_ns_ += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
            .count());
  }
}

void EventPipeline::Emit(const rules::Rule& rule, const vigil::Process& process) {
  const std::string& cid = process.container_id;
  if (options_.metadata && cid != kHostContainerId && !containers_.Find(cid)) {
    // Better a moment late than an alert that says <NA> for a container the engine knows.
    DrainMetadata();
    if (!containers_.Find(cid)) {
      options_.metadata->Request(cid);
      options_.metadata->WaitFor(cid, options_.metadata_wait);
      DrainMetadata();
    }
    ctx_.Begin(&ctx_.event(), &process);  // the container is now known: re-extract
  }
  alert_.time_ns = ctx_.event().ts_ns;
  alert_.rule = rule.name;
  alert_.priority = rule.priority;
  alert_.source = "syscall";
  alert_.tags = rule.tags;
  alert_.hostname = options_.hostname;
  rule.output.Render(ctx_, alert_.output, alert_.output_fields);
  ++alerts_;
  options_.sink->Emit(alert_);
}

void EventPipeline::EmitInternal(Alert alert) {
  if (!options_.sink) return;
  if (alert.time_ns == 0) alert.time_ns = WallClockNs();
  alert.source = "internal";
  alert.hostname = options_.hostname;
  options_.sink->Emit(alert);
}

}  // namespace vigil
