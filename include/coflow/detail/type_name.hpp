// SPDX-License-Identifier: BSL-1.0
// coflow/detail/type_name.hpp - readable type names for messages and introspection.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#define COFLOW_HAS_CXXABI 1
#else
#define COFLOW_HAS_CXXABI 0
#endif

namespace coflow::detail {

/// Demangles a `typeid(...).name()`; returns it unchanged where the ABI has no demangler.
inline std::string demangle(const char* mangled) {
#if COFLOW_HAS_CXXABI
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out{abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                             std::free};
  if (status == 0 && out) return out.get();
#endif
  return mangled;
}

/// The compiler's spelling of T, known at compile time (from __PRETTY_FUNCTION__).
template <class T>
constexpr std::string_view pretty_name() noexcept {
  std::string_view p = __PRETTY_FUNCTION__;
#if defined(__clang__)
  constexpr std::string_view key = "T = ";
  auto b = p.find(key) + key.size();
  auto e = p.rfind(']');
#else
  constexpr std::string_view key = "T = ";
  auto b = p.find(key) + key.size();
  auto e = p.find_first_of(";]", b);
#endif
  return p.substr(b, e - b);
}

}  // namespace coflow::detail
