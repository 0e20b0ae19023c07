// SPDX-License-Identifier: BSL-1.0
// coflow/control/block.hpp - the blocking controller: a flow as an input range.
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <type_traits>
#include <utility>

#include "coflow/core/blocking_wait.hpp"
#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

/// An input range over a flow's values, pulled on the calling thread: it sleeps for
/// cooperate timeouts (or until woken, for parked stages) and rethrows a failure, with its
/// original type, from `begin()` or `++`. Breaking out of a loop early simply stops pulling.
///
///     for (auto&& v : coflow::block(src | coflow::map(f))) use(v);
template <class S>
class blocking_range {
  using stage_type = std::remove_cvref_t<S>;
  using value = value_t<stage_type>;

 public:
  explicit blocking_range(S s) : stage_{std::forward<S>(s)} {}
  blocking_range(blocking_range&&) = default;
  blocking_range& operator=(blocking_range&&) = delete;

  class iterator {
   public:
    using value_type = std::remove_cvref_t<value>;
    using difference_type = std::ptrdiff_t;
    using reference = std::conditional_t<std::is_reference_v<value>, value, value_type&>;
    using iterator_concept = std::input_iterator_tag;
    using iterator_category = std::input_iterator_tag;

    iterator() = default;
    reference operator*() const { return **owner_->current_; }
    auto* operator->() const { return std::addressof(**owner_->current_); }
    iterator& operator++() {
      owner_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.at_end(); }

   private:
    friend blocking_range;
    bool at_end() const noexcept { return !owner_->current_; }
    explicit iterator(blocking_range* o) noexcept : owner_{o} {}
    blocking_range* owner_ = nullptr;
  };

  /// Pulls the first value (once; an input range is single-pass).
  iterator begin() {
    if (!started_) {
      started_ = true;
      advance();
    }
    return iterator{this};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  void advance() {
    current_.reset();
    step<value> st = puller_.pull(stage_);
    if (st.has_value())
      current_.emplace(std::move(st));
    else if (st.is_failure())
      st.error().rethrow();
  }

  S stage_;
  detail::blocking_puller<stage_type> puller_;
  std::optional<step<value>> current_;
  bool started_ = false;
};

struct block_fn {
  /// `block(flow)`: an lvalue stage is pulled in place; an rvalue one (or a range) is moved in.
  template <class X>
  auto operator()(X&& x) const {
    if constexpr (detail::any_ill_formed<X>) {
      return detail::ill_formed{};  // the flow's own check has said why
    } else if constexpr (!detail::stage_like<X>) {
      static_assert(detail::always_false<X>,
                    "coflow::block: the argument (X) is neither a stage nor a range");
      return detail::ill_formed{};
    } else if constexpr (std::is_lvalue_reference_v<X> && stage<std::remove_cvref_t<X>>) {
      return blocking_range<X>{x};
    } else {
      return blocking_range<detail::as_stage_t<X>>{detail::as_stage(std::forward<X>(x))};
    }
  }
};

inline constexpr block_fn block{};

}  // namespace coflow
