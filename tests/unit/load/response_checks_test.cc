#include "load/response_checks.h"

#include <gtest/gtest.h>

namespace stampede::load {
namespace {

using scenario::Checks;

// A complete response fed to an observer that keeps what the checks need.
class Judged {
 public:
  Judged(const Checks& checks, const std::string& response) {
    auto compiled = ResponseChecks::Compile(checks);
    EXPECT_TRUE(compiled.ok()) << (compiled.ok() ? "" : compiled.error().message);
    checks_ = std::make_unique<ResponseChecks>(std::move(*compiled));
    observer_.SetCapture(checks_->needs_headers(), checks_->needs_body(), checks_->needs_sha256(),
                         checks_->needs_md5());
    observer_.Begin(0, false);
    EXPECT_TRUE(observer_.Feed(response, 1).ok());
    EXPECT_TRUE(observer_.complete());
  }
  std::string category() const { return checks_->Judge(observer_); }
  const ResponseObserver& observer() const { return observer_; }

 private:
  std::unique_ptr<ResponseChecks> checks_;
  ResponseObserver observer_{scenario::StreamMode::kAuto};
};

std::string Response(std::string_view body, std::string_view extra_headers = "", int status = 200) {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(extra_headers) + "\r\n" + std::string(body);
}

TEST(ResponseChecks, StatusComesFirst) {
  Checks checks;
  checks.min_bytes = 100;
  EXPECT_EQ(Judged(checks, Response("x", "", 503)).category(), "http.503");
  EXPECT_EQ(Judged(checks, Response("x")).category(), "check.min_bytes");
}

TEST(ResponseChecks, SizesAndCounts) {
  Checks checks;
  checks.size = 3;
  EXPECT_EQ(Judged(checks, Response("abc")).category(), "");
  EXPECT_EQ(Judged(checks, Response("abcd")).category(), "check.size");
  Checks max;
  max.max_bytes = 2;
  EXPECT_EQ(Judged(max, Response("abc")).category(), "check.max_bytes");
  Checks events;
  events.max_events = 1;
  events.min_events = 0;
  const std::string sse =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 19\r\n\r\n"
      "data: a\n\ndata: bb\n\n";
  EXPECT_EQ(Judged(events, sse).category(), "check.max_events");
}

TEST(ResponseChecks, DigestsOfTheBody) {
  Checks checks;
  checks.sha256 = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";  // "abc"
  checks.md5 = "900150983cd24fb0d6963f7d28e17f72";
  Judged ok(checks, Response("abc"));
  EXPECT_EQ(ok.category(), "");
  EXPECT_EQ(ok.observer().sha256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Judged(checks, Response("abd")).category(), "check.sha256");
  checks.sha256.clear();
  EXPECT_EQ(Judged(checks, Response("abd")).category(), "check.md5");
}

TEST(ResponseChecks, HeadersEqualOrMatch) {
  Checks checks;
  checks.headers = {{"Content-Type", std::string("application/json"), std::nullopt},
                    {"X-Request-Id", std::nullopt, std::string("[0-9a-f]{8}")}};
  EXPECT_EQ(Judged(checks, Response("{}",
                                    "content-type: application/json\r\nX-Request-Id: "
                                    "deadbeef\r\n"))
                .category(),
            "");
  EXPECT_EQ(
      Judged(checks, Response("{}", "Content-Type: text/plain\r\nX-Request-Id: 1\r\n")).category(),
      "check.header.content-type");
  EXPECT_EQ(Judged(checks, Response("{}",
                                    "Content-Type: application/json\r\nX-Request-Id: "
                                    "nothex!!\r\n"))
                .category(),
            "check.header.x-request-id");
  EXPECT_EQ(Judged(checks, Response("{}", "Content-Type: application/json\r\n")).category(),
            "check.header.x-request-id");
}

TEST(ResponseChecks, BodyContainsRegexAndJson) {
  const std::string body = R"({"choices":[{"finish_reason":"length","n":3}],"id":"c-1"})";
  Checks checks;
  checks.contains = {"choices", "c-1"};
  checks.regex = R"("id":"c-\d+")";
  checks.json = {{"choices.0.finish_reason", std::string(R"("length")")},
                 {"choices.0.n", std::string("3.0")},
                 {"id", std::nullopt}};
  EXPECT_EQ(Judged(checks, Response(body)).category(), "");
  checks.contains.push_back("nope");
  EXPECT_EQ(Judged(checks, Response(body)).category(), "check.contains");
  checks.contains.pop_back();
  checks.regex = "id\":\"x";
  EXPECT_EQ(Judged(checks, Response(body)).category(), "check.regex");
  checks.regex.clear();
  checks.json[0].equals = R"("stop")";
  EXPECT_EQ(Judged(checks, Response(body)).category(), "check.json.choices.0.finish_reason");
  checks.json[0].equals.reset();
  checks.json.push_back({"usage", std::nullopt});
  EXPECT_EQ(Judged(checks, Response(body)).category(), "check.json.usage");
}

TEST(ResponseChecks, BadRegexOrJsonValueIsRefusedAtCompile) {
  Checks checks;
  checks.regex = "(unclosed";
  EXPECT_FALSE(ResponseChecks::Compile(checks).ok());
  Checks json;
  json.json = {{"a", std::string("length")}};  // not JSON: strings must be quoted
  auto compiled = ResponseChecks::Compile(json);
  ASSERT_FALSE(compiled.ok());
  EXPECT_NE(compiled.error().message.find("not a JSON value"), std::string::npos);
}

TEST(JsonPathValue, WalksObjectsAndArrays) {
  const std::string text = R"({"a":{"b":[10,{"c":"x"}]},"n":null})";
  EXPECT_EQ(JsonPathValue(text, "a.b.0"), "10");
  EXPECT_EQ(JsonPathValue(text, "a.b.1.c"), R"("x")");
  EXPECT_EQ(JsonPathValue(text, "n"), "null");
  EXPECT_EQ(JsonPathValue(text, "a.b.2"), std::nullopt);
  EXPECT_EQ(JsonPathValue(text, "a.z"), std::nullopt);
  EXPECT_EQ(JsonPathValue("not json", "a"), std::nullopt);
}

}  // namespace
}  // namespace stampede::load
