#define CAF_SUITE role_kit

#include "actors/common/gauges.hpp"
#include "actors/common/worker_pool.hpp"

#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace streamify;

namespace {

struct counters {
  int64_t done = 0;
  int64_t longest = 0;
};

constexpr gauge<counters> gauges[] = {
  {"done_total", &counters::done},
  {"longest_max", &counters::longest, gauge_merge::max},
};

} // namespace

CAF_TEST(a pool gives each idle worker one job and queues the rest) {
  worker_pool<std::string> pool{{"w1", "w2"}, 1};
  std::vector<std::string> ran;
  auto job = [&ran](const std::string& w) { ran.push_back(w); };
  pool.submit(job);
  pool.submit(job);
  CAF_CHECK_EQUAL(ran.size(), 2u);
  CAF_CHECK_EQUAL(pool.busy(), 2);
  CAF_CHECK(!pool.full());
  pool.submit(job);
  CAF_CHECK_EQUAL(pool.queued(), 1);
  CAF_CHECK(pool.full());
  pool.release("w1");
  CAF_CHECK_EQUAL(ran.back(), "w1");
  CAF_CHECK_EQUAL(pool.queued(), 0);
  CAF_CHECK_EQUAL(pool.busy(), 2);
}

CAF_TEST(a pool without workers only queues) {
  worker_pool<std::string> pool{{}, 2};
  int ran = 0;
  pool.submit([&ran](const std::string&) { ++ran; });
  CAF_CHECK(pool.empty());
  CAF_CHECK_EQUAL(ran, 0);
  CAF_CHECK_EQUAL(pool.queued(), 1);
}

CAF_TEST(gauges are named once and merge by their rule) {
  counters a{3, 40};
  counters b{2, 70};
  auto role = to_gauges(a, gauges);
  CAF_CHECK_EQUAL(role.at("done_total"), 3);
  merge_gauges(role, to_gauges(b, gauges), gauges);
  CAF_CHECK_EQUAL(role.at("done_total"), 5);
  CAF_CHECK_EQUAL(role.at("longest_max"), 70);
}
