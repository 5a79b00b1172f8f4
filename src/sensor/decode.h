// Decodes one ring-buffer record (bpf/shared/events.h) into an Event. Pure: no kernel needed,
// so it is unit-tested with hand-built records. Records come from the kernel but are still
// checked: a short or inconsistent record is an error, never an out-of-bounds read.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"
#include "events/event.h"

namespace vigil::sensor {

Status DecodeRecord(std::span<const uint8_t> record, int64_t boot_to_wall_ns, Event& out);

// A dual-stack IPv6 socket carrying IPv4 (::ffff:a.b.c.d) becomes the IPv4 socket it is.
void UnmapIpv4(Event::FdInfo& fd);

// "shadow\0etc\0" (leaf first) -> "/etc/shadow"; empty -> "/".
void ComponentsToPath(std::string_view components, std::string& out);

}  // namespace vigil::sensor
