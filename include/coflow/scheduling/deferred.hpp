// SPDX-License-Identifier: BSL-1.0
// coflow/scheduling/deferred.hpp - a one-shot result with callback and errback chains.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "coflow/core/failure.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/detail/shared_block.hpp"

namespace coflow {

template <class T = void>
class deferred;

/// Firing a deferred that has already fired (Twisted's `AlreadyCalledError`).
class already_fired_error : public std::logic_error {
 public:
  already_fired_error() : std::logic_error("coflow::deferred: fired twice") {}
};

namespace detail {
template <class T>
using deferred_stored_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <class Arg>
class once_queue;

/// A move-only `void(Arg)` callable (callbacks may hold move-only completion handlers); empty
/// when default-made.
template <class Arg>
class once_fn {
  struct base {
    virtual void call(Arg a) = 0;
    virtual ~base() = default;
    base* next = nullptr;  // in a `once_queue`
  };
  template <class F>
  struct impl final : base {
    explicit impl(F fn) : f{std::move(fn)} {}
    void call(Arg a) override { f(a); }
    F f;
  };

 public:
  once_fn() noexcept = default;
  template <class F>
  explicit once_fn(F f) : p_{std::make_unique<impl<F>>(std::move(f))} {}
  void operator()(Arg a) const { p_->call(a); }
  explicit operator bool() const noexcept { return static_cast<bool>(p_); }

 private:
  friend class once_queue<Arg>;
  std::unique_ptr<base> p_;
};

/// `once_fn`s in order, linked through their own blocks: one pointer (to the last, which points
/// to the first) and no array, so a deferred's state is small.
template <class Arg>
class once_queue {
  using node = typename once_fn<Arg>::base;

 public:
  once_queue() noexcept = default;
  once_queue(once_queue&& o) noexcept : last_{std::exchange(o.last_, nullptr)} {}
  once_queue& operator=(once_queue&& o) noexcept {
    std::swap(last_, o.last_);
    return *this;
  }
  ~once_queue() { clear(); }

  void push(once_fn<Arg> f) noexcept {
    node* n = f.p_.release();
    n->next = last_ ? std::exchange(last_->next, n) : n;
    last_ = n;
  }
  /// The first one, taken out; empty when there is none.
  once_fn<Arg> pop() noexcept {
    once_fn<Arg> f;
    if (!last_) return f;
    node* first = last_->next;
    if (first == last_)
      last_ = nullptr;
    else
      last_->next = first->next;
    f.p_.reset(first);
    return f;
  }
  void clear() noexcept {
    while (pop()) {
    }
  }

 private:
  node* last_ = nullptr;
};

/// The state a deferred's copies share: its result (nothing yet, a value or a failure), its
/// callbacks and its canceller. It lives in a block of its own, or inside a driver's (the
/// scheduler keeps a spawned flow's in the flow's slot): `owner` is the block whose count the
/// deferreds hold, and is told when the deferred is cancelled. The result is a union whose
/// tag shares a word with the flags, so the state of a `deferred<std::vector<T>>` is 56 bytes.
template <class T>
class deferred_state {
  using stored = deferred_stored_t<T>;

 public:
  explicit deferred_state(shared_block* o) noexcept : owner{o} {}
  deferred_state(const deferred_state&) = delete;
  deferred_state& operator=(const deferred_state&) = delete;
  ~deferred_state() {
    if (held_ == holds::value) value_.~stored();
    if (held_ == holds::error) error_.~failure();
  }

  [[nodiscard]] bool has_value() const noexcept { return held_ == holds::value; }
  [[nodiscard]] const stored& value() const noexcept { return value_; }
  /// The failure; empty unless it holds one.
  [[nodiscard]] const failure& error() const noexcept { return held_ == holds::error ? error_ : no_failure; }
  template <class U>
  void set_value(U&& v) {  // once, before it holds anything
    ::new (static_cast<void*>(&value_)) stored(std::forward<U>(v));
    held_ = holds::value;
  }
  void set_error(failure f) noexcept {  // once, before it holds anything
    ::new (static_cast<void*>(&error_)) failure(std::move(f));
    held_ = holds::error;
  }

