# SPDX-License-Identifier: BSL-1.0
# Builds SOURCE with CXX and FLAGS. A case whose `// expect:` line reads COMPILES must compile.
# Any other case must fail with exactly one error: coflow's own static_assert sentence (the
# expect text), and nothing after it beyond the budget of MAX_LINES lines of output in all.
# A case that holds `#if COFLOW_MISUSE ... #else ... #endif` is built twice: with the misuse,
# which must fail so, and with its fix (COFLOW_MISUSE=0), which must compile (unless FIXES is
# OFF: the fixes are plain code, built under one compiler is enough; FIX_FLAGS may add a
# precompiled header for them). A case may
# raise its budget with a `// lines: N` line that says why (clang prints three lines for each
# step of instantiation, g++ one).
file(STRINGS ${SOURCE} expect_lines REGEX "^// expect: ")
if(NOT expect_lines)
  message(FATAL_ERROR "${SOURCE}: no `// expect: ...` line")
endif()
list(GET expect_lines 0 expect)
string(REGEX REPLACE "^// expect: " "" expect "${expect}")
file(READ ${SOURCE} text)
if(FIXES AND text MATCHES "#if COFLOW_MISUSE")
  execute_process(COMMAND ${CXX} ${FLAGS} ${FIX_FLAGS} -DCOFLOW_MISUSE=0 ${SOURCE}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE}: the fix (COFLOW_MISUSE=0) should compile but did not:\n${out}${err}")
  endif()
endif()
execute_process(COMMAND ${CXX} ${FLAGS} -DCOFLOW_MISUSE=1 ${SOURCE}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(expect STREQUAL "COMPILES")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} should compile but did not:\n${all}")
  endif()
  return()
endif()
if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must fail with: ${expect}")
endif()
# A `;` in the output would split CMake's list of matches: count and compare without them.
string(REPLACE ";" "," flat "${all}")
string(REPLACE ";" "," expect "${expect}")
string(REGEX MATCHALL "(^|\n)[^\n]*error: [^\n]*" errors "${flat}")
list(LENGTH errors error_count)
string(REGEX MATCHALL "\n" newlines "${flat}")
list(LENGTH newlines line_count)
set(problems "")
if(NOT error_count EQUAL 1)
  string(APPEND problems "  ${error_count} errors, not exactly one\n")
endif()
list(GET errors 0 first_error)
if(NOT first_error MATCHES "static assert[^\n]*failed")
  string(APPEND problems "  the error is not a static_assert\n")
endif()
string(FIND "${first_error}" "${expect}" at)
if(at EQUAL -1)
  string(APPEND problems "  the error is not the sentence `${expect}`\n")
endif()
file(STRINGS ${SOURCE} budget_lines REGEX "^// lines: [0-9]+")
if(budget_lines)
  string(REGEX MATCH "[0-9]+" MAX_LINES "${budget_lines}")
endif()
if(line_count GREATER MAX_LINES)
  string(APPEND problems "  ${line_count} lines of output, more than ${MAX_LINES}\n")
endif()
if(problems)
  message(FATAL_ERROR "${SOURCE}:\n${problems}Got:\n${all}")
endif()
message(STATUS "ok: ${expect}")
