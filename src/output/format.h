// Alert renderings: Falco's text line and Falco's JSON object (DESIGN.md §3).
#pragma once

#include <string>

#include "events/alert.h"

namespace vigil::output {

// "23:26:49.123456789: Warning Sensitive file opened ... (user=root ...)"
std::string FormatText(const Alert& alert);
// One line of JSON: hostname, output, output_fields, priority, rule, source, tags, time.
std::string FormatJson(const Alert& alert);

}  // namespace vigil::output
