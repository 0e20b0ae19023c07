// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>
#include <coflow/introspection/traits.hpp>

#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "introspection/stages.hpp"

namespace {

auto plain_flow() {
  return coflow::from(std::vector<int>{1, 2, 3, 4}) | coflow::filter([](int i) { return i % 2 == 0; }) |
         coflow::map([](int i) { return std::to_string(i); });
}
using plain_t = decltype(plain_flow());
using plain = coflow::flow_traits<plain_t>;
static_assert(std::is_same_v<plain::value_type, std::string>);
static_assert(std::is_same_v<plain::stored_value_type, std::string>);
static_assert(!plain::can_cooperate && !plain::uses_threads);
static_assert(plain::buffer_bound == 0 && plain::is_bounded);
static_assert(plain::stage_count == 3 && plain::source_count == 1 && plain::depth == 3);
static_assert(coflow::synchronous_flow<plain_t> && coflow::bounded_flow<plain_t>);
static_assert(coflow::stage_count_v<plain_t> == 3 && coflow::depth_v<plain_t> == 3);
// References and cv are looked through.
static_assert(coflow::flow_traits<const plain_t&>::stage_count == 3);

// A flow over an lvalue container gives references into it.
std::vector<int> shared_numbers{1, 2};
using by_ref_t = decltype(coflow::from(shared_numbers) | coflow::filter([](int) { return true; }));
static_assert(std::is_same_v<coflow::flow_traits<by_ref_t>::value_type, int&>);
static_assert(std::is_same_v<coflow::flow_traits<by_ref_t>::stored_value_type, int>);

// A cooperating source makes every stage downstream of it cooperate.
using scripted_t =
    decltype(coflow::scripted<int>({1, coflow::cooperate{}, 2}) | coflow::map([](int i) { return i; }));
static_assert(coflow::flow_traits<scripted_t>::can_cooperate && !coflow::synchronous_flow<scripted_t>);
static_assert(coflow::flow_traits<coflow::generator<int>>::can_cooperate);
static_assert(!coflow::flow_traits<coflow::iota_source<int>>::can_cooperate);

// Threads and buffers are forwarded through map/filter and summed where branches join.
using threaded_t = decltype(intro_test::worker_source<16>{} | coflow::map([](long v) { return v * 2; }));
static_assert(coflow::flow_traits<threaded_t>::uses_threads);
static_assert(coflow::buffer_bound_v<threaded_t> == 16 && coflow::is_bounded_v<threaded_t>);
using joined_t =
    intro_test::pair_stage<threaded_t,
                           intro_test::pair_stage<coflow::iota_source<int>, intro_test::worker_source<8>>>;
using joined = coflow::flow_traits<joined_t>;
static_assert(joined::uses_threads && joined::can_cooperate);
static_assert(joined::buffer_bound == 16 + (8 + 1) + 1 && joined::is_bounded);
static_assert(joined::stage_count == 6 && joined::source_count == 3 && joined::depth == 3);

// One unbounded stage makes the whole flow unbounded.
using unbounded_t = intro_test::pair_stage<intro_test::unbounded_source, intro_test::worker_source<8>>;
static_assert(coflow::buffer_bound_v<unbounded_t> == coflow::unbounded);
static_assert(!coflow::is_bounded_v<unbounded_t> && !coflow::bounded_flow<unbounded_t>);

// Not a stage: no traits.
static_assert(!coflow::bounded_flow<int> && !coflow::synchronous_flow<std::vector<int>>);

TEST(FlowTraits, MatchWhatTheFlowDoes) {
  // The traits of the flow built above agree with running it.
  auto f = plain_flow();
  using t = coflow::flow_traits<decltype(f)>;
  std::vector<t::stored_value_type> out = std::move(f) | coflow::to_vector();
  EXPECT_EQ(out, (std::vector<std::string>{"2", "4"}));

  auto s = coflow::scripted<int>({1, coflow::cooperate{}, 2});
  static_assert(coflow::flow_traits<decltype(s)>::can_cooperate);
  int cooperates = 0;
  for (;;) {
    auto st = s.next();
    if (st.is_done()) break;
    if (st.is_cooperate()) ++cooperates;
  }
  EXPECT_EQ(cooperates, 1);
}

TEST(FlowTraits, AvailableAtRunTime) {
  EXPECT_EQ(coflow::flow_traits<joined_t>::buffer_bound, 26u);
  EXPECT_EQ(coflow::source_count_v<joined_t>, 3u);
  EXPECT_FALSE(coflow::is_bounded_v<unbounded_t>);
}

}  // namespace
