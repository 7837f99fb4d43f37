#include "monitor/process_stats.h"

#include <gtest/gtest.h>

#include <vector>

namespace stampede::monitor {
namespace {

TEST(StatusFieldBytes, ReadsKilobyteFieldsAsBytes) {
  constexpr std::string_view kStatus =
      "Name:\tstampede\nVmPeak:\t  200000 kB\nVmHWM:\t   63328 kB\nVmRSS:\t   60000 kB\n"
      "Threads:\t3\n";
  EXPECT_EQ(StatusFieldBytes(kStatus, "VmHWM"), 63328 * 1024);
  EXPECT_EQ(StatusFieldBytes(kStatus, "VmRSS"), 60000 * 1024);
  EXPECT_EQ(StatusFieldBytes(kStatus, "Threads"), 3);
  EXPECT_EQ(StatusFieldBytes(kStatus, "VmSwap"), -1);
  EXPECT_EQ(StatusFieldBytes(kStatus, "Vm"), -1);  // a prefix of a key is not the key
}

TEST(PeakRssBytes, GrowsWhenThisProcessTouchesMemory) {
  const std::int64_t before = PeakRssBytes();
  EXPECT_GT(before, 0);
  std::vector<char> touched(64 << 20, 1);
  EXPECT_GE(PeakRssBytes(), before + (32 << 20));
  EXPECT_EQ(touched[12345], 1);
}

}  // namespace
}  // namespace stampede::monitor
