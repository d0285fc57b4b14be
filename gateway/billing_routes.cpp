#include <cstdint>
#include <limits>

#include <caf/actor_system.hpp>
#include <sodium.h>

#include "actors/billing/messages.hpp"
#include "actors/common/ids.hpp"
#include "gateway/ask.hpp"
#include "gateway/http_gateway.hpp"
#include "gateway/json_body.hpp"
#include "gateway/request_params.hpp"

namespace streamify::gateway {

namespace {

using namespace streamify::billing;
using nlohmann::json;

// Finds the raw text of a number at the top-level key `name`: nlohmann turns
// an integer too large for 64 bits into a double, but such a value is still
// "an integer out of range" (422), not "not an integer" (400).
class raw_number_finder : public nlohmann::json_sax<json> {
public:
  explicit raw_number_finder(std::string name) : name_(std::move(name)) {}

  std::string raw; // the number's text when it is a top-level float

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t& s) override {
    if (depth_ == 1 && key_ == name_)
      raw = s;
    return scalar();
  }
  bool string(string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return scalar(); }
  bool start_object(std::size_t) override {
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1)
      key_ = k;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception&) override {
    return false;
  }

private:
  bool scalar() { return true; }
  std::string name_;
  std::string key_;
  int depth_ = 0;
};

bool integer_literal(const std::string& s) {
  size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
  return i < s.size() && s.find_first_not_of("0123456789", i) == std::string::npos;
}

// amount_cents must be a JSON integer (400 otherwise); one beyond 64 bits is
// out of range (422). The configured range is the billing role's to check.
int64_t amount_of(const json& body, const std::string& raw_body) {
  auto i = body.find("amount_cents");
  if (i == body.end())
    throw http_error(400, "missing_field", "amount_cents is required");
  auto out_of_range = [] {
    return http_error(422, "amount_out_of_range",
                      "amount_cents is out of range");
  };
  if (i->is_number_unsigned()) {
    auto v = i->get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      throw out_of_range();
    return static_cast<int64_t>(v);
  }
  if (i->is_number_integer())
    return i->get<int64_t>();
  if (i->is_number_float()) {
    raw_number_finder finder{"amount_cents"};
    json::sax_parse(raw_body, &finder);
    if (integer_literal(finder.raw))
      throw out_of_range();
  }
  throw http_error(400, "wrong_type", "amount_cents must be a JSON integer");
}

// Identifies a request body: the same key with another fingerprint is 409.
// Canonical JSON (sorted keys, no spacing) so that formatting does not count.
std::string fingerprint(const std::string& scope, const json& body) {
  auto text = scope + '\n' + body.dump();
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size());
  char hex[sizeof(hash) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
  return hex;
}

json or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json to_json(const wallet_transaction& t) {
  json out{{"id", t.id},
           {"kind", t.kind},
           {"amount_cents", t.amount_cents},
           {"balance_after_cents", t.balance_after_cents},
           {"created_at", format_utc(t.created_at_ms)}};
  if (!t.session_id.empty())
    out["session_id"] = t.session_id;
  if (!t.video_id.empty())
    out["video_id"] = t.video_id;
  return out;
}

json to_json(const refund_result& r) {
  json items = json::array();
  for (const auto& l : r.items)
    items.push_back({{"id", l.transaction_id},
                     {"kind", "refund"},
                     {"reverses_id", l.reversed_transaction_id},
                     {"viewer_id", l.viewer_id},
                     {"creator_id", l.creator_id},
                     {"video_id", or_null(l.video_id)},
                     {"minute_index", l.minute_index},
                     {"amount_cents", l.amount_cents},
                     {"creator_cents", l.creator_cents},
                     {"platform_cents", l.platform_cents},
                     {"created_at", format_utc(l.created_at_ms)}});
  return {{"session_id", r.session_id},
          {"refunded_cents", r.refunded_cents},
          {"items", items}};
}

} // namespace

void add_billing_routes(http_gateway& gw) {
  auto billing = [&gw] { return gw.roles().get<billing_actor>("billing"); };
  auto timeout = gw.settings().request_timeout;
  gw.route("GET", "/api/wallet", [&gw, billing, timeout](request_context& ctx) {
    auto claims = ctx.user();
    auto s = ask<wallet_summary>(gw.system(), billing(), timeout,
                                 wallet_atom::value, claims.sub);
    ctx.reply(200, {{"balance_cents", s.balance_cents},
                    {"earned_cents", s.earned_cents},
                    {"spent_cents", s.spent_cents}});
  });
  gw.route("POST", "/api/wallet/deposits",
           [&gw, billing, timeout](request_context& ctx) {
             auto claims = ctx.user();
             auto key = required_idempotency_key(ctx.req);
             auto body = ctx.json_body();
             deposit_request req{claims.sub, key,
                                 fingerprint("POST /api/wallet/deposits", body),
                                 amount_of(body, ctx.req.body)};
             auto r = ask<deposit_result>(gw.system(), billing(), timeout,
                                          deposit_atom::value, std::move(req));
             if (r.replayed)
               ctx.res.set_header("Idempotent-Replayed", "true");
             ctx.reply(201, {{"deposit_id", r.deposit_id},
                             {"amount_cents", r.amount_cents},
                             {"balance_cents", r.balance_cents}});
           });
  gw.route("GET", "/api/wallet/transactions",
           [&gw, billing, timeout](request_context& ctx) {
             auto claims = ctx.user();
             history_query q{claims.sub, ctx.req.get_param_value("cursor"),
                             list_limit(ctx.req)};
             auto page = ask<history_page>(gw.system(), billing(), timeout,
                                           history_atom::value, std::move(q));
             json items = json::array();
             for (const auto& t : page.items)
               items.push_back(to_json(t));
             ctx.reply(200, {{"items", items},
                             {"next_cursor", or_null(page.next_cursor)}});
           });
  gw.route("POST", "/api/admin/sessions/{id}/refund",
           [&gw, billing, timeout](request_context& ctx) {
             auto claims = ctx.user();
             if (claims.role != "admin")
               throw http_error(403, "admin_only",
                                "only an admin may refund a session");
             auto key = required_idempotency_key(ctx.req);
             auto body = ctx.json_body();
             auto reason = required_string(body, "reason");
             if (reason.size() > 1000)
               throw http_error(422, "invalid_field",
                                "reason must be at most 1000 characters");
             std::string session_id = ctx.req.matches[1];
             refund_request req{claims.sub, session_id, key,
                                fingerprint("POST /api/admin/sessions/"
                                              + session_id + "/refund",
                                            body),
                                reason};
             auto r = ask<refund_result>(gw.system(), billing(), timeout,
                                         refund_atom::value, std::move(req));
             if (r.replayed)
               ctx.res.set_header("Idempotent-Replayed", "true");
             ctx.reply(201, to_json(r));
           });
}

} // namespace streamify::gateway
