// SPDX-License-Identifier: BSL-1.0
// Spawning on an io_context into a custom sink that does not derive from coflow::sink_base.
// expect: coflow::asio::spawn: the third argument (K) has consumer<T>() but is not a sink; a sink derives
// from coflow::sink_base<K>
#include <coflow/asio.hpp>
#include <coflow/sources/iota.hpp>

#include <utility>
#include <vector>

#if COFLOW_MISUSE
struct reply_sink {
#else
struct reply_sink : coflow::sink_base<reply_sink> {
#endif
  template <class T>
  struct consumer_type {
    std::vector<T> out;
    bool push(T v) {
      out.push_back(std::move(v));
      return true;
    }
    std::vector<T> result() && { return std::move(out); }
  };
  template <class T>
  consumer_type<T> consumer() && {
    return {};
  }
};

int main() {
  boost::asio::io_context ctx;
  auto d = coflow::asio::spawn(ctx, coflow::iota(0, 3), reply_sink{});
  (void)d;
}
