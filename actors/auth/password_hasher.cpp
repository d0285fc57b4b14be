#include "actors/auth/password_hasher.hpp"

#include <stdexcept>

#include <sodium.h>

namespace streamify::auth {

password_hasher::password_hasher(uint64_t ops_limit, size_t mem_limit)
  : ops_limit_(ops_limit), mem_limit_(mem_limit) {
  if (ops_limit_ < crypto_pwhash_OPSLIMIT_MIN)
    ops_limit_ = crypto_pwhash_OPSLIMIT_MIN;
  if (mem_limit_ < crypto_pwhash_MEMLIMIT_MIN)
    mem_limit_ = crypto_pwhash_MEMLIMIT_MIN;
  dummy_hash_ = hash("streamify-dummy-password");
}

std::string password_hasher::hash(const std::string& password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_limit_,
                            mem_limit_, crypto_pwhash_ALG_ARGON2ID13)
      != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool password_hasher::verify(const std::string& stored_hash,
                             const std::string& password) const {
  ++verifications_;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(),
                                  password.size())
         == 0;
}

void password_hasher::burn(const std::string& password) const {
  verify(dummy_hash_, password);
}

} // namespace streamify::auth
