#pragma once

#include <cstdint>
#include <string>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/io/middleman_actor.hpp>

// How the links between nodes are carried: CAF's middleman over plain TCP, or,
// with cluster.tls, CAF's OpenSSL module, where both ends of every link
// present a certificate signed by the cluster's private CA (openssl.cafile;
// deploy/tls/make-certs makes them). Every link a node publishes or dials
// goes the same way; the admin endpoint (admin.port) stays plain TCP.
namespace streamify::node {

class node_config;

// Checks the TLS options and loads the modules the links need; call before
// the actor system exists. Returns why the node must not start (empty when
// it may): with cluster.tls, openssl.cafile, openssl.certificate and
// openssl.key must name readable files that OpenSSL accepts (the key matching
// the certificate, openssl.passphrase opening it when it is encrypted).
std::string prepare_links(node_config& cfg);

// The actor that dials peers (its connect_atom request).
caf::io::middleman_actor link_dialer(caf::actor_system& sys);

// Publishes `whom` for peers on bind:port; returns the port it got.
caf::expected<uint16_t> publish_link(caf::actor_system& sys,
                                     const caf::actor& whom, uint16_t port,
                                     const std::string& bind);

} // namespace streamify::node
