#pragma once

#include <cstdint>
#include <string>

namespace streamify {

// A viewing nobody pays for: a price of 0, or the owner watching their own
// video. Such a session never charges and never reaches a wallet.
inline bool is_free(int64_t price_cents, const std::string& viewer_id,
                    const std::string& owner_id) {
  return price_cents == 0 || viewer_id == owner_id;
}

} // namespace streamify
