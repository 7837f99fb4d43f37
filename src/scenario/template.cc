#include "scenario/template.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace stampede::scenario {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

bool ParseInt(std::string_view text, std::int64_t& value) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
}

// One CSV record starting at `at` (RFC 4180 quoting); advances `at` past its line end.
bool ReadCsvRecord(std::string_view text, std::size_t& at, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool quoted = false;
  bool any = false;
  while (at < text.size()) {
    const char c = text[at++];
    any = true;
    if (quoted) {
      if (c == '"' && at < text.size() && text[at] == '"') {
        field.push_back('"');
        ++at;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  if (quoted) return false;
  if (any) fields.push_back(std::move(field));
  return true;
}

}  // namespace

int DataTable::ColumnIndex(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

core::Result<DataTable> ParseCsv(std::string_view text, const std::string& name) {
  DataTable table;
  std::size_t at = 0;
  std::vector<std::string> fields;
  int line = 0;
  while (at < text.size()) {
    ++line;
    if (!ReadCsvRecord(text, at, fields)) {
      return core::MakeError(fmt::format("{}:{}: unclosed quote", name, line));
    }
    if (fields.empty() || (fields.size() == 1 && fields[0].empty())) continue;
    if (table.columns.empty()) {
      table.columns = fields;
      continue;
    }
    if (fields.size() != table.columns.size()) {
      return core::MakeError(fmt::format("{}:{}: {} fields where the header has {}", name, line,
                                         fields.size(), table.columns.size()));
    }
    table.rows.push_back(fields);
  }
  if (table.rows.empty()) return core::MakeError(fmt::format("{}: no data rows", name));
  return table;
}

core::Result<DataTable> ParseJsonl(std::string_view text, const std::string& name) {
  DataTable table;
  int line = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view record = Trim(text.substr(at, end - at));
    at = end + 1;
    ++line;
    if (record.empty()) continue;
    const auto object = nlohmann::ordered_json::parse(record, nullptr, false);  // file order
    if (object.is_discarded() || !object.is_object()) {
      return core::MakeError(fmt::format("{}:{}: not a JSON object", name, line));
    }
    std::vector<std::string> row(table.columns.size());
    for (const auto& [key, value] : object.items()) {
      int column = table.ColumnIndex(key);
      if (column < 0) {
        table.columns.push_back(key);
        for (auto& earlier : table.rows) earlier.emplace_back();
        row.emplace_back();
        column = static_cast<int>(table.columns.size()) - 1;
      }
      row[static_cast<std::size_t>(column)] =
          value.is_string() ? value.get<std::string>() : value.dump();
    }
    table.rows.push_back(std::move(row));
  }
  if (table.rows.empty()) return core::MakeError(fmt::format("{}: no data rows", name));
  return table;
}

core::Result<DataTable> LoadDataTable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::MakeError(fmt::format("{}: cannot read the data file", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (path.ends_with(".jsonl") || path.ends_with(".ndjson")) return ParseJsonl(text, path);
  if (path.ends_with(".csv")) return ParseCsv(text, path);
  return core::MakeError(fmt::format("{}: a data file is .csv or .jsonl", path));
}

core::Result<Template> Template::Compile(std::string_view text, const DataTable* table) {
  Template compiled;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) {
      compiled.parts_.push_back({Kind::kText, std::string(text.substr(at))});
      break;
    }
    if (open > at)
      compiled.parts_.push_back({Kind::kText, std::string(text.substr(at, open - at))});
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return core::MakeError(fmt::format("unclosed \"{{{{\" in \"{}\"", text));
    }
    const std::string_view expression = Trim(text.substr(open + 2, close - open - 2));
    Part part;
    if (expression == "user") {
      part.kind = Kind::kUser;
    } else if (expression == "iteration") {
      part.kind = Kind::kIteration;
    } else if (expression == "uuid") {
      part.kind = Kind::kUuid;
    } else if (expression.starts_with("random_int")) {
      part.kind = Kind::kRandomInt;
      const std::string_view args = Trim(expression.substr(10));
      const std::size_t space = args.find(' ');
      if (space == std::string_view::npos || !ParseInt(Trim(args.substr(0, space)), part.low) ||
          !ParseInt(Trim(args.substr(space + 1)), part.high) || part.low > part.high) {
        return core::MakeError(fmt::format(
            "\"{{{{{}}}}}\": write {{{{random_int LOW HIGH}}}}, e.g. {{{{random_int 1 100}}}}",
            expression));
      }
    } else if (expression.starts_with("data.")) {
      part.kind = Kind::kData;
      const std::string_view column = expression.substr(5);
      if (table == nullptr) {
        return core::MakeError(
            fmt::format("\"{{{{{}}}}}\" needs a data file (data: {{file: rows.csv}})", expression));
      }
      part.column = table->ColumnIndex(column);
      if (part.column < 0) {
        std::string known;
        for (const auto& name : table->columns) known += (known.empty() ? "" : ", ") + name;
        return core::MakeError(
            fmt::format("\"{{{{{}}}}}\": the data file has no column \"{}\" "
                        "(its columns: {})",
                        expression, column, known));
      }
    } else {
      return core::MakeError(fmt::format(
          "unknown placeholder \"{{{{{}}}}}\" (use user, iteration, random_int LOW HIGH, uuid "
          "or data.COLUMN)",
          expression));
    }
    compiled.parts_.push_back(std::move(part));
    at = close + 2;
  }
  return compiled;
}

bool Template::uses_data() const {
  for (const auto& part : parts_) {
    if (part.kind == Kind::kData) return true;
  }
  return false;
}

void Template::ExpandTo(std::string& out, const TemplateContext& context) const {
  char digits[24];
  auto append_int = [&](std::int64_t value) {
    const auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
    out.append(digits, static_cast<std::size_t>(end - digits));
  };
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Kind::kText:
        out += part.text;
        break;
      case Kind::kUser:
        append_int(context.user);
        break;
      case Kind::kIteration:
        append_int(context.iteration);
        break;
      case Kind::kRandomInt: {
        const auto span = static_cast<std::uint64_t>(part.high - part.low) + 1;
        const std::uint64_t draw = context.random ? context.random->Next() : 0;
        append_int(part.low + static_cast<std::int64_t>(span == 0 ? draw : draw % span));
        break;
      }
      case Kind::kUuid: {
        // A random (version 4) UUID.
        const std::uint64_t high = context.random ? context.random->Next() : 0;
        const std::uint64_t low = context.random ? context.random->Next() : 0;
        out +=
            fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                        high & 0x0FFF, ((low >> 48) & 0x3FFF) | 0x8000, low & 0xFFFFFFFFFFFFULL);
        break;
      }
      case Kind::kData:
        if (context.row != nullptr) out += (*context.row)[static_cast<std::size_t>(part.column)];
        break;
    }
  }
}

std::string Template::Expand(const TemplateContext& context) const {
  std::string out;
  ExpandTo(out, context);
  return out;
}

}  // namespace stampede::scenario
