#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace streamify::persistence {

struct user_row {
  std::string id;
  std::string email;       // as given at sign-up
  std::string email_lower; // the unique key
  std::string display_name;
  std::string role;
  std::string password_hash;
  int64_t created_at_ms = 0;
};

// Where the auth role keeps its users. The PostgreSQL repository serves
// nodes; the in-memory store serves actor tests.
class user_store {
public:
  virtual ~user_store() = default;

  // Returns false when the email is taken.
  virtual bool insert(const user_row& row) = 0;
  virtual std::optional<user_row> find_by_email(const std::string& lower) = 0;
  virtual std::optional<user_row> find_by_id(const std::string& id) = 0;
  // Writes display_name, role and password_hash of an existing user.
  virtual void update(const user_row& row) = 0;
  virtual void ping() = 0;
};

} // namespace streamify::persistence
