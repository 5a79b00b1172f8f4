// Alert renderings: Falco's text line and Falco's JSON object (DESIGN.md §3).
#pragma once

#include <string>

#include "events/alert.h"

namespace vigil::output {

// "23:26:49.123456789: Warning Sensitive file opened ... (user=root ...)"
std::string FormatText(const Alert& alert);
// What the JSON object carries beyond the fixed keys (falco.yaml's json_include_* keys).
struct JsonOptions {
  bool include_output = true;  // the "output" text
  bool include_tags = true;    // the "tags" list
};

// One line of JSON: hostname, output, output_fields, priority, rule, source, tags, time.
std::string FormatJson(const Alert& alert, const JsonOptions& options = {});

}  // namespace vigil::output
