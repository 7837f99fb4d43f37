#include "server/listen_address.h"

#include <gtest/gtest.h>

namespace stampede::server {
namespace {

TEST(ParseListenAddressTest, ParsesHostAndPort) {
  auto address = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(address.ok()) << address.error().message;
  EXPECT_EQ(address->host, "127.0.0.1");
  EXPECT_EQ(address->port, 8080);
}

TEST(ParseListenAddressTest, PortZeroAndNames) {
  auto address = ParseListenAddress("localhost:0");
  ASSERT_TRUE(address.ok());
  EXPECT_EQ(address->host, "localhost");
  EXPECT_EQ(address->port, 0);
}

TEST(ParseListenAddressTest, BracketedIpv6) {
  auto address = ParseListenAddress("[::1]:9000");
  ASSERT_TRUE(address.ok());
  EXPECT_EQ(address->host, "::1");
  EXPECT_EQ(address->port, 9000);
}

TEST(ParseListenAddressTest, EmptyHostMeansEveryInterface) {
  auto address = ParseListenAddress(":8080");
  ASSERT_TRUE(address.ok());
  EXPECT_EQ(address->host, "0.0.0.0");
}

TEST(ParseListenAddressTest, RejectsWhatIsNotHostColonPort) {
  for (const char* text :
       {"8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "h:65536", "h:-1", "::1:8080"}) {
    auto address = ParseListenAddress(text);
    ASSERT_FALSE(address.ok()) << text;
    EXPECT_NE(address.error().message.find(text), std::string::npos) << address.error().message;
    EXPECT_NE(address.error().message.find("HOST:PORT"), std::string::npos);
  }
}

TEST(FormatHostPortTest, BracketsIpv6) {
  EXPECT_EQ(FormatHostPort("127.0.0.1", 80), "127.0.0.1:80");
  EXPECT_EQ(FormatHostPort("::1", 80), "[::1]:80");
}

}  // namespace
}  // namespace stampede::server
