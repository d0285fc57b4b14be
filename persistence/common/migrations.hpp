#pragma once

#include <string>
#include <vector>

namespace streamify::persistence {

struct migration {
  int version;
  const char* name;
  const char* sql;
};

// Applies the missing migrations of one domain under a PostgreSQL advisory
// lock, so several nodes may start at once. Throws when the database carries a
// schema newer than this build knows.
void migrate(const std::string& url, const std::string& domain,
             const std::vector<migration>& migrations);

const std::vector<migration>& auth_migrations();
const std::vector<migration>& catalog_migrations();
const std::vector<migration>& streaming_migrations();
const std::vector<migration>& billing_migrations();
const std::vector<migration>& analytics_migrations();

} // namespace streamify::persistence
