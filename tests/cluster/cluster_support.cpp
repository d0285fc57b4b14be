#include "tests/cluster/cluster_support.hpp"

#include <cstdlib>
#include <filesystem>

#include <unistd.h>

namespace streamify::test {

using nlohmann::json;

std::vector<std::string> cluster_roles() {
  std::vector<std::string> roles{"auth", "catalog", "billing", "streaming"};
  // A build without the role refuses it before anything else.
  auto probe = run_node_command({"--roles=analytics", "--access-log=off"});
  if (probe.output.find("unknown or unavailable role") == std::string::npos)
    roles.push_back("analytics");
  return roles;
}

test_cluster::test_cluster(std::vector<std::string> extra_args,
                           const args_for_role& node_args) {
  data_dir_ = std::filesystem::temp_directory_path()
              / ("streamify-cluster-" + std::to_string(::getpid()));
  std::filesystem::create_directories(data_dir_);
  extra_args.push_back("--storage.data-dir=" + data_dir_);
  extra_args.push_back("--access-log=off");
  auto roles = cluster_roles();
  std::map<std::string, int> ports;
  for (const auto& role : roles) {
    ports[role] = free_port();
    peers_ += (peers_.empty() ? "" : ",") + role + "@127.0.0.1:"
              + std::to_string(ports[role]);
  }
  auto args_for = [&](const std::string& role) {
    auto args = extra_args;
    args.push_back("--roles=" + role);
    args.push_back("--cluster.peers=" + peers_);
    if (node_args)
      for (auto& arg : node_args(role))
        args.push_back(std::move(arg));
    return args;
  };
  for (const auto& role : roles)
    nodes_[role] = std::make_unique<test_node>(
      dbs_, node_launch{args_for(role), ports[role], false});
  gateway_ = std::make_unique<test_node>(
    dbs_, node_launch{args_for("gateway"), 0, true});
}

test_cluster::~test_cluster() {
  gateway_.reset();
  for (auto& [role, node] : nodes_)
    node->signal(SIGCONT);
  nodes_.clear();
  std::error_code ignored;
  std::filesystem::remove_all(data_dir_, ignored);
}

player::player(test_node& gateway, std::string token, std::string session_id)
  : gateway_(gateway),
    token_(std::move(token)),
    id_(std::move(session_id)),
    thread_([this] { run(); }) {
}

player::~player() {
  stop();
}

void player::stop() {
  stop_ = true;
  if (thread_.joinable())
    thread_.join();
}

void player::run() {
  using clock = std::chrono::steady_clock;
  auto started = clock::now();
  for (int64_t seq = 1; !stop_; ++seq) {
    auto at = std::chrono::duration<double>(clock::now() - started).count();
    json body{{"position_s", at}, {"playing", true}, {"seq", seq}};
    {
      std::lock_guard<std::mutex> guard{mtx_};
      sent_at_ = clock::now();
      in_flight_ = true;
    }
    auto r = gateway_.post("/api/sessions/" + id_ + "/heartbeat", body, token_);
    {
      std::lock_guard<std::mutex> guard{mtx_};
      in_flight_ = false;
      ++statuses_[r.status];
      if (r.status == 200)
        last_ = r.body;
    }
    for (int i = 0; i < 10 && !stop_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

json player::last() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return last_;
}

int64_t player::minutes_paid() const {
  auto view = last();
  return view.is_object() ? view.value("minutes_paid", int64_t{0}) : 0;
}

std::chrono::milliseconds player::waiting() const {
  std::lock_guard<std::mutex> guard{mtx_};
  if (!in_flight_)
    return std::chrono::milliseconds{0};
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - sent_at_);
}

std::map<int, int> player::statuses() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return statuses_;
}

void player::reset_statuses() {
  std::lock_guard<std::mutex> guard{mtx_};
  statuses_.clear();
}

bool poll_until(std::chrono::milliseconds limit,
                const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::vector<std::string> failing_roles(test_node& gateway) {
  auto r = gateway.get("/health/ready");
  std::vector<std::string> out;
  if (r.status == 503 && r.body.contains("failing"))
    for (const auto& role : r.body["failing"])
      out.push_back(role.get<std::string>());
  return out;
}

} // namespace streamify::test
