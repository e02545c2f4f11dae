#include "tests/fakes/directory_fetcher.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace caawatch::fakes {

absl::StatusOr<ctlog::HttpResponse> DirectoryFetcher::Get(const std::string& url,
                                                          const ctlog::FetchOptions& options) {
  ++total_;
  ctlog::HttpResponse response;
  response.status = 404;
  if (!absl::StartsWith(url, prefix_)) return response;
  const std::string path = url.substr(prefix_.size());
  ++requests_[path];
  if (fail_next_ != 0) {
    response.status = fail_next_;
    if (fail_next_ == 429 || fail_next_ == 503) response.retry_after = absl::Seconds(7);
    fail_next_ = 0;
    return response;
  }
  const std::string file = dir_ + "/" + path;
  if (absl::StrContains(path, "..") || !std::filesystem::is_regular_file(file)) return response;
  std::ifstream in(file, std::ios::binary);
  if (!in.good()) return response;
  std::ostringstream body;
  body << in.rdbuf();
  if (body.str().size() > options.max_body_bytes) {
    return absl::DataLossError(absl::StrCat("GET ", url, ": response too large"));
  }
  response.status = 200;
  response.body = body.str();
  return response;
}

int DirectoryFetcher::requests(const std::string& path) const {
  auto it = requests_.find(path);
  return it == requests_.end() ? 0 : it->second;
}

}  // namespace caawatch::fakes
