// SPDX-License-Identifier: BSL-1.0
// The twin of scheduler_spawn_not_a_stage.cpp and asio_*_not_a_stage.cpp that must compile.
// expect: COMPILES
#include <coflow/asio.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sinks/fold.hpp>

#include <exception>
#include <functional>
#include <vector>

int main() {
  coflow::scheduler s;
  auto a = s.spawn(std::vector{1, 2});
  auto b = s.spawn(std::vector{1, 2}, coflow::fold(0, std::plus<>{}));
  boost::asio::io_context ctx;
  auto c = coflow::asio::spawn(ctx, std::vector{1, 2});
  coflow::asio::async_run(ctx, std::vector{1, 2}, [](std::exception_ptr, std::vector<int>) {});
  (void)a;
  (void)b;
  (void)c;
}
