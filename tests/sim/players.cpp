// What the simulated users do: start sessions, beat with pauses, seeks,
// bursts, repeats and silences, end or abandon them, and deposit (retrying
// with the same Idempotency-Key).
#include "tests/sim/simulation.hpp"

#include <algorithm>

#include <caf/send.hpp>

namespace streamify::sim {

namespace {

constexpr size_t max_players = 10;
constexpr double start_percent = 6; // per tick, below max_players

} // namespace

void simulation::maybe_start_player() {
  size_t live = 0;
  for (const auto& p : players_)
    live += p.now != player::phase::done ? 1 : 0;
  if (live >= max_players || !rng_.chance(start_percent))
    return;
  player p;
  p.viewer = rng_.pick(users_);
  p.video = rng_.pick(videos_);
  if (rng_.chance(50))
    p.start_key = "start-" + std::to_string(players_.size());
  p.uses_seq = rng_.chance(80);
  if (rng_.chance(20))
    p.position_ms = rng_.between(0, p.video.duration_ms);
  players_.push_back(p);
  send_start(players_.size() - 1);
}

void simulation::send_start(size_t n) {
  auto& p = players_[n];
  p.waiting = true;
  caf::anon_send(client_, streaming::start_atom::value, uint64_t{n},
                 streaming::start_request{p.viewer, p.video.id, p.start_key});
  if (!p.start_key.empty() && !healed_ && rng_.chance(10)) {
    ++stats_->behaviors["start_repeated"];
    caf::anon_send(client_, streaming::start_atom::value, uint64_t{n},
                   streaming::start_request{p.viewer, p.video.id,
                                            p.start_key});
  }
}

void simulation::act(size_t n) {
  auto& p = players_[n];
  if (p.now == player::phase::starting) {
    send_start(n);
    return;
  }
  if (p.now == player::phase::ending) {
    end_session(n);
    return;
  }
  if (healed_) {
    // Paused beats let stalled charges retry; then the viewer leaves.
    if (p.calm_beats++ < 2) {
      beat(n);
      p.playing = false;
      p.next_ms = now_ms_ + 10'000;
    } else {
      end_session(n);
    }
    return;
  }
  auto& b = stats_->behaviors;
  if (rng_.chance(0.7)) {
    ++b["abandoned"]; // the session ends by idle timeout
    p.now = player::phase::done;
    return;
  }
  if (rng_.chance(1) || (p.position_ms >= p.video.duration_ms && rng_.chance(50))) {
    ++b["ended"];
    end_session(n);
    return;
  }
  if (rng_.chance(2)) {
    ++b["silence"];
    p.next_ms = now_ms_ + rng_.between(15'000, 70'000);
    return;
  }
  if (rng_.chance(p.playing ? 4 : 25)) {
    ++b[p.playing ? "pause" : "resume"];
    beat(n);
    p.playing = !p.playing;
  } else if (rng_.chance(5)) {
    ++b["seek"];
    p.position_ms = rng_.between(0, p.video.duration_ms);
    beat(n);
  } else if (rng_.chance(5)) {
    ++b["burst"];
    for (auto k = rng_.between(2, 4); k > 0; --k)
      beat(n);
  } else if (rng_.chance(5)) {
    ++b["repeat"];
    beat(n);
    p.seq -= 1;
    p.last_beat_ms = now_ms_; // the same request again
    beat(n);
  } else {
    beat(n);
  }
  if (p.position_ms >= p.video.duration_ms)
    p.playing = false;
  p.next_ms = now_ms_ + (rng_.chance(5) ? rng_.between(14'000, 25'000)
                                        : rng_.between(7'000, 13'000));
}

void simulation::beat(size_t n) {
  auto& p = players_[n];
  if (p.playing)
    p.position_ms = std::min(p.video.duration_ms,
                             p.position_ms + now_ms_ - p.last_beat_ms);
  p.last_beat_ms = now_ms_;
  ++p.seq;
  streaming::heartbeat_request req{p.session_id, p.viewer, p.position_ms,
                                   p.playing, caf::none};
  if (p.uses_seq)
    req.seq = p.seq;
  caf::anon_send(client_, streaming::heartbeat_atom::value, uint64_t{n},
                 std::move(req));
  ++stats_->heartbeats;
}

void simulation::end_session(size_t n) {
  auto& p = players_[n];
  p.now = player::phase::ending;
  p.waiting = true;
  caf::anon_send(client_, streaming::end_atom::value, uint64_t{n},
                 p.session_id, p.viewer);
}

void simulation::on_started(uint64_t n, caf::expected<streaming::session_view> v) {
  auto& p = players_[n];
  if (p.now != player::phase::starting)
    return; // the answer to a repeated start
  p.waiting = false;
  if (v) {
    p.session_id = v->id;
    p.last = *v;
    if (started_sessions_.insert(v->id).second)
      ++stats_->sessions;
    p.now = v->state == "ended" ? player::phase::done : player::phase::watching;
    p.last_beat_ms = now_ms_;
    p.next_ms = now_ms_ + 10'000;
    return;
  }
  if (v.error() == errc::payment_required) {
    ++stats_->behaviors["start_refused"];
    if (healed_ || rng_.chance(50)) {
      p.now = player::phase::done;
      return;
    }
    deposit(p.viewer, rng_.between(100, 1000));
  }
  p.next_ms = now_ms_ + rng_.between(1'000, 6'000);
}

void simulation::on_beaten(uint64_t n, caf::expected<streaming::session_view> v) {
  auto& p = players_[n];
  if (v && v->id == p.session_id)
    p.last = *v;
  if (v && v->state == "ended") {
    p.now = player::phase::done;
    p.waiting = false;
    return;
  }
  if (p.now == player::phase::ending) {
    p.waiting = false; // not ended yet: ask again
    p.next_ms = now_ms_ + 2'000;
    return;
  }
  if (v && v->state == "payment_required" && !healed_ && rng_.chance(30)) {
    ++stats_->behaviors["topped_up"];
    deposit(p.viewer, rng_.between(100, 1500));
  }
}

void simulation::deposit(const std::string& user, int64_t amount) {
  deposits_.push_back(sim_deposit{user, "dep-" + std::to_string(deposits_.size()),
                                  amount, false, false, 0});
  send_deposit(deposits_.size() - 1, false);
}

void simulation::send_deposit(size_t n, bool repeat) {
  auto& d = deposits_[n];
  d.in_flight = true;
  caf::anon_send(client_, billing::deposit_atom::value, uint64_t{n},
                 billing::deposit_request{d.user, d.key,
                                          "amount=" + std::to_string(d.amount_cents),
                                          d.amount_cents});
  ++stats_->deposits;
  if (repeat)
    ++stats_->behaviors["deposit_retried"];
}

void simulation::retry_deposits() {
  for (size_t n = 0; n < deposits_.size(); ++n) {
    auto& d = deposits_[n];
    if (!d.confirmed && !d.in_flight && d.next_ms <= now_ms_)
      send_deposit(n, true);
  }
  if (!healed_ && !deposits_.empty() && rng_.chance(0.5))
    send_deposit(static_cast<size_t>(
                   rng_.between(0, static_cast<int64_t>(deposits_.size()) - 1)),
                 true); // a retry of a deposit that may have succeeded
}

void simulation::on_deposited(uint64_t n, caf::expected<billing::deposit_result> r) {
  auto& d = deposits_[n];
  d.in_flight = false;
  if (!r) {
    d.next_ms = now_ms_ + rng_.between(1'000, 5'000);
    return;
  }
  if (r->amount_cents != d.amount_cents)
    violation("deposit " + d.key + " answered " + std::to_string(r->amount_cents)
              + " cents for " + std::to_string(d.amount_cents));
  d.confirmed = true;
}

} // namespace streamify::sim
