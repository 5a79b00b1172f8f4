// libFuzzer target: any bytes as a rule condition. Parsing and compiling must reject bad input
// with a diagnostic, never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/compiler.h"
#include "rules/parser.h"

namespace {

vigil::rules::Definitions MakeDefinitions() {
  using namespace vigil::rules;
  Definitions defs;
  auto source = std::make_shared<SourceText>();
  source->text = "evt.type in (open, openat) and fd.num >= 0";
  auto parsed = ParseCondition(source);
  defs.macros["open_read"] = MacroDef{std::move(*parsed), Location{source, 0}, source->text};
  auto loop = std::make_shared<SourceText>();
  loop->text = "loop_macro and proc.name = x";
  defs.macros["loop_macro"] = MacroDef{std::move(*ParseCondition(loop)), Location{loop, 0}, loop->text};
  defs.lists["shells"].items = {{"sh", false, {}}, {"bash", false, {}}, {"shells", false, {}}};
  return defs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil::rules;
  static const Definitions defs = MakeDefinitions();
  auto source = std::make_shared<SourceText>();
  source->text.assign(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseCondition(source);
  if (!parsed) return 0;
  CompileCache cache;
  std::vector<Diagnostic> diagnostics;
  CompileCondition(**parsed, defs, cache, diagnostics);
  for (const auto& d : diagnostics) FormatDiagnostic(d);
  return 0;
}
