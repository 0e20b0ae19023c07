// SPDX-License-Identifier: BSL-1.0
// coflow/sql/detail/values.hpp - the values of a row to write: their parameters, their count
// and how a failure names them; SQL literals whose placeholders are counted at compile time.
#pragma once

#include <boost/hana/accessors.hpp>
#include <boost/hana/concept/struct.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/unpack.hpp>

#include <array>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "coflow/detail/quoted.hpp"
#include "coflow/sql/row.hpp"

namespace coflow::sql {

namespace detail {

/// The placeholders of a statement: `?` (each one a parameter), `?NNN` and `$N` (the highest
/// number), ignoring those inside quotes and comments. -1 when the statement names its
/// parameters (`:name`, `@name`, `$name`), which the drivers count only when they prepare it.
constexpr int count_placeholders(std::string_view s) {
  int plain = 0, numbered = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\'' || c == '"') {
      const std::size_t end = s.find(c, i + 1);
      i = end == std::string_view::npos ? s.size() : end;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      const std::size_t end = s.find('\n', i);
      i = end == std::string_view::npos ? s.size() : end;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      const std::size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else if (c == '?' || c == '$') {
      int n = 0;
      std::size_t j = i + 1;
      for (; j < s.size() && s[j] >= '0' && s[j] <= '9'; ++j) n = n * 10 + (s[j] - '0');
      if (j == i + 1 && c == '?')
        ++plain;
      else if (j == i + 1 && j < s.size() && (s[j] == '_' || (s[j] | 0x20) >= 'a'))
        return -1;
      else if (j != i + 1)
        numbered = n > numbered ? n : numbered;
      i = j - 1;
    } else if ((c == ':' || c == '@') && i + 1 < s.size() && (s[i + 1] == '_' || (s[i + 1] | 0x20) >= 'a') &&
               (i == 0 || s[i - 1] != ':')) {
      return -1;
    }
  }
  return plain + numbered;
}

template <std::size_t N>
struct fixed_string {
  char text[N]{};
  consteval fixed_string(const char (&s)[N]) {  // NOLINT: implicit, for the literal operator
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
  constexpr std::string_view view() const { return {text, N - 1}; }
};

}  // namespace detail

/// A statement written as a literal (`"INSERT INTO t VALUES (?, ?)"_sql`), whose parameters
/// coflow counts at compile time: a row of the wrong size for it is a compile error.
template <detail::fixed_string S>
struct literal {
  static constexpr int parameters = detail::count_placeholders(S.view());
  static constexpr std::string_view text() { return S.view(); }
  operator std::string() const { return std::string{S.view()}; }  // NOLINT: usable as a string
};

namespace literals {
/// `"..."_sql`: see `coflow::sql::literal`.
template <detail::fixed_string S>
constexpr literal<S> operator""_sql() {
  return {};
}
}  // namespace literals

namespace detail {

template <class T>
struct is_literal : std::false_type {};
template <fixed_string S>
struct is_literal<literal<S>> : std::true_type {};

/// The parameters a statement takes, as far as the compiler knows: a `literal`'s count, or -1.
template <class Sql>
constexpr int known_parameters() {
  if constexpr (is_literal<Sql>::value)
    return Sql::parameters;
  else
    return -1;
}

template <class T, class = void>
struct tuple_like : std::false_type {};
template <class T>
struct tuple_like<T, std::void_t<decltype(std::tuple_size<T>::value)>> : std::true_type {};

/// Calls `f(params...)` with the values of a row: a tuple-like (`std::tuple`, `std::pair`,
/// `std::array`), the members of a Boost.Hana struct in order, or a single value.
template <class T, class F>
decltype(auto) apply_values(const T& v, F&& f) {
  if constexpr (tuple_like<T>::value)
    return std::apply(std::forward<F>(f), v);
  else if constexpr (boost::hana::Struct<T>::value)  // references to the members, not copies
    return boost::hana::unpack(boost::hana::accessors<T>(),
                               [&](auto... a) -> decltype(auto) { return f(boost::hana::second(a)(v)...); });
  else
    return std::forward<F>(f)(v);
}

template <class T>
constexpr int row_arity() {
  if constexpr (tuple_like<T>::value)
    return static_cast<int>(std::tuple_size_v<T>);
  else if constexpr (boost::hana::Struct<T>::value)
    return static_cast<int>(decltype(boost::hana::length(boost::hana::accessors<T>()))::value);
  else
    return 1;
}

// A value that stays valid on another thread: not a view into memory the flow may reuse.
template <class P>
inline constexpr bool owned_param_v =
    !std::is_pointer_v<P> && !std::is_same_v<P, std::string_view> && !std::is_reference_v<P>;

template <class P>
inline constexpr bool writable_param_v = owned_param_v<P> && bindable_scalar_v<P>;
template <class P>
inline constexpr bool writable_param_v<std::optional<P>> = owned_param_v<P> && bindable_scalar_v<P>;

/// Whether every value of a row of type `T` can be bound, and is owned (a row crosses to a
/// worker thread: a `std::string_view` or `const char*` could point at memory gone by then).
struct writable_check {
  template <class... P>
  std::bool_constant<(writable_param_v<P> && ...)> operator()(const P&...) const {
    return {};
  }
};
template <class T>
inline constexpr bool writable_row_v =
    decltype(apply_values(std::declval<const T&>(), writable_check{}))::value;

/// How a failure shows one value: numbers as they are, text quoted (cut after 64 bytes, bytes
/// outside printable ASCII escaped), blobs by size, NULL.
template <class P>
void describe_value(std::string& out, const P& v) {
  if constexpr (is_optional_v<P>) {
    if (v) return describe_value(out, *v);
    out += "NULL";
  } else if constexpr (std::is_same_v<P, std::nullopt_t>) {
    out += "NULL";
  } else if constexpr (std::is_same_v<P, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<P>) {
    out += std::to_string(v);
  } else if constexpr (std::is_same_v<P, blob>) {
    out += "blob of " + std::to_string(v.size()) + " bytes";
  } else {
    coflow::detail::append_quoted(out, std::string_view{v});
  }
}

/// The values of a row, as a failure names them: `(7, "seven", NULL)`.
template <class T>
std::string describe_row(const T& row) {
  std::string out = "(";
  apply_values(row, [&](const auto&... v) {
    bool first = true;
    ((out += first ? "" : ", ", first = false, describe_value(out, v)), ...);
  });
  return out + ")";
}

}  // namespace detail
}  // namespace coflow::sql