  friend void intrusive_ptr_add_ref(const deferred_state* s) noexcept { intrusive_ptr_add_ref(s->owner); }
  friend void intrusive_ptr_release(const deferred_state* s) noexcept { intrusive_ptr_release(s->owner); }

  shared_block* const owner;
  once_queue<const deferred<T>&> callbacks;
  once_fn<const deferred<T>&> canceller;
  bool fired = false;
  bool firing = false;
  bool cancelled = false;

 private:
  enum class holds : std::uint8_t { nothing, value, error };
  static inline const failure no_failure{};
  holds held_ = holds::nothing;
  union {
    stored value_;
    failure error_;
  };
};

/// A deferred's state in a block of its own (a deferred made by its constructor).
template <class T>
struct own_deferred_state final : shared_block {
  own_deferred_state() noexcept : state{this} {}
  deferred_state<T> state;
};

/// Makes a deferred over a state that a driver keeps in its own block (sharing its count).
struct deferred_access {
  template <class T>
  static deferred<T> make(deferred_state<T>* s) noexcept {
    return deferred<T>{s};
  }
};
}  // namespace detail

/// A result that arrives later, exactly once: a value (`callback(v)`) or a failure
/// (`errback(f)`). Callbacks added with `then`, `on_error` and `both` run in the order they
/// were added when it fires; one added after it fired runs at once. Copies share one state.
///
///     coflow::deferred<int> d;
///     d.then([](int v) { std::cout << v; }).on_error([](const coflow::failure& f) { log(f); });
///     d.callback(42);  // prints 42
///
/// Thread rules: a deferred is not synchronized. Fire it, add callbacks and cancel it on one
/// thread (the scheduler's); from another thread, go through `scheduler.call_from_thread`.
/// A callback must not throw: its exception leaves through the call that fired the deferred.
template <class T>
class deferred {
  using state = detail::deferred_state<T>;
  using stored = detail::deferred_stored_t<T>;

 public:
  using value_type = T;

  deferred() : s_{&(new detail::own_deferred_state<T>)->state} {}

  /// A deferred whose `cancel()` first calls `canceller(*this)` (which may fire it; if it does
  /// not, the deferred errbacks with `cancelled_error`).
  template <class F>
    requires std::is_invocable_v<F&, const deferred&>
  explicit deferred(F canceller) : deferred() {
    s_->canceller = detail::once_fn<const deferred&>{std::move(canceller)};
  }

  /// Sets the canceller (see the constructor); drivers use it for the flows they spawn.
  template <class F>
    requires std::is_invocable_v<F&, const deferred&>
  void set_canceller(F canceller) {
    if (!s_->fired) s_->canceller = detail::once_fn<const deferred&>{std::move(canceller)};
  }

  /// A deferred that has already fired with `v`.
  template <class U = stored>
  [[nodiscard]] static deferred succeed(U&& v = U{}) {
    deferred d;
    d.callback(std::forward<U>(v));
    return d;
  }
  /// A deferred that has already failed with `f`.
  [[nodiscard]] static deferred fail(failure f) {
    deferred d;
    d.errback(std::move(f));
    return d;
  }

  /// Fires with a value. Throws `already_fired_error` if it fired already, unless it was
  /// cancelled (a late result of a cancelled operation is dropped, as in Twisted).
  template <class U = stored>
    requires std::is_constructible_v<stored, U&&>
  void callback(U&& v = U{}) {
    if (!begin_fire()) return;
    s_->set_value(std::forward<U>(v));
    run_callbacks();
  }

  /// Fires with a failure (same rules as `callback`).
  void errback(failure f) {
    if (!begin_fire()) return;
    s_->set_error(f ? std::move(f) : failure::make(std::runtime_error("coflow::deferred: empty failure")));
    run_callbacks();
  }

