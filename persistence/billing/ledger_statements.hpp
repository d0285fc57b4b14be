#pragma once

#include <string>
#include <vector>

#include "persistence/common/pg_connection.hpp"

// The ledger's named SQL statements and the key formats they rely on.
namespace streamify::persistence::ledger_sql {

const std::vector<named_statement>& statements();

// The key range of a session's charges: 'charge:<session>:' <= key <
// 'charge:<session>;' (';' follows ':'; session ids hold no ':').
std::string session_key_from(const std::string& session_id);
std::string session_key_to(const std::string& session_id);

// The kind of an account that exists: the system accounts are the only ones
// that are not users' (user ids cannot contain ':').
std::string account_kind(const std::string& id);

} // namespace streamify::persistence::ledger_sql
