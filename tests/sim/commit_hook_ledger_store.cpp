#include "tests/sim/commit_hook_ledger_store.hpp"

namespace streamify::sim {

namespace p = streamify::persistence;

commit_hook_ledger_store::commit_hook_ledger_store(
  std::shared_ptr<p::memory_ledger_store> inner, hook after_commit)
  : inner_(std::move(inner)), after_commit_(std::move(after_commit)) {}

p::wallet_claim commit_hook_ledger_store::claim(const std::string& user_id) {
  return inner_->claim(user_id);
}

std::vector<p::movement_outcome>
commit_hook_ledger_store::apply(const std::vector<p::movement>& batch) {
  auto outcomes = inner_->apply(batch);
  after_commit_(batch);
  return outcomes;
}

p::refund_outcome commit_hook_ledger_store::refund(const p::refund_command& cmd) {
  return inner_->refund(cmd);
}

p::account_summary
commit_hook_ledger_store::summary(const std::string& user_id) {
  return inner_->summary(user_id);
}

p::entries_page commit_hook_ledger_store::entries(const std::string& user_id,
                                                  int64_t before,
                                                  int64_t limit) {
  return inner_->entries(user_id, before, limit);
}

std::optional<p::session_parties>
commit_hook_ledger_store::parties(const std::string& session_id) {
  return inner_->parties(session_id);
}

p::reconcile_report commit_hook_ledger_store::reconcile() {
  return inner_->reconcile();
}

std::vector<p::outbox_row>
commit_hook_ledger_store::read_outbox(const std::string& cursor, int64_t limit,
                                      std::string& next_cursor) {
  return inner_->read_outbox(cursor, limit, next_cursor);
}

void commit_hook_ledger_store::ping() {
  inner_->ping();
}

} // namespace streamify::sim
