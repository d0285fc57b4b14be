// Authorization matrix: every endpoint of the contract that exists × every
// kind of caller, each cell with its expected status, no refused answer (and
// no answer about someone else) naming the owner's data.
#define CAF_SUITE security_matrix

#include <array>
#include <atomic>
#include <ctime>
#include <functional>

#include <caf/test/unit_test.hpp>

#include "tests/integration/catalog_support.hpp"
#include "tests/integration/security_support.hpp"
#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using nlohmann::json;

namespace {

// Columns, in the order of each row's expected statuses.
enum caller {
  nobody, viewer, other_creator, owner, admin,
  expired, other_key, alg_none, role_edited, caller_count
};
const char* caller_names[] = {"no token", "viewer", "other creator", "owner",
                              "admin", "expired token", "token of another key",
                              "alg none", "edited role"};

// Whose resource a row is about: a creator's video, or a viewer's own data
// (session, wallet, account). The columns map onto the cast accordingly.
enum class owned_by { creator, viewer };

enum class body_kind { none, json, upload };

struct row {
  const char* method;
  const char* path; // {video} {victim} {session} {st} are filled in
  owned_by kind;
  bool private_data; // a 2xx to someone else must not name the owner either
  body_kind body;
  const char* json_text; // {n}: a number unique to the cell
  const char* header;    // "Name: value" or nullptr; {key}: a fresh key
  std::array<int, caller_count> expect;
};

constexpr int na = 401; // what every bad token gets on a protected route

// One line per endpoint × method; add a line for a new endpoint.
const row matrix[] = {
  {"POST", "/api/auth/register", owned_by::viewer, false, body_kind::json,
   R"({"email":"matrix-{n}@example.com","password":"matrix password","display_name":"M","role":"viewer"})",
   nullptr, {201, 201, 201, 201, 201, 201, 201, 201, 201}},
  {"POST", "/api/auth/login", owned_by::viewer, false, body_kind::json,
   R"({"email":"{email}","password":"{password}"})", nullptr,
   {200, 200, 200, 200, 200, 200, 200, 200, 200}},
  {"GET", "/api/auth/me", owned_by::viewer, true, body_kind::none, nullptr,
   nullptr, {401, 200, 200, 200, 200, na, na, na, na}},
  {"PATCH", "/api/auth/me", owned_by::viewer, true, body_kind::json,
   R"({"display_name":"Renamed {n}"})", nullptr,
   {401, 200, 200, 200, 200, na, na, na, na}},
  {"POST", "/api/videos", owned_by::creator, false, body_kind::upload, nullptr,
   nullptr, {401, 403, 201, 201, 403, na, na, na, na}},
  {"GET", "/api/videos", owned_by::creator, false, body_kind::none, nullptr,
   nullptr, {200, 200, 200, 200, 200, 200, 200, 200, 200}},
  {"GET", "/api/videos/{video}", owned_by::creator, false, body_kind::none,
   nullptr, nullptr, {200, 200, 200, 200, 200, na, na, na, na}},
  {"PATCH", "/api/videos/{video}", owned_by::creator, false, body_kind::json,
   R"({"title":"Retitled {n}"})", nullptr,
   {401, 403, 403, 200, 403, na, na, na, na}},
  {"DELETE", "/api/videos/{victim}", owned_by::creator, false, body_kind::none,
   nullptr, nullptr, {401, 403, 403, 204, 403, na, na, na, na}},
  {"GET", "/api/videos/{video}/thumbnail", owned_by::creator, false,
   body_kind::none, nullptr, nullptr, {200, 200, 200, 200, 200, na, na, na, na}},
  {"GET", "/api/creator/videos", owned_by::creator, true, body_kind::none,
   nullptr, nullptr, {401, 200, 200, 200, 200, na, na, na, na}},
  {"GET", "/api/wallet", owned_by::viewer, true, body_kind::none, nullptr,
   nullptr, {401, 200, 200, 200, 200, na, na, na, na}},
  {"POST", "/api/wallet/deposits", owned_by::viewer, true, body_kind::json,
   R"({"amount_cents":1})", "Idempotency-Key: {key}",
   {401, 201, 201, 201, 201, na, na, na, na}},
  {"GET", "/api/wallet/transactions", owned_by::viewer, true, body_kind::none,
   nullptr, nullptr, {401, 200, 200, 200, 200, na, na, na, na}},
  {"POST", "/api/sessions", owned_by::viewer, true, body_kind::json,
   R"({"video_id":"{video}"})", nullptr,
   {401, 201, 201, 201, 201, na, na, na, na}},
  {"POST", "/api/sessions/{session}/heartbeat", owned_by::viewer, true,
   body_kind::json, R"({"position_s":1,"playing":false})", nullptr,
   {401, 403, 403, 200, 403, na, na, na, na}},
  {"GET", "/api/sessions/{session}", owned_by::viewer, true, body_kind::none,
   nullptr, nullptr, {401, 403, 403, 200, 403, na, na, na, na}},
  {"GET", "/api/sessions/{session}/stream", owned_by::viewer, true,
   body_kind::none, nullptr, "Range: bytes=0-99",
   {401, 403, 403, 206, 403, na, na, na, na}},
  // The signed `st` query token is the credential; a header does not matter.
  {"GET", "/api/sessions/{session}/stream?st={st}", owned_by::viewer, true,
   body_kind::none, nullptr, "Range: bytes=0-99",
   {206, 206, 206, 206, 206, 206, 206, 206, 206}},
  // HLS: the same token in the path is the credential.
  {"GET", "/api/sessions/{session}/hls/{st}/master.m3u8", owned_by::viewer,
   true, body_kind::none, nullptr, nullptr,
   {200, 200, 200, 200, 200, 200, 200, 200, 200}},
  {"GET", "/api/sessions/{session}/hls/{st}/240p/index.m3u8", owned_by::viewer,
   true, body_kind::none, nullptr, nullptr,
   {200, 200, 200, 200, 200, 200, 200, 200, 200}},
  {"GET", "/api/sessions/{session}/hls/{st}/240p/seg_00000.m4s",
   owned_by::viewer, true, body_kind::none, nullptr, nullptr,
   {200, 200, 200, 200, 200, 200, 200, 200, 200}},
  {"GET", "/api/history", owned_by::viewer, true, body_kind::none, nullptr,
   nullptr, {401, 200, 200, 200, 200, na, na, na, na}},
  {"POST", "/api/sessions/{session}/end", owned_by::viewer, true,
   body_kind::json, "{}", nullptr, {401, 403, 403, 200, 403, na, na, na, na}},
  {"POST", "/api/admin/sessions/{session}/refund", owned_by::viewer, true,
   body_kind::json, R"({"reason":"matrix {n}"})", "Idempotency-Key: {key}",
   {401, 403, 403, 403, 201, na, na, na, na}},
  {"GET", "/api/analytics/creator", owned_by::creator, true, body_kind::none,
   nullptr, nullptr, {401, 403, 200, 200, 403, na, na, na, na}},
  {"GET", "/api/analytics/videos/{video}", owned_by::creator, true,
   body_kind::none, nullptr, nullptr, {401, 403, 403, 200, 403, na, na, na, na}},
  {"GET", "/api/analytics/platform", owned_by::viewer, false, body_kind::none,
   nullptr, nullptr, {401, 403, 403, 403, 200, na, na, na, na}},
  {"GET", "/health", owned_by::viewer, false, body_kind::none, nullptr, nullptr,
   {200, 200, 200, 200, 200, 200, 200, 200, 200}},
  {"GET", "/health/ready", owned_by::viewer, false, body_kind::none, nullptr,
   nullptr, {200, 200, 200, 200, 200, 200, 200, 200, 200}},
  {"GET", "/metrics", owned_by::viewer, false, body_kind::none, nullptr,
   nullptr, {200, 200, 200, 200, 200, 200, 200, 200, 200}},
  {"GET", "/", owned_by::viewer, false, body_kind::none, nullptr, nullptr,
   {200, 200, 200, 200, 200, 200, 200, 200, 200}},
};

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

struct cell_context {
  const security_cast& c;
  const account& owner;
  std::string fill(std::string text) const {
    static std::atomic<int> n{0};
    replace_all(text, "{video}", c.video);
    replace_all(text, "{victim}", c.victim);
    replace_all(text, "{session}", c.session);
    replace_all(text, "{st}", c.stream_st);
    replace_all(text, "{email}", owner.email);
    replace_all(text, "{password}", owner.password);
    replace_all(text, "{key}", key());
    replace_all(text, "{n}", std::to_string(++n));
    return text;
  }
};

// The account each real column stands for, given whose resource it is.
const account& who(const security_cast& c, owned_by kind, caller col) {
  bool video = kind == owned_by::creator;
  switch (col) {
    case viewer: return video ? c.viewer : c.stranger;
    case other_creator: return video ? c.other_creator : c.creator;
    case admin: return c.admin;
    default: return video ? c.creator : c.viewer;
  }
}

// Real callers use their own token; the four bad tokens all claim to be the
// owner, as an admin where the token format lets them choose.
std::string token_for(const security_cast& c, owned_by kind, caller col) {
  const auto& owner_account = who(c, kind, owner);
  auto now = static_cast<int64_t>(::time(nullptr));
  switch (col) {
    case nobody: return {};
    case expired: return forge_token(owner_account.id, "admin", now - 60,
                                     test_node::jwt_secret);
    case other_key: return forge_token(owner_account.id, "admin", now + 3600,
                                       "not the node's secret");
    case alg_none: return unsigned_token(owner_account.id, "admin");
    case role_edited: return edit_role(owner_account.token, "admin");
    default: return who(c, kind, col).token;
  }
}

// Every id in a JSON answer (id, *_id but request_id) is 32 hex characters.
int check_ids(const json& j) {
  int n = 0;
  if (j.is_object()) {
    for (auto& [k, v] : j.items()) {
      bool id = k == "id" || (k.size() > 3 && k.compare(k.size() - 3, 3, "_id") == 0);
      if (id && k != "request_id" && v.is_string()) {
        SECURITY_CHECK(is_random_id(v), k << " is not 128 random bits: " << v);
        ++n;
      }
      n += check_ids(v);
    }
  } else if (j.is_array()) {
    for (auto& v : j)
      n += check_ids(v);
  }
  return n;
}

http_reply send_cell(security_cast& c, const row& r, const cell_context& ctx,
                     const std::string& token) {
  httplib::Headers h;
  if (!token.empty())
    h.emplace("Authorization", "Bearer " + token);
  if (r.header) {
    std::string line = ctx.fill(r.header);
    auto colon = line.find(": ");
    h.emplace(line.substr(0, colon), line.substr(colon + 2));
  }
  std::string body, type = "application/json";
  if (r.body == body_kind::json)
    body = ctx.fill(r.json_text);
  if (r.body == body_kind::upload)
    std::tie(body, type) = multipart(
      {{"title", "Matrix upload", ""}, {"price_per_minute_cents", "5", ""},
       {"file", std::string("\0\0\0\x18" "ftypisom", 12) + std::string(200, 'x'),
        "clip.mp4"}});
  return c.node->send(r.method, ctx.fill(r.path), body, type, h);
}

} // namespace

