#pragma once

#include <string>

// A PostgreSQL of the test's own in a temporary folder (deploy/local/lib.sh's
// streamify_pg_start/stop), so the test may stop and start it under a node.
namespace streamify::test {

class private_postgres {
public:
  // Port STREAMIFY_CHAOS_PG_PORT, or a free one.
  private_postgres();
  ~private_postgres();
  private_postgres(const private_postgres&) = delete;
  private_postgres& operator=(const private_postgres&) = delete;

  void start();
  void stop();
  std::string admin_url() const;

private:
  void run_lib(const std::string& call);

  std::string dir_;
  int port_ = 0;
};

// Sets STREAMIFY_TEST_PG_URL for its lifetime (test_databases reads it when
// constructed), then restores the previous value.
class scoped_pg_url {
public:
  explicit scoped_pg_url(const std::string& url);
  ~scoped_pg_url();
  scoped_pg_url(const scoped_pg_url&) = delete;
  scoped_pg_url& operator=(const scoped_pg_url&) = delete;

private:
  std::string previous_;
  bool had_ = false;
};

} // namespace streamify::test
