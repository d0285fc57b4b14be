#include "gateway/metrics.hpp"

#include <sstream>

namespace streamify::gateway {

void metrics::observe(const std::string& route, const std::string& method,
                      int status, double seconds) {
  std::lock_guard<std::mutex> guard{mtx_};
  ++requests_[request_key{route, method, status}];
  auto& h = latency_[route_key{route, method}];
  for (size_t i = 0; i < buckets.size(); ++i)
    if (seconds <= buckets[i])
      ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

std::string metrics::render(const std::vector<role_status>& roles) const {
  std::ostringstream out;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    out << "# HELP streamify_http_requests_total HTTP requests by route "
           "pattern, method and status.\n"
           "# TYPE streamify_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      const auto& [route, method, status] = key;
      out << "streamify_http_requests_total{route=\"" << route
          << "\",method=\"" << method << "\",status=\"" << status << "\"} "
          << n << '\n';
    }
    out << "# HELP streamify_http_request_duration_seconds HTTP request "
           "latency by route pattern and method.\n"
           "# TYPE streamify_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : latency_) {
      auto labels = "route=\"" + key.first + "\",method=\"" + key.second
                    + "\"";
      for (size_t i = 0; i < buckets.size(); ++i)
        out << "streamify_http_request_duration_seconds_bucket{" << labels
            << ",le=\"" << buckets[i] << "\"} " << h.counts[i] << '\n';
      out << "streamify_http_request_duration_seconds_bucket{" << labels
          << ",le=\"+Inf\"} " << h.count << '\n'
          << "streamify_http_request_duration_seconds_sum{" << labels << "} "
          << h.sum << '\n'
          << "streamify_http_request_duration_seconds_count{" << labels
          << "} " << h.count << '\n';
    }
  }
  out << "# HELP streamify_role_up Whether a configured role answers and "
         "reaches its database.\n# TYPE streamify_role_up gauge\n";
  for (const auto& r : roles)
    out << "streamify_role_up{role=\"" << r.role << "\"} " << (r.ready ? 1 : 0)
        << '\n';
  for (const auto& r : roles)
    for (const auto& [name, value] : r.gauges)
      out << "streamify_" << r.role << '_' << name << ' ' << value << '\n';
  return out.str();
}

} // namespace streamify::gateway
