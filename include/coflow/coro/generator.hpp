// SPDX-License-Identifier: BSL-1.0
// coflow/coro/generator.hpp - custom stages written as straight-line C++20 coroutines.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"

namespace coflow {

namespace detail {
/// What `co_await stage` gives: `std::optional<V>` for values, a pointer for references
/// (both test false at the end and dereference with `*`).
template <class T>
using pulled_t = std::conditional_t<std::is_lvalue_reference_v<T>, std::remove_reference_t<T>*,
                                    std::optional<std::remove_cvref_t<T>>>;

/// What a rejected `co_await` gives, so that the code after it raises no further errors.
struct ill_formed_awaiter {
  static constexpr bool await_ready() noexcept { return true; }
  static constexpr void await_suspend(std::coroutine_handle<>) noexcept {}
  static std::optional<ill_formed> await_resume() noexcept { return std::nullopt; }
};

/// An awaited pull that gave a cooperate: the generator retries it before resuming.
struct pending_pull {
  virtual std::optional<cooperate> retry() = 0;

 protected:
  ~pending_pull() = default;
};

/// What `pending_` points to after `next_cooperate()` resumed the body and it gave something
/// other than a cooperate: the next `next()` takes that step without resuming the body.
struct step_held final : pending_pull {
  std::optional<cooperate> retry() override { return std::nullopt; }
};
inline step_held held_step;
}  // namespace detail

/// A stage written as a coroutine:
///
///     coflow::generator<std::string> consumer() {
///       auto title = coflow::just("Title");
///       while (auto t = co_await title) co_yield *t;
///       auto rows = producer();
///       while (auto r = co_await rows) co_yield format(*r);
///     }
///
/// - `co_await stage` pulls one item: empty at the end, rethrows the stage's failure. A
///   cooperate from the stage suspends this generator and every generator pulling it, and the
///   pull is retried where it was when the flow is pulled again.
/// - `co_yield value` gives a value; `co_yield cooperate{d}` gives a cooperate.
/// - An exception leaving the body becomes the generator's failure, after the values it gave.
template <class T>
class [[nodiscard]] generator : public stage_base<> {
 public:
  using value_type = T;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "generator";

  class promise_type {
   public:
    generator get_return_object() noexcept {
      return generator{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }

    template <class U = T>
      requires std::is_constructible_v<step<T>, U&&>
    std::suspend_always yield_value(U&& v) noexcept(std::is_nothrow_constructible_v<step<T>, U&&> ||
                                                    yields_in_place<U>) {
      if constexpr (yields_in_place<U>) {
        // The yielded object lives until the coroutine resumes: `next()` takes it from there.
        value_ = std::addressof(v);
        given_ = std::is_lvalue_reference_v<U> ? given::copy : given::move;
      } else {
        current_.emplace(std::forward<U>(v));
        given_ = given::step;
      }
      return {};
    }
    std::suspend_always yield_value(cooperate c) noexcept {
      cooperation_ = c;
      given_ = given::cooperation;
      return {};
    }
    // Anything else: one readable message instead of a list of rejected overloads. (An
    // `ill_formed` value comes from a co_await that already said what is wrong.)
    template <class U>
      requires(!std::is_constructible_v<step<T>, U &&> && !std::is_same_v<std::remove_cvref_t<U>, cooperate>)
    std::suspend_always yield_value(U&&) noexcept {
      static_assert(std::is_same_v<std::remove_cvref_t<U>, detail::ill_formed>,
                    "coflow::generator<T>: co_yield needs a value convertible to T (or a "
                    "coflow::cooperate)");
      return {};
    }
    void return_void() noexcept {
      current_.emplace(done);
      given_ = given::step;
    }
    void unhandled_exception() noexcept {
      current_.emplace(failure::current());
      given_ = given::step;
    }

    template <class S>
    auto await_transform(S&& s) {
      using held = std::remove_reference_t<S>;
      if constexpr (std::is_lvalue_reference_v<S> && stage<held>) {
        return pull_awaiter<held>{s, *this};
      } else {
        if constexpr (detail::any_ill_formed<S>) {
          // the stage's own check has said why
        } else if constexpr (stage<std::remove_cv_t<held>>) {
          static_assert(detail::always_false<S>,
                        "coflow::generator: co_await needs a stage held in a variable (an lvalue): a "
                        "temporary stage would restart on every pull");
        } else {
          static_assert(detail::always_false<S>,
                        "coflow::generator: co_await needs a stage (an lvalue such as a "
                        "generator or coflow::from(...)); wrap ranges with coflow::from");
        }
        return detail::ill_formed_awaiter{};
      }
    }

   private:
    friend generator;
    // A value of type T is not copied into the promise: `next()` makes its step straight
    // from the yielded object, and a cooperate is kept on its own. A step stored whole and
    // read back whole (a wide load of narrow stores) stalls store-to-load forwarding at
    // every switch; other values (converted, the end, a failure) go through `current_`.
    template <class U>
    static constexpr bool yields_in_place =
        !std::is_reference_v<T> && std::is_same_v<std::remove_cvref_t<U>, T>;
    enum class given : unsigned char { step, copy, move, cooperation };

    // The step of the last suspension, built in the caller's return slot.
    step<T> take() {
      if (given_ == given::cooperation) return cooperation_;
      if constexpr (!std::is_reference_v<T>) {
        if (given_ == given::move) return step<T>(std::move(*value_));
        if constexpr (std::is_copy_constructible_v<T>)
          if (given_ == given::copy) return step<T>(std::as_const(*value_));
      }
      step<T> out = std::move(*current_);
      current_.reset();
      return out;
    }

    std::optional<step<T>> current_;
    std::conditional_t<std::is_reference_v<T>, void*, std::remove_cvref_t<T>*> value_ = nullptr;
    cooperate cooperation_{};
    given given_ = given::step;
    detail::pending_pull* pending_ = nullptr;
  };

