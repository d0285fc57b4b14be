#include "actors/billing/billing_actor.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/billing/ledger_rules.hpp"
#include "actors/common/errc.hpp"

namespace streamify::billing {

namespace {

using self_ptr = billing_router_actor::stateful_pointer<billing_state>;

caf::error invalid(std::string machine, std::string message) {
  return fail(errc::invalid, std::move(machine), std::move(message));
}

const ledger_writer_actor& writer_for(self_ptr self, const std::string& user) {
  auto& ws = self->state.writers;
  return ws[std::hash<std::string>{}(user) % ws.size()];
}

const ledger_reader_actor& next_reader(self_ptr self) {
  auto& st = self->state;
  return st.readers[st.next_reader++ % st.readers.size()];
}

// A ledger writer or reader of the role.
bool is_worker(self_ptr self, const caf::actor_addr& source) {
  auto& st = self->state;
  auto is_source = [&](const auto& w) { return w.address() == source; };
  return std::any_of(st.writers.begin(), st.writers.end(), is_source)
         || std::any_of(st.readers.begin(), st.readers.end(), is_source);
}

// The user's wallet, spawned on first use; counts the request handed to it
// (the passivation handshake compares this count with the wallet's own).
const wallet_actor& wallet_for(self_ptr self, const std::string& user) {
  auto& st = self->state;
  auto i = st.wallets.find(user);
  if (i == st.wallets.end()) {
    auto w = self->spawn<caf::linked>(
      wallet, user, st.settings.wallet, writer_for(self, user),
      caf::actor_cast<billing_router_actor>(self), st.provider, st.clk,
      st.make_id);
    ++st.wallets_spawned;
    i = st.wallets.emplace(user, billing_state::wallet_entry{w, 0}).first;
  }
  ++i->second.forwarded;
  return i->second.handle;
}

// The billing node keeping `user`'s wallet, when that is not this one (the
// write about to go there is counted).
const billing_router_actor* owner_elsewhere(self_ptr self,
                                            const std::string& user) {
  auto& st = self->state;
  auto& shards = st.settings.shards;
  if (shards.nodes.empty())
    return nullptr;
  auto owner = shards.map.owner(user);
  if (owner == shards.self)
    return nullptr;
  ++st.forwarded;
  return &shards.nodes[owner];
}

// Parses the opaque history cursor (the seq of the last entry shown).
bool parse_cursor(const std::string& cursor, int64_t& before) {
  if (cursor.empty()) {
    before = 0;
    return true;
  }
  if (cursor.size() > 18
      || cursor.find_first_not_of("0123456789") != std::string::npos)
    return false;
  before = std::stoll(cursor);
  return before > 0;
}

wallet_transaction to_transaction(const persistence::entry_row& e) {
  return wallet_transaction{e.transaction_id,      e.kind,
                            e.amount_cents,        e.balance_after_cents,
                            e.session_id,          e.video_id,
                            e.created_at_ms};
}

struct status_collector {
  caf::typed_response_promise<role_status> rp;
  role_status status;
  size_t pending = 0;

