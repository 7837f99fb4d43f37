// Fuzz target: arbitrary text as a scenario file. Loading either succeeds with a valid
// scenario or returns an error that names the file; it never crashes or throws.
#include <cstdint>
#include <string_view>

#include "scenario/yaml_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = stampede::scenario::LoadScenarioText(text, "fuzz.yaml");
  if (loaded.ok()) {
    if (!stampede::scenario::Validate(*loaded).ok()) __builtin_trap();
  } else if (loaded.error().message.rfind("fuzz.yaml", 0) != 0) {
    __builtin_trap();
  }
  return 0;
}
