#include "server/llm_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace stampede::server {
namespace {

std::vector<std::string> Strings(const std::vector<std::string_view>& views) {
  return {views.begin(), views.end()};
}

TEST(TokenizeTest, WordsKeepTheirLeadingSpaceAndPunctuationStandsAlone) {
  EXPECT_EQ(Strings(Tokenize("Call me Ishmael.")),
            (std::vector<std::string>{"Call", " me", " Ishmael", "."}));
  EXPECT_EQ(Strings(Tokenize("Hello, world!  x2\n\nNew")),
            (std::vector<std::string>{"Hello", ",", " world", "!", "  x2", "\n\nNew"}));
  EXPECT_EQ(Strings(Tokenize("people's hats--then")),
            (std::vector<std::string>{"people", "'", "s", " hats", "-", "-", "then"}));
}

TEST(TokenizeTest, EdgeCases) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize("   \n ").empty());
  EXPECT_EQ(Strings(Tokenize("word   ")), (std::vector<std::string>{"word"}));
  // A UTF-8 character is never split: "naïve café" is two tokens.
  EXPECT_EQ(Strings(Tokenize("na\xC3\xAFve caf\xC3\xA9")),
            (std::vector<std::string>{"na\xC3\xAFve", " caf\xC3\xA9"}));
}

TEST(TokenizeTest, CountMatchesTokenizeAndTokensRebuildTheText) {
  for (const std::string_view text :
       {std::string_view("Hello, world!"), std::string_view(" a  b\tc. "), BuiltInText()}) {
    const auto tokens = Tokenize(text);
    EXPECT_EQ(CountTokens(text), tokens.size());
    std::string rebuilt;
    for (const auto token : tokens) rebuilt.append(token);
    EXPECT_EQ(rebuilt, text.substr(0, text.find_last_not_of(" \t\n") + 1));
  }
  EXPECT_EQ(CountTokens("Hello, world!"), 4U);
}

TEST(BuiltInTextTest, IsPlainEnglishProse) {
  const std::string_view text = BuiltInText();
  EXPECT_TRUE(text.starts_with("Call me Ishmael."));
  EXPECT_EQ(CountTokens(text), 726U);  // five paragraphs, about 600 words
  for (const char c : text) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
}

TEST(DrawAnswerTest, IsDeterministicAndStartsAWordAtASentence) {
  const auto first = DrawAnswer(12345, 50);
  EXPECT_EQ(first, DrawAnswer(12345, 50));
  ASSERT_EQ(first.size(), 50U);
  EXPECT_NE(first.front().front(), ' ');
  EXPECT_TRUE(first.front().front() >= 'A' && first.front().front() <= 'Z') << first.front();
  // Every token is one token of the rule: re-tokenizing the answer gives the same count.
  EXPECT_EQ(CountTokens(JoinTokens(first, 0, first.size())), 50U);
  // The key picks the sentence.
  bool differs = false;
  for (std::uint64_t key = 0; key < 5 && !differs; ++key) {
    differs = DrawAnswer(key, 5) != DrawAnswer(key + 1, 5);
  }
  EXPECT_TRUE(differs);
  EXPECT_EQ(JoinTokens(DrawAnswer(0, 3), 0, 3), "Call me Ishmael");
}

TEST(DrawAnswerTest, WrapsAroundTheTextWithAParagraphBreak) {
  const std::size_t total = CountTokens(BuiltInText());
  const auto answer = DrawAnswer(0, total + 3);
  ASSERT_EQ(answer.size(), total + 3);
  EXPECT_EQ(answer[total], "\n\nCall");
  EXPECT_EQ(answer[total + 2], " Ishmael");
  EXPECT_TRUE(DrawAnswer(7, 0).empty());
}

TEST(JoinTokensTest, JoinsARangeAndClampsTheEnd) {
  const std::vector<std::string_view> tokens = {"a", " b", " c"};
  EXPECT_EQ(JoinTokens(tokens, 1, 3), " b c");
  EXPECT_EQ(JoinTokens(tokens, 0, 10), "a b c");
  EXPECT_EQ(JoinTokens(tokens, 2, 2), "");
}

TEST(HashTextTest, IsFnv1a) {
  EXPECT_EQ(HashText(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(HashText("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(HashText("b", HashText("a")), HashText("ab"));
}

}  // namespace
}  // namespace stampede::server
