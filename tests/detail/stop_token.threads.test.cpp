// SPDX-License-Identifier: BSL-1.0
// coflow::stop_token and coflow::jthread as coflow/detail/stop_token.hpp selects them: the
// standard's where the library has them, coflow's own otherwise (libc++ before 18).
#include "detail/stop_token_cases.hpp"

#include <thread>
#include <type_traits>
#include <version>

// Where the library has them, coflow's names are the standard types themselves.
#if defined(__cpp_lib_jthread)
#include <stop_token>
static_assert(std::is_same_v<coflow::stop_token, std::stop_token>);
static_assert(std::is_same_v<coflow::stop_source, std::stop_source>);
static_assert(std::is_same_v<coflow::jthread, std::jthread>);
#endif
