#include "nodes/inspector_commands.hpp"

#include <algorithm>
#include <iostream>

#include "nodes/inspector_output.hpp"

namespace streamify::node {

namespace {

using json = nlohmann::json;
using options = inspector_options;
using nodes_t = std::vector<cluster_node>;

std::string flag(const options& o, const std::string& name,
                 const std::string& fallback = "") {
  auto i = o.flags.find(name);
  return i == o.flags.end() ? fallback : i->second;
}

std::string one_arg(const options& o, const char* what) {
  if (o.args.size() != 1)
    throw client_error(o.command + " takes one " + what + " (see --help)", 2);
  return o.args.front();
}

void require_yes(const options& o) {
  if (flag(o, "yes").empty())
    throw client_error(o.command + " changes the running system: repeat it "
                                   "with --yes to go ahead",
                       2);
}

void print(const options& o, const json& j, const text_table& t) {
  if (o.json)
    std::cout << j.dump(2) << '\n';
  else
    t.print(std::cout);
}

// The reachable nodes a command applies to (those hosting `role` when one is
// given, the one --node names when given); warns about unreachable ones.
nodes_t targets(const options& o, const nodes_t& nodes,
                const std::string& role, int& rc) {
  nodes_t out;
  auto wanted = flag(o, "node");
  for (const auto& n : nodes) {
    if (!wanted.empty() && n.name != wanted && n.admin_endpoint != wanted)
      continue;
    if (!role.empty() && !n.hosts(role))
      continue;
    if (!n.reachable) {
      std::cerr << "warning: node " << n.name << " is unreachable, skipped\n";
      rc = 1;
      continue;
    }
    out.push_back(n);
  }
  if (out.empty())
    throw client_error(!wanted.empty() ? "no reachable node is named " + wanted
                       : role.empty()  ? "no node is reachable"
                                       : "no reachable node hosts the " + role
                                          + " role",
                       2);
  return out;
}

int nodes_command(const options& o, const nodes_t& nodes) {
  text_table t{{"NODE", "ROLES", "ADMIN", "CLUSTER", "UPTIME", "BUILD",
                "STATUS"}};
  auto j = json::array();
  int rc = 0;
  for (const auto& n : nodes) {
    std::string roles;
    for (const auto& r : n.roles)
      roles += (roles.empty() ? "" : ",") + r;
    t.add({n.name, roles, n.admin_endpoint.empty() ? "-" : n.admin_endpoint,
           n.cluster_endpoint.empty() ? "-" : n.cluster_endpoint,
           n.reachable ? human_ms(n.uptime_ms) : "-",
           n.reachable ? n.build : "-",
           n.reachable ? "reachable" : "UNREACHABLE"});
    j.push_back(to_json(n));
    if (!n.reachable) {
      std::cerr << "warning: node " << n.name << " is unreachable\n";
      rc = 1;
    }
  }
  print(o, j, t);
  return rc;
}

int actors_command(inspector_client& c, const options& o, const nodes_t& all) {
  int rc = 0;
  text_table t{{"NODE", "KIND", "COUNT"}};
  auto j = json::array();
  for (const auto& n : targets(o, all, "", rc)) {
    auto report = c.ask<admin::actor_report>(n, admin::actors_atom::value,
                                             c.secret(), std::string{"messages"},
                                             int64_t{0});
    for (const auto& [kind, count] : report.counts)
      t.add({n.name, kind, std::to_string(count)});
    j.push_back({{"node", n.name}, {"counts", report.counts}});
  }
  print(o, j, t);
  return rc;
}

int top_command(inspector_client& c, const options& o, const nodes_t& all) {
  int rc = 0;
  auto by = flag(o, "by", "mailbox");
  auto limit = std::stoll(flag(o, "limit", "10"));
  std::vector<std::pair<std::string, actor_sample>> rows;
  for (const auto& n : targets(o, all, "", rc))
    for (auto& s : c.ask<admin::actor_report>(n, admin::actors_atom::value,
                                              c.secret(), by, limit)
                     .top)
      rows.emplace_back(n.name, std::move(s));
  auto key = [&](const actor_sample& s) {
    return by == "mailbox" ? s.mailbox : s.handled;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    return key(a.second) > key(b.second);
  });
  rows.resize(std::min<size_t>(rows.size(), static_cast<size_t>(limit)));
  text_table t{{"NODE", "KIND", "ID", "MAILBOX", "MESSAGES", "SAMPLED"}};
  auto j = json::array();
  for (const auto& [node, s] : rows) {
    t.add({node, s.kind, s.id, std::to_string(s.mailbox),
           std::to_string(s.handled), human_ms(s.age_ms) + " ago"});
    auto x = to_json(s);
    x["node"] = node;
    j.push_back(x);
  }
  print(o, j, t);
  return rc;
}

int sessions_command(inspector_client& c, const options& o,
                     const nodes_t& all) {
  int rc = 0;
  text_table t{{"NODE", "SESSION", "VIEWER", "VIDEO", "STATE", "MINUTES_PAID",
                "LAST_HEARTBEAT"}};
  auto j = json::array();
  for (const auto& n : targets(o, all, "streaming", rc))
    for (const auto& s : c.ask<admin::session_samples>(
           n, admin::sessions_atom::value, c.secret(), flag(o, "user"),
           flag(o, "video"))) {
      t.add({n.name, s.id, s.viewer_id, s.video_id, s.state,
             std::to_string(s.minutes_paid),
             s.heartbeat_age_ms < 0 ? "never"
                                    : human_ms(s.heartbeat_age_ms) + " ago"});
      auto x = to_json(s);
      x["node"] = n.name;
      j.push_back(x);
    }
  print(o, j, t);
  return rc;
}

// With several billing nodes the wallet is resident on at most one (the
// node its shard map names, once the user has paid there): every billing
// node is asked, and the report is that node's.
int wallet_command(inspector_client& c, const options& o, const nodes_t& all) {
  int rc = 0;
  auto user = one_arg(o, "user id");
  std::vector<admin::wallet_report> reports;
  for (const auto& n : targets(o, all, "billing", rc))
    reports.push_back(c.ask<admin::wallet_report>(
      n, admin::wallet_info_atom::value, c.secret(), user));
  auto w = reports.front();
  auto resident_on = json::array();
  for (const auto& r : reports)
    if (r.resident) {
      if (resident_on.empty())
        w = r;
      resident_on.push_back(r.node);
    }
  if (o.json) {
    auto j = to_json(w);
    j["resident_on"] = resident_on;
    std::cout << j.dump(2) << '\n';
    return rc;
  }
  text_table head{{"USER", "NODE", "RESIDENT", "BALANCE", "EARNED", "SPENT"}};
  for (const auto& r : reports)
    head.add({r.user_id, r.node, r.resident ? "yes" : "no",
              human_cents(w.balance_cents), human_cents(w.earned_cents),
              human_cents(w.spent_cents)});
  head.print(std::cout);
  std::cout << '\n';
  text_table entries{{"ENTRY", "KIND", "AMOUNT", "BALANCE_AFTER", "SESSION"}};
  for (const auto& e : w.entries)
    entries.add({e.id, e.kind, human_cents(e.amount_cents),
                 human_cents(e.balance_after_cents),
                 e.session_id.empty() ? "-" : e.session_id});
  entries.print(std::cout);
  return rc;
}

int reconcile_command(inspector_client& c, const options& o,
                      const nodes_t& all) {
  int rc = 0;
  auto n = targets(o, all, "billing", rc).front();
  auto r = c.ask<persistence::reconcile_report>(
    n, admin::reconcile_atom::value, c.secret());
  if (o.json)
    std::cout << to_json(r).dump(2) << '\n';
  else
    std::cout << "reconcile on " << n.name << ": " << r.to_string() << '\n'
              << (r.ok() ? "zero differences"
                         : std::to_string(r.differences()) + " differences")
              << '\n';
  return r.ok() ? rc : 1;
}

int end_session_command(inspector_client& c, const options& o,
                        const nodes_t& all) {
  int rc = 0;
  auto id = one_arg(o, "session id");
  require_yes(o);
  std::string last_error = "no streaming node knows session " + id;
  for (const auto& n : targets(o, all, "streaming", rc)) {
    try {
      auto v = c.ask<streaming::session_view>(
        n, admin::end_session_atom::value, c.secret(), id);
      text_table t{{"SESSION", "NODE", "STATE", "MINUTES_PAID", "END_REASON"}};
      t.add({v.id, n.name, v.state, std::to_string(v.minutes_paid),
             v.end_reason});
      auto j = to_json(v);
      j["node"] = n.name;
      print(o, j, t);
      return rc;
    } catch (const client_error& e) {
      last_error = e.what();
    }
  }
  throw client_error(last_error, 2);
}

int passivate_command(inspector_client& c, const options& o,
                      const nodes_t& all) {
  int rc = 0;
  auto user = one_arg(o, "user id");
  require_yes(o);
  auto n = targets(o, all, "billing", rc).front();
  c.ask<bool>(n, admin::passivate_wallet_atom::value, c.secret(), user);
  if (o.json)
    std::cout << json{{"user_id", user}, {"node", n.name}, {"resident", false}}
                   .dump(2)
              << '\n';
  else
    std::cout << "wallet " << user << " passivated on " << n.name << '\n';
  return rc;
}

} // namespace

int run_command(inspector_client& client, const inspector_options& o,
                const std::vector<cluster_node>& nodes) {
  const auto& cmd = o.command;
  if (cmd == "nodes")
    return nodes_command(o, nodes);
  if (cmd == "actors")
    return actors_command(client, o, nodes);
  if (cmd == "top")
    return top_command(client, o, nodes);
  if (cmd == "sessions")
    return sessions_command(client, o, nodes);
  if (cmd == "wallet")
    return wallet_command(client, o, nodes);
  if (cmd == "reconcile")
    return reconcile_command(client, o, nodes);
  if (cmd == "end-session")
    return end_session_command(client, o, nodes);
  if (cmd == "passivate-wallet")
    return passivate_command(client, o, nodes);
  throw client_error("unknown command " + cmd + " (see --help)", 2);
}

} // namespace streamify::node
