// SPDX-License-Identifier: BSL-1.0
// coflow/redis.hpp - flows over Redis Streams (link coflow::redis, which brings hiredis).
#pragma once

#include "coflow/redis/connection.hpp"
#include "coflow/redis/message.hpp"
#include "coflow/redis/read_group.hpp"
#include "coflow/redis/xadd.hpp"
