#pragma once

#include <chrono>

#include <caf/error.hpp>
#include <caf/result.hpp>

#include "actors/common/messages.hpp"

namespace streamify {

// Answers a role's status once its database worker answered a ping: ready,
// or "database unreachable" when the ping fails or times out.
template <class Self, class Worker, class Ping>
caf::result<role_status> status_after_ping(Self* self, const Worker& worker,
                                           Ping ping, role_status status) {
  auto rp = self->template make_response_promise<role_status>();
  self->request(worker, std::chrono::seconds(2), ping)
    .then(
      [rp, status](bool) mutable {
        status.ready = true;
        rp.deliver(status);
      },
      [rp, status](caf::error&) mutable {
        status.detail = "database unreachable";
        rp.deliver(status);
      });
  return rp;
}

} // namespace streamify
