// SPDX-License-Identifier: BSL-1.0
// coflow/sql/row.hpp - what the SQL drivers share: row types, column names, error messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace coflow::sql {

/// The value type of `query<Cols...>`: one declared column gives the value itself
/// (`query<std::string>` yields `std::string`), any other number a `std::tuple<Cols...>`.
template <class... Cols>
struct row {
  using type = std::tuple<Cols...>;
};
template <class C>
struct row<C> {
  using type = C;
};
template <class... Cols>
using row_t = typename row<Cols...>::type;

/// A blob column or parameter.
using blob = std::vector<std::byte>;

/// A failure of a query: what went wrong, in which statement, at which column (when one is
/// involved) and the database's own error text. `what()` holds all of it, e.g.
/// `coflow::sqlite: column 1 "name" is NULL, but the row declares std::string (not
/// std::optional) in statement "SELECT id, name FROM t"`.
class error : public std::runtime_error {
 public:
  error(std::string_view driver, std::string_view what, std::string statement, int column = -1,
        std::string column_name = {}, std::string db_message = {}, int code = 0)
      : std::runtime_error{format(driver, what, statement, column, column_name, db_message)},
        statement_{std::move(statement)},
        column_{column},
        column_name_{std::move(column_name)},
        db_message_{std::move(db_message)},
        code_{code} {}

  /// The SQL text of the statement.
  [[nodiscard]] const std::string& statement() const noexcept { return statement_; }
  /// The column's index, or -1 when the failure is not about a column.
  [[nodiscard]] int column() const noexcept { return column_; }
  [[nodiscard]] const std::string& column_name() const noexcept { return column_name_; }
  /// The database's error text (empty when coflow found the problem itself).
  [[nodiscard]] const std::string& db_message() const noexcept { return db_message_; }
  /// The database's error code (SQLite result code; 0 for libpq and for coflow's own checks).
  [[nodiscard]] int code() const noexcept { return code_; }

 private:
  static std::string format(std::string_view driver, std::string_view what, std::string_view statement,
                            int column, std::string_view column_name, std::string_view db_message) {
    std::string m{driver};
    m += ": ";
    if (column >= 0) {
      m += "column ";
      m += std::to_string(column);
      m += " \"";
      m += column_name;
      m += "\" ";
    }
    m += what;
    if (!db_message.empty()) {
      m += ": ";
      m += db_message;
    }
    m += " in statement \"";
    m += statement;
    m += '"';
    return m;
  }

  std::string statement_;
  int column_;
  std::string column_name_;
  std::string db_message_;
  int code_;
};

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
inline constexpr bool is_optional_v = is_optional<T>::value;

/// The column types both drivers read: integers, bool, floating point, std::string, blob,
/// and std::optional of those.
template <class T>
inline constexpr bool readable_scalar_v =
    (std::is_integral_v<T> && !std::is_same_v<T, char> && !std::is_same_v<T, wchar_t> &&
     !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t> &&
     !std::is_same_v<T, unsigned long long> && !std::is_same_v<T, unsigned long>) ||
    std::is_floating_point_v<T> || std::is_same_v<T, std::string> || std::is_same_v<T, blob>;

template <class T>
struct readable_column : std::bool_constant<readable_scalar_v<T>> {};
template <class T>
struct readable_column<std::optional<T>> : std::bool_constant<readable_scalar_v<T>> {};
template <class T>
inline constexpr bool readable_column_v = readable_column<T>::value;

/// How messages spell a declared column type.
template <class T>
std::string column_type_name() {
  if constexpr (is_optional_v<T>)
    return "std::optional<" + column_type_name<typename T::value_type>() + ">";
  else if constexpr (std::is_same_v<T, bool>)
    return "bool";
  else if constexpr (std::is_same_v<T, std::string>)
    return "std::string";
  else if constexpr (std::is_same_v<T, blob>)
    return "coflow::sql::blob";
  else if constexpr (std::is_same_v<T, double>)
    return "double";
  else if constexpr (std::is_same_v<T, float>)
    return "float";
  else if constexpr (std::is_floating_point_v<T>)
    return "long double";
  else
    return (std::is_signed_v<T> ? "std::int" : "std::uint") + std::to_string(8 * sizeof(T)) + "_t";
}

/// An integer that must fit in T; false when it does not.
template <class T>
constexpr bool fits(std::int64_t v) noexcept {
  if constexpr (std::is_same_v<T, bool>)
    return v == 0 || v == 1;
  else
    return std::in_range<T>(v);
}

/// The stored form of a parameter: strings and views are copied into a std::string, since the
/// statement is bound later, on the query's worker thread.
template <class P>
struct stored_param {
  using type = std::decay_t<P>;
};
template <class P>
  requires(std::is_convertible_v<const std::decay_t<P>&, std::string_view> &&
           !std::is_same_v<std::decay_t<P>, std::nullptr_t>)
struct stored_param<P> {
  using type = std::string;
};
template <class P>
struct stored_param<std::optional<P>> {
  using type = std::optional<typename stored_param<P>::type>;
};
template <class P>
using stored_param_t = typename stored_param<P>::type;

template <class P>
inline constexpr bool bindable_scalar_v =
    (std::is_integral_v<P> && !std::is_same_v<P, char> && !std::is_same_v<P, unsigned long long> &&
     !std::is_same_v<P, unsigned long>) ||
    std::is_floating_point_v<P> || std::is_same_v<P, std::string> || std::is_same_v<P, blob> ||
    std::is_same_v<P, std::nullopt_t>;
template <class P>
struct bindable : std::bool_constant<bindable_scalar_v<P>> {};
template <class P>
struct bindable<std::optional<P>> : std::bool_constant<bindable_scalar_v<P>> {};
/// The parameter types both drivers bind (after `stored_param_t`).
template <class P>
inline constexpr bool bindable_v = bindable<stored_param_t<P>>::value;

}  // namespace detail
}  // namespace coflow::sql
