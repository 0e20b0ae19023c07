// SPDX-License-Identifier: BSL-1.0
// coflow/coflow.hpp - all of coflow but the SQL drivers (coflow/sql/) and Asio (coflow/asio.hpp).
#pragma once

#include "coflow/core/clock.hpp"
#include "coflow/core/cooperate.hpp"
#include "coflow/core/failure.hpp"
#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/step.hpp"
#include "coflow/core/waker.hpp"

#include "coflow/sources/callback.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/sources/interval.hpp"
#include "coflow/sources/iota.hpp"
#include "coflow/sources/just.hpp"
#include "coflow/sources/scripted.hpp"

#include "coflow/stages/chunk.hpp"
#include "coflow/stages/chunk_by.hpp"
#include "coflow/stages/concat.hpp"
#include "coflow/stages/concurrent.hpp"
#include "coflow/stages/delay.hpp"
#include "coflow/stages/distinct_until_changed.hpp"
#include "coflow/stages/drop.hpp"
#include "coflow/stages/drop_while.hpp"
#include "coflow/stages/enumerate.hpp"
#include "coflow/stages/filter.hpp"
#include "coflow/stages/flat_map.hpp"
#include "coflow/stages/line_break.hpp"
#include "coflow/stages/map.hpp"
#include "coflow/stages/merge.hpp"
#include "coflow/stages/retry.hpp"
#include "coflow/stages/scan.hpp"
#include "coflow/stages/sliding.hpp"
#include "coflow/stages/take.hpp"
#include "coflow/stages/take_while.hpp"
#include "coflow/stages/tee.hpp"
#include "coflow/stages/throttle.hpp"
#include "coflow/stages/timeout.hpp"
#include "coflow/stages/trap.hpp"
#include "coflow/stages/zip.hpp"
#include "coflow/stages/zip_longest.hpp"

#include "coflow/coro/generator.hpp"

#include "coflow/sinks/first.hpp"
#include "coflow/sinks/fold.hpp"
#include "coflow/sinks/for_each.hpp"
#include "coflow/sinks/to_vector.hpp"

#include "coflow/control/block.hpp"

#include "coflow/scheduling/deferred.hpp"
#include "coflow/scheduling/scheduler.hpp"
#include "coflow/scheduling/spawn.hpp"

#include "coflow/threads/spsc_ring.hpp"
#include "coflow/threads/threaded.hpp"

#include "coflow/introspection/describe.hpp"
#include "coflow/introspection/to_dot.hpp"
#include "coflow/introspection/traits.hpp"
