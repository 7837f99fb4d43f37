#include "protocol/http_response_parser.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede::protocol {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 0;
  std::string reason;
  int version_minor = 1;
  Headers headers;
  std::optional<std::int64_t> content_length;
  bool chunked = false;
  bool keep_alive = true;
  std::string body;
  std::vector<std::int64_t> chunk_ends;
  bool complete = false;

  bool operator==(const Response&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Response& response) {
  out << "{" << response.status << " " << testing::PrintToString(response.reason) << " 1."
      << response.version_minor << " headers=" << testing::PrintToString(response.headers)
      << " length=" << (response.content_length ? std::to_string(*response.content_length) : "none")
      << " chunked=" << response.chunked << " keep_alive=" << response.keep_alive
      << " body=" << testing::PrintToString(response.body)
      << " chunk_ends=" << testing::PrintToString(response.chunk_ends)
      << " complete=" << response.complete << "}";
  return out;
}

class Recorder : public HttpResponseParser::Handler {
 public:
  void OnHead(const HttpResponseHead& head) override {
    EXPECT_TRUE(responses.empty() || responses.back().complete) << "OnHead before OnComplete";
    responses.push_back({head.status, head.reason, head.version_minor, head.headers,
                         head.content_length, head.chunked, head.keep_alive});
  }
  void OnBody(std::string_view data) override {
    ASSERT_FALSE(responses.empty());
    EXPECT_FALSE(responses.back().complete);
    EXPECT_FALSE(data.empty());
    responses.back().body.append(data);
  }
  void OnChunkEnd(std::int64_t size) override {
    ASSERT_FALSE(responses.empty());
    responses.back().chunk_ends.push_back(size);
  }
  void OnComplete() override {
    ASSERT_FALSE(responses.empty());
    EXPECT_FALSE(responses.back().complete) << "OnComplete twice";
    responses.back().complete = true;
  }

  std::vector<Response> responses;
};

struct Outcome {
  std::vector<Response> responses;
  std::optional<std::string> error;

  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Outcome& outcome) {
  return out << testing::PrintToString(outcome.responses)
             << " error=" << outcome.error.value_or("none");
}

struct Options {
  bool head_request = false;
  bool eof = false;  // call FinishOnEof after the last piece
  HttpResponseParser::Limits limits;
};

// Feeds the pieces as a client would: after each complete response, Reset and feed the rest.
Outcome Drive(const std::vector<std::string_view>& pieces, const Options& options = {}) {
  Recorder recorder;
  HttpResponseParser parser(recorder, options.limits);
  parser.Reset(options.head_request);
  Outcome outcome;
  auto finish = [&](std::optional<std::string> error) {
    outcome.responses = recorder.responses;
    outcome.error = std::move(error);
    return outcome;
  };
  for (std::string_view rest : pieces) {
    while (!rest.empty()) {
      if (parser.complete()) parser.Reset(options.head_request);
      auto consumed = parser.Feed(rest);
      if (!consumed) return finish(consumed.error().message);
      EXPECT_LE(*consumed, rest.size());
      if (*consumed < rest.size()) {
        EXPECT_TRUE(parser.complete());
      }
      rest.remove_prefix(*consumed);
      if (parser.complete()) {
        EXPECT_TRUE(parser.head_done());
        EXPECT_EQ(parser.body_bytes(),
                  static_cast<std::int64_t>(recorder.responses.back().body.size()));
      } else {
        EXPECT_TRUE(rest.empty());
        break;
      }
    }
  }
  if (options.eof) {
    auto finished = parser.FinishOnEof();
    if (!finished) return finish(finished.error().message);
  }
  return finish(std::nullopt);
}

