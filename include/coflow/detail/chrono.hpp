// SPDX-License-Identifier: BSL-1.0
// coflow/detail/chrono.hpp - durations and clocks.
#pragma once

// By default, the standard <chrono>. C++20's <chrono> also declares calendars, time zones and
// their stream I/O, which costs libstdc++ 12 compile time in every translation unit
// (docs/benchmarks.md); coflow needs only durations, clocks and the literals, which
// libstdc++ keeps in its internal <bits/chrono.h>. Defining COFLOW_LIGHT_STD_HEADERS opts in
// to that internal header where it exists: faster builds, at the cost of relying on a
// library detail (code that uses calendars must then include <chrono> itself).
#if defined(COFLOW_LIGHT_STD_HEADERS)
#include <version>  // defines __GLIBCXX__ with libstdc++, whatever was included before
#endif

#if defined(COFLOW_LIGHT_STD_HEADERS) && defined(__GLIBCXX__) && __has_include(<bits/chrono.h>)
#include <bits/chrono.h>
#else
#include <chrono>
#endif
