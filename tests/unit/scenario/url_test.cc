#include "scenario/url.h"

#include <gtest/gtest.h>

namespace stampede::scenario {
namespace {

TEST(ParseUrl, SplitsSchemeHostPortAndTarget) {
  auto url = ParseUrl("http://127.0.0.1:8002/api/chat/stream?x=1");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8002);
  EXPECT_EQ(url->target, "/api/chat/stream?x=1");
  EXPECT_FALSE(url->tls());
  EXPECT_EQ(url->HostHeader(), "127.0.0.1:8002");
}

TEST(ParseUrl, DefaultsPortAndPath) {
  auto http = ParseUrl("http://localhost");
  ASSERT_TRUE(http.ok());
  EXPECT_EQ(http->port, 80);
  EXPECT_EQ(http->target, "/");
  EXPECT_EQ(http->HostHeader(), "localhost");
  auto https = ParseUrl("HTTPS://example.test?q=1");
  ASSERT_TRUE(https.ok());
  EXPECT_TRUE(https->tls());
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->target, "/?q=1");
  EXPECT_EQ(https->ToString(), "https://example.test/?q=1");
}

TEST(ParseUrl, Ipv6Literal) {
  auto url = ParseUrl("http://[::1]:9000/sse");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9000);
  EXPECT_EQ(url->HostHeader(), "[::1]:9000");
}

TEST(ParseUrl, ErrorsSayWhatToWrite) {
  auto no_scheme = ParseUrl("127.0.0.1:8000/x");
  ASSERT_FALSE(no_scheme.ok());
  EXPECT_NE(no_scheme.error().message.find("http://host"), std::string::npos);
  auto ftp = ParseUrl("ftp://host/");
  ASSERT_FALSE(ftp.ok());
  EXPECT_NE(ftp.error().message.find("use http or https"), std::string::npos);
  EXPECT_FALSE(ParseUrl("http://host:0/").ok());
  EXPECT_FALSE(ParseUrl("http://host:65536/").ok());
  EXPECT_FALSE(ParseUrl("http://host:8x/").ok());
  EXPECT_FALSE(ParseUrl("http:///path").ok());
  auto credentials = ParseUrl("http://user:pw@host/");
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("Authorization"), std::string::npos);
}

}  // namespace
}  // namespace stampede::scenario
