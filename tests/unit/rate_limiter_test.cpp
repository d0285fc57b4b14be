#define CAF_SUITE rate_limiter

#include "gateway/rate_limiter.hpp"

#include <caf/test/unit_test.hpp>

using streamify::gateway::rate_limiter;

CAF_TEST(a burst passes then the bucket refills at the rate) {
  rate_limiter limiter{2, 3};
  for (int i = 0; i < 3; ++i)
    CAF_CHECK_EQUAL(limiter.take("k", 0), 0);
  CAF_CHECK_EQUAL(limiter.take("k", 0), 1);
  CAF_CHECK_EQUAL(limiter.take("other", 0), 0);
  CAF_CHECK_EQUAL(limiter.take("k", 500), 0);
  CAF_CHECK_EQUAL(limiter.take("k", 500), 1);
}

CAF_TEST(a zero rate disables limiting) {
  rate_limiter limiter{0, 1};
  for (int i = 0; i < 100; ++i)
    CAF_CHECK_EQUAL(limiter.take("k", 0), 0);
}
