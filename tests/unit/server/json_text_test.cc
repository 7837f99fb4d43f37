#include "server/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace stampede::server {
namespace {

TEST(JsonStringTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonString("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(JsonString(std::string_view("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(JsonString("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
}

TEST(JsonStringTest, ParsesBackToTheSameText) {
  std::string every_byte;
  for (int c = 1; c < 0x80; ++c) every_byte.push_back(static_cast<char>(c));
  every_byte.append("\xE2\x80\x94 end");
  EXPECT_EQ(nlohmann::json::parse(JsonString(every_byte)).get<std::string>(), every_byte);
  std::string appended = "x:";
  AppendJsonString(appended, "y");
  EXPECT_EQ(appended, "x:\"y\"");
}

}  // namespace
}  // namespace stampede::server
