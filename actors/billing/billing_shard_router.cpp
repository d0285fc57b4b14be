#include "actors/billing/billing_shard_router.hpp"

#include <algorithm>
#include <memory>

#include <caf/sec.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/common/errc.hpp"

namespace streamify::billing {

namespace {

using self_ptr = billing_actor::stateful_pointer<billing_shard_router_state>;

const billing_router_actor& owner_of(self_ptr self, const std::string& user) {
  auto& st = self->state;
  return st.nodes[st.map.owner(user)];
}

// Whether another node may be asked instead: this one was not reached (a
// locator answers unavailable at once while its node is unreachable).
bool unreached(const caf::error& err) {
  return err == errc::unavailable || err == caf::sec::request_timeout
         || err.category() == caf::atom("system");
}

// Asks the nodes in turn, from a rotating start, until one answers.
template <class Result, class... Ts>
void ask_any(self_ptr self, caf::typed_response_promise<Result> rp,
             size_t tried, size_t first, Ts... xs) {
  auto& st = self->state;
  auto& node = st.nodes[(first + tried) % st.nodes.size()];
  self->request(node, st.timeout, xs...)
    .then([rp](Result& r) mutable { rp.deliver(std::move(r)); },
          [self, rp, tried, first, xs...](caf::error& err) mutable {
            if (unreached(err) && tried + 1 < self->state.nodes.size())
              ask_any(self, rp, tried + 1, first, xs...);
            else
              rp.deliver(std::move(err));
          });
}

template <class Result, class... Ts>
caf::result<Result> any_node(self_ptr self, Ts... xs) {
  auto rp = self->make_response_promise<Result>();
  ask_any(self, rp, 0, self->state.next_any++, std::move(xs)...);
  return rp;
}

struct status_collector {
  caf::typed_response_promise<role_status> rp;
  role_status status{"billing", true, "", {}};
  size_t pending = 0;

  void add(const std::string& node, role_status& s) {
    if (!s.ready)
      fail(node, s.detail);
    for (const auto& [k, v] : s.gauges) {
      auto& x = status.gauges[k];
      bool is_max = k.size() > 4 && k.compare(k.size() - 4, 4, "_max") == 0;
      x = is_max ? std::max(x, v) : x + v;
    }
    done();
  }

  void fail(const std::string& node, const std::string& why) {
    status.ready = false;
    status.detail += (status.detail.empty() ? "" : "; ") + node + ": " + why;
  }

  void done() {
    if (--pending == 0)
      rp.deliver(status);
  }
};

} // namespace

billing_actor::behavior_type
billing_shard_router(self_ptr self, shard_map map,
                     std::vector<billing_router_actor> nodes,
                     caf::timespan timeout) {
  auto& st = self->state;
  st.map = std::move(map);
  st.nodes = std::move(nodes);
  st.timeout = timeout;
  return {
    [self](charge_atom a, charge_request& req) {
      return self->delegate(owner_of(self, req.viewer_id), a, std::move(req));
    },
    [self](deposit_atom a, deposit_request& req) {
      return self->delegate(owner_of(self, req.user_id), a, std::move(req));
    },
    [self](wallet_atom a, std::string& user) {
      return self->delegate(owner_of(self, user), a, std::move(user));
    },
    [self](history_atom a, history_query& q) {
      return self->delegate(owner_of(self, q.user_id), a, std::move(q));
    },
    [self](refund_atom a, refund_request& req) {
      return any_node<refund_result>(self, a, std::move(req));
    },
    [self](outbox_atom a, outbox_query& q) {
      return any_node<outbox_page>(self, a, std::move(q));
    },
    [self](status_atom a) -> caf::result<role_status> {
      auto& st = self->state;
      auto c = std::make_shared<status_collector>();
      c->rp = self->make_response_promise<role_status>();
      c->pending = st.nodes.size();
      for (size_t i = 0; i < st.nodes.size(); ++i) {
        auto name = st.map.name(i);
        self->request(st.nodes[i], std::chrono::seconds(2), a)
          .then([c, name](role_status& s) { c->add(name, s); },
                [c, name](caf::error& err) {
                  c->fail(name, err == caf::sec::request_timeout
                                  ? "no answer in time"
                                  : "unreachable");
                  c->done();
                });
      }
      return c->rp;
    },
  };
}

} // namespace streamify::billing
