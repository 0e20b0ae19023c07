// SPDX-License-Identifier: BSL-1.0
// coflow/sources/from.hpp - a stage over a range, a container or anything with a `from` hook
// (`from` is declared in coflow/core/as_stage.hpp, so that `|` can wrap ranges).
#pragma once

#include <exception>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <range/v3/range_fwd.hpp>

#include "coflow/core/as_stage.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/ranges.hpp"
#include "coflow/sources/cursor_source.hpp"
#include "coflow/sources/just.hpp"

namespace coflow {

namespace detail {
// A range-v3 view (`v | ranges::views::filter(p)`) is not a std view, but like one it refers to
// elements it does not own: they must never be moved out of it.
template <class R>
concept range_v3_view = std::is_base_of_v<ranges::view_base, std::remove_cv_t<R>>;

// A view that holds the elements it gives (`block(flow)` over a flow of values) says so: they
// are moved out of it like a container's.
template <class R>
concept owns_its_elements = requires { requires std::remove_cv_t<R>::owns_its_elements; };
}  // namespace detail

/// A stage over a range. `Owned` ranges are stored in the stage; the others are referred to.
/// Elements of an owned container are moved out (so move-only values work); a view (std or
/// range-v3) or a referred-to range gives its reference type, unless the view owns its elements.
template <class R, bool Owned>
class range_source : public cursor_source<range_source<R, Owned>> {
  using range_t = std::conditional_t<Owned, R, R*>;
  using iterator = std::ranges::iterator_t<R>;
  using sentinel = std::ranges::sentinel_t<R>;
  static constexpr bool moves_out =
      Owned && !std::is_const_v<R> &&
      ((!std::ranges::view<R> && !detail::range_v3_view<R>) || detail::owns_its_elements<R>);

 public:
  using value_type =
      std::conditional_t<moves_out, std::ranges::range_value_t<R>, std::ranges::range_reference_t<R>>;
  static constexpr std::string_view stage_name = "from";
  using range_type = std::remove_cv_t<R>;

  explicit range_source(R&& r)
    requires Owned
      : r_{std::move(r)} {}
  explicit range_source(R& r)
    requires(!Owned)
      : r_{std::addressof(r)} {}

  // Iterators are taken on the first pull, so a stage can move freely while the pipeline is
  // being built; a stage moved after it started keeps its position.
  range_source(range_source&& o) noexcept(std::is_nothrow_move_constructible_v<range_t>)
      : r_{std::move(o.r_)} {
    if (o.started_) {
      if constexpr (Owned) {
        it_ = std::ranges::next(std::ranges::begin(range()), o.offset_);
        offset_ = o.offset_;
      } else {
        it_ = std::move(o.it_);
      }
      end_ = std::ranges::end(range());
      started_ = true;
    }
  }
  range_source& operator=(range_source&&) = delete;

  /// The position as a cursor (see `lends_cursor`): `next()`, `drive()` and `zip` walk it.
  struct cursor {
    iterator it;
    std::ptrdiff_t taken = 0;
  };
  cursor lend_cursor() {
    start();
    return cursor{std::move(it_)};
  }
  bool at_end(const cursor& c) const { return c.it == end_; }
  /// How many items are left, where the range can say without walking it.
  std::ptrdiff_t remaining(const cursor& c) const
    requires std::sized_sentinel_for<sentinel, iterator>
  {
    return static_cast<std::ptrdiff_t>(end_ - c.it);
  }
  decltype(auto) read(cursor& c) {
    if constexpr (moves_out)
      return std::ranges::iter_move(c.it);
    else
      return *c.it;
  }
  static void advance(cursor& c) {
    ++c.it;
    ++c.taken;
  }
  void take_back(cursor& c) {
    it_ = std::move(c.it);
    if constexpr (Owned) offset_ += c.taken;
  }

 private:
  R& range() noexcept {
    if constexpr (Owned)
      return r_;
    else
      return *r_;
  }
  void start() {
    if (!started_) [[unlikely]] {
      it_ = std::ranges::begin(range());
      end_ = std::ranges::end(range());
      started_ = true;
    }
  }

  range_t r_;
  iterator it_{};
  sentinel end_{};
  std::ptrdiff_t offset_ = 0;
  bool started_ = false;
};

template <class X>
constexpr auto from_fn::operator()(X&& x) const {
  using D = std::remove_cvref_t<X>;
  if constexpr (stage<D>) {
    return D(std::forward<X>(x));
  } else if constexpr (has_from_hook<X>) {
    return coflow_from(std::forward<X>(x));
  } else if constexpr (detail::string_like<X>) {
    return just(std::forward<X>(x));
  } else if constexpr (std::ranges::input_range<std::remove_reference_t<X>>) {
    if constexpr (std::is_lvalue_reference_v<X> && !std::ranges::view<D>)
      return range_source<std::remove_reference_t<X>, false>{x};
    else
      return range_source<D, true>{D(std::forward<X>(x))};
  } else {
    static_assert(detail::always_false<X>,
                  "coflow::from: the argument is not a range, a container, a string or a "
                  "deferred; use coflow::just(x) for a single value");
    return detail::ill_formed{};
  }
}

template <class T>
constexpr auto from_fn::operator()(std::initializer_list<T> list) const {
  return range_source<std::vector<T>, true>{std::vector<T>(list)};
}

}  // namespace coflow
