#include <ctime>

#include "actors/streaming/stream_token.hpp"
#include "tests/integration/catalog_support.hpp"
#include "tests/integration/security_corpus.hpp"
#include "tests/integration/session_support.hpp"

namespace streamify::test {

namespace {

// Hostile, empty-looking, overlong and unknown ids in every path parameter.
void add_path_ids(std::vector<bad_request>& out, const security_cast& c) {
  auto ids = hostile_strings();
  ids.push_back(std::string(300, 'f'));
  ids.push_back("00000000000000000000000000000000");
  ids.push_back(std::string("a\0b", 3));
  const std::set<int> refused{400, 404, 422};
  for (const auto& raw : ids) {
    auto id = url_encode(raw);
    auto beat = R"({"position_s":1,"playing":true})";
    auto tag = " id " + printable(raw);
    out.push_back(plain("GET video" + tag, "GET", "/api/videos/" + id, "", refused));
    out.push_back(plain("GET thumbnail" + tag, "GET",
                        "/api/videos/" + id + "/thumbnail", "", refused));
    out.push_back(plain("PATCH video" + tag, "PATCH", "/api/videos/" + id,
                        c.creator.token, refused, R"({"title":"x"})"));
    out.push_back(plain("DELETE video" + tag, "DELETE", "/api/videos/" + id,
                        c.creator.token, refused));
    out.push_back(plain("GET session" + tag, "GET", "/api/sessions/" + id,
                        c.stranger.token, refused));
    out.push_back(plain("heartbeat" + tag, "POST",
                        "/api/sessions/" + id + "/heartbeat", c.stranger.token,
                        refused, beat));
    out.push_back(plain("end" + tag, "POST", "/api/sessions/" + id + "/end",
                        c.stranger.token, refused, "{}"));
    out.push_back(plain("stream" + tag, "GET", "/api/sessions/" + id + "/stream",
                        c.stranger.token, refused));
    out.push_back(plain("hls" + tag, "GET",
                        "/api/sessions/" + id + "/hls/" + c.stream_st
                          + "/master.m3u8",
                        "", refused));
    auto refund = plain("refund" + tag, "POST",
                        "/api/admin/sessions/" + id + "/refund", c.admin.token,
                        refused, R"({"reason":"corpus"})");
    refund.headers.emplace("Idempotency-Key", key());
    out.push_back(refund);
  }
}

// Query parameters of the lists: hostile text, bad numbers, bad cursors.
void add_queries(std::vector<bad_request>& out, const security_cast& c) {
  struct list {
    std::string path;
    std::string token;
    bool searchable;
  };
  const list lists[] = {{"/api/videos", "", true},
                        {"/api/creator/videos", c.creator.token, true},
                        {"/api/wallet/transactions", c.stranger.token, false},
                        {"/api/history", c.stranger.token, false}};
  for (const auto& l : lists) {
    for (auto limit : {"-1", "abc", "1.5", "-9223372036854775809",
                       "99999999999999999999999999999999999"})
      out.push_back(plain(l.path + " limit=" + limit, "GET",
                          l.path + "?limit=" + url_encode(limit), l.token,
                          {400, 422}));
    for (const auto& h : hostile_strings()) {
      out.push_back(plain(l.path + " cursor=" + printable(h), "GET",
                          l.path + "?cursor=" + url_encode(h), l.token,
                          {400, 422}));
      if (!l.searchable)
        continue;
      // Searching for hostile text is a read: an empty page is the answer.
      out.push_back(plain(l.path + " q=" + printable(h), "GET",
                          l.path + "?q=" + url_encode(h), l.token,
                          {200, 400, 422}));
      out.push_back(plain(l.path + " sort=" + printable(h), "GET",
                          l.path + "?sort=" + url_encode(h), l.token, {400, 422}));
      out.push_back(plain(l.path + " category=" + printable(h), "GET",
                          l.path + "?category=" + url_encode(h), l.token,
                          {200, 400, 422}));
    }
  }
}

// Traversal out of the app's folder.
void add_static_paths(std::vector<bad_request>& out) {
  for (auto path : {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                    "/..%2f..%2f..%2fetc%2fpasswd", "/js/../../../../etc/passwd",
                    "/%2e%2e%5c%2e%2e%5cetc%5cpasswd", "/api/../../etc/passwd",
                    "/css/%00../../etc/passwd"})
    out.push_back(plain(std::string{"static "} + path, "GET", path, "",
                        {400, 403, 404}));
}

// Tokens and headers: garbage credentials, bad lengths, big bodies.
void add_headers(std::vector<bad_request>& out, const security_cast& c) {
  for (auto authz : {std::string("Bearer ") + std::string(5000, 'a'),
                     std::string("Basic dXNlcjpwYXNz"), std::string("Bearer"),
                     std::string("Bearer a.b.c"), std::string("Bearer ..."),
                     "Bearer " + c.stranger.token + "x",
                     "Bearer " + c.stranger.token.substr(1)}) {
    auto r = plain("Authorization " + printable(authz), "GET", "/api/wallet", "",
                   {401});
    r.headers.emplace("Authorization", authz);
    out.push_back(r);
  }
  auto deposit_case = [&](std::string what, std::string body, std::set<int> allowed) {
    return plain("deposit " + what, "POST", "/api/wallet/deposits",
                 c.stranger.token, std::move(allowed), std::move(body));
  };
  out.push_back(deposit_case("without Idempotency-Key", R"({"amount_cents":100})", {400}));
  auto long_key = deposit_case("with a 300-byte key", R"({"amount_cents":100})", {400, 422});
  long_key.headers.emplace("Idempotency-Key", std::string(300, 'k'));
  out.push_back(long_key);
  auto big = deposit_case("with a 2 MiB body",
                     R"({"amount_cents":100,"pad":")" + std::string(2 << 20, 'p') + "\"}",
                     {413});
  big.headers.emplace("Idempotency-Key", key());
  out.push_back(big);
  auto junk = deposit_case("with a 60 KiB header", R"({"amount_cents":100})",
                      {400, 413, 431});
  junk.headers.emplace("Idempotency-Key", key());
  junk.headers.emplace("X-Junk", std::string(60000, 'j'));
  out.push_back(junk);
  auto form = deposit_case("as a form", "amount_cents=100", {400, 415});
  form.content_type = "application/x-www-form-urlencoded";
  form.headers.emplace("Idempotency-Key", key());
  out.push_back(form);
}

// HLS paths of the stranger's live session: hostile tokens (401), and with
// its valid token hostile renditions and file names (404, never a file
// outside the ladder, never a segment claimed).
void add_hls_names(std::vector<bad_request>& out, const security_cast& c,
                   const std::string& session) {
  auto prefix = "/api/sessions/" + session + "/hls/";
  for (const auto& st : {std::string("1.x"), std::string("garbage"),
                         c.stream_st, url_encode(hostile_strings()[0])})
    for (const auto* file : {"master.m3u8", "240p/index.m3u8",
                             "240p/seg_00000.m4s"})
      out.push_back(plain("hls st=" + printable(st) + " " + file, "GET",
                          prefix + st + "/" + file, "", {401}));
  auto st = streaming::sign_stream_token(session, c.stranger.id,
                                         ::time(nullptr) + 600,
                                         test_node::jwt_secret);
  std::vector<std::string> names{"..", "%2e%2e", "..%2f..%2fmaster.m3u8",
                                 "%00", "240p%00", "240P", "a.b",
                                 std::string(17, 'a'), "%2fetc%2fpasswd"};
  for (const auto& h : hostile_strings())
    names.push_back(url_encode(h));
  for (const auto& name : names) {
    out.push_back(plain("hls rendition " + printable(name), "GET",
                        prefix + st + "/" + name + "/index.m3u8", "",
                        {400, 404}));
    out.push_back(plain("hls file " + printable(name), "GET",
                        prefix + st + "/240p/" + name, "", {400, 404}));
  }
  for (const auto* file : {"seg_99999.m4s", "seg_.m4s", "seg_0000a.m4s",
                           "seg_00000.mp4", "seg_00000.m4s.bak",
                           "seg_0000000000000.m4s", "index.m3u8.tmp",
                           "init.mp4%00", "master.m3u8"})
    out.push_back(plain(std::string{"hls file "} + file, "GET",
                        prefix + st + "/240p/" + file, "", {404}));
  out.push_back(plain("hls master of a rendition", "GET",
                      prefix + st + "/240p/master.m3u8/x", "", {404}));
}

// Ranges and stream tokens on the stranger's live session.
void add_ranges(std::vector<bad_request>& out, const security_cast& c,
                const std::string& session) {
  auto path = "/api/sessions/" + session + "/stream";
  for (auto range : {"bytes=0-1,5-9", "bytes=abc", "bytes=999999999999-",
                     "bytes=-0", "bytes=5-1", "items=0-1",
                     "bytes=99999999999999999999-", "bytes=0-1, 0-1", "bytes= -",
                     "bytes=--1", "bytes=1-2-3", "bytes=0-0,-1"}) {
    auto r = plain(std::string{"Range "} + range, "GET", path, c.stranger.token,
                   {416});
    r.headers.emplace("Range", range);
    out.push_back(r);
  }
  for (const auto& st : {std::string("1.x"), std::string("garbage"),
                         std::string("99999999999999999999.abc"),
                         c.stream_st, url_encode(hostile_strings()[0])})
    out.push_back(plain("st=" + printable(st), "GET", path + "?st=" + st, "",
                        {401}));
  add_hls_names(out, c, session);
}

// Uploads that must be refused, leaving no file and no row behind.
void add_uploads(std::vector<bad_request>& out, const security_cast& c) {
  std::string mp4("\0\0\0\x18" "ftypisom", 12);
  mp4 += std::string(200, 'x');
  auto up = [&](std::string what, std::vector<form_part> parts,
                std::set<int> allowed, const std::string& token) {
    auto [body, type] = multipart(parts);
    auto r = plain("upload " + what, "POST", "/api/videos", token,
                   std::move(allowed), body);
    r.content_type = type;
    return r;
  };
  auto file = form_part{"file", mp4, "v.mp4"};
  auto title = form_part{"title", "t", ""};
  auto price = form_part{"price_per_minute_cents", "5", ""};
  out.push_back(up("by a viewer", {title, price, file}, {403}, c.stranger.token));
  out.push_back(up("without a file", {title, price}, {400}, c.creator.token));
  out.push_back(up("of text", {title, price, {"file", std::string(300, 't'), "a.txt"}},
                   {415}, c.creator.token));
  out.push_back(up("with two files", {title, price, file, file}, {400}, c.creator.token));
  out.push_back(up("with a duplicate field", {title, title, price, file}, {400},
                   c.creator.token));
  out.push_back(up("without a price", {title, file}, {400}, c.creator.token));
  for (const auto& p : {"abc", "-5", "9007199254740993", "1e3", ""})
    out.push_back(up(std::string{"with price "} + p,
                     {title, {"price_per_minute_cents", p, ""}, file}, {400, 422},
                     c.creator.token));
  out.push_back(up("with a 70 KB title", {{"title", std::string(70000, 'x'), ""},
                                           price, file}, {400, 413, 422},
                   c.creator.token));
  out.push_back(up("with a NUL in the title", {{"title", std::string("a\0b", 3), ""},
                                                price, file}, {422}, c.creator.token));
  out.push_back(up("with a hostile category", {title, price, file,
                                                {"category", hostile_strings()[1], ""}},
                   {422}, c.creator.token));
  auto text = plain("upload as JSON", "POST", "/api/videos", c.creator.token,
                    {400, 415}, "{}");
  out.push_back(text);
  auto junk = plain("upload of a junk form", "POST", "/api/videos",
                    c.creator.token, {400}, "--x\r\njunk");
  junk.content_type = "multipart/form-data; boundary=x";
  out.push_back(junk);
  auto unbounded = plain("upload without a boundary", "POST", "/api/videos",
                         c.creator.token, {400, 415}, "--x\r\n");
  unbounded.content_type = "multipart/form-data";
  out.push_back(unbounded);
}

} // namespace

std::vector<bad_request> request_corpus(const security_cast& c,
                                        const std::string& session) {
  std::vector<bad_request> out;
  add_path_ids(out, c);
  add_queries(out, c);
  add_static_paths(out);
  add_headers(out, c);
  add_ranges(out, c, session);
  add_uploads(out, c);
  return out;
}

} // namespace streamify::test