  /// `f(value)` when it fires with a value (`f()` for `deferred<void>`).
  template <class F>
  deferred& then(F f) {
    return add([f = std::move(f)](const deferred& d) mutable {
      if (!d.succeeded()) return;
      if constexpr (std::is_void_v<T>)
        f();
      else
        f(d.value());
    });
  }
  /// `f(failure)` when it fires with a failure.
  template <class F>
  deferred& on_error(F f) {
    return add([f = std::move(f)](const deferred& d) mutable {
      if (d.failed()) f(d.error());
    });
  }
  /// `f(deferred)` (or `f()`) when it fires either way.
  template <class F>
  deferred& both(F f) {
    return add([f = std::move(f)](const deferred& d) mutable {
      if constexpr (std::is_invocable_v<F&, const deferred&>)
        f(d);
      else
        f();
    });
  }

  /// Gives up on the result: unless it fired already, runs the canceller (a spawned flow's
  /// canceller destroys the flow) and errbacks with `cancelled_error` if still unfired.
  void cancel() {
    if (s_->fired) return;
    s_->cancelled = true;
    s_->owner->deferred_cancelled();
    if (s_->canceller) {
      auto c = std::move(s_->canceller);
      c(*this);
    }
    if (!s_->fired) {
      s_->fired = true;
      s_->set_error(failure::make(cancelled_error{}));
      run_callbacks();
    }
  }

  [[nodiscard]] bool fired() const noexcept { return s_->fired; }
  [[nodiscard]] bool succeeded() const noexcept { return s_->fired && s_->has_value(); }
  [[nodiscard]] bool failed() const noexcept { return s_->fired && !s_->has_value(); }
  /// Whether `cancel()` was called before it fired.
  [[nodiscard]] bool cancelled() const noexcept { return s_->cancelled; }

  /// The value; rethrows the failure (original type) if it failed; `std::logic_error` if it
  /// has not fired.
  [[nodiscard]] const stored& value() const {
    if (!s_->fired) throw std::logic_error("coflow::deferred: value() before it fired");
    if (!s_->has_value()) s_->error().rethrow();
    return s_->value();
  }
  /// The failure; empty unless `failed()`.
  [[nodiscard]] const failure& error() const noexcept { return s_->error(); }

  friend bool operator==(const deferred& a, const deferred& b) noexcept { return a.s_ == b.s_; }

 private:
  bool begin_fire() {
    if (s_->fired) {
      if (s_->cancelled) return false;
      throw already_fired_error{};
    }
    s_->fired = true;
    s_->canceller = {};  // it may hold the deferred itself: break the cycle
    return true;
  }

  template <class F>
  deferred& add(F f) {
    s_->callbacks.push(detail::once_fn<const deferred&>{std::move(f)});
    if (s_->fired && !s_->firing) run_callbacks();
    return *this;
  }

  // Callbacks run once each, in order; those added while firing run in the same pass.
  void run_callbacks() {
    detail::block_ptr<state> keep = s_;
    keep->firing = true;
    while (auto cb = keep->callbacks.pop()) cb(*this);
    keep->firing = false;
  }

  friend struct detail::deferred_access;
  explicit deferred(state* s) noexcept : s_{s} {}

  detail::block_ptr<state> s_;
};

/// The stage behind `from(deferred)`: gives the deferred's value (or its failure) once. Until
/// it fires, the flow parks, woken by the deferred's callback.
template <class T>
class deferred_source : public stage_base<> {
 public:
  using value_type = T;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "from(deferred)";

  explicit deferred_source(deferred<T> d) : d_{std::move(d)} {}

  step<T> next() {
    if (finished_) return done;
    if (!d_.fired()) {
      if (!registered_) {
        if (waker w = current_waker()) {
          d_.both([w] { w.wake(); });
          registered_ = true;
        }
      }
      return cooperate::park();
    }
    finished_ = true;
    if (d_.failed()) return d_.error();
    return step<T>{d_.value()};
  }

 private:
  deferred<T> d_;
  bool registered_ = false;
  bool finished_ = false;
};

/// `coflow::from(d)`: a one-value stage over a deferred (found by `from` through ADL).
///
///     coflow::deferred<std::string> d;
///     auto flow = coflow::merge(coflow::from(d), coflow::from({1, 2, 3}));
template <class T>
  requires(!std::is_void_v<T> && std::is_copy_constructible_v<T>)
deferred_source<T> coflow_from(deferred<T> d) {
  return deferred_source<T>{std::move(d)};
}

}  // namespace coflow
