#include "nodes/roles.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include <caf/actor_cast.hpp>
#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <spdlog/spdlog.h>

#include "actors/auth/auth_actor.hpp"
#include "actors/auth/auth_worker.hpp"
#include "actors/auth/validation.hpp"
#include "actors/catalog/catalog_worker.hpp"
#include "actors/catalog/media_worker.hpp"
#include "actors/catalog/transcode_worker.hpp"
#include "actors/billing/billing_actor.hpp"
#include "actors/billing/ledger_rules.hpp"
#include "actors/common/ids.hpp"
#include "actors/streaming/session_store_worker.hpp"
#include "actors/streaming/streaming_actor.hpp"
#include "persistence/auth/user_repository.hpp"
#include "persistence/catalog/video_repository.hpp"
#include "persistence/streaming/session_repository.hpp"
#include "persistence/billing/ledger_repository.hpp"
#include "persistence/common/migrations.hpp"
#include "actors/analytics/analytics_worker.hpp"
#include "persistence/analytics/analytics_repository.hpp"

namespace streamify::node {

namespace {

void migrate_with_retry(const std::string& url, const std::string& domain,
                        const std::vector<persistence::migration>& all) {
  for (int attempt = 1;; ++attempt) {
    try {
      persistence::migrate(url, domain, all);
      return;
    } catch (const pqxx::broken_connection& e) {
      if (attempt >= 30)
        throw;
      spdlog::warn("database of {} unreachable (attempt {}), retrying", domain,
                   attempt);
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
}

std::shared_ptr<const auth::password_hasher> make_hasher(const node_config& cfg) {
  return std::make_shared<auth::password_hasher>(
    static_cast<uint64_t>(cfg.pwhash_ops),
    static_cast<size_t>(cfg.pwhash_mem_kib) * 1024);
}

} // namespace

caf::actor start_auth_role(caf::actor_system& sys, const node_config& cfg,
                           std::shared_ptr<const clock> clk) {
  migrate_with_retry(cfg.auth_db, "auth", persistence::auth_migrations());
  auto hasher = make_hasher(cfg);
  std::vector<auth::auth_worker_actor> workers;
  for (int64_t i = 0; i < std::max<int64_t>(1, cfg.auth_workers); ++i)
    workers.push_back(sys.spawn<caf::detached>(
      auth::auth_worker,
      std::make_shared<persistence::user_repository>(cfg.auth_db), hasher,
      clk));
  auto role = sys.spawn(auth::auth_role, workers, cfg.auth_settings(), hasher,
                        clk);
  spdlog::info("auth role started with {} workers", workers.size());
  return caf::actor_cast<caf::actor>(role);
}

caf::actor start_catalog_role(caf::actor_system& sys, const node_config& cfg,
                              std::shared_ptr<const clock> clk) {
  migrate_with_retry(cfg.catalog_db, "catalog",
                     persistence::catalog_migrations());
  auto paths = catalog::storage_under(cfg.data_dir);
  std::filesystem::create_directories(paths.videos_dir);
  std::filesystem::create_directories(paths.thumbnails_dir);
  std::filesystem::create_directories(paths.videos_dir + "/hls");
  // Partial uploads of a node that stopped mid-upload.
  for (const auto& entry : std::filesystem::directory_iterator(paths.videos_dir))
    if (entry.path().extension() == ".part")
      std::filesystem::remove(entry.path());
  // Half-made ladders; their videos are transcoded again.
  for (const auto& entry :
       std::filesystem::directory_iterator(paths.videos_dir + "/hls"))
    if (entry.path().extension() == ".tmp")
      std::filesystem::remove_all(entry.path());
  std::vector<catalog::catalog_worker_actor> workers;
  for (int64_t i = 0; i < std::max<int64_t>(1, cfg.catalog_workers); ++i)
    workers.push_back(sys.spawn<caf::detached>(
      catalog::catalog_worker,
      std::make_shared<persistence::video_repository>(cfg.catalog_db), paths));
  std::vector<catalog::media_worker_actor> media;
  catalog::media_tools tools;
  tools.timeout_s = cfg.catalog_media_timeout;
  for (int64_t i = 0; i < std::max<int64_t>(1, cfg.catalog_media_workers); ++i)
    media.push_back(sys.spawn<caf::detached>(catalog::media_worker, paths, tools));
  catalog::transcode_settings transcode;
  transcode.tools = tools;
  transcode.segment_seconds
    = static_cast<int>(std::clamp<int64_t>(cfg.media_segment_seconds, 1, 30));
  transcode.nice
    = static_cast<int>(std::clamp<int64_t>(cfg.media_transcode_nice, 0, 19));
  std::vector<catalog::transcode_worker_actor> transcoders;
  for (int64_t i = 0; i < std::max<int64_t>(1, cfg.media_transcode_jobs); ++i)
    transcoders.push_back(sys.spawn<caf::detached>(catalog::transcode_worker,
                                                   paths, transcode));
  auto role = sys.spawn(catalog::catalog_role, workers, media, transcoders,
                        cfg.catalog_settings(), clk);
  // A running FFmpeg would hold the node's shutdown for minutes: it is
  // killed when the role stops (its video is transcoded at the next start).
  role->attach_functor([cancel = transcode.cancel] { *cancel = true; });
  spdlog::info("catalog role started with {} database, {} media and {} "
               "transcode workers",
               workers.size(), media.size(), transcoders.size());
  return caf::actor_cast<caf::actor>(role);
}

caf::actor start_streaming_role(caf::actor_system& sys, const node_config& cfg,
                                std::shared_ptr<const clock> clk,
                                caf::actor billing, caf::actor catalog) {
  auto settings = cfg.streaming_settings();
  migrate_with_retry(cfg.streaming_db, "streaming",
                     persistence::streaming_migrations());
  auto live = persistence::session_repository{cfg.streaming_db}.live();
  std::vector<streaming::session_store_actor> workers;
  for (int64_t i = 0; i < std::max<int64_t>(1, cfg.streaming_workers); ++i)
    workers.push_back(sys.spawn<caf::detached>(
      streaming::session_store_worker,
      std::make_shared<persistence::session_repository>(cfg.streaming_db)));
  auto role = sys.spawn(streaming::streaming_role, settings, std::move(billing),
                        std::move(catalog), workers, live, clk);
  spdlog::info("streaming role started: {} live sessions resumed or swept",
               live.size());
  return caf::actor_cast<caf::actor>(role);
}

caf::actor start_billing_role(caf::actor_system& sys, const node_config& cfg,
                              std::shared_ptr<const clock> clk,
                              billing::billing_shards shards) {
  migrate_with_retry(cfg.billing_db, "billing",
                     persistence::billing_migrations());
  auto url = cfg.billing_db;
  auto topology = cfg.billing_topology();
  if (!shards.nodes.empty()) {
    spdlog::info("billing: this node is {} of the {} billing nodes",
                 shards.map.name(shards.self), shards.map.size());
    topology.settings.wallet.reclaim_when_moved = false;
    topology.settings.shards = std::move(shards);
  }
  auto role = billing::spawn_billing(
    sys, topology,
    [url] {
      return std::make_shared<persistence::ledger_repository>(
        url, billing::ordered_id);
    },
    std::make_shared<billing::sandbox_provider>(), clk, billing::ordered_id);
  spdlog::info("billing role started with {} ledger writers (batches up to "
               "{}) and {} readers",
               topology.writers, topology.writer.batch_max, topology.readers);
  return caf::actor_cast<caf::actor>(role);
}

caf::actor start_analytics_role(caf::actor_system& sys, const node_config& cfg,
                                caf::actor billing) {
  migrate_with_retry(cfg.analytics_db, "analytics",
                     persistence::analytics_migrations());
  auto worker = [&] {
    return sys.spawn<caf::detached>(
      analytics::analytics_worker,
      std::make_shared<persistence::analytics_repository>(cfg.analytics_db));
  };
  auto settings = cfg.analytics_settings();
  auto role = sys.spawn(analytics::analytics_role, settings, std::move(billing),
                        worker(), worker());
  spdlog::info("analytics role started, polling every {} ms",
               cfg.analytics_poll_ms);
  return caf::actor_cast<caf::actor>(role);
}

caf::actor start_activity_relay(caf::actor_system& sys, const node_config& cfg,
                                caf::actor analytics) {
  auto relay = sys.spawn(analytics::activity_relay,
                         cfg.activity_relay_settings(), std::move(analytics),
                         random_id());
  // Where the roles' track() finds it.
  sys.registry().put(analytics::registry_name, relay);
  return caf::actor_cast<caf::actor>(relay);
}

int reconcile(const node_config& cfg) {
  try {
    auto report = persistence::reconcile_ledger(cfg.billing_db);
    std::cout << "reconcile: " << report.to_string() << std::endl;
    if (report.ok()) {
      std::cout << "reconcile: zero differences" << std::endl;
      return 0;
    }
    std::cout << "reconcile: " << report.differences() << " differences"
              << std::endl;
    return 1;
  } catch (const std::exception& e) {
    std::cout << "reconcile: cannot check the ledger: " << e.what()
              << std::endl;
    return 2;
  }
}

int create_admin(const node_config& cfg, const std::string& password) {
  auto email = cfg.create_admin;
  for (auto msg : {auth::check_email(email), auth::check_password(password)})
    if (!msg.empty()) {
      spdlog::error("cannot create admin: {}", msg);
      return 2;
    }
  migrate_with_retry(cfg.auth_db, "auth", persistence::auth_migrations());
  persistence::user_repository users{cfg.auth_db};
  auto hash = make_hasher(cfg)->hash(password);
  if (auto row = users.find_by_email(ascii_lower(email))) {
    row->role = "admin";
    row->password_hash = hash;
    users.update(*row);
    spdlog::info("promoted {} to admin (id {})", email, row->id);
    return 0;
  }
  persistence::user_row row{random_id(), email,  ascii_lower(email),
                            "Administrator", "admin", hash,
                            system_clock{}.now_ms()};
  if (!users.insert(row)) {
    spdlog::error("cannot create admin: {} was taken meanwhile", email);
    return 1;
  }
  spdlog::info("created admin {} (id {})", email, row.id);
  return 0;
}

} // namespace streamify::node
