# Every dependency comes from Debian's packages; a missing one stops the
# configure step with the package to install.
find_package(PkgConfig)
find_package(Threads REQUIRED)

macro(streamify_require found package)
  if(NOT ${found})
    message(FATAL_ERROR "Missing dependency: install the Debian package '${package}' (deploy/local/up installs everything)")
  endif()
endmacro()

if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "Missing dependency: install the Debian package 'pkg-config'")
endif()

# CAF 0.17.6 ships neither a CMake config nor a pkg-config file.
find_path(CAF_INCLUDE_DIR caf/all.hpp)
find_library(CAF_CORE_LIBRARY caf_core)
find_library(CAF_IO_LIBRARY caf_io)
find_library(CAF_OPENSSL_LIBRARY caf_openssl)
streamify_require(CAF_INCLUDE_DIR libcaf-dev)
streamify_require(CAF_CORE_LIBRARY libcaf-dev)
streamify_require(CAF_IO_LIBRARY libcaf-dev)
file(STRINGS ${CAF_INCLUDE_DIR}/caf/config.hpp caf_version_line REGEX "#define CAF_VERSION ")
string(REGEX MATCH "[0-9]+" CAF_VERSION_NUMBER "${caf_version_line}")
if(NOT CAF_VERSION_NUMBER EQUAL 1706)
  message(FATAL_ERROR "CAF 0.17.6 required (libcaf-dev), found version code ${CAF_VERSION_NUMBER}")
endif()

find_package(OpenSSL)
streamify_require(OPENSSL_FOUND libssl-dev)

add_library(CAF::core UNKNOWN IMPORTED)
set_target_properties(CAF::core PROPERTIES IMPORTED_LOCATION ${CAF_CORE_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${CAF_INCLUDE_DIR} INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(CAF::io UNKNOWN IMPORTED)
set_target_properties(CAF::io PROPERTIES IMPORTED_LOCATION ${CAF_IO_LIBRARY}
  INTERFACE_LINK_LIBRARIES CAF::core)
add_library(CAF::openssl UNKNOWN IMPORTED)
set_target_properties(CAF::openssl PROPERTIES IMPORTED_LOCATION ${CAF_OPENSSL_LIBRARY}
  INTERFACE_LINK_LIBRARIES "CAF::io;OpenSSL::SSL;OpenSSL::Crypto")

pkg_check_modules(PQXX IMPORTED_TARGET libpqxx)
streamify_require(PQXX_FOUND libpqxx-dev)
# libpq itself: binary COPY goes through it (persistence/billing).
pkg_check_modules(PQ IMPORTED_TARGET libpq)
streamify_require(PQ_FOUND libpq-dev)
pkg_check_modules(HTTPLIB IMPORTED_TARGET cpp-httplib)
streamify_require(HTTPLIB_FOUND libcpp-httplib-dev)
pkg_check_modules(SODIUM IMPORTED_TARGET libsodium)
streamify_require(SODIUM_FOUND libsodium-dev)
find_package(spdlog CONFIG QUIET)
streamify_require(spdlog_FOUND libspdlog-dev)
find_package(nlohmann_json CONFIG QUIET)
streamify_require(nlohmann_json_FOUND nlohmann-json3-dev)

# jemalloc for the programs that serve load (the node, the benchmarks): glibc's
# malloc cost a third of the billing path's CPU in `perf` profiles. Not with
# the sanitizers, which bring their own allocator.
pkg_check_modules(JEMALLOC IMPORTED_TARGET jemalloc)
streamify_require(JEMALLOC_FOUND libjemalloc-dev)
function(streamify_use_jemalloc target)
  if(NOT STREAMIFY_SANITIZE)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()
