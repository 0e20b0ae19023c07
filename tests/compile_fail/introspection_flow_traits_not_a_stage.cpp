// SPDX-License-Identifier: BSL-1.0
// expect: coflow::flow_traits: the type is not a stage
#include <coflow/introspection/traits.hpp>

#include <string>

static_assert(coflow::flow_traits<std::string>::is_bounded);
int main() {}
