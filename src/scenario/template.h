// Text with placeholders, expanded per request: `{{user}}` (the user's index), `{{iteration}}`
// (the user's iteration, from 0), `{{random_int LOW HIGH}}`, `{{uuid}}`, and `{{data.COLUMN}}`
// (the column of the data row this request gets). Compiled once; expansion appends to a
// buffer without allocating per placeholder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.h"
#include "core/result.h"

namespace stampede::scenario {

// Rows of a data file: a CSV file with a header line, or JSONL objects of scalar values.
struct DataTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;

  int ColumnIndex(std::string_view name) const;  // -1 when absent
};

// "prompts.csv" / "prompts.jsonl" by extension; errors name the file and line.
core::Result<DataTable> LoadDataTable(const std::string& path);
core::Result<DataTable> ParseCsv(std::string_view text, const std::string& name);
core::Result<DataTable> ParseJsonl(std::string_view text, const std::string& name);

struct TemplateContext {
  std::int64_t user = 0;
  std::int64_t iteration = 0;
  core::Random* random = nullptr;
  const std::vector<std::string>* row = nullptr;  // the data row, when there is a table
};

class Template {
 public:
  // `table` (may be null) is where {{data.X}} columns are looked up; an unknown column, an
  // unknown placeholder or an unclosed "{{" is an error naming it.
  static core::Result<Template> Compile(std::string_view text, const DataTable* table);

  bool constant() const {
    return parts_.size() <= 1 && (parts_.empty() || parts_[0].kind == Kind::kText);
  }
  bool uses_data() const;
  void ExpandTo(std::string& out, const TemplateContext& context) const;
  std::string Expand(const TemplateContext& context) const;

 private:
  enum class Kind { kText, kUser, kIteration, kRandomInt, kUuid, kData };
  struct Part {
    Kind kind = Kind::kText;
    std::string text;
    std::int64_t low = 0;
    std::int64_t high = 0;
    int column = -1;
  };
  std::vector<Part> parts_;
};

}  // namespace stampede::scenario
