// coflow/detail/ranges.hpp - the range concepts and access functions, without the views.
#pragma once

// coflow takes ranges (`from(r)`, `threaded`) but builds no views: it needs the concepts,
// `begin`/`end`/`size` and the iterator traits, which libstdc++ keeps in
// <bits/ranges_base.h>. The whole of <ranges> (every view and adaptor) costs g++ 12 about
// 0.1 s more per translation unit than that header with <iterator>, which coflow needs in
// any case; a user who writes views includes <ranges> for them.
#include <version>  // defines __GLIBCXX__ with libstdc++, whatever was included before

#if defined(__GLIBCXX__) && __has_include(<bits/ranges_base.h>)
// What <ranges> includes before it, and <bits/ranges_base.h> relies on.
#include <compare>
#include <initializer_list>
#include <iterator>

#include <bits/ranges_base.h>
#else
#include <ranges>
#endif
