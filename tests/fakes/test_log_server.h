// Serves a TestLog over RFC 6962 §4 HTTP (get-sth, get-entries, get-sth-consistency,
// get-proof-by-hash, get-roots) on 127.0.0.1, with fault and misbehaviour switches settable
// while it runs, and writes a v3 log list that describes it.
#ifndef CAAWATCH_TESTS_FAKES_TEST_LOG_SERVER_H_
#define CAAWATCH_TESTS_FAKES_TEST_LOG_SERVER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tests/fakes/http_server.h"
#include "tests/fakes/test_log.h"

namespace caawatch::fakes {

// Transport-level faults, each applied to the next N requests.
enum class Fault {
  kTooManyRequests,  // 429 with "Retry-After: 1".
  kServerError,      // 500.
  kTruncatedBody,    // 200 with the JSON body cut in half (Content-Length matches the cut).
  kDelay,            // The normal answer, sent after TestLogServerOptions::fault_delay.
};

// Log misbehaviour, applied to every get-sth until reset to kNone.
enum class Misbehaviour {
  kNone,
  kWrongRootSth,     // Correctly signed STH whose root hash is not the tree's.
  kBadSignatureSth,  // The true STH with a corrupted signature.
};

struct TestLogServerOptions {
  uint64_t batch_cap = 256;  // get-entries answers at most this many, like real logs.
  absl::Duration fault_delay = absl::Seconds(2);
  uint16_t port = 0;  // 0 picks a free port.
};

class TestLogServer {
 public:
  // `log` is borrowed and must outlive the server. kUnavailable if it cannot listen.
  static absl::StatusOr<std::unique_ptr<TestLogServer>> Start(TestLog* log,
                                                              TestLogServerOptions options = {});
  ~TestLogServer();  // Stops and joins every thread.

  uint16_t port() const { return http_->port(); }
  std::string url() const;  // "http://127.0.0.1:PORT/"

  void InjectFault(Fault fault, int count);
  void SetMisbehaviour(Misbehaviour misbehaviour);
  // Serves `sth` from get-sth (any head the test signed: a fork, a shrunk or inconsistent tree)
  // until called with nullopt; takes precedence over SetMisbehaviour.
  void ServeSth(std::optional<ctlog::SignedTreeHead> sth);
  void SetBatchCap(uint64_t batch_cap);
  // A hostile log, or anyone on the path of an http:// log URL (issue 15): get-entries answers
  // carry `entry` in place of the log's entry at `index`, while get-sth and the consistency
  // proofs stay those of the honest tree. Until called with nullopt.
  void ForgeEntry(std::optional<std::pair<uint64_t, ctlog::RawEntry>> forged);
  uint64_t requests_served() const;
  // Encodes every published entry's get-entries JSON now (otherwise done on first request and
  // kept: entries never change), so that serving costs only a copy. For benchmarks.
  void PrepareEntries();
  uint64_t connections_accepted() const { return http_->connections_accepted(); }

  // A v3 log list (one operator, one usable RFC 6962 log: url, key, log_id, mmd 86400).
  std::string LogListJson() const;
  // Writes LogListJson() to `path`; kUnavailable if the file cannot be written.
  absl::Status WriteLogList(const std::string& path) const;

 private:
  TestLogServer(TestLog* log, TestLogServerOptions options);
  HttpReply Handle(const HttpRequest& request);
  HttpReply Route(const HttpRequest& request);
  HttpReply GetSth();
  HttpReply GetEntries(const HttpRequest& request);
  HttpReply GetConsistency(const HttpRequest& request);
  HttpReply GetProofByHash(const HttpRequest& request);
  HttpReply GetRoots();
  // Encodes entries [encoded, end) into entry_json_; kInvalidArgument past the published size.
  absl::Status EncodeEntriesUpTo(uint64_t end) ABSL_EXCLUSIVE_LOCKS_REQUIRED(cache_mu_);

  TestLog* const log_;
  const absl::Duration fault_delay_;

  mutable absl::Mutex mu_;
  uint64_t batch_cap_ ABSL_GUARDED_BY(mu_);
  Fault fault_ ABSL_GUARDED_BY(mu_) = Fault::kServerError;
  int fault_count_ ABSL_GUARDED_BY(mu_) = 0;
  Misbehaviour misbehaviour_ ABSL_GUARDED_BY(mu_) = Misbehaviour::kNone;
  std::optional<ctlog::SignedTreeHead> served_sth_ ABSL_GUARDED_BY(mu_);
  // The index and get-entries JSON of a forged entry (ForgeEntry).
  std::optional<std::pair<uint64_t, std::string>> forged_ ABSL_GUARDED_BY(mu_);
  uint64_t requests_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Mutex cache_mu_;
  // {"leaf_input":"...","extra_data":"..."} of entries [0, size()).
  std::vector<std::string> entry_json_ ABSL_GUARDED_BY(cache_mu_);

  std::unique_ptr<HttpServer> http_;  // Last: stopped before the state above goes away.
};

// One get-entries element: {"leaf_input":"...","extra_data":"..."}.
std::string EntryJson(const ctlog::RawEntry& entry);

// Standard base64 with padding (RFC 4648 §4).
std::string Base64Encode(absl::Span<const uint8_t> data);

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_TEST_LOG_SERVER_H_
