#include "tests/sim/sim_client.hpp"

#include <chrono>
#include <string>

namespace streamify::sim {

namespace {

constexpr auto request_timeout = std::chrono::seconds(30);

template <class T, class F>
auto report(F f, uint64_t n) {
  return std::make_pair([f, n](T& x) { f(n, std::move(x)); },
                        [f, n](caf::error& err) { f(n, std::move(err)); });
}

} // namespace

caf::behavior sim_client(caf::event_based_actor* self,
                         streaming::streaming_actor role, caf::actor deposits,
                         std::shared_ptr<client_events> events) {
  using streaming::session_view;
  return {
    [=](streaming::start_atom atom, uint64_t player,
        streaming::start_request& req) {
      auto [ok, err] = report<session_view>(events->started, player);
      self->request(role, request_timeout, atom, std::move(req)).then(ok, err);
    },
    [=](streaming::heartbeat_atom atom, uint64_t player,
        streaming::heartbeat_request& req) {
      auto [ok, err] = report<session_view>(events->beaten, player);
      self->request(role, request_timeout, atom, std::move(req)).then(ok, err);
    },
    [=](streaming::end_atom atom, uint64_t player, std::string& id,
        std::string& viewer) {
      auto [ok, err] = report<session_view>(events->beaten, player);
      self->request(role, request_timeout, atom, std::move(id),
                    std::move(viewer))
        .then(ok, err);
    },
    [=](billing::deposit_atom atom, uint64_t n, billing::deposit_request& req) {
      auto [ok, err] = report<billing::deposit_result>(events->deposited, n);
      self->request(deposits, request_timeout, atom, std::move(req))
        .then(ok, err);
    },
  };
}

} // namespace streamify::sim