std::vector<std::vector<std::string_view>> Splits(std::string_view input) {
  std::vector<std::vector<std::string_view>> splits = {{input}};
  for (std::size_t i = 0; i <= input.size(); ++i) {
    splits.push_back({input.substr(0, i), input.substr(i)});
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
  if (!bytes.empty()) splits.push_back(bytes);
  return splits;
}

void ExpectForAllSplits(std::string_view input, const Outcome& expected,
                        const Options& options = {}) {
  for (const auto& pieces : Splits(input)) {
    ASSERT_EQ(Drive(pieces, options), expected)
        << "input " << testing::PrintToString(std::string(input)) << " in " << pieces.size()
        << " pieces, first of " << pieces.front().size() << " bytes";
  }
}

Outcome Failed(std::string error, std::vector<Response> responses = {}) {
  return {std::move(responses), std::move(error)};
}

constexpr std::string_view kChunkedResponse =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "5\r\nhello\r\n"
    "6;ext=1\r\n world\r\n"
    "0\r\n"
    "\r\n";

// What kChunkedResponse parses to.
Response ChunkedExpected() {
  return {.status = 200,
          .reason = "OK",
          .headers = {{"Content-Type", "text/event-stream"}, {"Transfer-Encoding", "chunked"}},
          .chunked = true,
          .body = "hello world",
          .chunk_ends = {5, 6},
          .complete = true};
}

TEST(HttpResponseParserTest, ContentLengthBody) {
  ExpectForAllSplits(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
      {{{.status = 200,
         .reason = "OK",
         .headers = {{"Content-Type", "text/plain"}, {"Content-Length", "5"}},
         .content_length = 5,
         .body = "hello",
         .complete = true}}});
}

TEST(HttpResponseParserTest, ChunkedBody) {
  ExpectForAllSplits(kChunkedResponse, {{ChunkedExpected()}});
}

TEST(HttpResponseParserTest, ChunkedWithTrailers) {
  ExpectForAllSplits(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n",
      {{{.status = 200,
         .reason = "OK",
         .headers = {{"Transfer-Encoding", "chunked"}},
         .chunked = true,
         .body = "abc",
         .chunk_ends = {3},
         .complete = true}}});
}

TEST(HttpResponseParserTest, CloseDelimitedBodyCompletesOnEof) {
  constexpr std::string_view kInput = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\ndata until close";
  Response expected = {.status = 200,
                       .reason = "OK",
                       .headers = {{"Server", "x"}},
                       .keep_alive = false,  // the close ends the body
                       .body = "data until close"};
  ExpectForAllSplits(kInput, {{expected}});
  expected.complete = true;
  ExpectForAllSplits(kInput, {{expected}}, {.eof = true});
}

TEST(HttpResponseParserTest, TransferEncodingNotEndingInChunkedReadsUntilClose) {
  ExpectForAllSplits(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n"
      "Content-Length: 3\r\n\r\nabcdef",
      {{{.status = 200,
         .reason = "OK",
         .headers = {{"Transfer-Encoding", "chunked, gzip"}, {"Content-Length", "3"}},
         .keep_alive = false,
         .body = "abcdef",
         .complete = true}}},
      {.eof = true});
}

TEST(HttpResponseParserTest, TransferEncodingOverridesContentLength) {
  ExpectForAllSplits(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\ntransfer-encoding: gzip\r\n"
      "Transfer-Encoding:  CHUNKED \r\n\r\n2\r\nok\r\n0\r\n\r\n",
      {{{.status = 200,
         .reason = "OK",
         .headers = {{"Content-Length", "100"},
                     {"transfer-encoding", "gzip"},
                     {"Transfer-Encoding", "CHUNKED"}},
         .chunked = true,
         .body = "ok",
         .chunk_ends = {2},
         .complete = true}}});
}

TEST(HttpResponseParserTest, NoBodyFor204And304EvenWithLength) {
  // Each is followed by a pipelined response, which must not be taken for its body.
  ExpectForAllSplits(
      "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"
      "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      {{{.status = 204,
         .reason = "No Content",
         .headers = {{"Content-Length", "10"}},
         .content_length = 10,
         .complete = true},
        {.status = 304,
         .reason = "Not Modified",
         .headers = {{"Transfer-Encoding", "chunked"}},
         .chunked = true,
         .complete = true},
        {.status = 200,
         .reason = "OK",
         .headers = {{"Content-Length", "2"}},
         .content_length = 2,
         .body = "ok",
         .complete = true}}});
}

TEST(HttpResponseParserTest, NoBodyForHeadRequest) {
  ExpectForAllSplits(
      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
      {{{.status = 200,
         .reason = "OK",
         .headers = {{"Content-Length", "1000"}},
         .content_length = 1000,
         .complete = true},
        {.status = 200,
         .reason = "OK",
         .headers = {{"Transfer-Encoding", "chunked"}},
         .chunked = true,
         .complete = true}}},
      {.head_request = true});
}

TEST(HttpResponseParserTest, SkipsInterimResponses) {
  ExpectForAllSplits(
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      {{{.status = 200,
         .reason = "OK",
         .headers = {{"Content-Length", "2"}},
         .content_length = 2,
         .body = "ok",
         .complete = true}}});
}

