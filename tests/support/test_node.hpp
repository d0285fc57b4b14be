#pragma once

#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sys/types.h>

namespace streamify::test {

// One set of per-domain databases with a unique prefix in the private
// PostgreSQL that deploy/local/test starts (STREAMIFY_TEST_PG_URL is its
// admin URL). Dropped again on destruction.
class test_databases {
public:
  test_databases();
  ~test_databases();
  test_databases(const test_databases&) = delete;
  test_databases& operator=(const test_databases&) = delete;

  std::string url(const std::string& domain) const;
  // Arguments pointing every role of a node at these databases.
  std::vector<std::string> node_args() const;
  // Runs one SQL statement on a domain's database and returns the first
  // column of the first row (empty when there is none).
  std::string query(const std::string& domain, const std::string& sql) const;

private:
  std::string admin_url_;
  std::string prefix_;
};

struct http_reply {
  int status = 0;
  nlohmann::json body;
  std::string raw;
  httplib::Headers headers;
  std::string header(const std::string& name) const;
};

// One node of a cluster: its own arguments (--roles, --cluster.peers, ...)
// and cluster port. Without the gateway it serves no HTTP and is ready once
// its cluster port accepts connections.
struct node_launch {
  std::vector<std::string> args;
  int cluster_port = 0;
  bool gateway = true;
};

// A real streamify-node process on a free loopback port, ready when the
// constructor returns. Its output goes to a log file printed on failure.
class test_node {
public:
  static constexpr const char* jwt_secret = "integration-test-secret";

  explicit test_node(const test_databases& dbs,
                     std::vector<std::string> extra_args = {});
  test_node(const test_databases& dbs, node_launch launch);
  ~test_node();
  test_node(const test_node&) = delete;
  test_node& operator=(const test_node&) = delete;

  int port() const { return port_; }
  int cluster_port() const { return how_.cluster_port; }
  std::string log() const;
  // SIGTERM and wait; returns the exit status.
  int stop();
  // Sends `sig` (SIGSTOP, SIGCONT, ...); SIGKILL also reaps the process.
  void signal(int sig);
  // Starts the process again with the same arguments and ports (its log
  // continues) and waits until it is ready.
  void restart();
  // The same, with `more_args` added for good (a later option wins).
  void restart(const std::vector<std::string>& more_args);

  http_reply get(const std::string& path, const std::string& token = "");
  http_reply post(const std::string& path, const nlohmann::json& body,
                  const std::string& token = "",
                  const httplib::Headers& headers = {});
  http_reply patch(const std::string& path, const nlohmann::json& body,
                   const std::string& token = "");
  http_reply del(const std::string& path, const std::string& token = "");
  http_reply send(const std::string& method, const std::string& path,
                  const std::string& body, const std::string& content_type,
                  httplib::Headers headers);

private:
  void launch(bool truncate_log);
  void wait_ready();

  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
  std::string own_data_dir_; // made for a node given no storage.data-dir
  std::vector<std::string> args_;
  node_launch how_;
};

int free_port();

// Runs streamify-node once with `args` (and extra environment variables) and
// returns its exit code and combined output, e.g. for --reconcile or
// --create-admin.
struct command_result {
  int rc = -1;
  std::string output;
};
command_result run_node_command(
  const std::vector<std::string>& args,
  const std::vector<std::pair<std::string, std::string>>& env = {});

} // namespace streamify::test
