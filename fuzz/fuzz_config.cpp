// libFuzzer target: any bytes as a config file, and as a --set value. The loader must report
// problems with positions, never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil::config;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto loaded = ParseConfig(text, "fuzz.yaml");
  Loaded base;
  auto setting = ParseSetArgument("http_output=" + text);
  if (setting) (void)ApplySettings(base, {*setting});
  return loaded ? 0 : 0;
}
