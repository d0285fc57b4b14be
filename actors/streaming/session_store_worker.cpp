#include "actors/streaming/session_store_worker.hpp"

#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/errc.hpp"
#include "actors/common/guarded.hpp"
#include "actors/streaming/billing_rules.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify::streaming {

namespace {

constexpr const char* db = "the session database";

// "<started_at_ms>.<id>"; anything else is a bad cursor.
std::optional<persistence::history_cursor>
decode_cursor(const std::string& text, bool& bad) {
  bad = false;
  if (text.empty())
    return std::nullopt;
  auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()
      || dot > 18) {
    bad = true;
    return std::nullopt;
  }
  int64_t started = 0;
  for (size_t i = 0; i < dot; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      bad = true;
      return std::nullopt;
    }
    started = started * 10 + (text[i] - '0');
  }
  return persistence::history_cursor{started, text.substr(dot + 1)};
}

history_item to_item(const persistence::session_row& row) {
  history_item item{row.id,        row.video_id,      row.title,
                    row.started_at_ms, row.billed_ms, row.charged_cents,
                    row.position_ms, caf::none};
  if (auto resume = resume_position_ms(row.position_ms, row.duration_ms))
    item.resume_ms = *resume;
  return item;
}

} // namespace

session_store_actor::behavior_type session_store_worker(
  session_store_actor::stateful_pointer<session_store_worker_state> self,
  std::shared_ptr<persistence::session_store> store) {
  self->state.store = std::move(store);
  self->state.stats
    = actor_stats::node().enroll("session_store", std::to_string(self->id()));
  return {
    [self](save_atom, persistence::session_row& row) -> caf::result<bool> {
      record_message(self->state.stats, self);
      return guarded<bool>(db, [&]() -> caf::result<bool> {
        self->state.store->save(row);
        return true;
      });
    },
    [self](find_atom, std::string& id)
      -> caf::result<persistence::session_row> {
      record_message(self->state.stats, self);
      return guarded<persistence::session_row>(db,
        [&]() -> caf::result<persistence::session_row> {
          auto row = self->state.store->find(id);
          if (!row)
            return fail(errc::not_found, "session_not_found",
                        "no such session");
          return std::move(*row);
        });
    },
    [self](history_atom, history_request& req) -> caf::result<history_page> {
      record_message(self->state.stats, self);
      return guarded<history_page>(db, [&]() -> caf::result<history_page> {
        bool bad = false;
        auto before = decode_cursor(req.cursor, bad);
        if (bad)
          return fail(errc::bad_request, "invalid_cursor", "cursor is not valid");
        auto rows = self->state.store->by_viewer(req.viewer_id, req.limit + 1,
                                                 before);
        history_page page;
        for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(req.limit);
             ++i)
          page.items.push_back(to_item(rows[i]));
        if (rows.size() > static_cast<size_t>(req.limit)) {
          const auto& last = rows[static_cast<size_t>(req.limit) - 1];
          page.next_cursor = std::to_string(last.started_at_ms) + "."
                             + last.id;
        }
        return page;
      });
    },
    [self](ping_atom) -> caf::result<bool> {
      record_message(self->state.stats, self);
      return guarded<bool>(db, [&]() -> caf::result<bool> {
        self->state.store->ping();
        return true;
      });
    },
  };
}

} // namespace streamify::streaming
