// libFuzzer target: any bytes as a rules file. The loader must report problems with
// positions, never crash, hang or leak; whatever loads must evaluate an event safely.
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/eval_context.h"
#include "rules/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  rules::RuleLoader loader;
  loader.AddText("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
  auto set = loader.Build();
  for (const auto& d : loader.diagnostics()) rules::FormatDiagnostic(d);
  if (!set) return 0;
  ProcessTable processes;
  ContainerTable containers;
  UserDb users(false);
  rules::EvalContext ctx(&processes, &containers, &users);
  Event event;
  event.type = EventType::kOpenat;
  event.num = 1;
  event.pid = 10;
  event.comm = "cat";
  event.path = event.path_raw = "/etc/shadow";
  event.open_flags = O_RDONLY;
  event.ret = 3;
  const Process* p = processes.Apply(event);
  ctx.Begin(&event, p);
  set->Match(ctx, event.type, [&](const rules::Rule& rule) {
    std::string text;
    std::vector<std::pair<std::string, FieldJsonValue>> fields;
    rule.output.Render(ctx, text, fields);
  });
  return 0;
}