  void done() {
    if (--pending == 0)
      rp.deliver(status);
  }
};

} // namespace

billing_router_actor::behavior_type
billing_role(self_ptr self, std::vector<ledger_writer_actor> writers,
             std::vector<ledger_reader_actor> readers,
             billing_settings settings,
             std::shared_ptr<payment_provider> provider,
             std::shared_ptr<const clock> clk,
             std::function<std::string()> make_id) {
  auto& st = self->state;
  st.writers = std::move(writers);
  st.readers = std::move(readers);
  st.settings = std::move(settings);
  st.provider = std::move(provider);
  st.clk = std::move(clk);
  st.make_id = std::move(make_id);
  st.stats = actor_stats::node().enroll("billing", "billing");
  for (auto& w : st.writers)
    self->link_to(w); // the workers end with the role
  for (auto& r : st.readers)
    self->link_to(r);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (!msg.reason)
      return; // a passivated wallet, already forgotten
    auto& ws = self->state.wallets;
    for (auto i = ws.begin(); i != ws.end(); ++i)
      if (i->second.handle.address() == msg.source) {
        ws.erase(i); // a failed wallet: the next request spawns a new one
        return;
      }
    // Shutdown, or a ledger worker failed. Any other source is a wallet
    // passivated a moment ago that failed on its way out.
    if (msg.source == self->address() || is_worker(self, msg.source))
      self->quit(msg.reason);
  });
  return {
    [self](charge_atom, charge_request& req) -> caf::result<charge_result> {
      record_message(self->state.stats, self);
      if (auto msg = check_charge(req); !msg.empty())
        return invalid("invalid_charge", msg);
      if (is_free(req)) {
        // Nothing to move: answer with the balance, never touch the wallet.
        ++self->state.free_charges;
        auto rp = self->make_response_promise<charge_result>();
        self->request(next_reader(self), self->state.settings.read_timeout,
                      wallet_atom::value, req.viewer_id)
          .then(
            [rp](persistence::account_summary& s) mutable {
              rp.deliver(charge_result{"", 0, s.balance_cents, false});
            },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      }
      if (auto owner = owner_elsewhere(self, req.viewer_id))
        return self->delegate(*owner, forwarded_atom::value, std::move(req));
      auto& w = wallet_for(self, req.viewer_id);
      return self->delegate(w, charge_atom::value, std::move(req));
    },
    [self](forwarded_atom, charge_request& req) -> caf::result<charge_result> {
      record_message(self->state.stats, self);
      auto& w = wallet_for(self, req.viewer_id);
      return self->delegate(w, charge_atom::value, std::move(req));
    },
    [self](deposit_atom, deposit_request& req) -> caf::result<deposit_result> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      if (!valid_id(req.user_id))
        return invalid("invalid_user", "user_id is not a valid id");
      if (!valid_idempotency_key(req.idempotency_key))
        return fail(errc::bad_request, "invalid_idempotency_key",
                    "an Idempotency-Key of 1-200 printable characters is "
                    "required");
      if (req.amount_cents < st.settings.deposit_min_cents
          || req.amount_cents > st.settings.deposit_max_cents)
        return invalid("amount_out_of_range",
                       "amount_cents must be between "
                         + std::to_string(st.settings.deposit_min_cents)
                         + " and "
                         + std::to_string(st.settings.deposit_max_cents));
      if (req.fingerprint.empty())
        req.fingerprint = "amount_cents=" + std::to_string(req.amount_cents);
      if (auto owner = owner_elsewhere(self, req.user_id))
        return self->delegate(*owner, forwarded_atom::value, std::move(req));
      auto& w = wallet_for(self, req.user_id);
      return self->delegate(w, deposit_atom::value, std::move(req));
    },
    [self](forwarded_atom,
           deposit_request& req) -> caf::result<deposit_result> {
      record_message(self->state.stats, self);
      auto& w = wallet_for(self, req.user_id);
      return self->delegate(w, deposit_atom::value, std::move(req));
    },
    [self](wallet_atom, const std::string& user_id)
      -> caf::result<wallet_summary> {
      record_message(self->state.stats, self);
      if (!valid_id(user_id))
        return invalid("invalid_user", "user_id is not a valid id");
      auto rp = self->make_response_promise<wallet_summary>();
      self->request(next_reader(self), self->state.settings.read_timeout,
                    wallet_atom::value, user_id)
        .then(
          [rp](persistence::account_summary& s) mutable {
            rp.deliver(
              wallet_summary{s.balance_cents, s.earned_cents, s.spent_cents});
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](history_atom, history_query& q) -> caf::result<history_page> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      if (!valid_id(q.user_id))
        return invalid("invalid_user", "user_id is not a valid id");
      int64_t before = 0;
      if (!parse_cursor(q.cursor, before))
        return fail(errc::bad_request, "invalid_cursor",
                    "the cursor is not one this service handed out");
      auto limit = std::clamp<int64_t>(q.limit, 1, st.settings.history_max_limit);
      auto rp = self->make_response_promise<history_page>();
      self->request(next_reader(self), st.settings.read_timeout,
                    history_atom::value, q.user_id, before, limit)
        .then(
          [rp](persistence::entries_page& p) mutable {
            history_page page;
            for (const auto& e : p.items)
              page.items.push_back(to_transaction(e));
            if (p.next_before > 0)
              page.next_cursor = std::to_string(p.next_before);
            rp.deliver(std::move(page));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](refund_atom, refund_request& req) -> caf::result<refund_result> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      if (!valid_id(req.admin_id))
        return invalid("invalid_user", "admin_id is not a valid id");
      if (!valid_id(req.session_id))
        return fail(errc::not_found, "session_not_found",
                    "no charges are recorded for this session");
      if (!valid_idempotency_key(req.idempotency_key))
        return fail(errc::bad_request, "invalid_idempotency_key",
                    "an Idempotency-Key of 1-200 printable characters is "
                    "required");
      if (req.fingerprint.empty())
        req.fingerprint = "session=" + req.session_id + "|reason=" + req.reason;
      // The refund takes back the creator's earning, a debit: it runs on the
      // creator's wallet, the single writer of that account's debits.
      auto rp = self->make_response_promise<refund_result>();
      self->request(next_reader(self), st.settings.read_timeout,
                    parties_atom::value, req.session_id)
        .then(
          [self, rp, req](persistence::session_parties& p) mutable {
            if (auto owner = owner_elsewhere(self, p.creator_id)) {
              rp.delegate(*owner, forwarded_atom::value, std::move(req),
                          std::move(p));
              return;
            }
            auto& w = wallet_for(self, p.creator_id);
            rp.delegate(w, refund_atom::value, std::move(req), std::move(p));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](forwarded_atom, refund_request& req,
           persistence::session_parties& p) -> caf::result<refund_result> {
      record_message(self->state.stats, self);
      auto& w = wallet_for(self, p.creator_id);
      return self->delegate(w, refund_atom::value, std::move(req), std::move(p));
    },
    [self](outbox_atom, outbox_query& q) -> caf::result<outbox_page> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      q.limit = std::clamp<int64_t>(q.limit, 1, st.settings.outbox_max_limit);
      auto rp = self->make_response_promise<outbox_page>();
      self->request(next_reader(self), st.settings.read_timeout,
                    outbox_atom::value, std::move(q))
        .then([rp](outbox_page& p) mutable { rp.deliver(std::move(p)); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](idle_atom, const std::string& user_id, uint64_t handled) {
      record_message(self->state.stats, self);
      auto& st = self->state;
      auto i = st.wallets.find(user_id);
      if (i == st.wallets.end()
          || i->second.handle.address() != self->current_sender()
          || i->second.forwarded != handled)
        return; // something is on its way to the wallet: it stays
      auto w = i->second.handle;
      st.wallets.erase(i);
      ++st.wallets_passivated;
      self->send(w, stop_atom::value);
    },
    [self](passivate_atom, const std::string& user_id) {
      record_message(self->state.stats, self);
      auto i = self->state.wallets.find(user_id);
      if (i == self->state.wallets.end())
        return false;
      self->send(i->second.handle, passivate_atom::value);
      return true;
    },
    [self](status_atom) -> caf::result<role_status> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      auto c = std::make_shared<status_collector>();
      c->rp = self->make_response_promise<role_status>();
      c->status.role = "billing";
      c->status.gauges = {
        {"wallets_active", static_cast<int64_t>(st.wallets.size())},
        {"wallets_spawned_total", st.wallets_spawned},
        {"wallets_passivated_total", st.wallets_passivated},
        {"free_charges_total", st.free_charges},
        {"shards", static_cast<int64_t>(st.settings.shards.map.size())},
        {"writes_forwarded_total", st.forwarded},
        {"ledger_writers", static_cast<int64_t>(st.writers.size())},
        {"ledger_readers", static_cast<int64_t>(st.readers.size())},
      };
      c->pending = 1 + st.writers.size();
      auto timeout = std::chrono::seconds(2);
      self->request(next_reader(self), timeout, ping_atom::value)
        .then(
          [c](bool) {
            c->status.ready = true;
            c->done();
          },
          [c](caf::error&) {
            c->status.detail = "ledger database unreachable";
            c->done();
          });
      for (auto& w : st.writers)
        self->request(w, timeout, stats_atom::value)
          .then(
            [c](gauge_map& g) {
              merge_gauges(c->status.gauges, g, writer_gauges);
              c->done();
            },
            [c](caf::error&) { c->done(); });
      return c->rp;
    },
  };
}

billing_router_actor
spawn_billing(caf::actor_system& sys, const billing_topology& topology,
              std::function<std::shared_ptr<persistence::ledger_store>()>
                make_store,
              std::shared_ptr<payment_provider> provider,
              std::shared_ptr<const clock> clk,
              std::function<std::string()> make_id) {
  std::vector<ledger_writer_actor> writers;
  std::vector<ledger_reader_actor> readers;
  for (size_t i = 0; i < std::max<size_t>(1, topology.writers); ++i)
    writers.push_back(
      topology.detached
        ? sys.spawn<caf::detached>(ledger_writer, make_store(), topology.writer)
        : sys.spawn(ledger_writer, make_store(), topology.writer));
  for (size_t i = 0; i < std::max<size_t>(1, topology.readers); ++i)
    readers.push_back(topology.detached
                        ? sys.spawn<caf::detached>(ledger_reader, make_store())
                        : sys.spawn(ledger_reader, make_store()));
  return sys.spawn(billing_role, std::move(writers), std::move(readers),
                   topology.settings, std::move(provider), std::move(clk),
                   std::move(make_id));
}

} // namespace streamify::billing
