#include "tests/support/test_edge.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "tests/support/test_node.hpp"

namespace streamify::test {

namespace {

// One shell word, whatever `s` holds.
std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (auto c : s)
    out += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  return out + "'";
}

// Runs a bash command with deploy/local/lib.sh sourced; its stdout, or
// throws with the command's output when it fails.
std::string lib_sh(const std::string& command) {
  auto script = "source " + shell_quoted(std::string{STREAMIFY_SOURCE_DIR}
                                   + "/deploy/local/lib.sh")
                + " && " + command;
  auto line = "bash -c " + shell_quoted(script) + " 2>&1";
  std::string out;
  auto pipe = ::popen(line.c_str(), "r");
  if (pipe == nullptr)
    throw std::runtime_error("cannot run bash");
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof(buf), pipe))
    out.append(buf, n);
  if (::pclose(pipe) != 0)
    throw std::runtime_error("failed: " + command + "\n" + out);
  return out;
}

} // namespace

test_edge::test_edge(int gateway_port) {
  char tmpl[] = "/tmp/streamify-edge.XXXXXX";
  if (::mkdtemp(tmpl) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  ca_file_ = dir_ + "/tls/ca.pem";
  https_port_ = free_port();
  do
    http_port_ = free_port();
  while (http_port_ == https_port_);
  lib_sh("streamify_edge_certs " + shell_quoted(dir_ + "/tls") + " localhost");
  lib_sh("streamify_edge_start " + shell_quoted(dir_ + "/nginx") + " 127.0.0.1:"
         + std::to_string(gateway_port) + " " + shell_quoted(dir_ + "/tls/localhost.pem")
         + " " + shell_quoted(dir_ + "/tls/localhost.key") + " --https-port "
         + std::to_string(https_port_) + " --http-port "
         + std::to_string(http_port_) + " --workers 1");
}

test_edge::~test_edge() {
  try {
    lib_sh("streamify_edge_stop " + shell_quoted(dir_ + "/nginx"));
  } catch (const std::exception&) {
    // The folder goes either way.
  }
  std::system(("rm -rf " + shell_quoted(dir_)).c_str());
}

void test_edge::renew_certificate() {
  auto tls = shell_quoted(dir_ + "/tls");
  auto next = shell_quoted(dir_ + "/next");
  lib_sh("mkdir -p " + next + " && cp " + tls + "/ca.pem " + tls + "/ca.key "
         + tls + "/ca.srl " + next + " && " + shell_quoted(std::string{STREAMIFY_SOURCE_DIR}
         + "/deploy/tls/make-certs") + " " + next + " localhost >/dev/null"
         + " && mv " + next + "/localhost.key " + tls + "/localhost.key"
         + " && mv " + next + "/localhost.pem " + tls + "/localhost.pem"
         + " && streamify_edge_reload " + shell_quoted(dir_ + "/nginx"));
}

std::string test_edge::served_serial() const {
  auto out = lib_sh("openssl s_client -connect 127.0.0.1:"
                    + std::to_string(https_port_)
                    + " -servername localhost -CAfile " + shell_quoted(ca_file_)
                    + " </dev/null 2>/dev/null | openssl x509 -noout -serial");
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

} // namespace streamify::test
