// SPDX-License-Identifier: BSL-1.0
// coflow/detail/stop_token.hpp - coflow::stop_token, stop_source, stop_callback and jthread.
#pragma once

// Where the standard library has them (`__cpp_lib_jthread`), these are the standard types:
// `coflow::stop_token` IS `std::stop_token`. libc++ before 18 has neither <stop_token> nor
// std::jthread; there coflow defines minimal replacements with the same interface (only what
// coflow uses): a shared state with an atomic stop flag, callbacks run by `request_stop`, and
// a thread that owns a stop source, passes its token to a callable that takes one, and
// requests stop and joins when it is destroyed. (Defining COFLOW_OWN_STOP_TOKEN selects the
// replacements everywhere: coflow's tests use it to check them with any standard library.)
#include <version>

#if defined(__cpp_lib_jthread) && !defined(COFLOW_OWN_STOP_TOKEN)
#include <stop_token>
#include <thread>

namespace coflow {
using std::jthread;
using std::nostopstate;
using std::nostopstate_t;
using std::stop_callback;
using std::stop_source;
using std::stop_token;
}  // namespace coflow

#else
#include <atomic>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>

namespace coflow {

namespace detail::stop {

/// A registered callback: a node of its state's list, run once by `request_stop`.
struct callback_node {
  void (*run)(callback_node*) noexcept = nullptr;
  callback_node* prev = nullptr;
  callback_node* next = nullptr;
  bool linked = false;
  bool* destroyed = nullptr;  // set while it runs: its destructor, on that thread, says so here
};

/// Shared by a stop source's copies, its tokens and callbacks.
class state {
 public:
  [[nodiscard]] bool stop_requested() const noexcept { return stopped_.load(std::memory_order_acquire); }
  [[nodiscard]] bool stop_possible() const noexcept {
    return stop_requested() || sources_.load(std::memory_order_acquire) != 0;
  }
  void add_source() noexcept { sources_.fetch_add(1, std::memory_order_relaxed); }
  void remove_source() noexcept { sources_.fetch_sub(1, std::memory_order_acq_rel); }

  /// Sets the flag and runs the callbacks, on this thread; false if stop was already requested.
  bool request_stop() noexcept {
    std::unique_lock lock{mutex_};
    if (stopped_.load(std::memory_order_relaxed)) return false;
    stopped_.store(true, std::memory_order_release);
    requester_ = std::this_thread::get_id();
    while (callback_node* cb = head_) {
      unlink(cb);
      running_ = cb;
      bool destroyed = false;
      cb->destroyed = &destroyed;
      lock.unlock();
      cb->run(cb);  // may destroy cb (on this thread)
      lock.lock();
      if (!destroyed) cb->destroyed = nullptr;
      running_ = nullptr;
      done_.notify_all();
    }
    return true;
  }

  /// Registers cb; false (not registered) if stop was already requested.
  bool add(callback_node* cb) {
    std::lock_guard lock{mutex_};
    if (stopped_.load(std::memory_order_relaxed)) return false;
    cb->next = head_;
    if (head_) head_->prev = cb;
    head_ = cb;
    cb->linked = true;
    return true;
  }

  /// Unregisters cb; if another thread is running it, waits until it returns.
  void remove(callback_node* cb) noexcept {
    std::unique_lock lock{mutex_};
    if (cb->linked) {
      unlink(cb);
    } else if (running_ == cb) {
      if (requester_ == std::this_thread::get_id()) {
        if (cb->destroyed) *cb->destroyed = true;  // destroyed by its own callback
      } else {
        done_.wait(lock, [&] { return running_ != cb; });
      }
    }
  }

 private:
  void unlink(callback_node* cb) noexcept {
    if (cb->prev)
      cb->prev->next = cb->next;
    else
      head_ = cb->next;
    if (cb->next) cb->next->prev = cb->prev;
    cb->prev = cb->next = nullptr;
    cb->linked = false;
  }

  std::atomic<bool> stopped_{false};
  std::atomic<std::size_t> sources_{0};
  std::mutex mutex_;
  std::condition_variable done_;
  callback_node* head_ = nullptr;
  callback_node* running_ = nullptr;
  std::thread::id requester_;
};

}  // namespace detail::stop

struct nostopstate_t {
  explicit nostopstate_t() = default;
};
inline constexpr nostopstate_t nostopstate{};

/// Says whether its source requested stop. A default-constructed token never stops.
class stop_token {
 public:
  stop_token() noexcept = default;
  [[nodiscard]] bool stop_requested() const noexcept { return state_ && state_->stop_requested(); }
  [[nodiscard]] bool stop_possible() const noexcept { return state_ && state_->stop_possible(); }
  void swap(stop_token& o) noexcept { state_.swap(o.state_); }
  friend void swap(stop_token& a, stop_token& b) noexcept { a.swap(b); }
  [[nodiscard]] friend bool operator==(const stop_token&, const stop_token&) noexcept = default;

