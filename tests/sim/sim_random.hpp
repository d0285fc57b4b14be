#pragma once

#include <cstdint>
#include <random>

namespace streamify::sim {

// The one source of chance of a simulated run: the same seed gives the same
// run. The arithmetic is spelled out (no std distributions) so a seed means
// the same run with every standard library.
class sim_rng {
public:
  explicit sim_rng(uint64_t seed) : gen_(seed) {}

  // A whole number in [lo, hi].
  int64_t between(int64_t lo, int64_t hi) {
    auto span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(gen_() % span);
  }

  // True with probability `percent` / 100 (fractions allowed).
  bool chance(double percent) {
    return static_cast<double>(gen_() % 1'000'000) < percent * 10'000;
  }

  template <class Container>
  auto& pick(Container& xs) {
    return xs[static_cast<size_t>(between(0, static_cast<int64_t>(xs.size()) - 1))];
  }

  uint64_t next() { return gen_(); }

private:
  std::mt19937_64 gen_;
};

} // namespace streamify::sim
