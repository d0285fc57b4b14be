#pragma once

#include <string>

namespace streamify {

// An Idempotency-Key, for every write that takes one (deposits, refunds,
// starting a session): 1-200 printable ASCII characters.
constexpr size_t idempotency_key_max = 200;
bool valid_idempotency_key(const std::string& key);

} // namespace streamify
