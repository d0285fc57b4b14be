#include "nodes/inspector_actor.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/node_id.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/common/errc.hpp"
#include "nodes/cluster_messages.hpp"
#include "nodes/node_links.hpp"
#include "nodes/inspector_views.hpp"

namespace streamify::node {

namespace {

using self_ptr = admin::inspector_actor::stateful_pointer<inspector_state>;

// Compares in time independent of where the first difference is.
bool secret_matches(const std::string& given, const std::string& expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(
      given[i] ^ expected[i % std::max<size_t>(1, expected.size())]);
  return diff == 0 && !expected.empty();
}

caf::error check(self_ptr self, const std::string& secret) {
  record_message(self->state.stats, self);
  if (secret_matches(secret, self->state.settings.secret))
    return {};
  return fail(errc::forbidden, "wrong_admin_secret",
              "the admin secret is wrong");
}

caf::error not_hosted(const char* role) {
  return fail(errc::not_found, "role_not_hosted",
              std::string{"this node does not host the "} + role + " role");
}

admin::node_info own_info(self_ptr self) {
  auto& s = self->state.settings;
  admin::node_info info{s.name, s.roles, s.cluster_endpoint,
                        s.admin_endpoint, 0, s.build, {}};
  info.uptime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - self->state.started)
                     .count();
  return info;
}

struct peer_probe {
  caf::typed_response_promise<admin::node_info> rp;
  admin::node_info info;
  size_t pending = 0;

