// SPDX-License-Identifier: BSL-1.0
// asio_driver: flows on a Boost.Asio io_context, next to the program's other handlers. A timer
// feeds a callback source; the flow is parked (costs nothing) between values.
#include <coflow/asio.hpp>
#include <coflow/coflow.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <iostream>
#include <memory>

using namespace std::chrono_literals;

int main() {
  boost::asio::io_context ctx;
  auto [feed, ticks] = coflow::make_callback<int>();

  // An ordinary Asio timer chain pushes 1..5 into the flow, then ends it.
  auto timer = std::make_shared<boost::asio::steady_timer>(ctx);
  auto tick = std::make_shared<std::function<void(int)>>();
  *tick = [timer, tick, feed = feed](int n) mutable {
    if (n > 5) {
      feed.finish();
      *tick = nullptr;  // break the cycle: the handler holds the function that holds it
      return;
    }
    feed.push(n);
    timer->expires_after(1ms);
    timer->async_wait([tick, n](auto) { (*tick)(n + 1); });
  };
  (*tick)(1);

  auto squares = coflow::asio::spawn(ctx, std::move(ticks) | coflow::map([](int x) { return x * x; }),
                                     coflow::fold(0, std::plus<>{}));
  ctx.run();  // returns when the timer chain and the flow are done
  std::cout << "sum of squares: " << squares.value() << '\n';
}
