#include "tests/support/test_node.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <pqxx/pqxx>

#include "tests/support/traffic_recorder.hpp"

namespace streamify::test {

namespace {

const std::vector<std::string> domains{"auth", "video", "streaming", "billing",
                                       "analytics"};

std::string with_db(const std::string& admin_url, const std::string& db) {
  auto slash = admin_url.rfind('/');
  return admin_url.substr(0, slash + 1) + db;
}

} // namespace

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

test_databases::test_databases() {
  auto env = std::getenv("STREAMIFY_TEST_PG_URL");
  if (!env)
    throw std::runtime_error("STREAMIFY_TEST_PG_URL is not set: run the "
                             "integration tests through deploy/local/test");
  admin_url_ = env;
  static std::atomic<int> counter{0};
  prefix_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  pqxx::connection conn{admin_url_};
  for (const auto& d : domains)
    pqxx::nontransaction{conn}.exec("CREATE DATABASE " + prefix_ + "_" + d);
}

test_databases::~test_databases() {
  try {
    pqxx::connection conn{admin_url_};
    for (const auto& d : domains)
      pqxx::nontransaction{conn}.exec("DROP DATABASE IF EXISTS " + prefix_
                                      + "_" + d + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster goes away with the test run anyway.
  }
}

std::string test_databases::url(const std::string& domain) const {
  return with_db(admin_url_, prefix_ + "_" + domain);
}

std::vector<std::string> test_databases::node_args() const {
  return {"--auth.database-url=" + url("auth"),
          "--catalog.database-url=" + url("video"),
          "--streaming.database-url=" + url("streaming"),
          "--billing.database-url=" + url("billing"),
          "--analytics.database-url=" + url("analytics")};
}

std::string test_databases::query(const std::string& domain,
                                  const std::string& sql) const {
  pqxx::connection conn{url(domain)};
  auto res = pqxx::nontransaction{conn}.exec(sql);
  if (res.empty() || res[0][0].is_null())
    return {};
  return res[0][0].as<std::string>();
}

std::string http_reply::header(const std::string& name) const {
  auto i = headers.find(name);
  return i == headers.end() ? std::string{} : i->second;
}

test_node::test_node(const test_databases& dbs,
                     std::vector<std::string> extra_args)
  : test_node(dbs, node_launch{std::move(extra_args), 0, true}) {
}

test_node::test_node(const test_databases& dbs, node_launch launch_how)
  : how_(std::move(launch_how)) {
  port_ = free_port();
  log_path_ = std::string{STREAMIFY_TEST_LOG_DIR} + "/node-"
              + std::to_string(::getpid()) + "-" + std::to_string(port_)
              + ".log";
  args_ = {STREAMIFY_NODE_BIN,
           "--http.port=" + std::to_string(port_),
           std::string{"--auth.jwt-secret="} + jwt_secret,
           "--auth.pwhash-ops=1",
           "--auth.pwhash-mem=8",
           "--http.frontend-dir=" STREAMIFY_SOURCE_DIR "/frontend"};
  if (how_.cluster_port > 0)
    args_.push_back("--cluster.port=" + std::to_string(how_.cluster_port));
  for (auto& a : dbs.node_args())
    args_.push_back(a);
  for (auto& a : how_.args)
    args_.push_back(a);
  launch(true);
  wait_ready();
}

void test_node::launch(bool truncate_log) {
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(log_path_.c_str(),
                    O_WRONLY | O_CREAT | (truncate_log ? O_TRUNC : O_APPEND),
                    0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args_)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
}

namespace {

bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

} // namespace

void test_node::wait_ready() {
  httplib::Client cli{"127.0.0.1", port_};
  cli.set_connection_timeout(1);
  for (int i = 0; i < 300; ++i) {
    if (how_.gateway) {
      if (auto res = cli.Get("/health/ready"); res && res->status == 200)
        return;
    } else if (accepts_connections(how_.cluster_port)) {
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("streamify-node exited during start:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop();
  throw std::runtime_error("streamify-node never became ready:\n" + log());
}

void test_node::signal(int sig) {
  if (pid_ <= 0)
    return;
  ::kill(pid_, sig);
  if (sig == SIGKILL) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
}

void test_node::restart() {
  if (pid_ > 0)
    stop();
  launch(false);
  wait_ready();
}

void test_node::restart(const std::vector<std::string>& more_args) {
  args_.insert(args_.end(), more_args.begin(), more_args.end());
  restart();
}

test_node::~test_node() {
  stop();
}

int test_node::stop() {
  if (pid_ <= 0)
    return -1;
  ::kill(pid_, SIGTERM);
  ::kill(pid_, SIGCONT); // a frozen node must run to stop
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return 137;
}

std::string test_node::log() const {
  std::ifstream in{log_path_};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

http_reply test_node::send(const std::string& method, const std::string& path,
                           const std::string& body,
                           const std::string& content_type,
                           httplib::Headers headers) {
  httplib::Client cli{"127.0.0.1", port_};
  cli.set_read_timeout(30);
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.headers = std::move(headers);
  if (!body.empty() || method == "POST" || method == "PATCH") {
    req.body = body;
    req.set_header("Content-Type", content_type);
  }
  auto res = cli.send(req);
  http_reply out;
  if (!res)
    return out;
  record_exchange(method, path, *res);
  out.status = res->status;
  out.raw = res->body;
  out.headers = res->headers;
  out.body = nlohmann::json::parse(res->body, nullptr, false);
  return out;
}

namespace {

httplib::Headers bearer(const std::string& token) {
  if (token.empty())
    return {};
  return {{"Authorization", "Bearer " + token}};
}

} // namespace

http_reply test_node::get(const std::string& path, const std::string& token) {
  return send("GET", path, "", "", bearer(token));
}

http_reply test_node::post(const std::string& path, const nlohmann::json& body,
                           const std::string& token,
                           const httplib::Headers& headers) {
  auto h = bearer(token);
  h.insert(headers.begin(), headers.end());
  return send("POST", path, body.dump(), "application/json", h);
}

http_reply test_node::patch(const std::string& path, const nlohmann::json& body,
                            const std::string& token) {
  return send("PATCH", path, body.dump(), "application/json", bearer(token));
}

http_reply test_node::del(const std::string& path, const std::string& token) {
  return send("DELETE", path, "", "", bearer(token));
}

command_result
run_node_command(const std::vector<std::string>& args,
                 const std::vector<std::pair<std::string, std::string>>& env) {
  int out[2];
  if (::pipe(out) != 0)
    throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::close(out[0]);
    ::close(out[1]);
    for (const auto& [name, value] : env)
      ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<std::string> all{STREAMIFY_NODE_BIN};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  command_result result;
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof(buf))) > 0;)
    result.output.append(buf, static_cast<size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

} // namespace streamify::test
