#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "tests/sim/sim_random.hpp"
#include "tests/sim/sim_stats.hpp"

namespace streamify::sim {

using link_release_atom = caf::atom_constant<caf::atom("lnk_rel")>;
using link_unpark_atom = caf::atom_constant<caf::atom("lnk_unpark")>;

// How often the link misbehaves, per message and direction (percent).
struct link_faults {
  double drop = 4;
  double duplicate = 4;
  double delay = 12;
  double reorder = 5;
  int64_t max_delay_ms = 9'000;
  bool healed = false; // no new faults; what is held back still arrives
};

struct faulty_link_state {
  caf::actor upstream;
  std::shared_ptr<link_faults> faults;
  std::shared_ptr<sim_stats> stats;
  sim_rng rng{0};
  caf::timespan timeout = std::chrono::seconds(30);
  uint64_t next_hold = 0;
  std::map<uint64_t, std::function<void()>> held; // delayed, by timer id
  std::vector<std::function<void()>> parked;      // go after the next one
  static inline const char* name = "faulty_link";
};

// Stands where the billing role would: forwards charges and deposits to
// `upstream` with requests of its own and relays the answers, dropping,
// duplicating, delaying and reordering messages both ways.
caf::behavior faulty_link(caf::stateful_actor<faulty_link_state>* self,
                          caf::actor upstream,
                          std::shared_ptr<link_faults> faults,
                          std::shared_ptr<sim_stats> stats, uint64_t seed);

} // namespace streamify::sim
