// SPDX-License-Identifier: BSL-1.0
// coflow/net.hpp - flows over sockets (link coflow::net): the socket source, the writer,
// `serve` and `connect`, on the Boost.Asio driver; see docs/net.md.
#pragma once

#include "coflow/asio.hpp"
#include "coflow/net/connect.hpp"
#include "coflow/net/connection.hpp"
#include "coflow/net/read.hpp"
#include "coflow/net/serve.hpp"
#include "coflow/net/write.hpp"
