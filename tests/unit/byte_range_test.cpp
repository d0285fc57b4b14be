#define CAF_SUITE byte_range

#include "gateway/byte_range.hpp"

#include <caf/test/unit_test.hpp>

using streamify::gateway::content_range;
using streamify::gateway::plan_range;

namespace {

constexpr int64_t cap = 100;

void check(const std::string& header, int64_t size, int status, int64_t first,
           int64_t length) {
  auto p = plan_range(header, size, cap);
  CAF_CHECK_EQUAL(p.status, status);
  if (status != 416) {
    CAF_CHECK_EQUAL(p.first, first);
    CAF_CHECK_EQUAL(p.length, length);
  }
}

} // namespace

CAF_TEST(no range serves a small file whole and a large one capped) {
  check("", 50, 200, 0, 50);
  check("", 100, 200, 0, 100);
  check("", 0, 200, 0, 0);
  check("", 250, 206, 0, 100);
}

CAF_TEST(closed open and suffix ranges) {
  check("bytes=0-9", 50, 206, 0, 10);
  check("bytes=10-10", 50, 206, 10, 1);
  check("bytes=20-", 50, 206, 20, 30);
  check("bytes=-5", 50, 206, 45, 5);
  check("bytes=-500", 50, 206, 0, 50);
}

CAF_TEST(an end past the file is clamped and a long range is capped) {
  check("bytes=40-999", 50, 206, 40, 10);
  check("bytes=0-499", 1000, 206, 0, 100);
  check("bytes=900-", 1000, 206, 900, 100);
  check("bytes=-300", 1000, 206, 700, 100);
}

CAF_TEST(unsatisfiable malformed and multiple ranges are 416) {
  check("bytes=50-", 50, 416, 0, 0);
  check("bytes=50-60", 50, 416, 0, 0);
  check("bytes=9-3", 50, 416, 0, 0);
  check("bytes=-0", 50, 416, 0, 0);
  check("bytes=0-", 0, 416, 0, 0);
  check("bytes=0-1,5-6", 50, 416, 0, 0);
  check("items=0-1", 50, 416, 0, 0);
  check("bytes=", 50, 416, 0, 0);
  check("bytes=-", 50, 416, 0, 0);
  check("bytes=a-3", 50, 416, 0, 0);
  check("bytes=+1-3", 50, 416, 0, 0);
  check("bytes=99999999999999999999-", 50, 416, 0, 0);
}

CAF_TEST(content range headers) {
  CAF_CHECK_EQUAL(content_range(plan_range("bytes=40-999", 50, cap), 50),
                  "bytes 40-49/50");
  CAF_CHECK_EQUAL(content_range(plan_range("bytes=60-", 50, cap), 50),
                  "bytes */50");
}
