#include "persistence/common/binary_copy.hpp"

#include <libpq-fe.h>

namespace streamify::persistence {

binary_copy::binary_copy(size_t rows, size_t columns)
  : columns_(static_cast<int16_t>(columns)) {
  buf_.reserve(32 + rows * columns * 24);
  static constexpr char signature[] = "PGCOPY\n\377\r\n";
  buf_.append(signature, sizeof(signature)); // with its final '\0'
  put32(0); // flags
  put32(0); // header extension length
}

binary_copy& binary_copy::row() {
  put16(columns_);
  ++rows_;
  return *this;
}

binary_copy& binary_copy::text(const std::string& x) {
  put32(static_cast<int32_t>(x.size()));
  buf_ += x;
  return *this;
}

binary_copy& binary_copy::number(int64_t x) {
  put32(8);
  put64(static_cast<uint64_t>(x));
  return *this;
}

binary_copy& binary_copy::timestamp(int64_t ms) {
  constexpr int64_t pg_epoch_ms = 946'684'800'000; // 2000-01-01, in µs there
  return number((ms - pg_epoch_ms) * 1000);
}

binary_copy& binary_copy::null() {
  put32(-1);
  return *this;
}

void binary_copy::send(pg_link& link, pqxx::transaction_base& txn,
                       const std::string& table,
                       const std::vector<std::string>& columns) {
  put16(-1); // trailer
  std::string query = "COPY " + table + " (";
  for (size_t i = 0; i < columns.size(); ++i)
    query += (i > 0 ? ", " : "") + columns[i];
  query += ") FROM STDIN (FORMAT binary)";
  txn.exec(query);
  auto* conn = link.handle();
  if (PQputCopyData(conn, buf_.data(), static_cast<int>(buf_.size())) != 1
      || PQputCopyEnd(conn, nullptr) != 1)
    throw pqxx::broken_connection(PQerrorMessage(conn));
  std::string error;
  std::string state;
  while (PGresult* r = PQgetResult(conn)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && error.empty()) {
      error = PQresultErrorMessage(r);
      if (const char* code = PQresultErrorField(r, PG_DIAG_SQLSTATE))
        state = code;
    }
    PQclear(r);
  }
  if (PQstatus(conn) == CONNECTION_BAD)
    throw pqxx::broken_connection(error.empty() ? PQerrorMessage(conn) : error);
  if (state == "23505")
    throw pqxx::unique_violation(error, query, state.c_str());
  if (!error.empty())
    throw pqxx::sql_error(error, query, state.c_str());
}

// Big-endian, as the binary format has it.
void binary_copy::put16(int16_t x) {
  auto u = static_cast<uint16_t>(x);
  const char b[2] = {static_cast<char>(u >> 8), static_cast<char>(u)};
  buf_.append(b, sizeof(b));
}

void binary_copy::put32(int32_t x) {
  auto u = static_cast<uint32_t>(x);
  const char b[4] = {static_cast<char>(u >> 24), static_cast<char>(u >> 16),
                     static_cast<char>(u >> 8), static_cast<char>(u)};
  buf_.append(b, sizeof(b));
}

void binary_copy::put64(uint64_t x) {
  char b[8];
  for (int i = 7; i >= 0; --i, x >>= 8)
    b[i] = static_cast<char>(x);
  buf_.append(b, sizeof(b));
}

} // namespace streamify::persistence
