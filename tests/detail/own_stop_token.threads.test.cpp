// SPDX-License-Identifier: BSL-1.0
// coflow's own stop_token, stop_source, stop_callback and jthread, checked with every standard
// library (COFLOW_OWN_STOP_TOKEN selects them where the library has the standard ones).
#define COFLOW_OWN_STOP_TOKEN
#define COFLOW_STOP_TOKEN_SUITE OwnStopToken
#include "detail/stop_token_cases.hpp"

#include <type_traits>

static_assert(!std::is_copy_constructible_v<coflow::jthread>);
static_assert(std::is_nothrow_move_constructible_v<coflow::jthread>);
static_assert(std::is_nothrow_move_assignable_v<coflow::jthread>);
