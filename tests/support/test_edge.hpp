#pragma once

#include <string>

namespace streamify::test {

// The TLS edge (nginx with deploy/edge/nginx-conf) in front of a gateway on
// a loopback port: a private CA and a certificate for "localhost" in a
// temporary folder, HTTPS and plain HTTP on free ports. Stopped and removed
// on destruction.
class test_edge {
public:
  explicit test_edge(int gateway_port);
  ~test_edge();
  test_edge(const test_edge&) = delete;
  test_edge& operator=(const test_edge&) = delete;

  int https_port() const { return https_port_; }
  int http_port() const { return http_port_; }
  const std::string& ca_file() const { return ca_file_; }
  const std::string& dir() const { return dir_; }

  // A new certificate and key of the same CA replace the files (each
  // written beside them, then renamed), then nginx gets SIGHUP.
  void renew_certificate();
  // The serial number of the certificate a new connection is served.
  std::string served_serial() const;

private:
  std::string dir_;
  std::string ca_file_;
  int https_port_ = 0;
  int http_port_ = 0;
};

} // namespace streamify::test
