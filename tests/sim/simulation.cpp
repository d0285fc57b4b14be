#include "tests/sim/simulation.hpp"

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/billing/payment_provider.hpp"
#include "tests/sim/commit_hook_ledger_store.hpp"

namespace streamify::sim {

namespace {

constexpr int64_t active_ms = 15 * 60'000; // players act and faults happen
constexpr int64_t calm_ms = 60'000;       // healed: players pause and end
constexpr int64_t drain_ms = 120'000;     // nobody acts: timeouts and retries
constexpr int64_t tick_ms = 500;

constexpr double kill_after_commit_percent = 8;
constexpr double kill_per_tick_percent = 0.5;
constexpr double fail_commit_per_tick_percent = 0.5;
constexpr double restart_per_tick_percent = 0.1;

} // namespace

simulation::simulation(uint64_t seed, bool charge_twice)
  : seed_(seed), charge_twice_(charge_twice), rng_(seed) {
  stats_->seeds = 1;
}

simulation::~simulation() {
  shut_down();
}

void simulation::spawn_world() {
  ledger_ = std::make_shared<persistence::memory_ledger_store>(
    [this] { return "rv" + std::to_string(++next_tx_); });
  auto hooked = std::make_shared<commit_hook_ledger_store>(
    ledger_, [this](const movements& batch) { after_commit(batch); });
  writer_ = sys.spawn(billing::ledger_writer, hooked, billing::writer_settings{});
  reader_ = sys.spawn(billing::ledger_reader, hooked);
  billing::billing_settings bs;
  bs.wallet.idle = std::chrono::seconds(rng_.between(20, 300));
  router_ = sys.spawn(billing::billing_role,
                      std::vector<billing::ledger_writer_actor>{writer_},
                      std::vector<billing::ledger_reader_actor>{reader_}, bs,
                      std::make_shared<billing::sandbox_provider>(), clk_,
                      [this] { return "tx" + std::to_string(++next_tx_); });
  // Some seeds see a calm network, some a storm.
  auto storm = static_cast<double>(rng_.between(1, 6)) / 2;
  for (auto* rate : {&faults_->drop, &faults_->duplicate, &faults_->delay,
                     &faults_->reorder})
    *rate *= storm;
  link_ = sys.spawn(faulty_link, caf::actor_cast<caf::actor>(router_), faults_,
                    stats_, rng_.next());

  for (int c = 0; c < 3; ++c) {
    auto owner = "creator" + std::to_string(c);
    users_.push_back(owner);
    for (int v = 0; v < 2; ++v) {
      sim_video video{owner + "-video" + std::to_string(v), owner,
                      rng_.chance(20) ? 0 : rng_.between(1, 12),
                      rng_.chance(25) ? rng_.between(20'000, 150'000)
                                      : rng_.between(3, 20) * minute_ms_};
      catalog_videos_->videos[video.id] = streaming_test::fixture::video(
        video.id, owner, video.price_cents, video.duration_ms);
      videos_.push_back(video);
    }
  }
  for (int v = 0; v < 10; ++v)
    users_.push_back("viewer" + std::to_string(v));
  catalog_ = sys.spawn(streaming_test::fake_catalog, catalog_videos_);

  streaming_settings_.session.billing
    = streaming::billing_params{minute_ms_, 10'000, 30'000};
  client_events_->started = [this](uint64_t n,
                                   caf::expected<streaming::session_view> v) {
    on_started(n, std::move(v));
  };
  client_events_->beaten = [this](uint64_t n,
                                  caf::expected<streaming::session_view> v) {
    on_beaten(n, std::move(v));
  };
  client_events_->deposited
    = [this](uint64_t n, caf::expected<billing::deposit_result> r) {
        on_deposited(n, std::move(r));
      };
  spawn_streaming();
  run_messages();
  for (const auto& user : users_)
    if (rng_.chance(85))
      deposit(user, rng_.between(20, 3000));
}

// The streaming role with the sessions the store holds as live (resumed),
// and a client for the players.
void simulation::spawn_streaming() {
  session_worker_ = sys.spawn(streaming::session_store_worker, sessions_store_);
  auto live = sessions_store_->live();
  stats_->resumed += static_cast<int64_t>(live.size());
  role_ = sys.spawn(streaming::streaming_role, streaming_settings_, link_,
                    catalog_,
                    std::vector<streaming::session_store_actor>{session_worker_},
                    std::move(live), clk_);
  client_ = sys.spawn(sim_client, role_, link_, client_events_);
}

// Crashes land between two messages a few steps from now, so that they hit
// work in flight, not only the quiet moments between ticks.
void simulation::crash_soon(std::function<void()> crash) {
  crashes_.emplace(stats_->steps + rng_.between(0, 40), std::move(crash));
}

void simulation::maybe_restart_streaming() {
  if (!healed_ && rng_.chance(restart_per_tick_percent))
    crash_soon([this] { restart_streaming(); });
}

// The streaming node crashes: the role, its sessions and every answer on its
// way to the players are gone; a new role resumes the stored sessions.
void simulation::restart_streaming() {
  ++stats_->faults["streaming_restarted"];
  caf::anon_send_exit(role_, caf::exit_reason::unhandled_exception);
  caf::anon_send_exit(client_, caf::exit_reason::unhandled_exception);
  run_messages();
  spawn_streaming();
  for (auto& p : players_)
    if (p.waiting) {
      p.waiting = false;
      p.next_ms = now_ms_ + rng_.between(1'000, 5'000);
    }
  for (auto& d : deposits_)
    d.in_flight = false;
}

sim_stats simulation::run() {
  spawn_world();
  auto failed = [this] { return !stats_->violations.empty(); };
  auto act_all = [this] {
    for (size_t n = 0; n < players_.size(); ++n) {
      auto& p = players_[n];
      if (p.now != player::phase::done && !p.waiting && p.next_ms <= now_ms_)
        act(n);
    }
  };
  while (now_ms_ < active_ms && !failed()) {
    maybe_start_player();
    act_all();
    retry_deposits();
    if (rng_.chance(1))
      deposit(rng_.pick(users_), rng_.between(50, 2000));
    maybe_kill_wallet();
    maybe_fail_commit();
    maybe_restart_streaming();
    tick(tick_ms);
  }
  healed_ = true;
  faults_->healed = true;
  for (auto end = now_ms_ + calm_ms; now_ms_ < end && !failed(); tick(tick_ms)) {
    act_all();
    retry_deposits();
  }
  for (auto end = now_ms_ + drain_ms; now_ms_ < end && !failed(); tick(tick_ms))
    retry_deposits();
  stats_->replays = deref<writer_impl>(writer_).state.counters.replayed;
  stats_->wallets = deref<router_impl>(router_).state.wallets_spawned;
  if (!failed())
    check_final();
  return *stats_;
}

void simulation::tick(int64_t ms) {
  now_ms_ += ms;
  clk_->advance_ms(ms);
  advance_time(std::chrono::milliseconds(ms));
  run_messages();
}

void simulation::run_messages() {
  while (stats_->violations.empty()) {
    if (!crashing_ && !crashes_.empty()
        && crashes_.begin()->first <= stats_->steps) {
      auto crash = std::move(crashes_.begin()->second);
      crashes_.erase(crashes_.begin());
      crashing_ = true; // one at a time: a restart runs messages itself
      crash();
      crashing_ = false;
    }
    if (!sched.try_run_once())
      break;
    ++stats_->steps;
    check_step();
  }
}

// Learns what the batch committed from the outbox, not from the outcomes:
// those may say "failed" for a batch that committed.
void simulation::after_commit(const movements& batch) {
  for (const auto& m : batch)
    if (charge_twice_ && m.kind == "charge") {
      auto again = m;
      again.id += "-again";
      again.key += "-again";
      ledger_->apply({again});
    }
  std::string next;
  auto rows = ledger_->read_outbox(outbox_cursor_, 1'000'000, next);
  outbox_cursor_ = next;
  for (const auto& row : rows) {
    ledger_changed_ = true;
    if (row.kind == "deposit") {
      deposited_cents_ += row.amount_cents;
      continue;
    }
    ++stats_->charges;
    auto& minutes = charged_[row.session_id];
    auto minute = std::to_string(row.minute_index);
    if (minutes.count(row.minute_index))
      violation("session " + row.session_id + " minute " + minute
                + " charged twice");
    else if (row.minute_index != static_cast<int64_t>(minutes.size()))
      violation("session " + row.session_id + " minute " + minute
                + " charged after " + std::to_string(minutes.size())
                + " minutes");
    minutes.insert(row.minute_index);
  }
  if (!healed_ && !batch.empty() && rng_.chance(kill_after_commit_percent))
    kill_wallet(rng_.pick(batch).subject_id, "wallet_killed_after_commit");
}

void simulation::maybe_fail_commit() {
  if (healed_ || !rng_.chance(fail_commit_per_tick_percent))
    return;
  // The next batch commits (or not) and every outcome says "failed".
  auto committed = rng_.chance(50);
  ledger_->fail_next_apply(committed);
  ++stats_->faults[committed ? "commit_answer_lost" : "commit_failed"];
}

void simulation::kill_wallet(const std::string& user, const char* kind) {
  auto& wallets = deref<router_impl>(router_).state.wallets;
  auto i = wallets.find(user);
  if (i == wallets.end())
    return;
  // Queued ahead of the writer's answer: the wallet dies before it replies.
  // (exit_reason::kill cannot be trapped: it would take the router down.)
  caf::anon_send_exit(i->second.handle, caf::exit_reason::unhandled_exception);
  ++stats_->faults[kind];
}

void simulation::maybe_kill_wallet() {
  if (!healed_ && rng_.chance(kill_per_tick_percent))
    crash_soon([this, user = rng_.pick(users_)] {
      kill_wallet(user, "wallet_killed");
    });
}

void simulation::shut_down() {
  for (auto* a : {&client_, &link_, &catalog_})
    if (*a)
      caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
  if (role_)
    caf::anon_send_exit(role_, caf::exit_reason::user_shutdown);
  if (router_)
    caf::anon_send_exit(router_, caf::exit_reason::user_shutdown);
  sched.run();
}

} // namespace streamify::sim
