// The one translation unit of the simulation binary that provides main().
#define CAF_TEST_NO_MAIN
#include <caf/test/unit_test_impl.hpp>

#include <sodium.h>
#include <spdlog/spdlog.h>

int main(int argc, char** argv) {
  if (sodium_init() < 0)
    return 1;
  spdlog::set_level(spdlog::level::off); // faults make the actors warn a lot
  return caf::test::main(argc, argv);
}
