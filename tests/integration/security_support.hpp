#pragma once

#include <map>
#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "tests/support/test_node.hpp"

// A check that says why it failed: `msg` is a stream expression.
#define SECURITY_CHECK(cond, msg)                                              \
  do {                                                                         \
    if (cond)                                                                  \
      CAF_CHECK(true);                                                         \
    else                                                                       \
      CAF_ERROR(msg);                                                          \
  } while (false)

// The cast of the security tests: a node of their own (no rate limit, a 2 s
// header timeout) with a viewer watching a live session of a creator's ready
// video, a stranger viewer, another creator and an admin.
namespace streamify::test {

struct account {
  std::string id;
  std::string email;
  std::string password;
  std::string token;
  int64_t balance_cents = 0;
};

struct security_cast {
  test_databases dbs;
  std::string data_dir;
  test_node* node = nullptr;
  account viewer;        // owns `session` (and the money in it)
  account stranger;      // a viewer who owns nothing here
  account creator;       // owns `video` and `victim`
  account other_creator;
  account admin;
  std::string video;     // ready, public
  std::string victim;    // ready, for the owner's DELETE
  std::string session;   // the viewer's live session of `video`
  std::string stream_st; // the `st` token of its stream_url
  ~security_cast();
};

security_cast& cast();

// A JWT for the claims, as the gateway would sign it with `secret`.
std::string forge_token(const std::string& sub, const std::string& role,
                        int64_t exp, const std::string& secret);
// A real token with its payload's role replaced (signature left as it was).
std::string edit_role(const std::string& token, const std::string& role);
// `{"alg":"none"}` token for the claims, without a signature.
std::string unsigned_token(const std::string& sub, const std::string& role);

// Row counts and md5 of every table of every database of the cast.
std::map<std::string, std::string> database_snapshot(const security_cast& c);

// The secrets (JWT secret, passwords, tokens, the stream token) that appear
// in the node's log; empty when none does.
std::vector<std::string> secrets_in_log(const security_cast& c);

// True for 32 lowercase hex characters (128 random bits as random_id makes).
bool is_random_id(const std::string& s);

// The contract's error body: {error, message, request_id} with the
// request id of the X-Request-Id header. Empty when it is, else what is wrong.
std::string error_shape_problem(const http_reply& r);

} // namespace streamify::test
