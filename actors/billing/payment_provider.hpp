#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace streamify::billing {

struct provider_answer {
  bool approved = false;
  std::string reference;      // the provider's id of the payment
  std::string decline_reason; // when not approved
};

// Where deposits come from. `collect` must be idempotent per key: the wallet
// may ask again with the same key (after a restart) and must get the same
// payment, never a second one. A provider that talks to a network belongs in
// a detached actor; the built-in sandbox answers at once.
class payment_provider {
public:
  virtual ~payment_provider() = default;
  virtual std::string name() const = 0;
  virtual provider_answer collect(const std::string& user_id,
                                  int64_t amount_cents,
                                  const std::string& idempotency_key) = 0;
};

// No network: approves every amount with a reference derived from the key.
class sandbox_provider final : public payment_provider {
public:
  std::string name() const override { return "sandbox"; }
  provider_answer collect(const std::string& user_id, int64_t amount_cents,
                          const std::string& idempotency_key) override {
    auto h = std::hash<std::string>{}(user_id + '\n' + idempotency_key);
    char buf[32];
    std::snprintf(buf, sizeof(buf), "sbx_%016zx", h);
    return provider_answer{amount_cents > 0, buf,
                           amount_cents > 0 ? "" : "amount must be positive"};
  }
};

} // namespace streamify::billing
