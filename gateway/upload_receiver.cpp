#include "gateway/upload_receiver.hpp"

#include "actors/catalog/container_sniff.hpp"
#include "actors/common/ids.hpp"

namespace streamify::gateway {

namespace {

// Enough for the container check (ftyp at 4, the EBML DocType within it).
constexpr size_t head_size = 64;
// All text fields together (title, description, ...).
constexpr int64_t fields_limit = 64 * 1024;

} // namespace

upload_receiver::upload_receiver(std::string videos_dir, int64_t size_limit)
  : dir_(std::move(videos_dir)), limit_(size_limit) {
}

upload_receiver::~upload_receiver() {
  if (file_)
    std::fclose(file_);
  if (!partial_path_.empty())
    std::remove(partial_path_.c_str());
}

bool upload_receiver::fail(problem p) {
  if (problem_ == problem::none)
    problem_ = p;
  return false;
}

bool upload_receiver::on_part(const httplib::MultipartFormData& part) {
  if (in_file_part_ && !classified_ && !classify())
    return false;
  in_file_part_ = part.name == "file";
  current_field_.clear();
  if (!in_file_part_) {
    if (fields_.count(part.name))
      return fail(problem::bad_form);
    current_field_ = part.name;
    fields_[part.name];
    return true;
  }
  if (file_started_)
    return fail(problem::bad_form);
  file_started_ = true;
  partial_path_ = dir_ + "/.upload-" + random_id() + ".part";
  file_ = std::fopen(partial_path_.c_str(), "wbx");
  if (!file_) {
    partial_path_.clear();
    return fail(problem::io_error);
  }
  return true;
}

bool upload_receiver::on_data(const char* data, size_t size) {
  if (!in_file_part_) {
    field_bytes_ += static_cast<int64_t>(size);
    if (field_bytes_ > fields_limit)
      return fail(problem::bad_form);
    fields_[current_field_].append(data, size);
    return true;
  }
  size_ += static_cast<int64_t>(size);
  if (size_ > limit_)
    return fail(problem::too_large);
  if (classified_)
    return write(data, size);
  auto take = std::min(size, head_size - head_.size());
  head_.append(data, take);
  if (head_.size() < head_size)
    return true;
  if (!classify())
    return false;
  return write(data + take, size - take);
}

bool upload_receiver::classify() {
  mime_type_ = catalog::detect_container(head_);
  if (mime_type_.empty())
    return fail(problem::not_a_video);
  classified_ = true;
  return write(head_.data(), head_.size());
}

bool upload_receiver::write(const char* data, size_t size) {
  if (size > 0 && std::fwrite(data, 1, size, file_) != size)
    return fail(problem::io_error);
  return true;
}

bool upload_receiver::finish() {
  if (file_started_ && !classified_ && !classify())
    return false;
  if (file_ && std::fclose(file_) != 0) {
    file_ = nullptr;
    return fail(problem::io_error);
  }
  file_ = nullptr;
  return true;
}

const std::string* upload_receiver::field(const std::string& name) const {
  auto i = fields_.find(name);
  return i == fields_.end() ? nullptr : &i->second;
}

std::string upload_receiver::keep(const std::string& base_name) {
  auto name = base_name + "." + catalog::extension_for(mime_type_);
  if (std::rename(partial_path_.c_str(), path_of(name).c_str()) != 0)
    throw std::runtime_error("cannot move the upload into place");
  partial_path_.clear();
  return name;
}

std::string upload_receiver::path_of(const std::string& file_name) const {
  return dir_ + "/" + file_name;
}

} // namespace streamify::gateway
