#include "tests/chaos/private_postgres.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "tests/support/test_node.hpp"

namespace streamify::test {

private_postgres::private_postgres() {
  char tmpl[] = "/tmp/chaos-pg.XXXXXX";
  if (!::mkdtemp(tmpl))
    throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  auto env = std::getenv("STREAMIFY_CHAOS_PG_PORT");
  port_ = env ? std::atoi(env) : free_port();
  start();
}

private_postgres::~private_postgres() {
  try {
    stop();
  } catch (const std::exception&) {
    // The folder goes anyway; a server left running would show in its log.
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void private_postgres::run_lib(const std::string& call) {
  auto cmd = "bash -c 'source " STREAMIFY_SOURCE_DIR "/deploy/local/lib.sh && "
             + call + "' >>" + dir_ + "/lib.log 2>&1";
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error(call + " failed; see " + dir_ + "/lib.log");
}

void private_postgres::start() {
  run_lib("streamify_pg_start " + dir_ + " " + std::to_string(port_));
}

void private_postgres::stop() {
  run_lib("streamify_pg_stop " + dir_);
}

std::string private_postgres::admin_url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_)
         + "/postgres";
}

scoped_pg_url::scoped_pg_url(const std::string& url) {
  if (auto* old = std::getenv("STREAMIFY_TEST_PG_URL")) {
    previous_ = old;
    had_ = true;
  }
  ::setenv("STREAMIFY_TEST_PG_URL", url.c_str(), 1);
}

scoped_pg_url::~scoped_pg_url() {
  if (had_)
    ::setenv("STREAMIFY_TEST_PG_URL", previous_.c_str(), 1);
  else
    ::unsetenv("STREAMIFY_TEST_PG_URL");
}

} // namespace streamify::test
