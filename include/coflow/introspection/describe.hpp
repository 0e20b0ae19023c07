// SPDX-License-Identifier: BSL-1.0
// coflow/introspection/describe.hpp - a one-line, compile-time description of a flow.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/hana/drop_front.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/front.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/type_name.hpp"
#include "coflow/introspection/traits.hpp"

namespace coflow {

namespace detail {

/// A string of at most `N` characters that lives in a constant expression: what `describe`
/// builds by concatenation. Only its first `size()` characters are meaningful.
template <std::size_t N>
struct fixed_string {
  char chars[N + 1]{};
  std::size_t length = 0;

  constexpr fixed_string() = default;
  constexpr explicit fixed_string(std::string_view s) { append(s); }

  static constexpr std::size_t capacity() noexcept { return N; }
  constexpr std::size_t size() const noexcept { return length; }
  constexpr const char* data() const noexcept { return chars; }
  constexpr const char* c_str() const noexcept { return chars; }
  constexpr std::string_view view() const noexcept { return {chars, length}; }
  constexpr operator std::string_view() const noexcept { return view(); }
  std::string str() const { return std::string(view()); }

  constexpr void append(std::string_view s) noexcept {
    for (char c : s) chars[length++] = c;  // callers size N from the parts: never past the end
    chars[length] = '\0';
  }
  /// Keeps the first `n` characters (after an in-place rewrite that shortened the text).
  constexpr void resize_down(std::size_t n) noexcept {
    length = n;
    for (std::size_t i = n; i <= N; ++i) chars[i] = '\0';
  }

