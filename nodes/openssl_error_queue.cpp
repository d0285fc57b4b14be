// Workaround for CAF 0.17.6's OpenSSL module (libcaf_openssl): it calls
// SSL_read/SSL_write and then SSL_get_error without emptying the thread's
// OpenSSL error queue first, and never empties it after a failure (its only
// ERR_get_error call sits in log statements, compiled out in Debian's build).
// SSL_get_error looks at that queue before anything else, so once any link
// on the multiplexer thread fails - a peer leaving without close_notify
// ("unexpected eof while reading"), a peer with a certificate of another CA
// ("unknown ca"), a plain-TCP or port-scanner connection ("wrong version
// number") - the next read of every other link that merely has no more data
// (SSL_ERROR_WANT_READ) is taken for a fatal error and the link is closed.
// Each closed link fails its peer's read the same way, so a cluster flaps
// without end, and anyone reaching a cluster port could cut every link.
// (Measured with three plain CAF processes, one of which only connects and
// leaves: the other's link drops within a second, with or without the
// middleman heartbeat; with these two functions it never drops.)
//
// SSL_get_error(3) requires the queue to be empty before each I/O call. This
// program defines SSL_read and SSL_write, which the dynamic linker binds in
// place of libssl's for every library (CAF's included): they empty the
// calling thread's queue and call libssl's. For any other caller that is
// what the documentation asks of it anyway. (SSL_connect and SSL_accept need
// no wrapper: OpenSSL's handshake state machine empties the queue itself.)
#include "nodes/openssl_error_queue.hpp"

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

template <class Function>
Function libssl(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

} // namespace

extern "C" int SSL_read(SSL* ssl, void* buf, int num) {
  static const auto next = libssl<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return next(ssl, buf, num);
}

extern "C" int SSL_write(SSL* ssl, const void* buf, int num) {
  static const auto next = libssl<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return next(ssl, buf, num);
}

namespace streamify::node {

bool ssl_io_clears_error_queue() {
  // The global lookup finds the first definition, as the binding of
  // libcaf_openssl's calls does.
  return dlsym(RTLD_DEFAULT, "SSL_read") == reinterpret_cast<void*>(&SSL_read)
         && dlsym(RTLD_DEFAULT, "SSL_write")
              == reinterpret_cast<void*>(&SSL_write);
}

} // namespace streamify::node
