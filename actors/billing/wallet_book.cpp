#include "actors/billing/wallet_book.hpp"

namespace streamify::billing {

namespace {

using persistence::movement_outcome;

movement_outcome with_status(uint8_t status) {
  movement_outcome o;
  o.status = status;
  return o;
}

bool succeeded(const movement_outcome& o) {
  return o.status == persistence::status_applied
         || o.status == persistence::status_replayed;
}

} // namespace

bool wallet_book::answer_from_memory(const std::string& key,
                                     const std::string& fingerprint,
                                     done_fn& done) {
  if (auto r = recent_.find(key); r != recent_.end()) {
    if (r->second.fingerprint != fingerprint) {
      done(with_status(persistence::status_conflict));
    } else {
      auto o = r->second.outcome;
      o.status = persistence::status_replayed;
      done(o);
    }
    return true;
  }
  if (auto k = keys_.find(key); k != keys_.end()) {
    if (k->second.fingerprint != fingerprint)
      done(with_status(persistence::status_conflict));
    else
      k->second.waiters.push_back(std::move(done));
    return true;
  }
  return false;
}

void wallet_book::open(const std::string& key, std::string fingerprint,
                       done_fn done) {
  keys_.emplace(key, open_key{std::move(fingerprint), {std::move(done)}});
}

void wallet_book::finish(const std::string& key, const movement_outcome& o) {
  auto i = keys_.find(key);
  if (i == keys_.end())
    return;
  auto entry = std::move(i->second);
  keys_.erase(i);
  if (succeeded(o))
    remember(key, std::move(entry.fingerprint), o);
  for (size_t n = 0; n < entry.waiters.size(); ++n) {
    auto x = o;
    if (n > 0 && x.status == persistence::status_applied)
      x.status = persistence::status_replayed;
    entry.waiters[n](x);
  }
}

void wallet_book::remember(const std::string& key, std::string fingerprint,
                           movement_outcome o) {
  if (limits_.remembered_keys == 0)
    return;
  o.status = persistence::status_applied;
  if (recent_.emplace(key, remembered{std::move(fingerprint), std::move(o)})
        .second)
    recent_order_.push_back(key);
  while (recent_order_.size() > limits_.remembered_keys) {
    recent_.erase(recent_order_.front());
    recent_order_.pop_front();
  }
}

std::optional<wallet_book::job> wallet_book::next() {
  if (!claimed() || waiting_.empty() || in_flight_ >= limits_.max_in_flight)
    return std::nullopt;
  auto j = std::move(waiting_.front());
  waiting_.pop_front();
  ++in_flight_;
  return j;
}

void wallet_book::fail_waiting(uint8_t status) {
  auto jobs = std::move(waiting_);
  waiting_.clear();
  for (auto& j : jobs)
    j.fail(status);
}

void wallet_book::claim_failed() {
  claiming_ = false;
  fail_waiting(persistence::status_failed);
}

bool wallet_book::moved_away(int64_t epoch, bool retried, bool& lost) {
  lost = false;
  if (limits_.reclaim_when_moved && !retried) {
    epoch_ = -1;
    return true;
  }
  if (epoch == epoch_) {
    lost = true;
    epoch_ = -1;
    fail_waiting(persistence::status_stale_owner);
  }
  return false;
}

} // namespace streamify::billing