TEST(HttpResponseParserTest, SwitchingProtocolsEndsAtHead) {
  Recorder recorder;
  HttpResponseParser parser(recorder);
  constexpr std::string_view kHead =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
  auto consumed = parser.Feed(std::string(kHead) + "\x81\x05hello");
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(*consumed, kHead.size());
  EXPECT_TRUE(parser.complete());
  ASSERT_EQ(recorder.responses.size(), 1u);
  EXPECT_EQ(recorder.responses[0].status, 101);
  EXPECT_EQ(recorder.responses[0].body, "");
}

TEST(HttpResponseParserTest, KeepAliveAndClose) {
  auto keep_alive = [](std::string_view head) {
    Recorder recorder;
    HttpResponseParser parser(recorder);
    auto consumed = parser.Feed(head);
    EXPECT_TRUE(consumed.ok());
    EXPECT_EQ(recorder.responses.size(), 1u);
    return !recorder.responses.empty() && recorder.responses[0].keep_alive;
  };
  EXPECT_TRUE(keep_alive("HTTP/1.1 204 No Content\r\n\r\n"));
  EXPECT_FALSE(keep_alive("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"));
  EXPECT_FALSE(keep_alive("HTTP/1.1 204 No Content\r\nconnection: Upgrade, CLOSE\r\n\r\n"));
  EXPECT_FALSE(keep_alive("HTTP/1.0 204 No Content\r\n\r\n"));
  EXPECT_TRUE(keep_alive("HTTP/1.0 204 No Content\r\nConnection: Keep-Alive\r\n\r\n"));
  EXPECT_FALSE(keep_alive("HTTP/1.0 204 No Content\r\nConnection: keep-alive, close\r\n\r\n"));
  // A body delimited by the close leaves nothing to keep alive.
  EXPECT_FALSE(keep_alive("HTTP/1.1 200 OK\r\n\r\n"));
}

TEST(HttpResponseParserTest, Http10Response) {
  ExpectForAllSplits("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc",
                     {{{.status = 200,
                        .reason = "OK",
                        .version_minor = 0,
                        .headers = {{"Content-Length", "3"}},
                        .content_length = 3,
                        .keep_alive = false,
                        .body = "abc",
                        .complete = true}}});
}

TEST(HttpResponseParserTest, TwoPipelinedResponses) {
  const std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst";
  const std::string stream = first + std::string(kChunkedResponse);
  ExpectForAllSplits(stream, {{{.status = 200,
                                .reason = "OK",
                                .headers = {{"Content-Length", "5"}},
                                .content_length = 5,
                                .body = "first",
                                .complete = true},
                               ChunkedExpected()}});

  Recorder recorder;
  HttpResponseParser parser(recorder);
  auto consumed = parser.Feed(stream);
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(*consumed, first.size());
  EXPECT_TRUE(parser.complete());
  auto after_complete = parser.Feed(std::string_view(stream).substr(*consumed));
  ASSERT_TRUE(after_complete.ok());
  EXPECT_EQ(*after_complete, 0u);
  parser.Reset();
  EXPECT_FALSE(parser.complete());
  EXPECT_FALSE(parser.head_done());
  EXPECT_EQ(parser.body_bytes(), 0);
  consumed = parser.Feed(std::string_view(stream).substr(first.size()));
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(*consumed, kChunkedResponse.size());
  EXPECT_TRUE(parser.complete());
  EXPECT_EQ(parser.body_bytes(), 11);
}

