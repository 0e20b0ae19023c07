// SPDX-License-Identifier: BSL-1.0
// coflow/detail/quoted.hpp - a text value as a failure shows it.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace coflow::detail {

/// Appends `s` quoted, as failures show a text value: cut after 64 bytes (then its size), bytes
/// outside printable ASCII, `"` and `\` escaped as `\xNN`.
inline void append_quoted(std::string& out, std::string_view s) {
  constexpr std::size_t shown = 64;
  out += '"';
  for (char c : s.substr(0, shown)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\x%02x", u);
      out += esc;
    } else {
      out += c;
    }
  }
  out += '"';
  if (s.size() > shown) out += "... (" + std::to_string(s.size()) + " bytes)";
}

}  // namespace coflow::detail