CAF_TEST(every endpoint answers every caller as the contract says) {
  auto& c = cast();
  // The owner's cell runs last: it may delete, end or spend.
  const caller order[] = {nobody, viewer, other_creator, admin, expired,
                          other_key, alg_none, role_edited, owner};
  int cells = 0, ids = 0;
  for (const auto& r : matrix) {
    for (auto col : order) {
      const auto& owner_account = who(c, r.kind, owner);
      cell_context ctx{c, owner_account};
      auto token = token_for(c, r.kind, col);
      auto reply = send_cell(c, r, ctx, token);
      ++cells;
      auto where = std::string{r.method} + " " + r.path + " as "
                   + caller_names[col];
      SECURITY_CHECK(reply.status == r.expect[col],
                        where << ": " << reply.status << " instead of "
                              << r.expect[col] << " " << reply.raw.substr(0, 300));
      SECURITY_CHECK(!reply.header("X-Request-Id").empty(),
                        where << ": no X-Request-Id");
      if (reply.status >= 400) {
        auto problem = error_shape_problem(reply);
        SECURITY_CHECK(problem.empty(), where << ": " << problem);
      }
      // An admin may see what it refunds; the video's creator sees the
      // session id in its earnings (the contract's transaction fields).
      const auto& caller_account = who(c, r.kind, col);
      bool someone_else = col == nobody || col >= expired
                          || (col != admin && &caller_account != &owner_account);
      auto session_known = &caller_account == &c.creator && col != nobody
                           && col < expired;
      if (reply.status >= 400 || (r.private_data && someone_else)) {
        for (const auto& secret :
             {owner_account.id, owner_account.email,
              std::to_string(owner_account.balance_cents), c.stream_st,
              r.kind == owned_by::creator ? c.victim
              : session_known             ? std::string{}
                                          : c.session}) {
          if (secret.empty() || secret == "0")
            continue;
          SECURITY_CHECK(reply.raw.find(secret) == std::string::npos,
                            where << " leaks " << secret << ": " << reply.raw);
        }
      }
      if (reply.body.is_object())
        ids += check_ids(reply.body);
    }
  }
  auto leaked = secrets_in_log(c);
  SECURITY_CHECK(leaked.empty(), "the node logged a secret: "
                                      << (leaked.empty() ? "" : leaked[0]));
  CAF_MESSAGE("authorization matrix: " << cells << " cells, " << ids
                                       << " ids checked");
  std::printf("authorization matrix: %d cells (%zu endpoints x %d callers), "
              "%d ids checked\n", cells, std::size(matrix), int{caller_count},
              ids);
}
