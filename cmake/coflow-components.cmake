# SPDX-License-Identifier: BSL-1.0
# coflow's optional components: one coflow_component(...) line each, in CMakeLists.txt.
#
#   coflow_component(<name> [REQUIRES <coflow components>] [FIND <find_package arguments>]
#                    [PKG_FIND <pkg-config module>] [LINK <targets>] [PKG_CONFIG <modules>]
#                    [DEB <Debian packages>])
#
# makes the INTERFACE target coflow_<name> (alias coflow::<name>) linking coflow, the coflow
# components it REQUIRES and the LINK targets, and installs it in an export set of its own
# (coflow-<name>-targets.cmake) with a pkg-config file coflow-<name>.pc (Requires: coflow, the
# required components' modules and PKG_CONFIG). FIND is looked up quietly now: without it the
# component is neither defined nor installed. PKG_FIND is for a library with a pkg-config file
# and no CMake package (Debian's hiredis): pkg_check_modules(IMPORTED_TARGET) finds it, and the
# component links PkgConfig::coflow_pc_<module>. The installed coflow-config.cmake finds them
# again (find_dependency, pkg_check_modules) for the components a consumer asks for. DEB
# packages are suggested by the .deb.
include(GNUInstallDirs)

set(COFLOW_COMPONENTS)            # every declared component
set(COFLOW_INSTALLED_COMPONENTS)  # those whose dependencies were found
set(COFLOW_DEB_SUGGESTS)
set(COFLOW_COMPONENT_TABLE "")    # what coflow-config.cmake knows of each component
set(COFLOW_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/coflow)
set(COFLOW_PKGCONFIG_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# A .pc file's prefix, relative to the file, so that an installed tree can be moved
# (cmake --install --prefix, an extracted .deb).
file(RELATIVE_PATH coflow_pc_to_prefix ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" coflow_pc_to_prefix ${coflow_pc_to_prefix})
set(COFLOW_PC_PREFIX "\${pcfiledir}/${coflow_pc_to_prefix}")

# Writes and installs <module>.pc, which Requires: `requires`; coflow.pc itself (no requires)
# gives coflow's include directory and -pthread.
function(coflow_pkg_config module description requires)
  set(COFLOW_PC_NAME ${module})
  set(COFLOW_PC_DESCRIPTION ${description})
  list(REMOVE_ITEM requires "")
  list(JOIN requires " " COFLOW_PC_REQUIRES)
  if(NOT requires)
    set(COFLOW_PC_CFLAGS "-I\${includedir} -pthread")
    set(COFLOW_PC_LIBS "-pthread")
  endif()
  configure_file(${PROJECT_SOURCE_DIR}/cmake/coflow.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/${module}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${module}.pc DESTINATION ${COFLOW_PKGCONFIG_INSTALL_DIR})
endfunction()

# Makes PkgConfig::coflow_pc_<module> when pkg-config and the module are there.
function(coflow_find_pkg_config_module module)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(coflow_pc_${module} QUIET IMPORTED_TARGET ${module})
  endif()
endfunction()

function(coflow_component name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "PKG_FIND" "REQUIRES;FIND;LINK;PKG_CONFIG;DEB")
  set(COFLOW_COMPONENTS ${COFLOW_COMPONENTS} ${name} PARENT_SCOPE)
  list(TRANSFORM arg_REQUIRES PREPEND "coflow-" OUTPUT_VARIABLE required_modules)
  string(APPEND COFLOW_COMPONENT_TABLE
         "set(_coflow_${name}_requires \"${arg_REQUIRES}\")\n"
         "set(_coflow_${name}_find \"${arg_FIND}\")\n"
         "set(_coflow_${name}_pkg \"${arg_PKG_FIND}\")\n")
  set(COFLOW_COMPONENT_TABLE ${COFLOW_COMPONENT_TABLE} PARENT_SCOPE)
  if(arg_FIND)
    find_package(${arg_FIND} QUIET)
    list(GET arg_FIND 0 package)
    if(NOT ${package}_FOUND)
      message(STATUS "coflow: component ${name} is left out: ${package} was not found")
      return()
    endif()
  endif()
  if(arg_PKG_FIND)
    coflow_find_pkg_config_module(${arg_PKG_FIND})
    if(NOT TARGET PkgConfig::coflow_pc_${arg_PKG_FIND})
      message(STATUS "coflow: component ${name} is left out: pkg-config module ${arg_PKG_FIND} was not found")
      return()
    endif()
    list(APPEND arg_LINK PkgConfig::coflow_pc_${arg_PKG_FIND})
  endif()
  foreach(required IN LISTS arg_REQUIRES)
    if(NOT TARGET coflow_${required})
      message(STATUS "coflow: component ${name} is left out: it needs component ${required}")
      return()
    endif()
  endforeach()
  list(TRANSFORM arg_REQUIRES PREPEND "coflow_" OUTPUT_VARIABLE required_targets)
  add_library(coflow_${name} INTERFACE)
  add_library(coflow::${name} ALIAS coflow_${name})
  set_target_properties(coflow_${name} PROPERTIES EXPORT_NAME ${name})
  target_link_libraries(coflow_${name} INTERFACE coflow ${required_targets} ${arg_LINK})
  install(TARGETS coflow_${name} EXPORT coflow-${name}-targets)
  install(EXPORT coflow-${name}-targets NAMESPACE coflow:: DESTINATION ${COFLOW_CMAKE_INSTALL_DIR})
  coflow_pkg_config(coflow-${name} "coflow's ${name} component" "coflow;${required_modules};${arg_PKG_CONFIG}")
  set(COFLOW_INSTALLED_COMPONENTS ${COFLOW_INSTALLED_COMPONENTS} ${name} PARENT_SCOPE)
  set(COFLOW_DEB_SUGGESTS ${COFLOW_DEB_SUGGESTS} ${arg_DEB} PARENT_SCOPE)
endfunction()
