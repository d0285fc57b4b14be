#pragma once

#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "persistence/billing/ledger_batch_sql.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

// Why one attempt of a ledger transaction did not return.
enum class ledger_failure {
  raced,           // the database disagreed with the plan: plan again
  repeated_key,    // a unique key was taken meanwhile (or before)
  rolled_back,     // deadlock or serialization failure: plan again
  outcome_unknown, // the commit (or a statement) may or may not have run
  connection_lost, // before COMMIT: nothing of the attempt committed
  failed,          // any other SQL error
};

// Attempts of one ledger transaction, at most this many.
inline constexpr int ledger_max_attempts = 5;

// The one retry policy of the ledger: runs `attempt(n)` for n = 1, 2, ...
// until it returns, and after each failure asks `decide(n, failure, what)`:
// a value is the answer, nothing means try again. Past ledger_max_attempts
// `give_up()` answers. An unknown outcome also drops the connection, so the
// next call starts on a new one.
template <class Attempt, class Decide, class GiveUp>
auto with_ledger_retries(pg_connection& db, Attempt attempt, Decide decide,
                         GiveUp give_up) -> decltype(attempt(1)) {
  for (int n = 1;; ++n) {
    ledger_failure failure;
    std::string what;
    try {
      return attempt(n);
    } catch (const ledger_sql::batch_race& e) {
      failure = ledger_failure::raced;
      what = e.what();
    } catch (const pqxx::unique_violation& e) {
      failure = ledger_failure::repeated_key;
      what = e.what();
    } catch (const pqxx::statement_completion_unknown& e) {
      failure = ledger_failure::outcome_unknown;
      what = e.what();
    } catch (const pqxx::transaction_rollback& e) {
      failure = ledger_failure::rolled_back;
      what = e.what();
    } catch (const pqxx::in_doubt_error& e) {
      failure = ledger_failure::outcome_unknown;
      what = e.what();
    } catch (const unavailable& e) {
      failure = ledger_failure::connection_lost;
      what = e.what();
    } catch (const pqxx::sql_error& e) {
      failure = ledger_failure::failed;
      what = std::string{e.what()} + " [" + e.query() + "]";
    }
    if (failure == ledger_failure::outcome_unknown)
      db.reset();
    if (auto answer = decide(n, failure, what))
      return std::move(*answer);
    if (n >= ledger_max_attempts)
      return give_up();
  }
}

} // namespace streamify::persistence
