// The reference of streamify-billing-bench: pgbench running the SQL of the
// ledger writer on the same server.
#include "tests/bench/billing_pgbench.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include <pqxx/pqxx>
#include <unistd.h>

namespace streamify::bench {

namespace {

std::string run_capture(const std::string& cmd) {
  std::string out;
  if (auto* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof(buf), p))
      out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

double parse_tps(const std::string& out) {
  auto pos = out.find("tps = ");
  if (pos == std::string::npos)
    return -1;
  return std::stod(out.substr(pos + 6));
}

std::string pgbench_bin() {
  for (const char* p : {"/usr/lib/postgresql/15/bin/pgbench", "/usr/bin/pgbench"})
    if (::access(p, X_OK) == 0)
      return p;
  return "pgbench";
}

} // namespace

// pgbench on a database of its own with the ledger schema: the statements of
// one charge (conditional debit, two credits, transaction row (which is the
// outbox row too), three entries) as one transaction per charge, and as one set-based
// transaction per 100 charges like the writer's batches.
pgbench_rates pgbench_charges(const std::string& url, int wallets,
                              int creators, int seconds) {
  pgbench_rates r;
  {
    pqxx::connection c{url};
    pqxx::work txn{c};
    txn.exec("INSERT INTO accounts (id, kind, balance_cents)"
             " SELECT 'pv' || g, 'user', 1000000000 FROM generate_series(1, "
             + std::to_string(wallets) + ") g");
    txn.exec("INSERT INTO accounts (id, kind) SELECT 'pc' || g, 'user'"
             " FROM generate_series(1, " + std::to_string(creators) + ") g");
    txn.commit();
  }
  auto dir = std::string{"/tmp/streamify-pgbench-"} + std::to_string(::getpid());
  std::string mk = "mkdir -p " + dir;
  std::system(mk.c_str());
  auto w = std::to_string(wallets);
  auto c = std::to_string(creators);
  {
    std::ofstream f{dir + "/single.sql"};
    f << "\\set v random(1, " << w << ")\n"
      << "\\set c random(1, " << c << ")\n"
      << "BEGIN;\n"
      << "UPDATE accounts SET balance_cents = balance_cents - 10, spent_cents"
         " = spent_cents + 10 WHERE id = 'pv' || :v AND balance_cents >= 10"
         " AND owner_epoch = 0;\n"
      << "UPDATE accounts SET balance_cents = balance_cents + 8, earned_cents"
         " = earned_cents + 8 WHERE id = 'pc' || :c;\n"
      << "UPDATE accounts SET balance_cents = balance_cents + 2 WHERE id ="
         " 'platform:revenue';\n"
      << "WITH t AS (INSERT INTO ledger_transactions (id, key, kind,"
         " subject_id, fingerprint, amount_cents, counterparty_id, session_id,"
         " minute_index, subject_balance_after_cents, creator_cents,"
         " fee_cents, created_at) VALUES (md5(random()::text), 'k' ||"
         " md5(random()::text), 'charge', 'pv' || :v, 'fp', 10, 'pc' || :c,"
         " 's', 0, 0, 8, 2, now()) ON CONFLICT (key) DO NOTHING RETURNING id)"
         " INSERT INTO ledger_entries (transaction_id, account_id, kind,"
         " amount_cents, balance_after_cents) SELECT t.id, x.a, x.k, x.m, 0"
         " FROM t, (VALUES ('pv' || :v, 'charge', -10), ('pc' || :c,"
         " 'earning', 8), ('platform:revenue', 'fee', 2)) AS x(a, k, m);\n"
      << "END;\n";
  }
  {
    std::ofstream f{dir + "/batch.sql"};
    f << "\\set v random(1, " << w << ")\n"
      << "BEGIN;\n"
      << "SELECT id FROM accounts WHERE id = ANY(ARRAY(SELECT 'pv' || ((:v +"
         " g) % " << w << " + 1) FROM generate_series(1, 100) g) ||"
         " ARRAY(SELECT 'pc' || g FROM generate_series(1, " << c << ") g) ||"
         " ARRAY['platform:revenue']) ORDER BY id FOR UPDATE;\n"
      << "WITH t AS (INSERT INTO ledger_transactions (id, key, kind,"
         " subject_id, fingerprint, amount_cents, counterparty_id, session_id,"
         " minute_index, subject_balance_after_cents, creator_cents,"
         " fee_cents, created_at) SELECT md5(random()::text), 'k' ||"
         " md5(random()::text), 'charge', 'pv' || ((:v + g) % " << w
      << " + 1), 'fp', 10, 'pc' || (g % " << c << " + 1), 's', 0, 0, 8, 2,"
         " now()"
         " FROM generate_series(1, 100) g ON CONFLICT (key) DO NOTHING"
         " RETURNING id, subject_id, counterparty_id)"
         " INSERT INTO ledger_entries (transaction_id, account_id, kind,"
         " amount_cents, balance_after_cents) SELECT t.id, x.a, x.k, x.m, 0"
         " FROM t, LATERAL (VALUES (t.subject_id, 'charge', -10),"
         " (t.counterparty_id, 'earning', 8), ('platform:revenue', 'fee', 2))"
         " AS x(a, k, m);\n"
      << "UPDATE accounts a SET balance_cents = a.balance_cents + v.d,"
         " spent_cents = a.spent_cents + v.s FROM (SELECT 'pv' || ((:v + g) % "
      << w << " + 1) AS id, sum(-10) AS d, sum(10) AS s FROM"
         " generate_series(1, 100) g GROUP BY 1) v WHERE a.id = v.id AND"
         " a.balance_cents + v.d >= 0;\n"
      << "UPDATE accounts a SET balance_cents = a.balance_cents + v.d,"
         " earned_cents = a.earned_cents + v.d FROM (SELECT 'pc' || (g % "
      << c << " + 1) AS id, sum(8) AS d FROM generate_series(1, 100) g GROUP"
         " BY 1) v WHERE a.id = v.id;\n"
      << "UPDATE accounts SET balance_cents = balance_cents + 200 WHERE id ="
         " 'platform:revenue';\n"
      << "END;\n";
  }
  auto secs = std::to_string(seconds);
  auto base = pgbench_bin() + " -n -T " + secs + " ";
  auto out1 = run_capture(base + "-c 32 -j 2 -f " + dir + "/single.sql '" + url
                          + "' 2>&1");
  r.single = parse_tps(out1);
  if (r.single < 0)
    std::cerr << "pgbench (one charge per transaction) failed:\n"
              << out1.substr(0, 2000) << "\n";
  auto out2 = run_capture(base + "-c 2 -j 2 -f " + dir + "/batch.sql '" + url
                          + "' 2>&1");
  r.batched = parse_tps(out2);
  if (r.batched < 0)
    std::cerr << "pgbench (100 charges per transaction) failed:\n"
              << out2.substr(0, 2000) << "\n";
  else
    r.batched *= 100;
  std::string rm = "rm -rf " + dir;
  std::system(rm.c_str());
  return r;
}

} // namespace streamify::bench
