#include "actors/common/idempotency_key.hpp"

namespace streamify {

bool valid_idempotency_key(const std::string& key) {
  if (key.empty() || key.size() > idempotency_key_max)
    return false;
  for (char c : key)
    if (c < 0x21 || c > 0x7e)
      return false;
  return true;
}

} // namespace streamify
