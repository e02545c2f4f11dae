// An in-process HttpFetcher that serves the files of a directory as a static web server would
// (200 with the file, 404 without), counts requests per path, and can inject transport-level
// answers. Lets unit tests run a static-ct-api reader without a server process.
#ifndef CAAWATCH_TESTS_FAKES_DIRECTORY_FETCHER_H_
#define CAAWATCH_TESTS_FAKES_DIRECTORY_FETCHER_H_

#include <map>
#include <string>

#include "ctlog/http_fetcher.h"

namespace caawatch::fakes {

class DirectoryFetcher final : public ctlog::HttpFetcher {
 public:
  // URLs under `url_prefix` ("https://mon.example/log/") map to files under `dir`.
  DirectoryFetcher(std::string url_prefix, std::string dir)
      : prefix_(std::move(url_prefix)), dir_(std::move(dir)) {}

  // Any URL outside the prefix, or with "..", is a 404. Bodies over max_body_bytes are
  // kDataLoss like the real fetcher's.
  absl::StatusOr<ctlog::HttpResponse> Get(const std::string& url,
                                          const ctlog::FetchOptions& options) override;

  // The next request answers `status` (with Retry-After 7 for 429 and 503) instead.
  void FailNext(int status) { fail_next_ = status; }
  // Requests seen per path below the prefix ("tile/data/000.p/10"), including failed ones.
  int requests(const std::string& path) const;
  int total_requests() const { return total_; }

 private:
  std::string prefix_;
  std::string dir_;
  int fail_next_ = 0;
  int total_ = 0;
  std::map<std::string, int> requests_;
};

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_DIRECTORY_FETCHER_H_
