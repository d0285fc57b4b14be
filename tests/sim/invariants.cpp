// The money invariants, checked after every step (message) that can
// change them and, once everything is quiet, on the end state.
#include "tests/sim/simulation.hpp"

#include <algorithm>

namespace streamify::sim {

namespace {

bool terminated(const caf::abstract_actor& a) {
  return a.getf(caf::abstract_actor::is_terminated_flag);
}

std::string str(int64_t x) {
  return std::to_string(x);
}

} // namespace

void simulation::violation(const std::string& what) {
  stats_->violations.push_back("seed " + std::to_string(seed_) + " step "
                               + str(stats_->steps) + " (t=" + str(now_ms_)
                               + " ms): " + what);
}

void simulation::check_step() {
  if (terminated(deref<router_impl>(router_)))
    violation("the billing role stopped"); // nobody could pay from now on
  check_sessions();
  if (ledger_changed_) {
    ledger_changed_ = false;
    check_ledger();
  }
}

// Each live session: billed time less than one minute beyond the paid
// minutes; the ledger holds its paid minutes, plus at most the one whose
// answer is on its way or lost, and no minute its billed time never reached.
// Sessions are watched until they stop, also after their role crashed (they
// may still handle what is in their mailbox).
void simulation::check_sessions() {
  auto& role = deref<role_impl>(role_);
  if (!terminated(role))
    for (const auto& [id, live] : role.state.sessions)
      watched_.emplace(live.handle.address(), std::make_pair(id, live.handle));
  for (auto w = watched_.begin(); w != watched_.end();) {
    const auto& id = w->second.first;
    auto& s = deref<session_impl>(w->second.second);
    if (terminated(s)) {
      w = watched_.erase(w);
      continue;
    }
    ++w;
    if (!s.getf(caf::abstract_actor::is_initialized_flag))
      continue; // spawned but not run yet: its state is still the default
    const auto& bill = s.state.bill;
    auto i = charged_.find(id);
    auto n = i == charged_.end() ? int64_t{0}
                                 : static_cast<int64_t>(i->second.size());
    if (!bill.charges) {
      if (n != 0)
        violation("free session " + id + " has " + str(n) + " charges");
      continue;
    }
    auto& top = max_billed_[id];
    top = std::max(top, bill.billed_ms);
    if (n > top / minute_ms_ + 1)
      violation("session " + id + " never billed beyond " + str(top)
                + " ms has " + str(n) + " charges");
    if (bill.billed_ms >= (bill.minutes_paid + 1) * minute_ms_)
      violation("session " + id + " billed " + str(bill.billed_ms)
                + " ms with " + str(bill.minutes_paid) + " minutes paid");
    if (n < bill.minutes_paid || n > bill.minutes_paid + 1)
      violation("session " + id + " counts " + str(bill.minutes_paid)
                + " minutes paid, the ledger " + str(n));
  }
}

// Every transaction sums to zero, cached balances equal their entries, no
// user balance is negative, no key is used twice.
void simulation::check_ledger() {
  auto report = ledger_->reconcile();
  if (!report.ok())
    violation("ledger: " + report.to_string());
}

void simulation::check_final() {
  check_ledger();
  // Each deposit key the users were told succeeded came in exactly once.
  int64_t confirmed = 0;
  for (const auto& d : deposits_) {
    if (!d.confirmed)
      violation("deposit " + d.key + " never confirmed");
    confirmed += d.amount_cents;
  }
  if (confirmed != deposited_cents_)
    violation("users deposited " + str(confirmed) + " cents, the ledger took "
              + str(deposited_cents_));
  // Money is conserved: what users and the platform hold is what came in.
  int64_t held = ledger_->summary(persistence::revenue_account_id).balance_cents;
  for (const auto& user : users_)
    held += ledger_->summary(user).balance_cents;
  auto external = ledger_->summary(persistence::deposits_account_id);
  if (held != deposited_cents_ || external.balance_cents != -deposited_cents_)
    violation("users and platform hold " + str(held) + " cents, deposits "
              + str(deposited_cents_) + ", external account "
              + str(external.balance_cents));
  std::set<std::string> ids = started_sessions_;
  for (const auto& [id, minutes] : charged_)
    ids.insert(id);
  for (const auto& id : ids) {
    auto i = charged_.find(id);
    auto n = i == charged_.end() ? int64_t{0}
                                 : static_cast<int64_t>(i->second.size());
    auto row = sessions_store_->find(id);
    if (!row) {
      // Never confirmed: at most minute 0, committed with its answer lost.
      if (n > 1)
        violation("unconfirmed session " + id + " has " + str(n) + " charges");
      continue;
    }
    if (row->state != "ended")
      violation("session " + id + " is " + row->state + " after quiescence");
    if (row->price_cents == 0 || row->viewer_id == row->owner_id) {
      if (n != 0)
        violation("free session " + id + " has " + str(n) + " charges");
      continue;
    }
    // Minute k is charged once billed time reaches k minutes; billed time
    // stops exactly at a minute's start when that minute cannot be paid.
    auto reached = row->billed_ms / minute_ms_;
    auto lo = row->billed_ms % minute_ms_ == 0 ? reached : reached + 1;
    auto top = std::max(row->billed_ms, max_billed_[id]) / minute_ms_;
    if (n < std::max<int64_t>(lo, 1) || n > top + 1)
      violation("session " + id + " billed " + str(row->billed_ms) + " ms has "
                + str(n) + " charges");
    if (row->minutes_paid > n || row->minutes_paid + 1 < n)
      violation("session " + id + " stored " + str(row->minutes_paid)
                + " minutes paid, the ledger " + str(n));
  }
}

} // namespace streamify::sim
