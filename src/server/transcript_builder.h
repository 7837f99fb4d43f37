// The text of the mock speech-to-text (/ws/asr, /v1/transcribe): one word per unit of audio
// from a fixed list, so a transcript depends only on how much audio arrived and a client can
// predict it. Sans-I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace stampede::server {

class TranscriptBuilder {
 public:
  // The word for unit `index` (from 0): the fixed list, over and over.
  static std::string_view Word(std::uint64_t index);
  // The text after `words` calls of AddWord().
  static std::string TextOf(std::uint64_t words);

  // Appends the next word.
  void AddWord();
  std::uint64_t words() const { return words_; }
  // Every word so far, separated by single spaces.
  const std::string& text() const { return text_; }
  // The last `max_words` words of text() (all of it when it has fewer).
  std::string_view Tail(std::size_t max_words) const;

 private:
  std::string text_;
  std::uint64_t words_ = 0;
};

}  // namespace stampede::server
