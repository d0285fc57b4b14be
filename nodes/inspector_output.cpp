#include "nodes/inspector_output.hpp"

#include <algorithm>
#include <cstdio>

namespace streamify::node {

text_table::text_table(std::vector<std::string> header) {
  rows_.push_back(std::move(header));
}

void text_table::add(std::vector<std::string> row) {
  rows_.push_back(std::move(row));
}

void text_table::print(std::ostream& out) const {
  std::vector<size_t> width;
  for (const auto& row : rows_)
    for (size_t i = 0; i < row.size(); ++i) {
      width.resize(std::max(width.size(), row.size()));
      width[i] = std::max(width[i], row[i].size());
    }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size())
        line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out << line << '\n';
  }
}

std::string human_ms(int64_t ms) {
  if (ms < 0)
    return "-";
  char buf[32];
  auto s = ms / 1000;
  if (ms < 1000)
    std::snprintf(buf, sizeof(buf), "%lldms", static_cast<long long>(ms));
  else if (s < 60)
    std::snprintf(buf, sizeof(buf), "%llds", static_cast<long long>(s));
  else if (s < 3600)
    std::snprintf(buf, sizeof(buf), "%lldm%02llds",
                  static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof(buf), "%lldh%02lldm",
                  static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  return buf;
}

std::string human_cents(int64_t cents) {
  auto magnitude = cents < 0 ? -cents : cents;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s%lld.%02lld", cents < 0 ? "-" : "",
                static_cast<long long>(magnitude / 100),
                static_cast<long long>(magnitude % 100));
  return buf;
}

nlohmann::json to_json(const cluster_node& n) {
  return {{"name", n.name},
          {"admin_endpoint", n.admin_endpoint},
          {"cluster_endpoint", n.cluster_endpoint},
          {"roles", n.roles},
          {"reachable", n.reachable},
          {"uptime_ms", n.uptime_ms},
          {"build", n.build}};
}

nlohmann::json to_json(const actor_sample& s) {
  return {{"kind", s.kind},       {"id", s.id},
          {"mailbox", s.mailbox}, {"messages", s.handled},
          {"age_ms", s.age_ms}};
}

nlohmann::json to_json(const admin::session_sample& s) {
  return {{"id", s.id},
          {"viewer_id", s.viewer_id},
          {"video_id", s.video_id},
          {"state", s.state},
          {"minutes_paid", s.minutes_paid},
          {"heartbeat_age_ms", s.heartbeat_age_ms},
          {"mailbox", s.mailbox},
          {"messages", s.handled}};
}

nlohmann::json to_json(const admin::wallet_report& w) {
  auto entries = nlohmann::json::array();
  for (const auto& e : w.entries)
    entries.push_back({{"id", e.id},
                       {"kind", e.kind},
                       {"amount_cents", e.amount_cents},
                       {"balance_after_cents", e.balance_after_cents},
                       {"session_id", e.session_id},
                       {"created_at_ms", e.created_at_ms}});
  return {{"user_id", w.user_id},
          {"node", w.node},
          {"resident", w.resident},
          {"balance_cents", w.balance_cents},
          {"earned_cents", w.earned_cents},
          {"spent_cents", w.spent_cents},
          {"entries", entries}};
}

nlohmann::json to_json(const persistence::reconcile_report& r) {
  return {{"ok", r.ok()},
          {"differences", r.differences()},
          {"transactions", r.transactions},
          {"entries", r.entries},
          {"accounts", r.accounts},
          {"unbalanced_transactions", r.unbalanced_transactions},
          {"short_transactions", r.short_transactions},
          {"balance_mismatches", r.balance_mismatches},
          {"counter_mismatches", r.counter_mismatches},
          {"negative_balances", r.negative_balances},
          {"duplicate_keys", r.duplicate_keys},
          {"over_refunds", r.over_refunds},
          {"missing_outbox", r.missing_outbox},
          {"summary_mismatches", r.summary_mismatches},
          {"orphans", r.orphans},
          {"samples", r.samples}};
}

nlohmann::json to_json(const streaming::session_view& v) {
  return {{"id", v.id},
          {"viewer_id", v.viewer_id},
          {"video_id", v.video_id},
          {"state", v.state},
          {"minutes_paid", v.minutes_paid},
          {"charged_cents", v.charged_cents},
          {"end_reason", v.end_reason}};
}

} // namespace streamify::node
