# SPDX-License-Identifier: BSL-1.0
# `cpack -G DEB` in a build of coflow makes libcoflow-dev: what `cmake --install` installs (the
# headers, the CMake package configuration, the pkg-config files) under /usr, for every
# architecture. It depends on what coflow::coflow needs and suggests the client libraries of
# the installed components.
set(CPACK_PACKAGE_NAME libcoflow-dev)
set(CPACK_PACKAGE_VENDOR coflow)
set(CPACK_PACKAGE_CONTACT "coflow maintainers <coflow@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION "coflow is a header-only C++20 library of cooperative data-flow pipelines.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libboost-dev (>= 1.74), librange-v3-dev")
list(REMOVE_DUPLICATES COFLOW_DEB_SUGGESTS)
list(JOIN COFLOW_DEB_SUGGESTS ", " CPACK_DEBIAN_PACKAGE_SUGGESTS)

# Debian's machine-readable copyright file, from LICENSE, where Debian policy puts it.
file(STRINGS ${PROJECT_SOURCE_DIR}/LICENSE coflow_license_lines)
set(coflow_copyright "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
                     "Upstream-Name: coflow\n\nFiles: *\nCopyright: the coflow authors\nLicense: BSL-1.0\n")
foreach(line IN LISTS coflow_license_lines)
  if(line STREQUAL "")
    set(line ".")
  endif()
  string(APPEND coflow_copyright " ${line}\n")
endforeach()
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/copyright ${coflow_copyright})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/libcoflow-dev)
include(CPack)
