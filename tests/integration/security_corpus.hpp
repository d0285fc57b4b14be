#pragma once

#include <set>
#include <string>
#include <vector>

#include <httplib.h>

#include "tests/integration/security_support.hpp"

// The bad-input corpus: requests that must each be refused with one of the
// contract's 4xx statuses (and change nothing).
namespace streamify::test {

struct bad_request {
  std::string what;
  std::string method;
  std::string path;
  std::string body;
  std::string content_type = "application/json";
  httplib::Headers headers;
  std::set<int> allowed;
};

// `session` is a live session of the stranger's (its viewer's token is
// cast().stranger.token).
std::vector<bad_request> bad_input_corpus(const security_cast& c,
                                          const std::string& session);

// The two halves: JSON bodies of every JSON endpoint; paths, queries,
// headers, ranges and uploads.
std::vector<bad_request> json_corpus(const security_cast& c,
                                     const std::string& session);
std::vector<bad_request> request_corpus(const security_cast& c,
                                        const std::string& session);

// A request refused with one of `allowed`, with the token as Bearer if any.
bad_request plain(std::string what, std::string method, std::string path,
                  const std::string& token, std::set<int> allowed,
                  std::string body = "");

// The first characters of s as a JSON string, for messages.
std::string printable(const std::string& s);

// Hostile strings: SQL injection, path traversal, markup, templates.
const std::vector<std::string>& hostile_strings();

// Percent-encodes every byte outside [A-Za-z0-9-_.~].
std::string url_encode(const std::string& s);

} // namespace streamify::test
