#include "tests/sim/sim_stats.hpp"

#include <sstream>

namespace streamify::sim {

void sim_stats::add(const sim_stats& other) {
  seeds += other.seeds;
  sessions += other.sessions;
  resumed += other.resumed;
  heartbeats += other.heartbeats;
  deposits += other.deposits;
  charges += other.charges;
  replays += other.replays;
  wallets += other.wallets;
  steps += other.steps;
  for (const auto& [kind, n] : other.faults)
    faults[kind] += n;
  for (const auto& [kind, n] : other.behaviors)
    behaviors[kind] += n;
  violations.insert(violations.end(), other.violations.begin(),
                    other.violations.end());
}

std::string sim_stats::to_string() const {
  std::ostringstream out;
  int64_t injected = 0;
  for (const auto& [kind, n] : faults)
    injected += n;
  out << "simulation: " << seeds << " seeds, " << sessions << " sessions (" << resumed
      << " resumed after a crash), "
      << heartbeats << " heartbeats, " << deposits << " deposit requests, "
      << charges << " charges, " << replays << " ledger replays, " << wallets
      << " wallet spawns, " << steps << " steps, " << injected
      << " injected faults, " << violations.size() << " violations\n";
  out << "  faults:";
  for (const auto& [kind, n] : faults)
    out << ' ' << kind << '=' << n;
  out << "\n  players:";
  for (const auto& [kind, n] : behaviors)
    out << ' ' << kind << '=' << n;
  out << '\n';
  for (const auto& v : violations)
    out << "  VIOLATION " << v << '\n';
  return out.str();
}

} // namespace streamify::sim
