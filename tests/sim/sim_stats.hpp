#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace streamify::sim {

// What simulated runs did, summed over seeds and printed at the end.
struct sim_stats {
  int64_t seeds = 0;
  int64_t sessions = 0;   // started and confirmed
  int64_t resumed = 0;    // sessions resumed by a restarted streaming role
  int64_t heartbeats = 0; // sent by players
  int64_t deposits = 0;   // deposit requests sent, retries included
  int64_t charges = 0;    // charges committed to the ledger
  int64_t replays = 0;    // writes the ledger answered from an earlier commit
  int64_t wallets = 0;    // wallet actors spawned (first use, after a kill
                          // or after passivation)
  int64_t steps = 0;      // messages processed
  std::map<std::string, int64_t> faults;    // injected, by kind
  std::map<std::string, int64_t> behaviors; // of players, by kind
  std::vector<std::string> violations;      // "seed S step N: what"

  void add(const sim_stats& other);
  std::string to_string() const;
};

} // namespace streamify::sim
