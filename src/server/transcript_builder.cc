#include "server/transcript_builder.h"

#include <array>

namespace stampede::server {
namespace {

// Says what it is, so a transcript in a log or a report explains itself.
constexpr std::array<std::string_view, 21> kWords = {
    "hello",     "this",   "is",   "a",     "test",  "of",  "the",
    "streaming", "speech", "mock", "every", "frame", "of",  "audio",
    "adds",      "one",    "more", "word",  "to",    "the", "transcript"};

}  // namespace

std::string_view TranscriptBuilder::Word(std::uint64_t index) {
  return kWords[static_cast<std::size_t>(index % kWords.size())];
}

std::string TranscriptBuilder::TextOf(std::uint64_t words) {
  TranscriptBuilder builder;
  for (std::uint64_t k = 0; k < words; ++k) builder.AddWord();
  return builder.text_;
}

void TranscriptBuilder::AddWord() {
  if (words_ > 0) text_.push_back(' ');
  text_.append(Word(words_));
  ++words_;
}

std::string_view TranscriptBuilder::Tail(std::size_t max_words) const {
  const std::string_view text = text_;
  if (max_words == 0) return {};
  // Counting spaces from the end visits only the part returned.
  std::size_t found = 0;
  for (std::size_t end = text.size(); end > 0; --end) {
    if (text[end - 1] == ' ' && ++found == max_words) return text.substr(end);
  }
  return text;
}

}  // namespace stampede::server
