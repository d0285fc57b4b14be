// The one translation unit of the unit test binary that provides main().
#define CAF_TEST_NO_MAIN
#include <caf/test/unit_test_impl.hpp>

#include <sodium.h>

int main(int argc, char** argv) {
  if (sodium_init() < 0)
    return 1;
  return caf::test::main(argc, argv);
}
