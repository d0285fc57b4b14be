#pragma once

#include <utility>

#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>

#include "gateway/http_error.hpp"

namespace streamify::gateway {

// One blocking request from an HTTP thread to a role, with a timeout. An
// invalid handle or any error becomes the matching http_error.
template <class Result, class Handle, class... Ts>
Result ask(caf::actor_system& sys, const Handle& role, caf::timespan timeout,
           Ts&&... xs) {
  if (!role)
    throw http_error(503, "role_unavailable", "a service is unreachable");
  caf::scoped_actor self{sys};
  Result result;
  caf::error failure;
  self->request(role, timeout, std::forward<Ts>(xs)...)
    .receive([&](Result& r) { result = std::move(r); },
             [&](caf::error& err) { failure = std::move(err); });
  if (failure)
    throw from_actor_error(failure);
  return result;
}

} // namespace streamify::gateway