  friend constexpr bool operator==(const fixed_string& a, std::string_view b) noexcept {
    return a.view() == b;
  }
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os,
                                                       const fixed_string& s) {
    return os << s.view();
  }
};

/// Concatenation: the capacity of the result is the sum of the capacities.
template <std::size_t... N>
constexpr fixed_string<(N + ... + 0)> concat(const fixed_string<N>&... parts) noexcept {
  fixed_string<(N + ... + 0)> r;
  (r.append(parts.view()), ...);
  return r;
}

/// A string literal as a fixed_string of its exact length.
template <std::size_t N>
constexpr fixed_string<N - 1> lit(const char (&s)[N]) noexcept {
  return fixed_string<N - 1>{std::string_view{s, N - 1}};
}

// The rewrites below only ever shorten the text, so a buffer the size of the compiler's
// spelling holds the result. They run on both GCC's and Clang's spellings, which differ in
// spaces (`char> >`, `int &`), inline namespaces (`std::__cxx11::`) and integer names
// (`long unsigned int`), and give one spelling for both.
namespace name_rewrite {

constexpr bool is_ident(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// Replaces every `from` (as a whole word where it starts or ends with a word character)
/// by `to`, where `to` is not longer than `from`. Returns the new length.
constexpr std::size_t replace(char* s, std::size_t n, std::string_view from, std::string_view to) noexcept {
  std::size_t w = 0;
  std::size_t r = 0;
  while (r < n) {
    bool match = r + from.size() <= n && std::string_view{s + r, from.size()} == from;
    if (match && is_ident(from.front()) && r > 0 && is_ident(s[r - 1])) match = false;
    if (match && is_ident(from.back()) && r + from.size() < n && is_ident(s[r + from.size()])) match = false;
    if (match) {
      for (char c : to) s[w++] = c;
      r += from.size();
    } else {
      s[w++] = s[r++];
    }
  }
  return w;
}

/// Removes every template argument that starts with `prefix` (", std::allocator<"), up to
/// its matching `>`.
constexpr std::size_t drop_argument(char* s, std::size_t n, std::string_view prefix) noexcept {
  std::size_t w = 0;
  std::size_t r = 0;
  while (r < n) {
    if (r + prefix.size() <= n && std::string_view{s + r, prefix.size()} == prefix) {
      int depth = 1;
      r += prefix.size();
      while (r < n && depth > 0) {
        if (s[r] == '<')
          ++depth;
        else if (s[r] == '>')
          --depth;
        ++r;
      }
    } else {
      s[w++] = s[r++];
    }
  }
  return w;
}

/// Removes a space before `>`, `&` and `*`.
constexpr std::size_t tighten(char* s, std::size_t n) noexcept {
  std::size_t w = 0;
  for (std::size_t r = 0; r < n; ++r) {
    if (s[r] == ' ' && r + 1 < n && (s[r + 1] == '>' || s[r + 1] == '&' || s[r + 1] == '*')) continue;
    s[w++] = s[r];
  }
  return w;
}

constexpr std::size_t shorten(char* s, std::size_t n) noexcept {
  n = replace(s, n, "std::__cxx11::", "std::");
  n = replace(s, n, "std::__1::", "std::");
  n = drop_argument(s, n, ", std::char_traits<");
  n = drop_argument(s, n, ", std::allocator<");
  n = drop_argument(s, n, ", std::default_delete<");
  n = tighten(s, n);
  n = replace(s, n, "std::basic_string<char>", "std::string");
  n = replace(s, n, "std::basic_string_view<char>", "std::string_view");
  n = replace(s, n, "long long unsigned int", "unsigned long long");
  n = replace(s, n, "long unsigned int", "unsigned long");
  n = replace(s, n, "short unsigned int", "unsigned short");
  n = replace(s, n, "long long int", "long long");
  n = replace(s, n, "long int", "long");
  n = replace(s, n, "short int", "short");
  n = replace(s, n, "std::", "");
  return n;
}

}  // namespace name_rewrite

template <class T>
constexpr auto make_short_name() noexcept {
  constexpr std::string_view raw = pretty_name<T>();
  fixed_string<raw.size()> s{raw};
  s.resize_down(name_rewrite::shorten(s.chars, s.size()));
  return s;
}

/// `T`'s name as `describe` prints it, the same on GCC and Clang: `std::vector<int,
/// std::allocator<int> >` is `vector<int>`, `std::__cxx11::basic_string<char>` is `string`.
template <class T>
inline constexpr auto short_name_v = make_short_name<T>();

template <class S>
constexpr auto stage_name_of() noexcept {
  if constexpr (requires { S::stage_name; })
    return fixed_string<S::stage_name.size()>{S::stage_name};
  else
    return lit("stage");
}

template <class K>
constexpr auto sink_name_of() noexcept {
  if constexpr (requires { K::sink_name; })
    return fixed_string<K::sink_name.size()>{K::sink_name};
  else
    return lit("sink");
}

template <class S>
constexpr auto describe_source() noexcept {
  if constexpr (requires { S::describe_self(); }) {
    constexpr auto self = S::describe_self();
    return fixed_string<std::string_view(self).size()>{std::string_view(self)};
  } else if constexpr (requires { typename S::range_type; }) {
    return concat(stage_name_of<S>(), lit("<"), short_name_v<typename S::range_type>, lit(">"));
  } else {
    return concat(stage_name_of<S>(), lit("<"), short_name_v<value_t<S>>, lit(">"));
  }
}

template <class S>
constexpr auto describe_stage() noexcept {
  using ups = upstreams_of<S>;
  constexpr std::size_t n = upstream_count_v<S>;
  if constexpr (n == 0) {
    return describe_source<S>();
  } else if constexpr (n == 1) {
    using up = typename std::remove_cvref_t<decltype(boost::hana::front(ups{}))>::type;
    return concat(describe_stage<up>(), lit(" | "), stage_name_of<S>(), lit(" -> "),
                  short_name_v<value_t<S>>);
  } else {
    // `name(a, b, c)`: the first upstream starts the list, each next one adds ", x".
    using first = typename std::remove_cvref_t<decltype(boost::hana::front(ups{}))>::type;
    auto list =
        boost::hana::fold_left(boost::hana::drop_front(ups{}), describe_stage<first>(), [](auto acc, auto t) {
          using up = typename decltype(t)::type;
          return concat(acc, lit(", "), describe_stage<up>());
        });
    return concat(stage_name_of<S>(), lit("("), list, lit(") -> "), short_name_v<value_t<S>>);
  }
}

}  // namespace detail

/// A one-line description of a flow's graph with its value types, computed at compile time:
///
///     auto f = coflow::from(std::vector<int>{1, 2}) | coflow::map([](int i) { return i * 2.0; });
///     static_assert(coflow::describe<decltype(f)>() == "from<vector<int>> | map -> double");
///
/// Sources read `name<range type>` (`from<vector<int>>`) or `name<value type>` (`iota<int>`;
/// a source may instead provide `static constexpr auto describe_self()`), linear stages
/// `... | name -> value type`, stages with several upstreams `name(a, b) -> value type`, and a
/// sink, when given, `... | sink_name`. The result is a `detail::fixed_string`: compare it
/// with `==`, convert it to `std::string_view`, or stream it.
template <class Flow, class Sink = void>
constexpr auto describe() noexcept {
  using F = std::remove_cvref_t<Flow>;
  if constexpr (detail::any_ill_formed<F>) {
    return detail::ill_formed{};  // the flow's own check has said why
  } else if constexpr (!stage<F>) {
    static_assert(detail::always_false<Flow>,
                  "coflow::describe: the argument is not a stage (it has no value_type, "
                  "next() or can_cooperate)");
    return detail::ill_formed{};
  } else if constexpr (std::is_void_v<Sink>) {
    return detail::describe_stage<F>();
  } else {
    return detail::concat(detail::describe_stage<F>(), detail::lit(" | "),
                          detail::sink_name_of<std::remove_cvref_t<Sink>>());
  }
}

/// `describe(flow)` and `describe(flow, sink)`: the same as `describe<decltype(flow)>()`.
template <class Flow>
constexpr auto describe(const Flow&) noexcept {
  return describe<Flow>();
}
template <class Flow, class Sink>
constexpr auto describe(const Flow&, const Sink&) noexcept {
  return describe<Flow, Sink>();
}

}  // namespace coflow
