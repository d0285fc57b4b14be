#include "persistence/billing/ledger_repository.hpp"

#include <limits>
#include <stdexcept>

#include "persistence/billing/ledger_statements.hpp"

// The ledger's reads: summaries, history pages, a session's parties and the
// outbox for the analytics role.
namespace streamify::persistence {

using ledger_sql::session_key_from;
using ledger_sql::session_key_to;

account_summary ledger_repository::summary(const std::string& user_id) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::read_transaction txn{c};
    auto res = txn.exec_prepared("ledger_summary", user_id);
    if (res.empty())
      return account_summary{};
    return account_summary{res[0][0].as<int64_t>(), res[0][1].as<int64_t>(),
                           res[0][2].as<int64_t>()};
  });
}

entries_page ledger_repository::entries(const std::string& user_id,
                                        int64_t before, int64_t limit) {
  if (before <= 0)
    before = std::numeric_limits<int64_t>::max();
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::read_transaction txn{c};
    entries_page page;
    auto res = txn.exec_prepared("ledger_entries_page", user_id, before,
                                 limit + 1);
    for (const auto& r : res) {
      if (static_cast<int64_t>(page.items.size()) == limit) {
        page.next_before = page.items.back().seq;
        break;
      }
      page.items.push_back(entry_row{
        r[0].as<int64_t>(), r[1].as<std::string>(),
        history_kind(r[2].as<std::string>()), r[3].as<int64_t>(),
        r[4].as<int64_t>(), r[5].as<std::string>(), r[6].as<std::string>(),
        r[7].as<int64_t>()});
    }
    return page;
  });
}

std::optional<session_parties>
ledger_repository::parties(const std::string& session_id) {
  return db_.run([&](pqxx::connection_base& c) -> std::optional<session_parties> {
    pqxx::read_transaction txn{c};
    auto res = txn.exec_prepared("ledger_parties",
                                 session_key_from(session_id),
                                 session_key_to(session_id));
    if (res.empty())
      return std::nullopt;
    return session_parties{session_id, res[0][0].as<std::string>(),
                           res[0][1].as<std::string>(),
                           res[0][2].as<std::string>()};
  });
}

std::vector<outbox_row>
ledger_repository::read_outbox(const std::string& cursor, int64_t limit,
                               std::string& next_cursor) {
  std::string txid = "0";
  int64_t seq = 0;
  if (!cursor.empty()) {
    auto colon = cursor.find(':');
    if (colon == std::string::npos)
      throw std::invalid_argument("bad outbox cursor");
    txid = cursor.substr(0, colon);
    seq = std::stoll(cursor.substr(colon + 1));
    if (txid.empty() || txid.find_first_not_of("0123456789") != std::string::npos)
      throw std::invalid_argument("bad outbox cursor");
  }
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::read_transaction txn{c};
    std::vector<outbox_row> out;
    next_cursor = cursor;
    for (const auto& r : txn.exec_prepared("ledger_outbox", txid, seq, limit)) {
      out.push_back(outbox_row{
        r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
        r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
        r[6].as<std::string>(), r[7].as<std::string>(), r[8].as<int64_t>(),
        r[9].as<int64_t>(), r[10].as<int64_t>(), r[11].as<int64_t>(),
        r[12].as<int64_t>()});
      next_cursor = out.back().txid + ":" + std::to_string(out.back().seq);
    }
    return out;
  });
}

void ledger_repository::ping() {
  db_.run([](pqxx::connection_base& c) {
    pqxx::nontransaction{c}.exec("SELECT 1");
    return 0;
  });
}

} // namespace streamify::persistence
