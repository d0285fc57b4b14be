#pragma once

#include <utility>

#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>

namespace streamify::test {

// Sends one request from a DSL fixture's `self`, lets `run` run the
// coordinator and returns the answer or the error.
template <class T, class Handle, class Run, class... Ts>
caf::expected<T> request_and_run(caf::scoped_actor& self, const Handle& to,
                                 Run run, Ts&&... xs) {
  auto pending = self->request(to, caf::infinite, std::forward<Ts>(xs)...);
  run();
  caf::expected<T> out = caf::error{};
  pending.receive([&](T& x) { out = std::move(x); },
                  [&](caf::error& err) { out = std::move(err); });
  return out;
}

} // namespace streamify::test
