// SPDX-License-Identifier: BSL-1.0
// coflow/control/block.hpp - the blocking controller: a flow as an input range.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "coflow/core/blocking_wait.hpp"
#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/ranges.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

/// An input view over a flow's values, pulled on the calling thread: it sleeps for
/// cooperate timeouts (or until woken, for parked stages) and rethrows a failure, with its
/// original type, from `begin()` or `++`. Breaking out of a loop early simply stops pulling.
/// It composes with std::views and range-v3 views:
///
///     for (auto&& v : coflow::block(src | coflow::map(f))) use(v);
///     for (int v : coflow::block(coflow::iota(0)) | std::views::take(3)) use(v);
///
/// Over a temporary flow the view owns it; over an lvalue stage it refers to it. Copies of the
/// view share one position in the flow (like `std::ranges::istream_view`), which the last copy
/// destroys; it is not a borrowed range. (It is a range-v3 view too: the base classes say so.)
template <class S>
class blocking_range : public std::ranges::view_base, public ranges::view_base {
  using stage_type = std::remove_cvref_t<S>;
  using value = value_t<stage_type>;

  struct state {
    explicit state(S s) : stage{std::forward<S>(s)} {}
    void advance() {
      current.reset();
      step<value> st = puller.pull(stage);
      if (st.has_value())
        current.emplace(std::move(st));
      else if (st.is_failure())
        st.error().rethrow();
    }

    S stage;
    detail::blocking_puller<stage_type> puller;
    std::optional<step<value>> current;
    bool started = false;
  };

 public:
  /// Over a flow of values, the view holds the value it gives (see `from`, which moves it out).
  static constexpr bool owns_its_elements = !std::is_reference_v<value>;

  blocking_range() = default;
  explicit blocking_range(S s) : state_{std::make_shared<state>(std::forward<S>(s))} {}

  class iterator {
   public:
    using value_type = std::remove_cvref_t<value>;
    using difference_type = std::ptrdiff_t;
    using reference = std::conditional_t<std::is_reference_v<value>, value, value_type&>;
    using iterator_concept = std::input_iterator_tag;
    using iterator_category = std::input_iterator_tag;

    iterator() = default;
    reference operator*() const { return **state_->current; }
    auto* operator->() const { return std::addressof(**state_->current); }
    iterator& operator++() {
      state_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return !it.state_->current;
    }

   private:
    friend blocking_range;
    explicit iterator(state* s) noexcept : state_{s} {}
    state* state_ = nullptr;
  };

  /// Pulls the first value (once; an input range is single-pass).
  iterator begin() {
    if (!state_->started) {
      state_->started = true;
      state_->advance();
    }
    return iterator{state_.get()};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::shared_ptr<state> state_;
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
