// SPDX-License-Identifier: BSL-1.0
// coflow/asio.hpp - the Boost.Asio driver (link coflow::asio); see coflow/drivers/asio.hpp.
#pragma once

#include "coflow/drivers/asio.hpp"
