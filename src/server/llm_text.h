// The words of the mock LLM: a built-in English text (the opening of Moby-Dick, public domain)
// and the tokenizer that counts prompts and cuts answers, so prompt_tokens and
// completion_tokens are measured with the same rule.
//
// The token rule (a simplification of the pre-tokenizers of GPT-style BPE): a token is any
// whitespace before it, then either a run of letters, digits and non-ASCII bytes (so a UTF-8
// character is never split), or one other character (punctuation). Whitespace at the very end
// of a text belongs to no token. "Call me Ishmael." is "Call", " me", " Ishmael", ".".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::server {

// The tokens of `text`, as views into it; concatenated they give back `text` up to trailing
// whitespace.
std::vector<std::string_view> Tokenize(std::string_view text);
// The size of Tokenize(text), without building it.
std::size_t CountTokens(std::string_view text);

// The built-in text: paragraphs of prose separated by blank lines.
std::string_view BuiltInText();

// `count` tokens of the built-in text, from a sentence start chosen by `key` (the same key
// always picks the same sentence), wrapping around at the end of the text. The first token's
// leading whitespace is dropped, so an answer starts with a word. Views into static storage.
std::vector<std::string_view> DrawAnswer(std::uint64_t key, std::size_t count);

// The text of `tokens` joined.
std::string JoinTokens(const std::vector<std::string_view>& tokens, std::size_t begin,
                       std::size_t end);

// FNV-1a, for answer keys: stable across runs and platforms, unlike std::hash.
std::uint64_t HashText(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ULL);

}  // namespace stampede::server
