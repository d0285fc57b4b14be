#pragma once

namespace streamify::node {

// Whether this program's SSL_read and SSL_write (nodes/openssl_error_queue.cpp)
// are the ones CAF's OpenSSL module calls. TLS node links are only stable
// when they are; the node refuses cluster.tls otherwise.
bool ssl_io_clears_error_queue();

} // namespace streamify::node
