#include "server/transcript_builder.h"

#include <gtest/gtest.h>

namespace stampede::server {
namespace {

TEST(TranscriptBuilderTest, StartsEmpty) {
  const TranscriptBuilder builder;
  EXPECT_EQ(builder.words(), 0U);
  EXPECT_EQ(builder.text(), "");
  EXPECT_EQ(builder.Tail(3), "");
}

TEST(TranscriptBuilderTest, AddsOneWordAtATimeSeparatedBySpaces) {
  TranscriptBuilder builder;
  builder.AddWord();
  EXPECT_EQ(builder.text(), "hello");
  builder.AddWord();
  builder.AddWord();
  EXPECT_EQ(builder.text(), "hello this is");
  EXPECT_EQ(builder.words(), 3U);
}

TEST(TranscriptBuilderTest, TextOfMatchesTheBuilderAndRepeatsTheList) {
  TranscriptBuilder builder;
  for (std::uint64_t words = 1; words <= 50; ++words) {
    builder.AddWord();
    EXPECT_EQ(TranscriptBuilder::TextOf(words), builder.text()) << words;
    EXPECT_EQ(TranscriptBuilder::Word(words - 1), TranscriptBuilder::Word(words - 1 + 21));
  }
  EXPECT_EQ(TranscriptBuilder::TextOf(0), "");
  EXPECT_EQ(TranscriptBuilder::Word(21), "hello");
}

TEST(TranscriptBuilderTest, WordsAreSingleTokens) {
  for (std::uint64_t index = 0; index < 21; ++index) {
    const std::string_view word = TranscriptBuilder::Word(index);
    EXPECT_FALSE(word.empty());
    EXPECT_EQ(word.find(' '), std::string_view::npos) << word;
  }
}

TEST(TranscriptBuilderTest, TailKeepsTheLastWords) {
  TranscriptBuilder builder;
  for (int k = 0; k < 5; ++k) builder.AddWord();
  EXPECT_EQ(builder.Tail(2), "a test");
  EXPECT_EQ(builder.Tail(5), builder.text());
  EXPECT_EQ(builder.Tail(100), builder.text());
  EXPECT_EQ(builder.Tail(1), "test");
  EXPECT_EQ(builder.Tail(0), "");
}

}  // namespace
}  // namespace stampede::server
