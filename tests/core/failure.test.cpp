// SPDX-License-Identifier: BSL-1.0
// coflow::failure: an exception carried as a value, keeping its original type and contents;
// and cancelled_error, the failure of a cancelled flow.
#include <coflow/core/failure.hpp>

#include <gtest/gtest.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>

namespace coflow_failure_test {

/// A std::exception of the user's own, with data of its own.
class disk_full : public std::runtime_error {
 public:
  explicit disk_full(int free_bytes) : std::runtime_error("disk full"), free_{free_bytes} {}
  [[nodiscard]] int free_bytes() const noexcept { return free_; }

 private:
  int free_;
};

/// Not a std::exception at all.
struct http_status {
  int code;
  std::string reason;
};

}  // namespace coflow_failure_test

using namespace coflow_failure_test;

TEST(Failure, AnEmptyFailureHoldsNothing) {
  coflow::failure f;
  EXPECT_FALSE(f);
  EXPECT_FALSE(f.exception());
  EXPECT_EQ(f.type_name(), "(no exception)");
  EXPECT_EQ(f.message(), "");
  EXPECT_FALSE(f.is<std::exception>());
  EXPECT_TRUE(f == coflow::failure{});
  EXPECT_TRUE(coflow::failure{std::exception_ptr{}} == f);
}

TEST(Failure, MakeKeepsTheTypeTheMessageAndTheData) {
  auto f = coflow::failure::make(disk_full{512});
  EXPECT_TRUE(f);
  EXPECT_EQ(f.type_name(), "coflow_failure_test::disk_full");
  EXPECT_EQ(f.message(), "disk full");
  try {
    f.rethrow();
  } catch (const disk_full& e) {
    EXPECT_EQ(e.free_bytes(), 512);
  } catch (...) {
    ADD_FAILURE() << "rethrown as another type";
  }
}

TEST(Failure, IsMatchesTheTypeAndItsBasesOnly) {
  auto f = coflow::failure::make(disk_full{0});
  EXPECT_TRUE(f.is<disk_full>());
  EXPECT_TRUE(f.is<std::runtime_error>());
  EXPECT_TRUE(f.is<std::exception>());
  EXPECT_FALSE(f.is<std::logic_error>());
  EXPECT_FALSE(f.is<std::system_error>());  // derives from runtime_error too: a sibling, not a base
  EXPECT_FALSE(f.is<http_status>());
  EXPECT_FALSE(f.is<int>());
}

TEST(Failure, ANonStdExceptionKeepsItsTypeAndContents) {
  auto f = coflow::failure::make(http_status{503, "unavailable"});
  EXPECT_EQ(f.type_name(), "coflow_failure_test::http_status");
  EXPECT_EQ(f.message(), f.type_name());  // no what(): the message is the type's name
  EXPECT_TRUE(f.is<http_status>());
  EXPECT_FALSE(f.is<std::exception>());
  try {
    f.rethrow();
  } catch (const http_status& e) {
    EXPECT_EQ(e.code, 503);
    EXPECT_EQ(e.reason, "unavailable");
  } catch (...) {
    ADD_FAILURE() << "rethrown as another type";
  }
  // Scalars too.
  auto n = coflow::failure::make(7);
  EXPECT_EQ(n.type_name(), "int");
  EXPECT_EQ(n.message(), "int");
  EXPECT_TRUE(n.is<int>());
  EXPECT_THROW(n.rethrow(), int);
}

TEST(Failure, CurrentTakesTheExceptionBeingHandledWithItsDynamicType) {
  coflow::failure f;
  try {
    throw disk_full{64};
  } catch (const std::exception&) {
    f = coflow::failure::current();  // caught as a base: nothing is sliced off
  }
  EXPECT_EQ(f.type_name(), "coflow_failure_test::disk_full");
  EXPECT_TRUE(f.is<disk_full>());
  EXPECT_THROW(f.rethrow(), disk_full);
  // Outside a handler there is nothing to take.
  EXPECT_FALSE(coflow::failure::current());
}

TEST(Failure, CopiesAreEqualAndReferToTheSameException) {
  auto f = coflow::failure::make(std::out_of_range("index 9"));
  coflow::failure copy = f;
  EXPECT_TRUE(copy == f);
  EXPECT_TRUE(copy.exception() == f.exception());
  // Two failures made from equal exceptions are two exceptions.
  EXPECT_FALSE(coflow::failure::make(std::out_of_range("index 9")) == f);
  // Wrapping an exception_ptr keeps it as it is.
  coflow::failure wrapped{f.exception()};
  EXPECT_TRUE(wrapped == f);
  const std::exception* first = nullptr;
  const std::exception* second = nullptr;
  try {
    f.rethrow();
  } catch (const std::exception& e) {
    first = &e;
  }
  try {
    copy.rethrow();
  } catch (const std::exception& e) {
    second = &e;
  }
  EXPECT_EQ(first, second);
}

TEST(Failure, AnEmptyWhatGivesAnEmptyMessage) {
  struct silent : std::exception {
    const char* what() const noexcept override { return ""; }
  };
  auto f = coflow::failure::make(silent{});
  EXPECT_EQ(f.message(), "");
  EXPECT_TRUE(f.is<std::exception>());
}

TEST(CancelledError, IsARuntimeErrorWithAFixedMessageByDefault) {
  static_assert(std::is_base_of_v<std::runtime_error, coflow::cancelled_error>);
  auto f = coflow::failure::make(coflow::cancelled_error{});
  EXPECT_EQ(f.type_name(), "coflow::cancelled_error");
  EXPECT_EQ(f.message(), "coflow: the flow was cancelled");
  EXPECT_TRUE(f.is<std::runtime_error>());
  EXPECT_EQ(std::string(coflow::cancelled_error{"timed out after 5 s"}.what()), "timed out after 5 s");
}
