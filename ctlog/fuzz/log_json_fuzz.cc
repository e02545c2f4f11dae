// Fuzzes the JSON a CT log (or the log list's host) sends: the input is the body of a 200
// response to each RFC 6962 call of HttpLogClient (get-sth, get-entries, get-sth-consistency,
// get-proof-by-hash), and is also read as a v3 log list. Any crash, sanitizer report or
// escaping exception is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/http_log_client.h"
#include "ctlog/log_list.h"
#include "ctlog/sth.h"

namespace {

// Answers every GET with HTTP 200 and the fuzz input as the body.
class InputFetcher final : public caawatch::ctlog::HttpFetcher {
 public:
  explicit InputFetcher(std::string body) : body_(std::move(body)) {}
  absl::StatusOr<caawatch::ctlog::HttpResponse> Get(
      const std::string& url, const caawatch::ctlog::FetchOptions& options) override {
    caawatch::ctlog::HttpResponse response;
    response.status = 200;
    response.body = body_;
    return response;
  }

 private:
  std::string body_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  InputFetcher fetcher(body);
  caawatch::ctlog::HttpLogClient client(&fetcher, "https://ct.example/log/");
  (void)client.GetSth();
  (void)client.GetEntries(0, 31);
  (void)client.GetConsistencyProof(3, 1000);
  (void)client.GetProofByHash(caawatch::ctlog::Sha256Hash{}, 1000);
  (void)caawatch::ctlog::ParseSthJson(body);
  (void)caawatch::ctlog::ParseLogList(body);
  return 0;
}
