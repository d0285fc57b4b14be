#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

namespace streamify::billing {

using charge_atom = caf::atom_constant<caf::atom("charge")>;

// One minute of a viewing session. The idempotency key is
// "charge:<session_id>:<minute_index>"; a repeated key answers the first
// result, the same key with another amount is errc::conflict, a short balance
// is errc::payment_required ("insufficient_funds"). Platform fee =
// floor(price_cents * fee_bps / 10000); the creator earns the rest.
struct charge_request {
  std::string viewer_id;
  std::string creator_id;
  std::string session_id;
  std::string video_id;
  int64_t minute_index = 0;
  int64_t price_cents = 0;
  int64_t fee_bps = 0;
};

struct charge_result {
  std::string transaction_id;
  int64_t amount_cents = 0;   // what the viewer paid
  int64_t balance_cents = 0;  // the viewer's balance after the charge
  bool replayed = false;      // the key had been charged before
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, charge_request& x) {
  return f(caf::meta::type_name("charge_request"), x.viewer_id, x.creator_id,
           x.session_id, x.video_id, x.minute_index, x.price_cents, x.fee_bps);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, charge_result& x) {
  return f(caf::meta::type_name("charge_result"), x.transaction_id,
           x.amount_cents, x.balance_cents, x.replayed);
}

// Cross-role protocol of the billing role used by streaming (the full typed
// interface lives with the billing actor):
//   (charge_atom, charge_request) -> charge_result | payment_required | conflict

} // namespace streamify::billing