  void done() {
    if (--pending == 0)
      rp.deliver(info);
  }
};

// Asks the inspector published with the peer's roles for its name and admin
// endpoint; a peer that cannot be reached in time stays unreachable.
void probe(self_ptr self, std::shared_ptr<peer_probe> p, size_t index,
           const std::string& host, uint16_t port) {
  auto timeout = self->state.settings.peer_timeout;
  auto secret = self->state.settings.secret;
  auto mark = [p, index, host](const admin::node_info& peer) {
    auto& out = p->info.peers[index];
    out.reachable = true;
    out.name = peer.name;
    out.admin_endpoint = peer.admin_endpoint;
    // A peer listening on every address is reached where its roles are.
    const std::string any = "0.0.0.0:";
    if (out.admin_endpoint.compare(0, any.size(), any) == 0)
      out.admin_endpoint = host + ":" + out.admin_endpoint.substr(any.size());
    p->done();
  };
  self
    ->request(link_dialer(self->system()), timeout,
              caf::connect_atom::value, host, port)
    .then(
      [self, p, index, timeout, secret,
       mark](const caf::node_id&, caf::strong_actor_ptr& node,
             const std::set<std::string>&) {
        if (!node) {
          p->done();
          return;
        }
        self
          ->request(caf::actor_cast<caf::actor>(node), timeout,
                    locate_atom::value, std::string{"inspector"})
          .then(
            [self, p, timeout, secret, mark](caf::actor& handle) {
              auto peer = caf::actor_cast<admin::inspector_actor>(handle);
              self
                ->request(peer, timeout, admin::node_info_atom::value, secret,
                          false)
                .then(mark, [p](caf::error&) { p->done(); });
            },
            [p, index](caf::error&) {
              // Up, but publishing no inspector: admin.port is off there.
              p->info.peers[index].name = "no admin endpoint";
              p->done();
            });
      },
      [p](caf::error&) { p->done(); });
}

caf::result<admin::node_info> node_info(self_ptr self, bool probe_peers) {
  auto info = own_info(self);
  std::map<std::pair<std::string, uint16_t>, std::vector<std::string>> by_host;
  for (const auto& peer : self->state.settings.peers)
    by_host[{peer.host, peer.port}].push_back(peer.role);
  for (const auto& [where, roles] : by_host)
    info.peers.push_back(admin::peer_node{
      where.first + ":" + std::to_string(where.second), roles, false, "", ""});
  if (!probe_peers || info.peers.empty())
    return info;
  auto p = std::make_shared<peer_probe>();
  p->rp = self->make_response_promise<admin::node_info>();
  p->info = std::move(info);
  p->pending = by_host.size();
  size_t index = 0;
  for (const auto& [where, roles] : by_host)
    probe(self, p, index++, where.first, where.second);
  return p->rp;
}

caf::result<admin::wallet_report> wallet_info(self_ptr self,
                                              const std::string& user_id) {
  auto& st = self->state;
  if (!st.roles.billing)
    return not_hosted("billing");
  auto rp = self->make_response_promise<admin::wallet_report>();
  auto timeout = st.settings.role_timeout;
  self->request(st.roles.billing, timeout, billing::wallet_atom::value, user_id)
    .then(
      [self, rp, user_id, timeout](billing::wallet_summary& w) mutable {
        admin::wallet_report out{user_id,         self->state.settings.name,
                                 actor_stats::node().contains("wallet", user_id),
                                 w.balance_cents,
                                 w.earned_cents,  w.spent_cents,
                                 {}};
        self
          ->request(self->state.roles.billing, timeout,
                    billing::history_atom::value,
                    billing::history_query{user_id, "", 10})
          .then(
            [rp, out](billing::history_page& page) mutable {
              out.entries = std::move(page.items);
              rp.deliver(std::move(out));
            },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<streaming::session_view> end_session(self_ptr self,
                                                 const std::string& id) {
  auto& st = self->state;
  if (!st.roles.streaming)
    return not_hosted("streaming");
  for (const auto& s : actor_stats::node().samples())
    if (s.kind == "session" && s.id == id) {
      auto viewer = s.labels.count("viewer") ? s.labels.at("viewer") : "";
      auto rp = self->make_response_promise<streaming::session_view>();
      self
        ->request(st.roles.streaming, st.settings.role_timeout,
                  streaming::end_atom::value, id, viewer)
        .then([rp](streaming::session_view& v) mutable { rp.deliver(v); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    }
  return fail(errc::not_found, "session_not_live",
              "no live session " + id + " on this node");
}

caf::result<bool> passivate_wallet(self_ptr self, const std::string& user_id) {
  auto& st = self->state;
  if (!st.roles.billing)
    return not_hosted("billing");
  auto rp = self->make_response_promise<bool>();
  auto not_resident = fail(errc::not_found, "wallet_not_resident",
                           "no wallet actor is live for " + user_id);
  self
    ->request(st.roles.billing, st.settings.role_timeout,
              billing::passivate_atom::value, user_id)
    .then(
      [self, rp, user_id, not_resident](bool asked) mutable {
        if (!asked) {
          rp.deliver(not_resident);
          return;
        }
        auto& s = self->state.settings;
        auto wait = std::chrono::milliseconds(s.passivate_wait_ms + 1000);
        self
          ->request(self->state.worker, wait,
                    admin::passivate_wallet_atom::value, user_id,
                    s.passivate_wait_ms)
          .then(
            [rp](bool gone) mutable {
              if (gone)
                rp.deliver(true);
              else
                rp.deliver(fail(errc::unavailable, "wallet_busy",
                                "the wallet has payments in flight and stays; "
                                "try again"));
            },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

} // namespace

admin::inspector_actor::behavior_type
inspector(self_ptr self, inspector_settings settings, inspector_roles roles,
          std::shared_ptr<const clock> clk) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.roles = std::move(roles);
  st.clk = std::move(clk);
  st.started = std::chrono::steady_clock::now();
  st.stats = actor_stats::node().enroll("inspector", st.settings.name);
  st.worker = self->spawn<caf::detached + caf::linked>(admin_worker,
                                                      st.settings.billing_db);
  return {
    [self](admin::node_info_atom, const std::string& secret,
           bool probe_peers) -> caf::result<admin::node_info> {
      if (auto err = check(self, secret))
        return err;
      return node_info(self, probe_peers);
    },
    [self](admin::actors_atom, const std::string& secret,
           const std::string& by, int64_t limit)
      -> caf::result<admin::actor_report> {
      if (auto err = check(self, secret))
        return err;
      if (by != "mailbox" && by != "messages")
        return fail(errc::invalid, "invalid_ranking",
                    "rank by mailbox or messages");
      return rank_actors(actor_stats::node().samples(), by, limit);
    },
    [self](admin::sessions_atom, const std::string& secret,
           const std::string& viewer, const std::string& video)
      -> caf::result<admin::session_samples> {
      if (auto err = check(self, secret))
        return err;
      return live_sessions(actor_stats::node().samples(), viewer, video,
                           self->state.clk->now_ms());
    },
    [self](admin::wallet_info_atom, const std::string& secret,
           const std::string& user_id) -> caf::result<admin::wallet_report> {
      if (auto err = check(self, secret))
        return err;
      return wallet_info(self, user_id);
    },
    [self](admin::reconcile_atom, const std::string& secret)
      -> caf::result<persistence::reconcile_report> {
      if (auto err = check(self, secret))
        return err;
      auto& st = self->state;
      if (st.settings.billing_db.empty())
        return not_hosted("billing");
      auto rp = self->make_response_promise<persistence::reconcile_report>();
      self
        ->request(st.worker, st.settings.reconcile_timeout,
                  admin::reconcile_atom::value)
        .then([rp](persistence::reconcile_report& r) mutable { rp.deliver(r); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](admin::end_session_atom, const std::string& secret,
           const std::string& id) -> caf::result<streaming::session_view> {
      if (auto err = check(self, secret))
        return err;
      return end_session(self, id);
    },
    [self](admin::passivate_wallet_atom, const std::string& secret,
           const std::string& user_id) -> caf::result<bool> {
      if (auto err = check(self, secret))
        return err;
      return passivate_wallet(self, user_id);
    },
  };
}

} // namespace streamify::node