  generator(generator&& o) noexcept : h_{std::exchange(o.h_, {})} {}
  generator& operator=(generator&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  ~generator() {
    if (h_) h_.destroy();
  }

  step<T> next() {
    const std::coroutine_handle<promise_type> h = h_;
    if (!h) [[unlikely]]
      return done;
    promise_type& p = h.promise();
    if (p.pending_) [[unlikely]]  // before `done()`: a body that ended may have its step held
      return retry_pending(h);
    if (h.done()) [[unlikely]]
      return done;
    h.resume();
    return p.take();
  }

  /// For drivers, `next()` in two halves, so that a turn which ends in a cooperate builds no
  /// step: resumes the body where `next()` would and, when it yielded a cooperate, stores it in
  /// `c` and returns true. False when it gave something else, or when `next()` has more to do
  /// first (the body has ended): `next()` then gives that step, without resuming the body
  /// again.
  [[gnu::always_inline]] bool next_cooperate(cooperate& c) noexcept {
    const std::coroutine_handle<promise_type> h = h_;
    if (!h || h.done()) [[unlikely]]
      return false;
    promise_type& p = h.promise();
    if (p.pending_) [[unlikely]] {
      if (!resume_pending(h)) return false;
    } else {
      h.resume();
    }
    if (p.given_ == promise_type::given::cooperation) [[likely]] {
      c = p.cooperation_;
      return true;
    }
    p.pending_ = &detail::held_step;
    return false;
  }

 private:
  template <class S>
  class pull_awaiter final : detail::pending_pull {
   public:
    pull_awaiter(S& s, promise_type& p) : stage_{s}, promise_{p} {}

    bool await_ready() {
      result_.emplace(stage_.next());
      return !result_->is_cooperate();
    }
    void await_suspend(std::coroutine_handle<>) noexcept {
      promise_.cooperation_ = result_->cooperation();
      promise_.given_ = promise_type::given::cooperation;
      promise_.pending_ = this;
    }
    detail::pulled_t<value_t<S>> await_resume() {
      step<value_t<S>>& r = *result_;
      if (r.has_value()) {
        if constexpr (std::is_lvalue_reference_v<value_t<S>>)
          return std::addressof(*r);
        else
          return detail::pulled_t<value_t<S>>{std::in_place, *std::move(r)};
      }
      if (r.is_failure()) r.error().rethrow();
      return {};
    }

   private:
    std::optional<cooperate> retry() override {
      result_.emplace(stage_.next());
      if (result_->is_cooperate()) return result_->cooperation();
      return std::nullopt;
    }

    S& stage_;
    promise_type& promise_;
    std::optional<step<value_t<S>>> result_;
  };

  // A pull that gave a cooperate is retried first; the body resumes once it gives something else.
  // (After `next_cooperate()`, the step the body gave is taken.)
  [[gnu::noinline]] static step<T> retry_pending(std::coroutine_handle<promise_type> h) {
    promise_type& p = h.promise();
    if (p.pending_ == &detail::held_step) {
      p.pending_ = nullptr;
      return p.take();
    }
    if (std::optional<cooperate> c = p.pending_->retry()) return *c;
    p.pending_ = nullptr;
    h.resume();
    return p.take();
  }

  // `retry_pending` for `next_cooperate`: a pull that gives a cooperate again gives it as the
  // body's last suspension; false when a step is held. A pull that throws holds its failure,
  // which `next()` then gives (where `next()` itself would have thrown it).
  [[gnu::noinline]] static bool resume_pending(std::coroutine_handle<promise_type> h) noexcept {
    promise_type& p = h.promise();
    if (p.pending_ == &detail::held_step) return false;
    try {
      if (std::optional<cooperate> c = p.pending_->retry()) {
        p.cooperation_ = *c;
        p.given_ = promise_type::given::cooperation;
        return true;
      }
    } catch (...) {
      p.unhandled_exception();
      p.pending_ = &detail::held_step;
      return false;
    }
    p.pending_ = nullptr;
    h.resume();
    return true;
  }

  explicit generator(std::coroutine_handle<promise_type> h) noexcept : h_{h} {}
  std::coroutine_handle<promise_type> h_;
};

}  // namespace coflow
