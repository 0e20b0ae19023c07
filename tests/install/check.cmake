# SPDX-License-Identifier: BSL-1.0
# Uses coflow the ways a consumer does, from a separate project (tests/install) built with the
# same compiler and flags as the tests. MODE is one of
#   find_package      install BUILD_DIR into a scratch prefix; find_package(coflow COMPONENTS
#                     sqlite asio redis) there; build and run the consumer
#   add_subdirectory  the same consumer, with coflow's sources added by add_subdirectory
#   pkg_config        install; build the consumer with one compiler command line from
#                     `pkg-config --cflags --libs coflow-sqlite coflow-asio coflow-redis`; run it
#   components        install; find_package of an unknown component, of sqlite with SQLite3
#                     hidden, of redis with pkg-config hidden, and of postgres with its
#                     targets file removed must fail at configure time with coflow's message
#   deb               configure coflow alone for a packager (no tests, examples, benchmarks;
#                     GTest and Google Benchmark hidden), cpack -G DEB, check the package's
#                     files and fields, extract it and build and run the consumer against it
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})

# Runs a command; on failure stops with `what` and the command's output.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed:\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# Configures tests/install into `build` with the extra arguments; result in configure_rc/_output.
function(configure_consumer build)
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build} -G Ninja
                          -DCMAKE_CXX_COMPILER=${CXX} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
                          "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  set(configure_rc ${rc} PARENT_SCOPE)
  set(configure_output "${out}" PARENT_SCOPE)
endfunction()

# Configures, builds and runs the consumer.
function(build_and_run_consumer build)
  configure_consumer(${build} ${ARGN})
  if(NOT configure_rc EQUAL 0)
    message(FATAL_ERROR "configuring the consumer (${ARGN}) failed:\n${configure_output}")
  endif()
  run("building the consumer" ${CMAKE_COMMAND} --build ${build})
  run("the consumer (a wrong result)" ${build}/consumer)
endfunction()

# Fails unless configuring with the arguments fails with a message matching `expected`.
function(expect_configure_failure expected)
  configure_consumer(${WORK_DIR}/fail -DCMAKE_PREFIX_PATH=${prefix} ${ARGN})
  string(REGEX REPLACE "[ \n]+" " " text "${configure_output}")  # CMake wraps its messages
  if(configure_rc EQUAL 0 OR NOT text MATCHES "${expected}")
    message(FATAL_ERROR "find_package(coflow) with ${ARGN} should fail with \"${expected}\":\n${configure_output}")
  endif()
  file(REMOVE_RECURSE ${WORK_DIR}/fail)
endfunction()

# Fails unless `text` (what `what` printed) matches each of the regular expressions.
function(expect_in what text)
  foreach(expected IN LISTS ARGN)
    if(NOT text MATCHES "${expected}")
      message(FATAL_ERROR "${what} lacks \"${expected}\":\n${text}")
    endif()
  endforeach()
endfunction()

if(NOT MODE STREQUAL "add_subdirectory" AND NOT MODE STREQUAL "deb")
  run("installing coflow" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
endif()

if(MODE STREQUAL "find_package")
  build_and_run_consumer(${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix})
elseif(MODE STREQUAL "add_subdirectory")
  build_and_run_consumer(${WORK_DIR}/build -DCOFLOW_SOURCE_DIR=${COFLOW_SOURCE_DIR})
elseif(MODE STREQUAL "pkg_config")
  file(GLOB pc_dir LIST_DIRECTORIES true ${prefix}/lib*/pkgconfig ${prefix}/lib/*/pkgconfig)
  set(ENV{PKG_CONFIG_PATH} ${pc_dir})
  run("pkg-config" pkg-config --cflags --libs coflow-sqlite coflow-asio coflow-redis)
  string(STRIP "${run_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS} ${LINKER_FLAGS}")
  run("compiling the consumer with pkg-config's flags" ${CXX} -std=c++20 ${cxx_flags}
      ${SOURCE_DIR}/consumer.cpp -o ${WORK_DIR}/consumer ${flags})
  run("the consumer (a wrong result)" ${WORK_DIR}/consumer)
elseif(MODE STREQUAL "components")
  expect_configure_failure("coflow: unknown component 'nosuch' \\(coflow's components: asio, net, [a-z, ]*sqlite"
                           -DCONSUMER_COMPONENTS=sqlite,nosuch)
  expect_configure_failure("coflow: component 'sqlite' needs SQLite3, which was not found"
                           -DCONSUMER_COMPONENTS=asio,sqlite -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON)
  expect_configure_failure("coflow: component 'redis' needs the pkg-config module hiredis, which was not found"
                           -DCONSUMER_COMPONENTS=asio,redis -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON)
  file(GLOB_RECURSE postgres_targets ${prefix}/coflow-postgres-targets.cmake)
  file(REMOVE ${postgres_targets})  # as if libpq had been missing when coflow was configured
  expect_configure_failure("coflow: component 'postgres' is not installed"
                           -DCONSUMER_COMPONENTS=postgres)
elseif(MODE STREQUAL "deb")
  run("configuring coflow for packaging" ${CMAKE_COMMAND} -S ${COFLOW_SOURCE_DIR} -B ${WORK_DIR}/coflow -G Ninja
      -DCMAKE_CXX_COMPILER=${CXX} -DCOFLOW_BUILD_TESTS=OFF -DCOFLOW_BUILD_EXAMPLES=OFF
      -DCOFLOW_BUILD_BENCHMARKS=OFF -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON
      -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON)
  run("cpack" ${CMAKE_COMMAND} -E chdir ${WORK_DIR}/coflow cpack -G DEB)
  file(GLOB deb ${WORK_DIR}/coflow/libcoflow-dev_*_all.deb)
  if(NOT deb)
    message(FATAL_ERROR "cpack made no libcoflow-dev_*_all.deb")
  endif()
  run("dpkg-deb -I" dpkg-deb -I ${deb})
  expect_in("dpkg-deb -I" "${run_output}" "Package: libcoflow-dev" "Architecture: all"
            "Depends: libboost-dev \\(>= 1.74\\), librange-v3-dev" "Suggests: [^\n]*libsqlite3-dev" "Suggests: [^\n]*libpq-dev"
            "Suggests: [^\n]*libhiredis-dev")
  run("dpkg-deb -c" dpkg-deb -c ${deb})
  expect_in("dpkg-deb -c" "${run_output}" "/usr/include/coflow/coflow.hpp" "/usr/include/coflow/sql/sqlite.hpp"
            "/usr/lib/[^ ]*cmake/coflow/coflow-config.cmake" "/usr/lib/[^ ]*cmake/coflow/coflow-sqlite-targets.cmake"
            "/usr/lib/[^ ]*pkgconfig/coflow.pc" "/usr/lib/[^ ]*pkgconfig/coflow-sqlite.pc"
            "/usr/lib/[^ ]*cmake/coflow/coflow-redis-targets.cmake" "/usr/lib/[^ ]*pkgconfig/coflow-redis.pc"
            "/usr/share/doc/libcoflow-dev/copyright")
  run("dpkg-deb -x" dpkg-deb -x ${deb} ${WORK_DIR}/root)
  file(READ ${WORK_DIR}/root/usr/share/doc/libcoflow-dev/copyright copyright)
  expect_in("the .deb's copyright file" "${copyright}" "^Format: https://www.debian.org/doc/packaging-manuals/"
            "\nLicense: BSL-1.0\n Boost Software License - Version 1.0" "\n [.]\n Permission is hereby granted")
  build_and_run_consumer(${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${WORK_DIR}/root/usr)
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
