#include "actors/billing/ledger_rules.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>

#include <sodium.h>

namespace streamify::billing {

namespace {

constexpr int64_t max_price_cents = 100'000'000; // $1M a minute is a typo

// Random bytes from libsodium, drawn 4 KiB at a time: one getrandom() system
// call per transaction id was a visible share of a charge's CPU.
void random_bytes(unsigned char* out, size_t n) {
  thread_local unsigned char pool[4096];
  thread_local size_t used = sizeof(pool);
  if (used + n > sizeof(pool)) {
    randombytes_buf(pool, sizeof(pool));
    used = 0;
  }
  std::memcpy(out, pool + used, n);
  sodium_memzero(pool + used, n);
  used += n;
}

} // namespace

charge_split split_charge(int64_t price_cents, int64_t fee_bps) {
  charge_split out;
  out.fee_cents = price_cents * fee_bps / 10000; // both >= 0: floor
  out.creator_cents = price_cents - out.fee_cents;
  return out;
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 128)
    return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

std::string ordered_id() {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch())
              .count();
  unsigned char random[10];
  random_bytes(random, sizeof(random));
  char out[33];
  std::snprintf(out, 13, "%012llx",
                static_cast<unsigned long long>(ms) & 0xffffffffffffULL);
  sodium_bin2hex(out + 12, 21, random, sizeof(random));
  return out;
}

std::string charge_key(const std::string& session_id, int64_t minute_index) {
  return "charge:" + session_id + ":" + std::to_string(minute_index);
}

std::string deposit_key(const std::string& user_id,
                        const std::string& idempotency_key) {
  return "deposit:" + user_id + ":" + idempotency_key;
}

std::string refund_request_key(const std::string& admin_id,
                               const std::string& idempotency_key) {
  return "refund:" + admin_id + ":" + idempotency_key;
}

std::string charge_fingerprint(const charge_request& req) {
  return "charge|" + req.viewer_id + "|" + req.creator_id + "|"
         + std::to_string(req.price_cents) + "|" + std::to_string(req.fee_bps);
}

std::string check_charge(const charge_request& req) {
  if (!valid_id(req.viewer_id))
    return "viewer_id is not a valid id";
  if (!valid_id(req.creator_id))
    return "creator_id is not a valid id";
  if (!valid_id(req.session_id))
    return "session_id is not a valid id";
  if (!req.video_id.empty() && !valid_id(req.video_id))
    return "video_id is not a valid id";
  if (req.minute_index < 0)
    return "minute_index must not be negative";
  if (req.price_cents < 0 || req.price_cents > max_price_cents)
    return "price_cents is out of range";
  if (req.fee_bps < 0 || req.fee_bps > 10000)
    return "fee_bps must be within 0..10000";
  return {};
}

bool is_free(const charge_request& req) {
  return streamify::is_free(req.price_cents, req.viewer_id, req.creator_id);
}

persistence::movement charge_movement(const charge_request& req,
                                      std::string transaction_id,
                                      int64_t owner_epoch, int64_t now_ms) {
  auto split = split_charge(req.price_cents, req.fee_bps);
  persistence::movement m;
  m.id = std::move(transaction_id);
  m.key = charge_key(req.session_id, req.minute_index);
  m.kind = "charge";
  m.subject_id = req.viewer_id;
  m.owner_epoch = owner_epoch;
  m.fingerprint = charge_fingerprint(req);
  m.amount_cents = req.price_cents;
  m.counterparty_id = req.creator_id;
  m.session_id = req.session_id;
  m.video_id = req.video_id;
  m.minute_index = req.minute_index;
  m.created_at_ms = now_ms;
  m.postings.push_back({req.viewer_id, "charge", -req.price_cents});
  if (split.creator_cents > 0)
    m.postings.push_back({req.creator_id, "earning", split.creator_cents});
  if (split.fee_cents > 0)
    m.postings.push_back(
      {persistence::revenue_account_id, "fee", split.fee_cents});
  return m;
}

persistence::movement deposit_movement(const deposit_request& req,
                                       std::string transaction_id,
                                       std::string provider_reference,
                                       int64_t now_ms) {
  persistence::movement m;
  m.id = std::move(transaction_id);
  m.key = deposit_key(req.user_id, req.idempotency_key);
  m.kind = "deposit";
  m.subject_id = req.user_id;
  m.owner_epoch = -1; // a credit needs no owner fence
  m.fingerprint = req.fingerprint;
  m.amount_cents = req.amount_cents;
  m.memo = std::move(provider_reference);
  m.created_at_ms = now_ms;
  m.postings.push_back({req.user_id, "deposit", req.amount_cents});
  m.postings.push_back(
    {persistence::deposits_account_id, "provider", -req.amount_cents});
  return m;
}

} // namespace streamify::billing
