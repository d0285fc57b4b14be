#define CAF_SUITE simulation

#include "tests/sim/simulation.hpp"

#include <cstdio>
#include <cstdlib>

#include <caf/test/dsl.hpp>

using streamify::sim::sim_stats;
using streamify::sim::simulation;

namespace {

// Seeds 1..n with n from STREAMIFY_SIM_SEEDS (default: what CI runs), or the
// one seed in STREAMIFY_SIM_SEED.
constexpr uint64_t ci_seeds = 300;

std::pair<uint64_t, uint64_t> seed_range() {
  if (const char* one = std::getenv("STREAMIFY_SIM_SEED"))
    return {std::strtoull(one, nullptr, 10), 1};
  if (const char* n = std::getenv("STREAMIFY_SIM_SEEDS"))
    return {1, std::strtoull(n, nullptr, 10)};
  return {1, ci_seeds};
}

} // namespace

CAF_TEST(no schedule of faults loses or duplicates money) {
  auto [first, count] = seed_range();
  sim_stats total;
  for (auto seed = first; seed < first + count; ++seed) {
    simulation sim{seed};
    total.add(sim.run());
  }
  std::printf("%s", total.to_string().c_str());
  if (!total.violations.empty())
    std::printf("replay one seed: STREAMIFY_SIM_SEED=<seed> %s\n",
                caf::test::engine::path());
  CAF_CHECK_EQUAL(total.violations.size(), 0u);
}

CAF_TEST(the checks catch a ledger that charges a minute twice) {
  simulation sim{1, true};
  auto stats = sim.run();
  CAF_REQUIRE(!stats.violations.empty());
  CAF_CHECK(stats.violations.front().find("charged twice") != std::string::npos);
}
