// SPDX-License-Identifier: BSL-1.0
// coflow/detail/ranges.hpp - the range concepts and access functions.
#pragma once

// By default, the standard <ranges>. coflow takes ranges (`from(r)`, `threaded`) but builds
// no views: it needs the concepts, `begin`/`end`/`size` and the iterator traits, which
// libstdc++ keeps in its internal <bits/ranges_base.h>. Defining COFLOW_LIGHT_STD_HEADERS
// opts in to that header where it exists (less compile time per translation unit, see
// docs/benchmarks.md; code that uses views must then include <ranges> itself).
#if defined(COFLOW_LIGHT_STD_HEADERS)
#include <version>  // defines __GLIBCXX__ with libstdc++, whatever was included before
#endif

#if defined(COFLOW_LIGHT_STD_HEADERS) && defined(__GLIBCXX__) && __has_include(<bits/ranges_base.h>)
// What <ranges> includes before it, and <bits/ranges_base.h> relies on.
#include <compare>
#include <initializer_list>
#include <iterator>

#include <bits/ranges_base.h>
#else
#include <ranges>
#endif
