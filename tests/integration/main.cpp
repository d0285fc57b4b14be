// main() of the integration test binary: real PostgreSQL, real node, HTTP.
#define CAF_TEST_NO_MAIN
#include <caf/test/unit_test_impl.hpp>

#include <csignal>

#include <sodium.h>

int main(int argc, char** argv) {
  // A server closing a connection we still write to must not kill us.
  std::signal(SIGPIPE, SIG_IGN);
  if (sodium_init() < 0)
    return 1;
  return caf::test::main(argc, argv);
}
