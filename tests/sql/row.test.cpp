// SPDX-License-Identifier: BSL-1.0
// What the SQL drivers share (coflow/sql/row.hpp), tested without a database: the row type of
// `query<Cols...>`, the error type and its message, and the rules both drivers apply to
// declared columns (which types can be read, how messages name them, which integers fit) and
// to parameters (how they are stored until bound, which types can be bound). The drivers'
// own use of these is in sqlite.threads.test.cpp and postgres.threads.test.cpp.
#include <coflow/core/failure.hpp>
#include <coflow/sql/row.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace sql = coflow::sql;
namespace detail = coflow::sql::detail;

TEST(SqlRow, OneColumnIsTheValueItselfAndSeveralATuple) {
  static_assert(std::is_same_v<sql::row_t<std::string>, std::string>);
  static_assert(std::is_same_v<sql::row_t<std::optional<std::int64_t>>, std::optional<std::int64_t>>);
  static_assert(std::is_same_v<sql::row_t<std::int64_t, std::string>, std::tuple<std::int64_t, std::string>>);
  static_assert(std::is_same_v<sql::row_t<>, std::tuple<>>);
  static_assert(std::is_same_v<sql::blob, std::vector<std::byte>>);
  SUCCEED();
}

TEST(SqlError, NamesTheDriverWhatWentWrongAndTheStatement) {
  const sql::error e{"coflow::sqlite", "does not prepare", "SELEC 1"};
  EXPECT_STREQ(e.what(), "coflow::sqlite: does not prepare in statement \"SELEC 1\"");
  EXPECT_EQ(e.statement(), "SELEC 1");
  EXPECT_EQ(e.column(), -1);
  EXPECT_EQ(e.column_name(), "");
  EXPECT_EQ(e.db_message(), "");
  EXPECT_EQ(e.code(), 0);
}

TEST(SqlError, NamesTheColumnByIndexAndName) {
  const sql::error e{"coflow::sqlite", "is NULL, but the row declares std::string (not std::optional)",
                     "SELECT id, name FROM t", 1, "name"};
  EXPECT_STREQ(e.what(),
               "coflow::sqlite: column 1 \"name\" is NULL, but the row declares std::string (not "
               "std::optional) in statement \"SELECT id, name FROM t\"");
  EXPECT_EQ(e.column(), 1);
  EXPECT_EQ(e.column_name(), "name");
  // Column 0 is a column; only a negative index means "no column".
  const sql::error first{"coflow::postgres", "does not fit", "SELECT 1", 0, ""};
  EXPECT_STREQ(first.what(), "coflow::postgres: column 0 \"\" does not fit in statement \"SELECT 1\"");
}

TEST(SqlError, AddsTheDatabasesOwnTextAndCode) {
  const sql::error e{
      "coflow::sqlite", "cannot run", "SELECT * FROM missing", -1, {}, "no such table: missing", 1};
  EXPECT_STREQ(e.what(),
               "coflow::sqlite: cannot run: no such table: missing in statement \"SELECT * FROM missing\"");
  EXPECT_EQ(e.db_message(), "no such table: missing");
  EXPECT_EQ(e.code(), 1);
}

TEST(SqlError, TravelsAsAFailureWithItsTypeAndDetails) {
  static_assert(std::is_base_of_v<std::runtime_error, sql::error>);
  auto f = coflow::failure::make(sql::error{"coflow::postgres", "has type text", "SELECT $1", 0, "?column?"});
  EXPECT_EQ(f.type_name(), "coflow::sql::error");
  EXPECT_EQ(f.message(), "coflow::postgres: column 0 \"?column?\" has type text in statement \"SELECT $1\"");
  EXPECT_TRUE(f.is<std::runtime_error>());
  try {
    f.rethrow();
  } catch (const sql::error& e) {
    EXPECT_EQ(e.column_name(), "?column?");
    EXPECT_EQ(e.statement(), "SELECT $1");
  }
}

TEST(SqlColumns, IntegersFloatsStringsBlobsAndTheirOptionalsAreReadable) {
  static_assert(detail::readable_column_v<std::int64_t> && detail::readable_column_v<std::int32_t>);
  static_assert(detail::readable_column_v<std::int8_t> && detail::readable_column_v<std::uint32_t>);
  static_assert(detail::readable_column_v<bool> && detail::readable_column_v<long long>);
  static_assert(detail::readable_column_v<double> && detail::readable_column_v<float>);
  static_assert(detail::readable_column_v<std::string> && detail::readable_column_v<sql::blob>);
  static_assert(detail::readable_column_v<std::optional<std::int64_t>>);
  static_assert(detail::readable_column_v<std::optional<std::string>>);
  static_assert(detail::readable_column_v<std::optional<sql::blob>>);
  // Characters are not numbers, 64-bit unsigned values do not fit the databases' integers, and
  // views and pointers would outlive the row they point into.
  static_assert(!detail::readable_column_v<char> && !detail::readable_column_v<char8_t>);
  static_assert(!detail::readable_column_v<char16_t> && !detail::readable_column_v<char32_t>);
  static_assert(!detail::readable_column_v<wchar_t>);
  static_assert(!detail::readable_column_v<std::uint64_t> && !detail::readable_column_v<unsigned long long>);
  static_assert(!detail::readable_column_v<std::string_view> && !detail::readable_column_v<const char*>);
  static_assert(!detail::readable_column_v<std::optional<char>>);
  static_assert(!detail::readable_column_v<std::optional<std::optional<int>>>);
  static_assert(!detail::readable_column_v<std::vector<int>> && !detail::readable_column_v<std::tuple<int>>);
  SUCCEED();
}

