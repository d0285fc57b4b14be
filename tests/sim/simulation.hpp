#pragma once

// One seeded run of the streaming and billing roles under faults:
// the real session, wallet, router and ledger writer actors on CAF's test
// coordinator (one thread, simulated time), in-memory stores, a faulty link
// between the sessions and billing, wallets killed at random points (also
// between a commit and its reply), commits whose outcome is lost, streaming
// roles that crash and resume their sessions from the store, and players
// that beat, pause, seek, burst, repeat and fall silent.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "actors/billing/billing_actor.hpp"
#include "persistence/billing/memory_ledger_store.hpp"
#include "tests/sim/faulty_link.hpp"
#include "tests/sim/sim_client.hpp"
#include "tests/sim/sim_random.hpp"
#include "tests/sim/sim_stats.hpp"
#include "tests/unit/streaming_fixture.hpp"

namespace streamify::sim {

// The actors the simulation looks into (with the fixture's deref).
template <class Handle, class State>
using impl_of
  = std::remove_pointer_t<typename Handle::template stateful_pointer<State>>;
using role_impl = impl_of<streaming::streaming_actor, streaming::streaming_state>;
using session_impl
  = impl_of<streaming::session_actor, streaming::session_actor_state>;
using router_impl
  = impl_of<billing::billing_router_actor, billing::billing_state>;
using writer_impl
  = impl_of<billing::ledger_writer_actor, billing::ledger_writer_state>;

struct sim_video {
  std::string id;
  std::string owner;
  int64_t price_cents = 0;
  int64_t duration_ms = 0;
};

// One viewer watching one video: one session, once it has started.
struct player {
  enum class phase { starting, watching, ending, done };
  std::string viewer;
  sim_video video;
  std::string start_key; // empty: starts without an Idempotency-Key
  std::string session_id;
  phase now = phase::starting;
  bool waiting = false; // a start or end request is out
  bool uses_seq = true;
  int64_t seq = 0;
  int64_t position_ms = 0;
  bool playing = true;
  int64_t last_beat_ms = 0;
  int64_t next_ms = 0; // simulated time of its next action
  int calm_beats = 0;  // paused beats sent after the link healed
  streaming::session_view last;
};

struct sim_deposit {
  std::string user;
  std::string key;
  int64_t amount_cents = 0;
  bool confirmed = false;
  bool in_flight = false;
  int64_t next_ms = 0; // when to retry
};

class simulation : public test_coordinator_fixture<streaming_test::test_config> {
public:
  // `charge_twice`: a broken ledger that commits every charge a second time
  // under another key, to show that the checks catch it.
  explicit simulation(uint64_t seed, bool charge_twice = false);
  ~simulation() override;

  // Runs the scenario, then checks the end state; stops at the first
  // violation. The returned stats name the seed and step of any violation.
  sim_stats run();

private:
  using movements = std::vector<persistence::movement>;

  // simulation.cpp: the world and its clock.
  void spawn_world();
  void spawn_streaming();
  void maybe_restart_streaming();
  void restart_streaming();
  void crash_soon(std::function<void()> crash);
  void tick(int64_t ms);
  void run_messages();
  void after_commit(const movements& batch);
  void maybe_fail_commit();
  void kill_wallet(const std::string& user, const char* kind);
  void maybe_kill_wallet();
  void shut_down();

  // players.cpp: what the users do.
  void maybe_start_player();
  void act(size_t n);
  void beat(size_t n);
  void end_session(size_t n);
  void send_start(size_t n);
  void deposit(const std::string& user, int64_t amount);
  void send_deposit(size_t n, bool repeat);
  void retry_deposits();
  void on_started(uint64_t n, caf::expected<streaming::session_view> v);
  void on_beaten(uint64_t n, caf::expected<streaming::session_view> v);
  void on_deposited(uint64_t n, caf::expected<billing::deposit_result> r);
  void quiesce_players();

  // invariants.cpp: what must hold.
  void check_step();
  void check_sessions();
  void check_ledger();
  void check_final();
  void violation(const std::string& what);

  uint64_t seed_;
  bool charge_twice_;
  sim_rng rng_;
  std::shared_ptr<sim_stats> stats_ = std::make_shared<sim_stats>();
  std::shared_ptr<link_faults> faults_ = std::make_shared<link_faults>();
  int64_t minute_ms_ = 60'000;
  int64_t now_ms_ = 0; // simulated time since the start
  int64_t next_tx_ = 0;
  bool healed_ = false;
  bool ledger_changed_ = false;

  std::shared_ptr<persistence::memory_ledger_store> ledger_;
  std::shared_ptr<persistence::memory_session_store> sessions_store_
    = std::make_shared<persistence::memory_session_store>();
  std::shared_ptr<manual_clock> clk_
    = std::make_shared<manual_clock>(1'800'000'000'000);
  std::shared_ptr<streaming_test::fake_videos> catalog_videos_
    = std::make_shared<streaming_test::fake_videos>();

  billing::ledger_writer_actor writer_;
  billing::ledger_reader_actor reader_;
  billing::billing_router_actor router_;
  caf::actor link_;
  caf::actor catalog_;
  streaming::session_store_actor session_worker_;
  streaming::streaming_actor role_;
  caf::actor client_;

  streaming::streaming_settings streaming_settings_;
  std::shared_ptr<client_events> client_events_
    = std::make_shared<client_events>();
  std::multimap<int64_t, std::function<void()>> crashes_; // by step
  bool crashing_ = false;
  // Live session actors by address (two incarnations of a session may
  // overlap after a crash), with their ids.
  std::map<caf::actor_addr, std::pair<std::string, streaming::session_actor>>
    watched_;
  std::map<std::string, int64_t> max_billed_; // by any incarnation

  std::vector<std::string> users_;
  std::vector<sim_video> videos_;
  std::vector<player> players_;
  std::vector<sim_deposit> deposits_;
  std::set<std::string> started_sessions_;
  // What the ledger committed: minutes charged per session, money deposited.
  std::string outbox_cursor_;
  std::map<std::string, std::set<int64_t>> charged_;
  int64_t deposited_cents_ = 0;
};

} // namespace streamify::sim
