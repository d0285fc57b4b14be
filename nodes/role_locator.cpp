#include "nodes/role_locator.hpp"

#include <algorithm>
#include <set>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/node_id.hpp>
#include <caf/response_promise.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/common/errc.hpp"
#include "nodes/cluster_messages.hpp"
#include "nodes/node_links.hpp"

namespace streamify::node {

namespace {

using self_ptr = caf::stateful_actor<role_locator_state>*;

std::string endpoint(const remote_role& r) {
  return r.role + " at " + r.host + ":" + std::to_string(r.port);
}

void retry_later(self_ptr self, const std::string& why) {
  auto& st = self->state;
  st.acquiring = false;
  if (st.failures++ == 0)
    spdlog::warn("cluster: {} unreachable ({}), retrying", endpoint(st.where),
                 why);
  self->delayed_send(self, st.backoff, reacquire_atom::value);
  st.backoff = std::min(st.backoff * 2, st.settings.backoff_max);
}

void adopt(self_ptr self, caf::actor handle) {
  auto& st = self->state;
  st.acquiring = false;
  st.failures = 0;
  st.backoff = st.settings.backoff_min;
  st.current = handle;
  self->monitor(handle);
  for (const auto& msg : st.subscriptions)
    caf::anon_send(handle, msg);
  st.on_change(handle);
  spdlog::info("cluster: {} connected", endpoint(st.where));
}

void acquire(self_ptr self) {
  auto& st = self->state;
  if (st.current || st.acquiring)
    return;
  st.acquiring = true;
  auto timeout = st.settings.connect_timeout;
  self
    ->request(link_dialer(self->system()), timeout,
              caf::connect_atom::value, st.where.host, st.where.port)
    .then(
      [self, timeout](const caf::node_id&, caf::strong_actor_ptr& node,
                      const std::set<std::string>&) {
        if (!node) {
          retry_later(self, "nothing published there");
          return;
        }
        self
          ->request(caf::actor_cast<caf::actor>(node), timeout,
                    locate_atom::value, self->state.where.role)
          .then([self](caf::actor& handle) { adopt(self, std::move(handle)); },
                [self](caf::error& err) {
                  retry_later(self, self->system().render(err));
                });
      },
      [self](caf::error& err) {
        retry_later(self, self->system().render(err));
      });
}

bool is_subscription(const caf::message& msg) {
  return msg.size() == 2 && msg.match_element<caf::atom_value>(0)
         && msg.get_as<caf::atom_value>(0) == caf::atom("subscribe");
}

caf::result<caf::message> forward(caf::scheduled_actor* ptr,
                                  caf::message_view& view) {
  auto self = static_cast<self_ptr>(ptr);
  auto& st = self->state;
  auto msg = view.move_content_to_message();
  if (!self->current_mailbox_element()->mid.is_request()
      && is_subscription(msg))
    st.subscriptions.push_back(msg);
  if (!st.current)
    return fail(errc::unavailable, st.where.role + "_unavailable",
                "the " + st.where.role + " service is unreachable, try again "
                "shortly");
  auto rp = self->make_response_promise();
  rp.delegate(st.current, std::move(msg));
  return rp;
}

} // namespace

caf::behavior
role_locator(self_ptr self, remote_role where, role_locator_settings settings,
             std::function<void(const caf::actor&)> on_change) {
  auto& st = self->state;
  st.where = std::move(where);
  st.settings = settings;
  st.backoff = settings.backoff_min;
  st.on_change = std::move(on_change);
  self->set_default_handler(forward);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    if (!st.current || msg.source != st.current.address())
      return;
    spdlog::warn("cluster: lost {} ({})", endpoint(st.where),
                 self->system().render(msg.reason));
    st.current = nullptr;
    st.on_change(caf::actor{});
    st.backoff = st.settings.backoff_min;
    self->delayed_send(self, st.backoff, reacquire_atom::value);
  });
  acquire(self);
  return {
    [self](reacquire_atom) { acquire(self); },
  };
}

} // namespace streamify::node
