#pragma once

#include <cstdint>
#include <string>

#include <httplib.h>

namespace streamify::gateway {

// The `Idempotency-Key` header (the one rule of actors/common/idempotency_key):
// missing → 400 `idempotency_key_required`, malformed → 400
// `invalid_idempotency_key`.
std::string required_idempotency_key(const httplib::Request& req);

// The same where the key is optional: empty when the header is absent.
std::string optional_idempotency_key(const httplib::Request& req);

// A list's `?limit=`: 20 when absent, above 100 cut to 100. Not a whole
// number of at most 9 digits → 400 `invalid_limit`; below 1 →
// `below_one_status` `invalid_limit` (the catalog's contract answers 422
// there, the other lists 400).
int64_t list_limit(const httplib::Request& req, int below_one_status = 400);

} // namespace streamify::gateway
