// container.* and k8s.* fields: what the runtime says about the event's container.
#include <fmt/core.h>

#include "common/glob.h"
#include "rules/field_helpers.h"

namespace vigil::rules {
namespace {

using namespace field_helpers;

bool IsHost(Ctx& c) { return c.process() && c.process()->container_id == kHostContainerId; }

bool Member(Ctx& c, FieldValue& o, std::string ContainerInfo::*member) {
  const ContainerInfo* info = c.container();
  return info && NonEmpty(o, info->*member);
}

bool Label(Ctx& c, std::string_view key, FieldValue& o) {
  const ContainerInfo* info = c.container();
  if (!info) return false;
  auto it = info->labels.find(std::string(key));
  return it != info->labels.end() && Str(o, it->second);
}

#define CONTAINER_STRING(NAME, MEMBER, DESC)                                 \
  {NAME, FieldType::kString, FieldArgKind::kNone, true, DESC,                \
   [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {                \
     return Member(c, o, &ContainerInfo::MEMBER);                            \
   }}

const FieldDef kContainerFields[] = {
    {"container.id", FieldType::kString, FieldArgKind::kNone, true,
     "First 12 hex characters of the container id; 'host' for host processes.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return c.process() && NonEmpty(o, c.process()->container_id);
     }},
    {"container.name", FieldType::kString, FieldArgKind::kNone, true,
     "Container name; 'host' for the host.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return IsHost(c) ? Str(o, "host") : Member(c, o, &ContainerInfo::name);
     }},
    CONTAINER_STRING("container.image", image,
                     "Image the container was created from, as given (e.g. alpine:3.20)."),
    CONTAINER_STRING("container.image.repository", image_repository,
                     "Repository of the container's image (e.g. alpine)."),
    CONTAINER_STRING("container.image.tag", image_tag, "Tag of the container's image."),
    CONTAINER_STRING("container.image.digest", image_digest,
                     "Digest of the container's image, when the reference pins one."),
    CONTAINER_STRING("container.image.id", image_id, "Image id (sha256:...)."),
    CONTAINER_STRING("container.runtime", runtime,
                     "Container runtime: docker, containerd, cri-o, podman."),
    {"container.privileged", FieldType::kBool, FieldArgKind::kNone, true,
     "True when the container runs privileged.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const ContainerInfo* info = c.container();
       return info && Bool(o, info->privileged);
     }},
    {"container.start_ts", FieldType::kUint64, FieldArgKind::kNone, true,
     "When the container started, ns since the epoch.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       const ContainerInfo* info = c.container();
       return info && info->started_ns && Uint(o, info->started_ns);
     }},
    {"container.label", FieldType::kString, FieldArgKind::kKey, true,
     "A container label: container.label[com.example.app] or container.label.app.",
     [](Ctx& c, const FieldArg& a, FieldValue& o, std::string&) { return Label(c, a.key, o); }},
    {"container.mounts", FieldType::kString, FieldArgKind::kNone, true,
     "The container's mounts, comma separated, each source:dest:mode:rdrw:propagation.",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string& s) {
       const ContainerInfo* info = c.container();
       if (!info) return false;
       s.clear();
       for (const auto& m : info->mounts) {
         if (!s.empty()) s += ',';
         s += fmt::format("{}:{}:{}:{}:{}", m.source, m.destination, m.mode,
                          m.read_write ? "true" : "false", m.propagation);
       }
       return Str(o, s);
     }},
    {"container.mount.dest", FieldType::kString, FieldArgKind::kKey, true,
     "Destination of the first mount whose source matches the argument (a path or glob), or of "
     "the Nth mount for a number: container.mount.dest[/var/run/docker.sock].",
     [](Ctx& c, const FieldArg& a, FieldValue& o, std::string&) {
       const ContainerInfo* info = c.container();
       if (!info) return false;
       bool numeric = !a.key.empty() && a.key.find_first_not_of("0123456789") == std::string::npos;
       if (numeric) {
         std::size_t i = std::stoul(a.key);
         return i < info->mounts.size() && Str(o, info->mounts[i].destination);
       }
       for (const auto& m : info->mounts) {
         if (GlobMatch(a.key, m.source)) return Str(o, m.destination);
       }
       return false;
     }},
    {"k8s.ns.name", FieldType::kString, FieldArgKind::kNone, true,
     "Kubernetes namespace of the pod (from the io.kubernetes.pod.namespace label).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return Label(c, "io.kubernetes.pod.namespace", o);
     }},
    {"k8s.pod.name", FieldType::kString, FieldArgKind::kNone, true,
     "Kubernetes pod name (from the io.kubernetes.pod.name label).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return Label(c, "io.kubernetes.pod.name", o);
     }},
    {"k8s.pod.uid", FieldType::kString, FieldArgKind::kNone, true,
     "Kubernetes pod uid (from the io.kubernetes.pod.uid label).",
     [](Ctx& c, const FieldArg&, FieldValue& o, std::string&) {
       return Label(c, "io.kubernetes.pod.uid", o);
     }},
};

#undef CONTAINER_STRING

}  // namespace

std::span<const FieldDef> ContainerFields() { return kContainerFields; }

}  // namespace vigil::rules
