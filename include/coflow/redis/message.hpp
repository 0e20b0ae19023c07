// SPDX-License-Identifier: BSL-1.0
// coflow/redis/message.hpp - a message of a Redis stream, and its fields decoded.
#pragma once

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>

#include "coflow/detail/diagnostic.hpp"
#include "coflow/redis/connection.hpp"

namespace coflow::redis {

/// One message of a stream as `read_group` gives it: its id (`"1700000000000-0"`) and fields.
/// Acknowledge it by passing it (or its id) to `redis::ack` once the flow has done its work.
struct message {
  std::string id;
  redis::fields fields;

  /// The value of the first field named `name`, or nullptr.
  const std::string* find(std::string_view name) const noexcept {
    for (const auto& [f, v] : fields)
      if (f == name) return &v;
    return nullptr;
  }
};

namespace detail {

template <class T>
inline constexpr bool decodable_v =
    std::is_same_v<T, std::string> || (std::is_integral_v<T> && !std::is_same_v<T, bool>) ||
    std::is_floating_point_v<T>;

[[noreturn]] inline void bad_field(const message& m, std::string_view name, const std::string& why) {
  throw error{"redis: message " + m.id + ": field \"" + std::string(name) + "\" " + why};
}

template <class T>
T decode(const message& m, std::string_view name, const std::string& text) {
  T out{};
  bool ok = false;
  if constexpr (std::is_integral_v<T>) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    ok = ec == std::errc{} && end == text.data() + text.size();
  } else {
    // strtod, not from_chars: libc++ 16 has from_chars for integers only. Redis sends the
    // number as text in the "C" form.
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(text.c_str(), &end);
    ok = !text.empty() && errno == 0 && end == text.c_str() + text.size();
    out = static_cast<T>(d);
  }
  if (!ok)
    bad_field(m, name,
              "holds \"" + text + "\", which is not " +
                  (std::is_integral_v<T> ? "an integer of its type" : "a number"));
  return out;
}

}  // namespace detail

/// The field `name` of `m` as a `T` (std::string, an integer or a floating-point number): throws
/// `redis::error` naming the message's id and the field when it is missing or does not decode,
/// which fails the flow there (see docs/distributed.md for what happens to the message then).
///
///     auto n = coflow::redis::field<std::int64_t>(m, "n");
template <class T>
auto field(const message& m, std::string_view name) {
  if constexpr (!detail::decodable_v<T>) {
    static_assert(coflow::detail::always_false<T>,
                  "coflow::redis::field: the field type cannot be decoded (use std::string, an "
                  "integer other than bool, or a floating-point number)");
    return coflow::detail::ill_formed{};
  } else {
    const std::string* v = m.find(name);
    if (!v) detail::bad_field(m, name, "is missing");
    if constexpr (std::is_same_v<T, std::string>)
      return *v;
    else
      return detail::decode<T>(m, name, *v);
  }
}

}  // namespace coflow::redis
