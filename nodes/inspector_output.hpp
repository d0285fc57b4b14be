#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/common/inspector_messages.hpp"
#include "nodes/inspector_client.hpp"

namespace streamify::node {

// A plain text table: a header row and aligned columns.
class text_table {
public:
  explicit text_table(std::vector<std::string> header);
  void add(std::vector<std::string> row);
  void print(std::ostream& out) const;

private:
  std::vector<std::vector<std::string>> rows_;
};

// A duration for people: 850ms, 12s, 3m04s, 2h05m.
std::string human_ms(int64_t ms);
// Cents as a decimal amount: 1234 -> "12.34", -5 -> "-0.05".
std::string human_cents(int64_t cents);

nlohmann::json to_json(const cluster_node& n);
nlohmann::json to_json(const actor_sample& s);
nlohmann::json to_json(const admin::session_sample& s);
nlohmann::json to_json(const admin::wallet_report& w);
nlohmann::json to_json(const persistence::reconcile_report& r);
nlohmann::json to_json(const streaming::session_view& v);

} // namespace streamify::node
