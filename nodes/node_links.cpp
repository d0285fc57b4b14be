#include "nodes/node_links.hpp"

#include <fstream>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "nodes/cluster.hpp"
#include "nodes/node_config.hpp"

namespace streamify::node {

namespace {

// Loads the files the way CAF's OpenSSL session does, so a bad file stops the
// node here instead of failing every link later.
std::string tls_files_problem(const node_config& cfg) {
  const std::pair<const char*, const std::string*> files[] = {
    {"openssl.cafile", &cfg.openssl_cafile},
    {"openssl.certificate", &cfg.openssl_certificate},
    {"openssl.key", &cfg.openssl_key}};
  for (const auto& [option, path] : files) {
    if (path->empty())
      return std::string{"cluster.tls needs "} + option
             + " (deploy/tls/make-certs makes the CA and node certificates)";
    if (!std::ifstream{*path})
      return std::string{option} + ": cannot read '" + *path + "'";
  }
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{
    SSL_CTX_new(TLS_method()), SSL_CTX_free};
  if (!cfg.openssl_passphrase.empty())
    SSL_CTX_set_default_passwd_cb_userdata(
      ctx.get(), const_cast<char*>(cfg.openssl_passphrase.c_str()));
  auto failed = [](const char* option, const std::string& path) {
    auto reason = ERR_reason_error_string(ERR_peek_last_error());
    return std::string{option} + ": cannot use '" + path
           + "': " + (reason ? reason : "unknown OpenSSL error");
  };
  std::string problem;
  if (SSL_CTX_load_verify_locations(ctx.get(), cfg.openssl_cafile.c_str(),
                                    nullptr) != 1)
    problem = failed("openssl.cafile", cfg.openssl_cafile);
  else if (SSL_CTX_use_certificate_chain_file(
             ctx.get(), cfg.openssl_certificate.c_str()) != 1)
    problem = failed("openssl.certificate", cfg.openssl_certificate);
  else if (SSL_CTX_use_PrivateKey_file(ctx.get(), cfg.openssl_key.c_str(),
                                       SSL_FILETYPE_PEM) != 1
           || SSL_CTX_check_private_key(ctx.get()) != 1)
    problem = failed("openssl.key", cfg.openssl_key);
  ERR_clear_error();
  return problem;
}

} // namespace

std::string prepare_links(node_config& cfg) {
  if (clustered(cfg) || cfg.admin_port > 0)
    cfg.load<caf::io::middleman>();
  if (!cfg.cluster_tls) {
    if (!cfg.openssl_certificate.empty() || !cfg.openssl_cafile.empty())
      spdlog::warn("openssl.* options are set but cluster.tls is off: node "
                   "links are plain TCP");
    return {};
  }
  if (auto problem = tls_files_problem(cfg); !problem.empty())
    return problem;
  if (clustered(cfg))
    cfg.load<caf::openssl::manager>();
  return {};
}

caf::io::middleman_actor link_dialer(caf::actor_system& sys) {
  if (sys.has_openssl_manager())
    return sys.openssl_manager().actor_handle();
  return sys.middleman().actor_handle();
}

caf::expected<uint16_t> publish_link(caf::actor_system& sys,
                                     const caf::actor& whom, uint16_t port,
                                     const std::string& bind) {
  if (sys.has_openssl_manager())
    return caf::openssl::publish(whom, port, bind.c_str(), true);
  return sys.middleman().publish(whom, port, bind.c_str(), true);
}

} // namespace streamify::node
