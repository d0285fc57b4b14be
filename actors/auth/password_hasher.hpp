#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace streamify::auth {

// argon2id through libsodium. Unknown emails call `burn`, which verifies
// against a dummy hash of the same cost, so a login costs the same whether or
// not the account exists; `verifications` counts both kinds.
class password_hasher {
public:
  password_hasher(uint64_t ops_limit, size_t mem_limit);

  std::string hash(const std::string& password) const;
  bool verify(const std::string& stored_hash,
              const std::string& password) const;
  void burn(const std::string& password) const;

  uint64_t verifications() const { return verifications_.load(); }

private:
  uint64_t ops_limit_;
  size_t mem_limit_;
  std::string dummy_hash_;
  mutable std::atomic<uint64_t> verifications_{0};
};

} // namespace streamify::auth
