// The field registry: every field a condition or an output can name, with its type, its
// argument, whether vigil produces its data yet, its description and how to extract it. One
// table drives the compiler's checks, `vigil rules fields` and the docs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "rules/eval_context.h"

namespace vigil::rules {

enum class FieldArgKind : uint8_t {
  kNone,           // proc.name
  kIndex,          // proc.apid[2]: a number in brackets, required
  kOptionalIndex,  // proc.aname[2]; plain proc.aname means "any ancestor"
  kKey,            // container.label[app] or container.label.app: text, required
  kOptionalKey,    // proc.env[HOME]; plain proc.env is the whole value
};

struct FieldArg {
  int64_t index = 0;
  std::string key;
  bool present = false;
};

// Writes the value and returns true, or returns false when the value is unknown.
// `scratch` is per-slot storage for strings that must be computed.
using Extractor = bool (*)(EvalContext& ctx, const FieldArg& arg, FieldValue& out,
                           std::string& scratch);

struct FieldDef {
  std::string_view name;
  FieldType type;
  FieldArgKind arg_kind;
  bool produced;  // false: vigil cannot supply this data yet; it always reads as unknown
  std::string_view description;
  Extractor extract;
  bool either_end = false;  // a socket field matching the local or the remote end (fd.ip)
  // Raw bytes (evt.buffer): compared as they are, printed as Falco prints buffers, printable
  // ASCII kept and every other byte as '.'.
  bool binary = false;
  // A domain-name field (fd.sip.name): the address field it names ("fd.sip"). '=', '!=' and
  // 'in' compare that address with the names' resolved addresses (state/domain_names.h).
  std::string_view address_field = {};
};

std::span<const FieldDef> AllFields();
std::string_view FieldTypeName(FieldType type);

// A field as written in a rule, resolved against the registry.
struct FieldRef {
  const FieldDef* def = nullptr;
  FieldArg arg;
  std::string text;         // canonical spelling: "proc.aname[2]", "container.label[app]"
  // The field has several values for one event (proc.aname without an index: every ancestor;
  // fd.ip: both ends): a check holds when it holds for one of them. The extractor is called
  // with arg.index 1, 2, ... until it returns false.
  bool multi_value = false;
};

// Resolves "proc.name", "proc.aname[2]", "container.label.app". The error names what is wrong.
Result<FieldRef> ResolveField(std::string_view text);

// Extracts with the per-event cache of `slot`: the value, or null when unknown. The pointer
// stays valid until the next event.
inline const FieldValue* Extract(EvalContext& ctx, const FieldRef& ref, std::size_t slot) {
  auto& s = ctx.slot(slot);
  if (s.generation != ctx.generation()) {
    s.generation = ctx.generation();
    s.value = FieldValue();
    s.value.type = ref.def->type;
    s.known = ref.def->extract(ctx, ref.arg, s.value, s.scratch);
  }
  return s.known ? &s.value : nullptr;
}

// Capability names of a mask, space separated, as thread.cap_* print them.
std::string CapabilitiesText(uint64_t mask);

// Text of an open's flags as Falco prints them: "O_WRONLY|O_CREAT|O_TRUNC".
std::string OpenFlagsText(uint32_t flags);

// Parses "10.1.2.3", "::1" into an address, and "10.0.0.0/8" into an address and prefix length.
bool ParseIpAddress(std::string_view text, IpAddress& out);
bool ParseIpNetwork(std::string_view text, IpAddress& network, int& prefix_length);
bool IpInNetwork(const IpAddress& ip, const IpAddress& network, int prefix_length);
std::string FormatIpAddress(const IpAddress& ip);
inline NetAddress ToNetAddress(const IpAddress& ip) {
  NetAddress a;
  a.family = ip.family;
  a.bytes = ip.bytes;
  return a;
}

// The field tables, one per field class (fields_*.cpp).
std::span<const FieldDef> EventFields();
std::span<const FieldDef> ProcessFields();
std::span<const FieldDef> FdFields();
std::span<const FieldDef> ContainerFields();

}  // namespace vigil::rules
