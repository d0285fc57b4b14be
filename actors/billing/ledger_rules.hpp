#pragma once

#include <cstdint>
#include <string>

#include "actors/billing/messages.hpp"
#include "actors/common/free_viewing.hpp"
#include "actors/common/idempotency_key.hpp"
#include "persistence/billing/ledger_store.hpp"

namespace streamify::billing {

// The money rules of the billing role, free of actors so they are easy to
// test on their own.

// Platform fee = floor(price_cents * fee_bps / 10000); the creator earns the
// rest.
struct charge_split {
  int64_t fee_cents = 0;
  int64_t creator_cents = 0;
};
charge_split split_charge(int64_t price_cents, int64_t fee_bps);

// Ids from other roles: 1-128 of [A-Za-z0-9_-]. This keeps keys unambiguous
// and user accounts apart from the system accounts (which contain ':').
bool valid_id(const std::string& id);

// Idempotency keys of the ledger.
std::string charge_key(const std::string& session_id, int64_t minute_index);
std::string deposit_key(const std::string& user_id,
                        const std::string& idempotency_key);
std::string refund_request_key(const std::string& admin_id,
                               const std::string& idempotency_key);

// What makes two requests under one key the same request.
std::string charge_fingerprint(const charge_request& req);

// Empty when the charge is well-formed, else why not.
std::string check_charge(const charge_request& req);

// A creator watching their own video and a price of 0 never reach a wallet.
bool is_free(const charge_request& req);

// A transaction id: 32 hex characters, the first 12 the time in ms and the
// rest 80 random bits. Still unguessable, and new ids land at the end of the
// primary key's index instead of all over it.
std::string ordered_id();

persistence::movement charge_movement(const charge_request& req,
                                      std::string transaction_id,
                                      int64_t owner_epoch, int64_t now_ms);

persistence::movement deposit_movement(const deposit_request& req,
                                       std::string transaction_id,
                                       std::string provider_reference,
                                       int64_t now_ms);

} // namespace streamify::billing
