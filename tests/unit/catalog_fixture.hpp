#pragma once

// Shared by the catalog DSL tests: the catalog role with an in-memory store,
// a manual clock, a temporary storage folder and fake media and transcode
// workers that keep the contracts in actors/catalog/messages.hpp.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <caf/test/dsl.hpp>

#include "actors/catalog/catalog_actor.hpp"
#include "actors/catalog/catalog_rules.hpp"
#include "actors/catalog/catalog_worker.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/message_types.hpp"
#include "persistence/catalog/memory_video_store.hpp"
#include "tests/unit/request_and_run.hpp"

namespace streamify::catalog_test {

using namespace streamify;
using namespace streamify::catalog;

struct test_config : caf::actor_system_config {
  test_config() {
    streamify::add_message_types(*this);
  }
};

// Stands in for ffprobe/ffmpeg: answers every video with the same facts.
inline media_worker_actor::behavior_type fake_media(media_worker_actor::pointer,
                                             media_facts facts) {
  return {
    [facts](process_atom, const std::string&, const std::string&) {
      return facts;
    },
  };
}

// Stands in for ffmpeg: reports 50% to the requester, then answers every
// job with `result`.
inline transcode_worker_actor::behavior_type
fake_transcoder(transcode_worker_actor::pointer self, transcode_result result) {
  return {
    [self, result](transcode_atom, const transcode_job& job) {
      caf::anon_send(caf::actor_cast<catalog_actor>(self->current_sender()),
                     progress_atom::value, job.video_id, int32_t{50});
      return result;
    },
  };
}

inline transcode_result two_renditions();

// Stands in for a slow ffmpeg: keeps every job until a job without a video
// (the test's signal) makes it answer the oldest one kept.
using held_jobs = std::vector<
  std::pair<transcode_job, caf::typed_response_promise<transcode_result>>>;

inline transcode_worker_actor::behavior_type
holding_transcoder(transcode_worker_actor::pointer self,
                   std::shared_ptr<held_jobs> held) {
  return {
    [self, held](transcode_atom, const transcode_job& job)
      -> caf::result<transcode_result> {
      if (job.video_id.empty()) {
        for (auto& [kept, rp] : *held)
          if (rp.pending()) {
            rp.deliver(two_renditions());
            break;
          }
        return transcode_result{};
      }
      auto rp = self->make_response_promise<transcode_result>();
      held->emplace_back(job, rp);
      return rp;
    },
  };
}

inline transcode_result two_renditions() {
  transcode_result r;
  r.ok = true;
  r.renditions = {{"240p", 426, 240, 563'200}, {"360p", 640, 360, 1'161'600}};
  return r;
}

struct fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<persistence::memory_video_store> store
    = std::make_shared<persistence::memory_video_store>();
  std::shared_ptr<manual_clock> clk
    = std::make_shared<manual_clock>(1'800'000'000'000);
  std::filesystem::path dir = std::filesystem::temp_directory_path()
                              / ("catalog-test-" + std::to_string(::getpid()));
  storage_paths paths;
  media_facts facts;
  catalog_worker_actor worker;
  media_worker_actor media;
  transcode_worker_actor transcoder;
  catalog_actor role;

  fixture() {
    paths = storage_under(dir.string());
    std::filesystem::create_directories(paths.videos_dir);
    std::filesystem::create_directories(paths.thumbnails_dir);
    facts.ok = true;
    facts.duration_ms = 3000;
    facts.video_codec = "vp9";
    worker = sys.spawn(catalog_worker, store, paths);
    media = sys.spawn(fake_media, facts);
    transcoder = sys.spawn(fake_transcoder, two_renditions());
    role = start_role();
    run();
  }

  catalog_actor start_role() {
    return sys.spawn(catalog_role, std::vector<catalog_worker_actor>{worker},
                     std::vector<media_worker_actor>{media},
                     std::vector<transcode_worker_actor>{transcoder},
                     catalog_settings{}, clk);
  }

  ~fixture() {
    std::filesystem::remove_all(dir);
  }

  template <class T, class... Ts>
  caf::expected<T> call(Ts&&... xs) {
    return streamify::test::request_and_run<T>(self, role, [this] { run(); },
                                               std::forward<Ts>(xs)...);
  }

  new_video upload(const std::string& owner, const std::string& title,
                   int64_t price = 10, const std::string& category = "") {
    auto file = random_name();
    std::ofstream{paths.videos_dir + "/" + file} << "bytes";
    return new_video{owner, "Owner " + owner, title, "about " + title,
                     category, price, file, "video/webm", 5};
  }

  video_info create(const std::string& owner, const std::string& title,
                    int64_t price = 10) {
    auto r = call<video_info>(create_video_atom::value,
                              upload(owner, title, price));
    CAF_REQUIRE(r);
    clk->advance_ms(1000);
    return *r;
  }

  // A row of ann's straight into the store, as a node before this one left it.
  void insert_row(const std::string& id, const std::string& status,
                  const std::string& file_name) {
    persistence::video_row row;
    row.id = id;
    row.owner_id = "ann";
    row.title = "Left by " + id;
    row.category = "general";
    row.status = status;
    row.file_name = file_name;
    store->insert(row);
  }

  std::string random_name() {
    static int n = 0;
    return "file" + std::to_string(++n) + ".webm";
  }

  video_page list(video_query q) {
    auto r = call<video_page>(list_videos_atom::value, q);
    CAF_REQUIRE(r);
    return *r;
  }
};


} // namespace streamify::catalog_test