TEST(HttpResponseParserTest, StreamsBodyAsItArrives) {
  Recorder recorder;
  HttpResponseParser parser(recorder);
  ASSERT_TRUE(parser.Feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").ok());
  EXPECT_TRUE(parser.head_done());
  EXPECT_FALSE(parser.complete());
  EXPECT_EQ(parser.body_bytes(), 3);
  ASSERT_EQ(recorder.responses.size(), 1u);
  EXPECT_EQ(recorder.responses[0].body, "abc");

  Recorder chunked_recorder;
  HttpResponseParser chunked_parser(chunked_recorder);
  ASSERT_TRUE(
      chunked_parser.Feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nda").ok());
  EXPECT_EQ(chunked_recorder.responses.back().body, "da");
  EXPECT_TRUE(chunked_recorder.responses.back().chunk_ends.empty());
  ASSERT_TRUE(chunked_parser.Feed("ta: 12").ok());
  EXPECT_EQ(chunked_recorder.responses.back().chunk_ends, std::vector<std::int64_t>{8});
  EXPECT_EQ(chunked_recorder.responses.back().body, "data: 12");
  EXPECT_EQ(chunked_parser.body_bytes(), 8);
  EXPECT_FALSE(chunked_parser.complete());
}

TEST(HttpResponseParserTest, EofErrorsAtEachStage) {
  const Options eof = {.eof = true};
  ExpectForAllSplits("", Failed("connection closed before the response started"), eof);
  ExpectForAllSplits("HTTP/1.1 20", Failed("connection closed before the end of the status line"),
                     eof);
  ExpectForAllSplits("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n",
                     Failed("connection closed in the response head after 37 bytes"), eof);

  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n";
  const std::string cut_body = head + std::string(1200, 'x');
  Outcome expected = Failed("connection closed after 1200 of 4096 body bytes",
                            {{.status = 200,
                              .reason = "OK",
                              .headers = {{"Content-Length", "4096"}},
                              .content_length = 4096,
                              .body = std::string(1200, 'x')}});
  EXPECT_EQ(Drive({cut_body}, eof), expected);
  EXPECT_EQ(
      Drive({std::string_view(cut_body).substr(0, 50), std::string_view(cut_body).substr(50)}, eof),
      expected);

  Response chunked = {.status = 200,
                      .reason = "OK",
                      .headers = {{"Transfer-Encoding", "chunked"}},
                      .chunked = true,
                      .body = "hello",
                      .chunk_ends = {5}};
  ExpectForAllSplits(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
      Failed("connection closed in a chunked body after 5 body bytes, before the last chunk",
             {chunked}),
      eof);
  ExpectForAllSplits(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\n",
      Failed("connection closed in the trailer section of a chunked body after 5 body bytes",
             {chunked}),
      eof);
}

TEST(HttpResponseParserTest, EofAfterCompleteResponseIsFine) {
  Recorder recorder;
  HttpResponseParser parser(recorder);
  ASSERT_TRUE(parser.Feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").ok());
  EXPECT_TRUE(parser.complete());
  EXPECT_TRUE(parser.FinishOnEof().ok());
  ASSERT_EQ(recorder.responses.size(), 1u);  // and OnComplete was not called twice
  EXPECT_TRUE(recorder.responses[0].complete);
}

TEST(HttpResponseParserTest, HeadLimits) {
  constexpr std::string_view kResponse =
      "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n";
  Response ok = {.status = 200,
                 .reason = "OK",
                 .headers = {{"A", "1"}, {"B", "2"}, {"Content-Length", "0"}},
                 .content_length = 0,
                 .complete = true};
  ExpectForAllSplits(kResponse, {{ok}},
                     {.limits = {.max_head_bytes = kResponse.size(), .max_headers = 3}});
  ExpectForAllSplits(kResponse, Failed("more than 2 response header fields"),
                     {.limits = {.max_headers = 2}});
  ExpectForAllSplits(kResponse, Failed("response head larger than 49 bytes"),
                     {.limits = {.max_head_bytes = kResponse.size() - 1}});
  // A head that never ends is stopped by the limit too.
  ExpectForAllSplits("HTTP/1.1 200 OK\r\nX: 0123456789012345678901234567890123456789",
                     Failed("response head larger than 32 bytes"),
                     {.limits = {.max_head_bytes = 32}});
}

TEST(HttpResponseParserTest, RejectsInvalidStatusLines) {
  for (const std::string_view line :
       {"HTTP/2 200 OK", "HTTP/2.0 200 OK", "http/1.1 200 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 20 OK",
        "HTTP/1.1 abc OK", "HTTP/1.1  200 OK", "HTTP/1.1 099 Low", "ICY 200 OK", "HTTP/1.1 200OK",
        "HTTP/1.1 200 O\x01K", "<html>"}) {
    const std::string input = std::string(line) + "\r\n\r\n";
    const Outcome outcome = Drive({input});
    ASSERT_TRUE(outcome.error.has_value()) << line;
    EXPECT_EQ(outcome.error->rfind("invalid", 0), 0u) << *outcome.error;
    EXPECT_TRUE(outcome.responses.empty());
  }
  EXPECT_EQ(Drive({"HTTP/2 200 OK\r\n\r\n"}).error,
            "invalid HTTP/1.x status line \"HTTP/2 200 OK\"");
}

TEST(HttpResponseParserTest, AcceptsEmptyReasonBareLfAndLeadingEmptyLines) {
  const Response expected = {.status = 200,
                             .headers = {{"Content-Length", "2"}},
                             .content_length = 2,
                             .body = "ok",
                             .complete = true};
  ExpectForAllSplits("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok", {{expected}});
  ExpectForAllSplits("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok", {{expected}});
  ExpectForAllSplits("\r\nHTTP/1.1 200\nContent-Length: 2\n\nok", {{expected}});
}

TEST(HttpResponseParserTest, ContentLengthValidation) {
  const Response same = {.status = 200,
                         .reason = "OK",
                         .headers = {{"Content-Length", "3, 3"}, {"content-length", "3"}},
                         .content_length = 3,
                         .body = "abc",
                         .complete = true};
  ExpectForAllSplits("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\ncontent-length: 3\r\n\r\nabc",
                     {{same}});
  ExpectForAllSplits("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                     Failed("conflicting Content-Length values"));
  ExpectForAllSplits("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n",
                     Failed("conflicting Content-Length values"));
  for (const std::string_view value :
       {"-1", "abc", "", "1 2", "0x10", "+5", "99999999999999999999"}) {
    const std::string input =
        "HTTP/1.1 200 OK\r\nContent-Length: " + std::string(value) + "\r\n\r\n";
    EXPECT_EQ(Drive({input}).error, "invalid Content-Length \"" + std::string(value) + "\"");
  }
}

TEST(HttpResponseParserTest, RejectsInvalidHeaderLines) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"X-A: 1\r\n folded\r\n", "obsolete line folding in response header \" folded\""},
      {"Bad Name: x\r\n", "invalid header name in \"Bad Name: x\""},
      {"Name : x\r\n", "invalid header name in \"Name : x\""},
      {": x\r\n", "invalid header name in \": x\""},
      {"NoColon\r\n", "header line without colon \"NoColon\""},
      {std::string_view("X: a\0b\r\n", 8), "invalid header value in \"X: a\\x00b\""},
      {"X: a\rb\r\n", "invalid header value in \"X: a\\x0db\""},
  };
  for (const auto& [lines, error] : cases) {
    const std::string input = "HTTP/1.1 200 OK\r\n" + std::string(lines) + "\r\n";
    ExpectForAllSplits(input, Failed(std::string(error)));
  }
}

TEST(HttpResponseParserTest, HeaderLookupIsCaseInsensitiveAndTrimmed) {
  class HeadKeeper : public Recorder {
   public:
    void OnHead(const HttpResponseHead& head) override {
      Recorder::OnHead(head);
      kept = head;
    }
    HttpResponseHead kept;
  } keeper;
  HttpResponseParser parser(keeper);
  ASSERT_TRUE(parser
                  .Feed("HTTP/1.1 200 OK\r\ncontent-TYPE:  text/event-stream \t\r\n"
                        "X-Dup: first\r\nx-dup: second\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n")
                  .ok());
  EXPECT_EQ(keeper.kept.Header("Content-Type"), "text/event-stream");
  EXPECT_EQ(keeper.kept.Header("CONTENT-type"), "text/event-stream");
  EXPECT_EQ(keeper.kept.Header("x-dup"), "first");
  EXPECT_EQ(keeper.kept.Header("x-empty"), "");
  EXPECT_EQ(keeper.kept.Header("Content-Typ"), std::nullopt);
  EXPECT_EQ(keeper.kept.Header("Missing"), std::nullopt);
}

TEST(HttpResponseParserTest, InvalidChunkedFramingIsAnError) {
  ExpectForAllSplits(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX",
      Failed("invalid chunked body: expected CRLF after 2 bytes of chunk data, got 'X'",
             {{.status = 200,
               .reason = "OK",
               .headers = {{"Transfer-Encoding", "chunked"}},
               .chunked = true,
               .body = "ok",
               .chunk_ends = {2}}}));
}

TEST(HttpResponseParserTest, ReusedParserReportsEachHeadExactly) {
  // Header storage is reused between responses; a later head must not show earlier fields.
  ExpectForAllSplits(
      "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n"
      "HTTP/1.1 204 No Content\r\nC: 3\r\n\r\n",
      {{{.status = 200,
         .reason = "OK",
         .headers = {{"A", "1"}, {"B", "2"}, {"Content-Length", "0"}},
         .content_length = 0,
         .complete = true},
        {.status = 204, .reason = "No Content", .headers = {{"C", "3"}}, .complete = true}}});
}

TEST(HttpResponseParserTest, CopiedParserCallsItsOwnHandler) {
  Recorder first;
  HttpResponseParser parser(first);
  ASSERT_TRUE(parser.Feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").ok());
  HttpResponseParser copy = parser;
  ASSERT_TRUE(copy.Feed("2\r\nok\r\n0\r\n\r\n").ok());
  EXPECT_TRUE(copy.complete());
  EXPECT_EQ(copy.body_bytes(), 2);
  EXPECT_FALSE(parser.complete());
  EXPECT_EQ(parser.body_bytes(), 0);
}

}  // namespace
}  // namespace stampede::protocol
