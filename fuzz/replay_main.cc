// Replay driver for fuzz targets built without libFuzzer: runs LLVMFuzzerTestOneInput on every
// file of the given corpus directories (or files), and on every prefix and one-byte mutation of
// each, so the targets run as ordinary tests in `make test`.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void RunOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

void RunWithVariants(const std::string& input) {
  RunOne(input);
  for (std::size_t cut = 0; cut < input.size(); ++cut) RunOne(input.substr(0, cut));
  static constexpr char kReplacements[] = {'\0', '\r', '\n', ':', '0', 'f', '\xff', ' '};
  for (std::size_t i = 0; i < input.size(); ++i) {
    for (char replacement : kReplacements) {
      std::string mutated = input;
      mutated[i] = replacement;
      RunOne(mutated);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t files = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<std::filesystem::path> paths;
    if (std::filesystem::is_directory(argv[i])) {
      for (const auto& entry : std::filesystem::directory_iterator(argv[i])) {
        if (entry.is_regular_file()) paths.push_back(entry.path());
      }
    } else {
      paths.emplace_back(argv[i]);
    }
    for (const auto& path : paths) {
      std::ifstream in(path, std::ios::binary);
      std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      RunWithVariants(input);
      ++files;
    }
  }
  std::printf("replayed %zu corpus files with their prefixes and mutations\n", files);
  return files > 0 ? 0 : 1;
}
