#include "scenario/template.h"

#include <gtest/gtest.h>

#include <set>

namespace stampede::scenario {
namespace {

TEST(Template, TextWithoutPlaceholdersIsConstant) {
  auto compiled = Template::Compile("/v1/chat/completions", nullptr);
  ASSERT_TRUE(compiled.ok());
  EXPECT_TRUE(compiled->constant());
  EXPECT_EQ(compiled->Expand({}), "/v1/chat/completions");
  auto empty = Template::Compile("", nullptr);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->constant());
  EXPECT_EQ(empty->Expand({}), "");
}

TEST(Template, UserAndIteration) {
  auto compiled = Template::Compile("/u/{{user}}/i/{{ iteration }}?x=1", nullptr);
  ASSERT_TRUE(compiled.ok()) << compiled.error().message;
  EXPECT_FALSE(compiled->constant());
  TemplateContext context;
  context.user = 42;
  context.iteration = 7;
  EXPECT_EQ(compiled->Expand(context), "/u/42/i/7?x=1");
}

TEST(Template, RandomIntStaysInItsRangeAndFollowsTheSeed) {
  auto compiled = Template::Compile("{{random_int 5 9}}", nullptr);
  ASSERT_TRUE(compiled.ok());
  core::Random random(7);
  TemplateContext context;
  context.random = &random;
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) seen.insert(compiled->Expand(context));
  EXPECT_EQ(seen, (std::set<std::string>{"5", "6", "7", "8", "9"}));
  core::Random again(7);
  core::Random same(7);
  TemplateContext a{0, 0, &again, nullptr};
  TemplateContext b{0, 0, &same, nullptr};
  EXPECT_EQ(compiled->Expand(a), compiled->Expand(b));
}

TEST(Template, UuidIsVersion4Shaped) {
  auto compiled = Template::Compile("{{uuid}}", nullptr);
  ASSERT_TRUE(compiled.ok());
  core::Random random(1);
  TemplateContext context{0, 0, &random, nullptr};
  const std::string uuid = compiled->Expand(context);
  ASSERT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[8], '-');
  EXPECT_EQ(uuid[14], '4');
  EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos);
  EXPECT_NE(compiled->Expand(context), uuid);
}

TEST(Template, DataColumns) {
  auto table = ParseCsv("prompt,max_tokens\n\"hello, world\",16\nbye,32\n", "p.csv");
  ASSERT_TRUE(table.ok()) << table.error().message;
  auto compiled =
      Template::Compile(R"({"prompt":"{{data.prompt}}","n":{{data.max_tokens}}})", &*table);
  ASSERT_TRUE(compiled.ok()) << compiled.error().message;
  EXPECT_TRUE(compiled->uses_data());
  TemplateContext context;
  context.row = &table->rows[0];
  EXPECT_EQ(compiled->Expand(context), R"({"prompt":"hello, world","n":16})");
  context.row = &table->rows[1];
  EXPECT_EQ(compiled->Expand(context), R"({"prompt":"bye","n":32})");
}

TEST(Template, ErrorsNameThePlaceholder) {
  auto unknown = Template::Compile("{{usr}}", nullptr);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown placeholder \"{{usr}}\""), std::string::npos);
  auto unclosed = Template::Compile("a {{user", nullptr);
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.error().message.find("unclosed"), std::string::npos);
  auto bad_range = Template::Compile("{{random_int 9 1}}", nullptr);
  ASSERT_FALSE(bad_range.ok());
  EXPECT_NE(bad_range.error().message.find("random_int LOW HIGH"), std::string::npos);
  auto no_table = Template::Compile("{{data.prompt}}", nullptr);
  ASSERT_FALSE(no_table.ok());
  EXPECT_NE(no_table.error().message.find("needs a data file"), std::string::npos);
  auto table = ParseCsv("prompt\nx\n", "p.csv");
  ASSERT_TRUE(table.ok());
  auto no_column = Template::Compile("{{data.promt}}", &*table);
  ASSERT_FALSE(no_column.ok());
  EXPECT_NE(no_column.error().message.find("its columns: prompt"), std::string::npos);
}

TEST(DataTable, CsvQuotingAndErrors) {
  auto table = ParseCsv("a,b\r\n\"x \"\"q\"\" y\",\"multi\nline\"\n\n1,2\n", "t.csv");
  ASSERT_TRUE(table.ok()) << table.error().message;
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0][0], "x \"q\" y");
  EXPECT_EQ(table->rows[0][1], "multi\nline");
  EXPECT_EQ(table->rows[1][1], "2");
  auto ragged = ParseCsv("a,b\n1\n", "r.csv");
  ASSERT_FALSE(ragged.ok());
  EXPECT_EQ(ragged.error().message, "r.csv:2: 1 fields where the header has 2");
  auto unclosed = ParseCsv("a\n\"x\n", "u.csv");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_FALSE(ParseCsv("a,b\n", "h.csv").ok());  // a header and no rows
}

TEST(DataTable, JsonlObjectsBecomeColumns) {
  auto table = ParseJsonl(
      "{\"prompt\": \"hi\", \"n\": 3}\n\n{\"prompt\": \"yo\", \"extra\": true}\n", "t.jsonl");
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->columns, (std::vector<std::string>{"prompt", "n", "extra"}));
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0], (std::vector<std::string>{"hi", "3", ""}));
  EXPECT_EQ(table->rows[1], (std::vector<std::string>{"yo", "", "true"}));
  auto bad = ParseJsonl("{\"a\":1}\n[1,2]\n", "b.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "b.jsonl:2: not a JSON object");
}

}  // namespace
}  // namespace stampede::scenario
