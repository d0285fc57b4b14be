#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

// The rows of one COPY in PostgreSQL's binary format, built in one buffer
// and sent in one piece: nothing is escaped here or parsed by the server
// (the text format's parsing, timestamps most of all, was a visible share of
// the server's time per ledger charge).
class binary_copy {
public:
  binary_copy(size_t rows, size_t columns);

  // Starts the next row; every row then gives all its columns in order.
  binary_copy& row();
  binary_copy& text(const std::string& x);
  // Empty text is NULL.
  binary_copy& text_or_null(const std::string& x) {
    return x.empty() ? null() : text(x);
  }
  binary_copy& number(int64_t x);
  // A negative number is NULL.
  binary_copy& number_or_null(int64_t x) {
    return x < 0 ? null() : number(x);
  }
  // A timestamptz from milliseconds since 1970.
  binary_copy& timestamp(int64_t ms);
  binary_copy& null();
  bool empty() const { return rows_ == 0; }

  // COPY table (columns) FROM STDIN (FORMAT binary) with all rows, in `txn`,
  // which runs on `link` (pqxx 6.4 cannot send binary COPY: it ends every
  // piece of COPY data with a newline). A unique key that is taken throws
  // pqxx::unique_violation, like a statement would.
  void send(pg_link& link, pqxx::transaction_base& txn,
            const std::string& table, const std::vector<std::string>& columns);

private:
  void put16(int16_t x);
  void put32(int32_t x);
  void put64(uint64_t x);

  int16_t columns_;
  size_t rows_ = 0;
  std::string buf_;
};

} // namespace streamify::persistence