TEST(SqlColumns, MessagesSpellDeclaredTypesPortably) {
  EXPECT_EQ(detail::column_type_name<std::int64_t>(), "std::int64_t");
  EXPECT_EQ(detail::column_type_name<long long>(), "std::int64_t");
  EXPECT_EQ(detail::column_type_name<std::int32_t>(), "std::int32_t");
  EXPECT_EQ(detail::column_type_name<std::int16_t>(), "std::int16_t");
  EXPECT_EQ(detail::column_type_name<std::int8_t>(), "std::int8_t");
  EXPECT_EQ(detail::column_type_name<std::uint32_t>(), "std::uint32_t");
  EXPECT_EQ(detail::column_type_name<std::uint8_t>(), "std::uint8_t");
  EXPECT_EQ(detail::column_type_name<bool>(), "bool");
  EXPECT_EQ(detail::column_type_name<double>(), "double");
  EXPECT_EQ(detail::column_type_name<float>(), "float");
  EXPECT_EQ(detail::column_type_name<long double>(), "long double");
  EXPECT_EQ(detail::column_type_name<std::string>(), "std::string");
  EXPECT_EQ(detail::column_type_name<sql::blob>(), "coflow::sql::blob");
  EXPECT_EQ(detail::column_type_name<std::optional<std::int32_t>>(), "std::optional<std::int32_t>");
  EXPECT_EQ(detail::column_type_name<std::optional<sql::blob>>(), "std::optional<coflow::sql::blob>");
}

TEST(SqlColumns, AnIntegerFitsADeclaredTypeOnlyWithinItsRange) {
  static_assert(detail::fits<std::int8_t>(127) && !detail::fits<std::int8_t>(128));
  static_assert(detail::fits<std::int8_t>(-128) && !detail::fits<std::int8_t>(-129));
  static_assert(detail::fits<std::uint8_t>(255) && !detail::fits<std::uint8_t>(256));
  static_assert(detail::fits<std::uint8_t>(0) && !detail::fits<std::uint8_t>(-1));
  static_assert(detail::fits<std::uint32_t>(4294967295) && !detail::fits<std::uint32_t>(4294967296));
  static_assert(detail::fits<std::int32_t>(-2147483648) && !detail::fits<std::int32_t>(2147483648));
  static_assert(detail::fits<std::int64_t>(std::numeric_limits<std::int64_t>::min()));
  static_assert(detail::fits<std::int64_t>(std::numeric_limits<std::int64_t>::max()));
  // A bool column holds 0 or 1, not "anything nonzero".
  static_assert(detail::fits<bool>(0) && detail::fits<bool>(1));
  static_assert(!detail::fits<bool>(2) && !detail::fits<bool>(-1));
  SUCCEED();
}

TEST(SqlParameters, TextIsCopiedIntoAStringUntilItIsBound) {
  static_assert(std::is_same_v<detail::stored_param_t<const char*>, std::string>);
  static_assert(std::is_same_v<detail::stored_param_t<char[6]>, std::string>);
  static_assert(std::is_same_v<detail::stored_param_t<std::string_view>, std::string>);
  static_assert(std::is_same_v<detail::stored_param_t<std::string>, std::string>);
  static_assert(
      std::is_same_v<detail::stored_param_t<std::optional<const char*>>, std::optional<std::string>>);
  static_assert(
      std::is_same_v<detail::stored_param_t<std::optional<std::string_view>>, std::optional<std::string>>);
  // Everything else is stored as it is; a null pointer is not text.
  static_assert(std::is_same_v<detail::stored_param_t<std::int64_t>, std::int64_t>);
  static_assert(std::is_same_v<detail::stored_param_t<std::optional<int>>, std::optional<int>>);
  static_assert(std::is_same_v<detail::stored_param_t<std::nullptr_t>, std::nullptr_t>);
  static_assert(std::is_same_v<detail::stored_param_t<std::nullopt_t>, std::nullopt_t>);
  static_assert(std::is_same_v<detail::stored_param_t<sql::blob>, sql::blob>);
  // The copy is what makes a view safe to pass: the view's text may be gone when the worker binds.
  std::string text = "original";
  detail::stored_param_t<std::string_view> stored{std::string_view{text}};
  text = "changed";
  EXPECT_EQ(stored, "original");
}

TEST(SqlParameters, TheTypesBothDriversBind) {
  static_assert(detail::bindable_v<int> && detail::bindable_v<std::int64_t> && detail::bindable_v<bool>);
  static_assert(detail::bindable_v<double> && detail::bindable_v<float>);
  static_assert(detail::bindable_v<const char*> && detail::bindable_v<std::string_view>);
  static_assert(detail::bindable_v<std::string> && detail::bindable_v<sql::blob>);
  static_assert(detail::bindable_v<std::nullopt_t>);
  static_assert(detail::bindable_v<std::optional<int>> && detail::bindable_v<std::optional<const char*>>);
  static_assert(!detail::bindable_v<char> && !detail::bindable_v<std::uint64_t>);
  static_assert(!detail::bindable_v<unsigned long long>);
  static_assert(!detail::bindable_v<std::nullptr_t>);
  static_assert(!detail::bindable_v<std::vector<int>> && !detail::bindable_v<std::tuple<int>>);
  static_assert(!detail::bindable_v<std::optional<char>> &&
                !detail::bindable_v<std::optional<std::uint64_t>>);
  SUCCEED();
}
