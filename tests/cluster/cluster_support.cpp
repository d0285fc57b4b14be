#include "tests/cluster/cluster_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <unistd.h>

#include "tests/integration/session_support.hpp"
#include "tests/integration/shared_node.hpp"

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

test_cluster::test_cluster(std::vector<std::string> extra_args)
  : test_cluster(cluster_layout{std::move(extra_args), 1, false}) {
}

test_cluster::test_cluster(cluster_layout layout) {
  data_dir_ = std::filesystem::temp_directory_path()
              / ("streamify-cluster-" + std::to_string(::getpid()));
  std::filesystem::create_directories(data_dir_);
  auto extra_args = std::move(layout.extra_args);
  extra_args.push_back("--storage.data-dir=" + data_dir_);
  extra_args.push_back("--access-log=off");
  std::vector<std::pair<std::string, std::string>> nodes; // name, role
  for (const auto& role : cluster_roles()) {
    if (role != "billing" || layout.billing_nodes <= 1) {
      nodes.emplace_back(role, role);
      continue;
    }
    for (int i = 1; i <= layout.billing_nodes; ++i)
      nodes.emplace_back("billing-" + std::to_string(i), role);
  }
  for (const auto& [name, role] : nodes) {
    ports_[name] = free_port();
    if (role == "billing")
      billing_.push_back(name);
  }
  auto args_for = [&](const std::string& name, const std::string& role) {
    auto args = extra_args;
    args.push_back("--roles=" + role);
    args.push_back("--cluster.peers=" + peers());
    if (layout.admin) {
      admin_ports_[name] = free_port();
      args.push_back("--admin.port=" + std::to_string(admin_ports_[name]));
      args.push_back(std::string{"--admin.secret="} + admin_secret);
      args.push_back("--admin.name=" + name);
    }
    if (layout.node_args)
      for (auto& arg : layout.node_args(name))
        args.push_back(std::move(arg));
    return args;
  };
  for (const auto& [name, role] : nodes)
    nodes_[name] = std::make_unique<test_node>(
      dbs_, node_launch{args_for(name, role), ports_[name], false});
  gateway_ = std::make_unique<test_node>(
    dbs_, node_launch{args_for("gateway", "gateway"), 0, true});
  for (int i = 2; i <= layout.gateways; ++i)
    more_gateways_.push_back(std::make_unique<test_node>(
      dbs_, node_launch{args_for("gateway-" + std::to_string(i), "gateway"), 0,
                        true}));
}

std::string test_cluster::address(const std::string& name) const {
  return "127.0.0.1:" + std::to_string(ports_.at(name));
}

std::string test_cluster::peers(const std::vector<std::string>& left_out) const {
  std::string out;
  for (const auto& [name, port] : ports_) {
    if (std::find(left_out.begin(), left_out.end(), name) != left_out.end())
      continue;
    auto role = name.substr(0, name.find('-'));
    out += (out.empty() ? "" : ",") + role + "@" + address(name);
  }
  return out;
}

test_cluster::~test_cluster() {
  more_gateways_.clear();
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

std::unique_ptr<player> start_player(test_node& gateway, const std::string& token,
                                     const std::string& video) {
  auto s = gateway.post("/api/sessions", {{"video_id", video}}, token);
  if (s.status != 201)
    throw std::runtime_error("no session: " + std::to_string(s.status) + " "
                             + s.raw);
  return std::make_unique<player>(gateway, token,
                                  s.body["id"].get<std::string>());
}

std::vector<std::unique_ptr<player>> start_viewers(test_node& gateway,
                                                   const std::string& video,
                                                   int count) {
  std::vector<std::unique_ptr<player>> out;
  for (int i = 0; i < count; ++i) {
    auto viewer = token_of(sign_up(gateway));
    deposit(gateway, viewer, 10'000);
    out.push_back(start_player(gateway, viewer, video));
  }
  return out;
}

std::string long_video() {
  auto path = "/tmp/streamify-cluster-test-" + std::to_string(::getpid())
              + ".mp4";
  auto cmd = "ffmpeg -loglevel error -nostdin -y -f lavfi -i "
             "testsrc=duration=600:size=160x120:rate=2 -c:v libx264 -preset "
             "ultrafast -pix_fmt yuv420p "
             + path;
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("ffmpeg could not make the cluster test video");
  return path;
}

bool all_charged(const std::vector<std::unique_ptr<player>>& players,
                 const std::vector<int64_t>& from, int64_t more,
                 std::chrono::milliseconds limit) {
  return poll_until(limit, [&] {
    for (size_t i = 0; i < players.size(); ++i)
      if (players[i]->minutes_paid() < from[i] + more)
        return false;
    return true;
  });
}

std::vector<int64_t> paid(const std::vector<std::unique_ptr<player>>& players) {
  std::vector<int64_t> out;
  for (auto& p : players)
    out.push_back(p->minutes_paid());
  return out;
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
