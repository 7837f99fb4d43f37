// Golden-file comparison: STAMPEDE_UPDATE_GOLDEN=1 rewrites the file instead of comparing.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace stampede::report::testing {

inline void ExpectMatchesGolden(const std::string& actual, const std::string& name) {
  const std::string path = std::string(STAMPEDE_GOLDEN_DIR) + "/" + name;
  if (std::getenv("STAMPEDE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path
                  << " (run with STAMPEDE_UPDATE_GOLDEN=1 to create it, then review it)";
  const std::string expected((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  EXPECT_EQ(actual, expected) << "differs from " << path;
}

}  // namespace stampede::report::testing
