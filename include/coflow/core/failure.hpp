// SPDX-License-Identifier: BSL-1.0
// coflow/core/failure.hpp - an error carried as a value.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>

#include "coflow/detail/type_name.hpp"

namespace coflow {

/// An exception carried as a value through a flow, until an edge (`block`, a sink, a
/// deferred) decides to rethrow it, trap it or errback with it. It keeps the original
/// exception, so rethrowing gives the original type.
///
///     coflow::failure f = coflow::failure::make(std::runtime_error("disk full"));
///     f.type_name();  // "std::runtime_error"
///     f.message();    // "disk full"
class failure {
 public:
  failure() = default;  // an empty failure: `bool(f)` is false
  explicit failure(std::exception_ptr e) noexcept : exception_{std::move(e)} {}

  /// The exception being handled right now (call inside a `catch`).
  [[nodiscard]] static failure current() noexcept { return failure{std::current_exception()}; }

  template <class E>
  [[nodiscard]] static failure make(E&& e) {
    return failure{std::make_exception_ptr(std::forward<E>(e))};
  }

  [[nodiscard]] const std::exception_ptr& exception() const noexcept { return exception_; }
  explicit operator bool() const noexcept { return static_cast<bool>(exception_); }

  [[noreturn]] void rethrow() const { std::rethrow_exception(exception_); }

  /// The dynamic type of the exception, demangled ("std::runtime_error").
  [[nodiscard]] std::string type_name() const {
    if (!exception_) return "(no exception)";
    try {
      std::rethrow_exception(exception_);
    } catch (const std::exception& e) {
      return detail::demangle(typeid(e).name());
    } catch (...) {
#if COFLOW_HAS_CXXABI
      if (auto* t = abi::__cxa_current_exception_type()) return detail::demangle(t->name());
#endif
      return "(unknown exception type)";
    }
  }

  /// `what()` for a std::exception; the type name otherwise.
  [[nodiscard]] std::string message() const {
    if (!exception_) return {};
    try {
      std::rethrow_exception(exception_);
    } catch (const std::exception& e) {
      return e.what();
    } catch (...) {
      return type_name();
    }
  }

  /// True when the exception is an E (or derives from it).
  template <class E>
  [[nodiscard]] bool is() const noexcept {
    if (!exception_) return false;
    try {
      std::rethrow_exception(exception_);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  }

  friend bool operator==(const failure& a, const failure& b) noexcept { return a.exception_ == b.exception_; }

 private:
  std::exception_ptr exception_;
};

/// The failure a cancelled flow ends with.
class cancelled_error : public std::runtime_error {
 public:
  cancelled_error() : std::runtime_error("coflow: the flow was cancelled") {}
  using std::runtime_error::runtime_error;
};

}  // namespace coflow
