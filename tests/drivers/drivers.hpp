// SPDX-License-Identifier: BSL-1.0
// The two drivers behind one interface, so each behaviour test runs on both.
#pragma once

#include <coflow/asio.hpp>
#include <coflow/scheduling/scheduler.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace coflow_test {

struct scheduler_driver {
  static constexpr std::string_view name = "scheduler";
  coflow::scheduler sched;

  template <class... A>
  auto spawn(A&&... a) {
    return sched.spawn(std::forward<A>(a)...);
  }
  template <class F>
  auto call_later(coflow::cooperate::duration d, F f) {
    return sched.call_later(d, std::move(f));
  }
  template <class F>
  void call_from_thread(F f) {
    sched.call_from_thread(std::move(f));
  }
  void run() { sched.run(); }
};

struct asio_driver {
  static constexpr std::string_view name = "asio";
  boost::asio::io_context ctx{1};

  template <class... A>
  auto spawn(A&&... a) {
    return coflow::asio::spawn(ctx, std::forward<A>(a)...);
  }
  template <class F>
  auto call_later(coflow::cooperate::duration d, F f) {
    return coflow::asio::call_later(ctx, d, std::move(f));
  }
  template <class F>
  void call_from_thread(F f) {
    coflow::asio::call_from_thread(ctx, std::move(f));
  }
  void run() {
    ctx.run();
    ctx.restart();
  }
};

/// A stage that parks until another thread (or the loop) hands it values through `give`.
template <class T>
class mailbox {
  struct state {
    std::mutex m;
    std::vector<T> items;
    bool closed = false;
    coflow::waker w;
  };

 public:
  using value_type = T;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "mailbox";
  using upstreams = decltype(boost::hana::tuple_t<>);

  mailbox() : s_{std::make_shared<state>()} {}

  /// From any thread.
  void give(T v) const {
    post([&] { s_->items.push_back(std::move(v)); });
  }
  void close() const {
    post([&] { s_->closed = true; });
  }

  coflow::step<T> next() {
    std::lock_guard lock{s_->m};
    if (pos_ < s_->items.size()) return s_->items[pos_++];
    if (s_->closed) return coflow::done;
    s_->w = coflow::current_waker();
    return coflow::cooperate::park();
  }

 private:
  template <class F>
  void post(F f) const {
    coflow::waker w;
    {
      std::lock_guard lock{s_->m};
      f();
      w = s_->w;
    }
    w.wake();
  }
  std::shared_ptr<state> s_;
  std::size_t pos_ = 0;
};

}  // namespace coflow_test
