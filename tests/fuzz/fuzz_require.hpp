#pragma once

#include <cstdio>
#include <cstdlib>

// A broken property: say which, then abort so libFuzzer keeps the input.
#define FUZZ_REQUIRE(cond)                                                  \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::fprintf(stderr, "property broken at %s:%d: %s\n", __FILE__,      \
                   __LINE__, #cond);                                        \
      std::abort();                                                         \
    }                                                                       \
  } while (false)
