#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include <httplib.h>

namespace streamify::gateway {

// Receives one multipart upload as httplib's ContentReader delivers it: the
// `file` part goes straight to a partial file in the videos folder (memory
// stays flat whatever the size), the other parts are small text fields. The
// partial file is removed on destruction unless `keep` named it.
class upload_receiver {
public:
  enum class problem { none, too_large, not_a_video, bad_form, io_error };

  upload_receiver(std::string videos_dir, int64_t size_limit);
  ~upload_receiver();
  upload_receiver(const upload_receiver&) = delete;
  upload_receiver& operator=(const upload_receiver&) = delete;

  // The two ContentReader callbacks; false stops reading.
  bool on_part(const httplib::MultipartFormData& part);
  bool on_data(const char* data, size_t size);
  // Call once reading returned true: closes the file and classifies a file
  // too short to have been classified while streaming.
  bool finish();

  problem error() const { return problem_; }
  bool has_file() const { return file_started_; }
  const std::string& mime_type() const { return mime_type_; }
  int64_t size() const { return size_; }
  // A text field, if the form carried it.
  const std::string* field(const std::string& name) const;

  // Renames the partial file to its final server-generated name and returns
  // that name; from now on the caller owns the file.
  std::string keep(const std::string& base_name);
  // Path of a kept file, for removing it when the catalog refuses it.
  std::string path_of(const std::string& file_name) const;

private:
  bool fail(problem p);
  bool classify();
  bool write(const char* data, size_t size);

  std::string dir_;
  int64_t limit_;
  std::string partial_path_;
  std::FILE* file_ = nullptr;
  bool in_file_part_ = false;
  bool file_started_ = false;
  bool classified_ = false;
  std::string head_;
  std::string mime_type_;
  int64_t size_ = 0;
  int64_t field_bytes_ = 0;
  std::string current_field_;
  std::map<std::string, std::string> fields_;
  problem problem_ = problem::none;
};

} // namespace streamify::gateway
