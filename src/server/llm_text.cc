#include "server/llm_text.h"

#include <algorithm>
#include <array>

namespace stampede::server {
namespace {

// Herman Melville, Moby-Dick (1851), the start of chapter 1, in the ASCII of Project Gutenberg
// (em dashes as "--"). Public domain. ASCII keeps every token valid UTF-8 and JSON-safe apart
// from the escapes the formatters apply anyway.
constexpr std::array<std::string_view, 5> kParagraphs = {
    "Call me Ishmael. Some years ago--never mind how long precisely--having little or no money "
    "in my purse, and nothing particular to interest me on shore, I thought I would sail about a "
    "little and see the watery part of the world. It is a way I have of driving off the spleen "
    "and regulating the circulation. Whenever I find myself growing grim about the mouth; "
    "whenever it is a damp, drizzly November in my soul; whenever I find myself involuntarily "
    "pausing before coffin warehouses, and bringing up the rear of every funeral I meet; and "
    "especially whenever my hypos get such an upper hand of me, that it requires a strong moral "
    "principle to prevent me from deliberately stepping into the street, and methodically "
    "knocking people's hats off--then, I account it high time to get to sea as soon as I can. "
    "This is my substitute for pistol and ball. With a philosophical flourish Cato throws "
    "himself upon his sword; I quietly take to the ship. There is nothing surprising in this. If "
    "they but knew it, almost all men in their degree, some time or other, cherish very nearly "
    "the same feelings towards the ocean with me.",

    "There now is your insular city of the Manhattoes, belted round by wharves as Indian isles "
    "by coral reefs--commerce surrounds it with her surf. Right and left, the streets take you "
    "waterward. Its extreme downtown is the battery, where that noble mole is washed by waves, "
    "and cooled by breezes, which a few hours previous were out of sight of land. Look at the "
    "crowds of water-gazers there.",

    "Circumambulate the city of a dreamy Sabbath afternoon. Go from Corlears Hook to Coenties "
    "Slip, and from thence, by Whitehall, northward. What do you see?--Posted like silent "
    "sentinels all around the town, stand thousands upon thousands of mortal men fixed in ocean "
    "reveries. Some leaning against the spiles; some seated upon the pier-heads; some looking "
    "over the bulwarks of ships from China; some high aloft in the rigging, as if striving to "
    "get a still better seaward peep. But these are all landsmen; of week days pent up in lath "
    "and plaster--tied to counters, nailed to benches, clinched to desks. How then is this? Are "
    "the green fields gone? What do they here?",

    "But look! here come more crowds, pacing straight for the water, and seemingly bound for a "
    "dive. Strange! Nothing will content them but the extremest limit of the land; loitering "
    "under the shady lee of yonder warehouses will not suffice. No. They must get just as nigh "
    "the water as they possibly can without falling in. And there they stand--miles of "
    "them--leagues. Inlanders all, they come from lanes and alleys, streets and avenues--north, "
    "east, south, and west. Yet here they all unite. Tell me, does the magnetic virtue of the "
    "needles of the compasses of all those ships attract them thither?",

    "Once more. Say you are in the country; in some high land of lakes. Take almost any path you "
    "please, and ten to one it carries you down in a dale, and leaves you there by a pool in the "
    "stream. There is magic in it. Let the most absent-minded of men be plunged in his deepest "
    "reveries--stand that man on his legs, set his feet a-going, and he will infallibly lead you "
    "to water, if water there be in all that region. Should you ever be athirst in the great "
    "American desert, try this experiment, if your caravan happen to be supplied with a "
    "metaphysical professor. Yes, as every one knows, meditation and water are wedded for ever.",
};

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; }

// Letters, digits and every byte of a multi-byte UTF-8 character.
bool IsWordByte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x80 || (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
         (byte >= 'A' && byte <= 'Z');
}

// Calls `on_token(begin, end)` for every token of `text`.
template <typename OnToken>
void ForEachToken(std::string_view text, OnToken on_token) {
  std::size_t position = 0;
  while (position < text.size()) {
    const std::size_t begin = position;
    while (position < text.size() && IsSpace(text[position])) ++position;
    if (position == text.size()) return;  // trailing whitespace: no token
    if (IsWordByte(text[position])) {
      while (position < text.size() && IsWordByte(text[position])) ++position;
    } else {
      ++position;
    }
    on_token(begin, position);
  }
}

struct Corpus {
  std::string text;
  std::vector<std::string_view> tokens;
  std::vector<std::size_t> sentence_starts;  // token indexes
};

// Every paragraph, the first included, starts with a blank line, so an answer that wraps
// around the end of the text reads as a new paragraph.
const Corpus& GetCorpus() {
  static const Corpus corpus = [] {
    Corpus built;
    for (const auto paragraph : kParagraphs) {
      built.text.append("\n\n");
      built.text.append(paragraph);
    }
    built.tokens = Tokenize(built.text);
    for (std::size_t index = 0; index < built.tokens.size(); ++index) {
      const std::string_view token = built.tokens[index];
      const char first = token[token.find_first_not_of(" \n")];
      const bool capital = first >= 'A' && first <= 'Z';
      const bool after_stop = index == 0 || built.tokens[index - 1] == "." ||
                              built.tokens[index - 1] == "!" || built.tokens[index - 1] == "?";
      if (capital && after_stop) built.sentence_starts.push_back(index);
    }
    return built;
  }();
  return corpus;
}

}  // namespace

std::vector<std::string_view> Tokenize(std::string_view text) {
  std::vector<std::string_view> tokens;
  ForEachToken(text, [&](std::size_t begin, std::size_t end) {
    tokens.push_back(text.substr(begin, end - begin));
  });
  return tokens;
}

std::size_t CountTokens(std::string_view text) {
  std::size_t count = 0;
  ForEachToken(text, [&](std::size_t, std::size_t) { ++count; });
  return count;
}

std::string_view BuiltInText() {
  std::string_view text = GetCorpus().text;
  text.remove_prefix(2);  // the blank line before the first paragraph
  return text;
}

std::vector<std::string_view> DrawAnswer(std::uint64_t key, std::size_t count) {
  const Corpus& corpus = GetCorpus();
  std::vector<std::string_view> answer;
  answer.reserve(count);
  const std::size_t start = corpus.sentence_starts[key % corpus.sentence_starts.size()];
  for (std::size_t index = 0; index < count; ++index) {
    answer.push_back(corpus.tokens[(start + index) % corpus.tokens.size()]);
  }
  if (!answer.empty()) {
    std::string_view& first = answer.front();
    first.remove_prefix(std::min(first.find_first_not_of(" \n"), first.size()));
  }
  return answer;
}

std::string JoinTokens(const std::vector<std::string_view>& tokens, std::size_t begin,
                       std::size_t end) {
  std::string text;
  end = std::min(end, tokens.size());
  for (std::size_t index = begin; index < end; ++index) text.append(tokens[index]);
  return text;
}

std::uint64_t HashText(std::string_view text, std::uint64_t hash) {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace stampede::server