 private:
  friend class stop_source;
  template <class>
  friend class stop_callback;
  explicit stop_token(std::shared_ptr<detail::stop::state> s) noexcept : state_{std::move(s)} {}
  std::shared_ptr<detail::stop::state> state_;
};

/// Requests stop; its copies share one state.
class stop_source {
 public:
  stop_source() : state_{std::make_shared<detail::stop::state>()} { state_->add_source(); }
  explicit stop_source(nostopstate_t) noexcept {}
  stop_source(const stop_source& o) noexcept : state_{o.state_} {
    if (state_) state_->add_source();
  }
  stop_source(stop_source&& o) noexcept = default;
  stop_source& operator=(const stop_source& o) noexcept {
    if (state_ != o.state_) stop_source{o}.swap(*this);
    return *this;
  }
  stop_source& operator=(stop_source&& o) noexcept {
    stop_source{std::move(o)}.swap(*this);
    return *this;
  }
  ~stop_source() {
    if (state_) state_->remove_source();
  }

  bool request_stop() noexcept { return state_ && state_->request_stop(); }
  [[nodiscard]] bool stop_requested() const noexcept { return state_ && state_->stop_requested(); }
  [[nodiscard]] bool stop_possible() const noexcept { return state_ != nullptr; }
  [[nodiscard]] stop_token get_token() const noexcept { return stop_token{state_}; }
  void swap(stop_source& o) noexcept { state_.swap(o.state_); }
  friend void swap(stop_source& a, stop_source& b) noexcept { a.swap(b); }
  [[nodiscard]] friend bool operator==(const stop_source&, const stop_source&) noexcept = default;

 private:
  std::shared_ptr<detail::stop::state> state_;
};

/// Runs its callback once when its token's source requests stop (at once if it already has);
/// its destructor unregisters it, waiting if the callback is running on another thread.
template <class Callback>
class stop_callback : detail::stop::callback_node {
 public:
  using callback_type = Callback;

  template <class C>
    requires std::constructible_from<Callback, C>
  explicit stop_callback(const stop_token& st, C&& cb) noexcept(std::is_nothrow_constructible_v<Callback, C>)
      : callback_{std::forward<C>(cb)} {
    attach(st.state_);
  }
  template <class C>
    requires std::constructible_from<Callback, C>
  explicit stop_callback(stop_token&& st, C&& cb) noexcept(std::is_nothrow_constructible_v<Callback, C>)
      : callback_{std::forward<C>(cb)} {
    attach(std::move(st.state_));
  }
  stop_callback(const stop_callback&) = delete;
  stop_callback& operator=(const stop_callback&) = delete;
  ~stop_callback() {
    if (state_) state_->remove(this);
  }

 private:
  void attach(std::shared_ptr<detail::stop::state> s) {
    if (!s) return;
    run = &invoke;
    if (s->add(this))
      state_ = std::move(s);
    else if (s->stop_requested())
      std::invoke(std::forward<Callback>(callback_));
  }
  static void invoke(detail::stop::callback_node* n) noexcept {
    std::invoke(std::forward<Callback>(static_cast<stop_callback*>(n)->callback_));
  }

  Callback callback_;
  std::shared_ptr<detail::stop::state> state_;
};

template <class Callback>
stop_callback(stop_token, Callback) -> stop_callback<Callback>;

/// A std::thread that owns a stop source: a callable that takes a `stop_token` first gets its
/// token; the destructor requests stop and joins.
class jthread {
 public:
  using id = std::thread::id;
  using native_handle_type = std::thread::native_handle_type;

  jthread() noexcept : source_{nostopstate} {}
  template <class F, class... Args>
    requires(!std::is_same_v<std::remove_cvref_t<F>, jthread>)
  explicit jthread(F&& f, Args&&... args)
      : thread_{start(source_, std::forward<F>(f), std::forward<Args>(args)...)} {}
  jthread(const jthread&) = delete;
  jthread& operator=(const jthread&) = delete;
  jthread(jthread&&) noexcept = default;
  jthread& operator=(jthread&& o) noexcept {
    if (this != &o) {
      stop_and_join();
      thread_ = std::move(o.thread_);
      source_ = std::move(o.source_);
    }
    return *this;
  }
  ~jthread() { stop_and_join(); }

  [[nodiscard]] bool joinable() const noexcept { return thread_.joinable(); }
  void join() { thread_.join(); }
  void detach() { thread_.detach(); }
  [[nodiscard]] id get_id() const noexcept { return thread_.get_id(); }
  [[nodiscard]] native_handle_type native_handle() { return thread_.native_handle(); }
  [[nodiscard]] stop_source get_stop_source() noexcept { return source_; }
  [[nodiscard]] stop_token get_stop_token() const noexcept { return source_.get_token(); }
  bool request_stop() noexcept { return source_.request_stop(); }
  void swap(jthread& o) noexcept {
    thread_.swap(o.thread_);
    source_.swap(o.source_);
  }
  friend void swap(jthread& a, jthread& b) noexcept { a.swap(b); }
  [[nodiscard]] static unsigned hardware_concurrency() noexcept {
    return std::thread::hardware_concurrency();
  }

 private:
  template <class F, class... Args>
  static std::thread start(const stop_source& source, F&& f, Args&&... args) {
    if constexpr (std::is_invocable_v<std::decay_t<F>, stop_token, std::decay_t<Args>...>)
      return std::thread{std::forward<F>(f), source.get_token(), std::forward<Args>(args)...};
    else
      return std::thread{std::forward<F>(f), std::forward<Args>(args)...};
  }
  void stop_and_join() noexcept {
    if (thread_.joinable()) {
      source_.request_stop();
      thread_.join();
    }
  }

  stop_source source_;  // first: built before the thread starts with its token
  std::thread thread_;
};

}  // namespace coflow
#endif
