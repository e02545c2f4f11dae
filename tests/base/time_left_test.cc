// The time left of a catch-up, as `run`'s progress lines and its live display say it.
#include "base/time_left.h"

#include "gtest/gtest.h"

namespace caawatch {
namespace {

TEST(TimeLeftTest, RoundsUpToTheSecondAndSaysWhenItCannotTell) {
  EXPECT_EQ(TimeLeftText(1000, 300), "about 4s left");
  EXPECT_EQ(TimeLeftText(3'000'000'000, 250'000), "about 3h20m left");
  EXPECT_EQ(TimeLeftText(0, 10), "nothing left");
  EXPECT_EQ(TimeLeftText(1000, 0), "time left unknown");
}

}  // namespace
}  // namespace caawatch
