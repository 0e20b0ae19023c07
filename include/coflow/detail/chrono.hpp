// coflow/detail/chrono.hpp - durations and clocks, without the rest of <chrono>.
#pragma once

// C++20's <chrono> also declares calendars, time zones and their stream I/O: with libstdc++
// 12 it costs about 0.4 s of compile time in every translation unit (it pulls in <sstream>),
// five times what durations, clocks and the chrono literals cost on their own. coflow needs
// only those, which libstdc++ keeps in <bits/chrono.h>; elsewhere, the standard header.
#include <version>  // defines __GLIBCXX__ with libstdc++, whatever was included before

#if defined(__GLIBCXX__) && __has_include(<bits/chrono.h>)
#include <bits/chrono.h>
#else
#include <chrono>
#endif
