// caawatch.v1.Monitor on the gRPC callback API (SPEC §4): Subscribe streams alerts from the
// store through AlertStream; the unary methods read or change the store and finish inline,
// except the ones that may block (CheckCaa, AddWatch, RemoveWatch): they run on CallWorkers and
// never hold one of gRPC's callback threads. Bad requests finish with INVALID_ARGUMENT and a
// reason; store errors keep their code.
#ifndef CAAWATCH_SERVER_SERVICE_H_
#define CAAWATCH_SERVER_SERVICE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/log.h"
#include "caawatch/v1/monitor.grpc.pb.h"
#include "judge/alert_hub.h"
#include "judge/zone_followers.h"
#include "server/call_workers.h"
#include "server/stream_slots.h"
#include "store/store.h"
#include "watch/watchlist.h"

namespace caawatch::server {

// Live or historical CAA evaluation for CheckCaa (implemented where the resolver lives).
// Called on one of the service's CheckCaa workers: implementations must bound their time
// (resolver timeouts), since the worker is held while they run, and return kDeadlineExceeded
// once `out_of_time()` says so (checked between names: one name's lookups may finish first).
class CaaCheckBackend {
 public:
  virtual ~CaaCheckBackend() = default;
  [[nodiscard]] virtual absl::StatusOr<caawatch::v1::CheckCaaResponse> Check(
      const caawatch::v1::CheckCaaRequest& request, const std::function<bool()>& out_of_time) = 0;
};

// CheckCaa's bounds: names per call (Let's Encrypt, the largest CA, puts at most 100 in a
// certificate) and the time one call may hold a worker in DNS lookups.
inline constexpr int kMaxCheckCaaNames = 100;
inline constexpr absl::Duration kCheckCaaTimeLimit = absl::Seconds(20);

struct MonitorServiceOptions {
  store::Store* store = nullptr;           // Required; must outlive the server.
  judge::AlertHub* hub = nullptr;          // Required; must outlive the server.
  const Clock* clock = nullptr;            // Required (GetStatus lag, watch added_ms).
  CaaCheckBackend* caa_backend = nullptr;  // Optional: null makes CheckCaa UNIMPLEMENTED.
  // Optional: after AddWatch or a removing RemoveWatch, puts the change in force; an error is
  // the call's answer (the change is stored but not in force).
  std::function<absl::Status()> on_watch_changed;
  // Optional: the monitor's fixed entries in force (they change when `caawatch run` reloads its
  // watchlist file on SIGHUP), listed by ListWatch as WATCH_STATIC.
  std::function<std::shared_ptr<const watch::Watchlist>()> static_watches;
  const Logger* logger = nullptr;  // Optional.
  // Optional: the followed zones, listed by ListZones; must outlive the server.
  const judge::ZoneFollowers* zones = nullptr;
  // Alerts read per store read per subscriber, and held by an idle one: 64 cost 1,000 idle
  // subscribers +226-304 MiB, 4 cost +48 MiB (tests/e2e/idle_subscribers_test.cc).
  size_t subscribe_page_size = 4;
  // Subscribe streams open at once; one more is refused with RESOURCE_EXHAUSTED.
  size_t max_subscribers = 1024;
  // Optional: gives freed memory back to the system (ReleaseFreeMemory) after streams end.
  std::function<void()> on_streams_freed;
  // CheckCaa calls run on these threads; a call that finds max_queued waiting is refused with
  // RESOURCE_EXHAUSTED. A call waits at most kCheckCaaTimeLimit in all.
  CallWorkersOptions check_caa_workers{.threads = 4, .max_queued = 64};
  // AddWatch and RemoveWatch run here, one at a time (each may rebuild the watchlist).
  CallWorkersOptions watch_change_workers{.threads = 1, .max_queued = 64};
  // Optional: the files (name, content) of a finding's evidence bundle, given the finding and
  // its JSON (finding.json); called on an evidence worker, may block (a pending proof is
  // fetched from its log). Null makes GetEvidence UNIMPLEMENTED.
  std::function<absl::StatusOr<std::vector<std::pair<std::string, std::string>>>(
      const store::FindingRecord& finding, const std::string& finding_json)>
      evidence;
  CallWorkersOptions evidence_workers{.threads = 1, .max_queued = 8};
};

class MonitorService final : public caawatch::v1::Monitor::CallbackService {
 public:
  // Precondition: store, hub and clock are non-null.
  explicit MonitorService(MonitorServiceOptions options);
  // Finishes the calls still waiting for a worker with UNAVAILABLE and joins the workers. Stop
  // the gRPC server first (its Shutdown waits for the running calls).
  ~MonitorService() override;

  // RESOURCE_EXHAUSTED while max_subscribers streams are open.
  grpc::ServerWriteReactor<caawatch::v1::Alert>* Subscribe(
      grpc::CallbackServerContext* context, const caawatch::v1::SubscribeRequest* request) override;
  // page_size: default 100, at most 1000 (larger values are clamped); page_token: the last seq
  // of the previous page, as returned in next_page_token (empty when no more). With `name`,
  // one call scans at most 10 pages' worth of findings, so a page may be short or empty and
  // still carry a next_page_token.
  grpc::ServerUnaryReactor* ListFindings(grpc::CallbackServerContext* context,
                                         const caawatch::v1::ListFindingsRequest* request,
                                         caawatch::v1::ListFindingsResponse* response) override;
  // sha256: 64 hex digits of the certificate, precertificate or TBS hash. NOT_FOUND if unknown.
  grpc::ServerUnaryReactor* GetCertificate(grpc::CallbackServerContext* context,
                                           const caawatch::v1::GetCertificateRequest* request,
                                           caawatch::v1::GetCertificateResponse* response) override;
  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* context,
                                      const caawatch::v1::GetStatusRequest* request,
                                      caawatch::v1::GetStatusResponse* response) override;
  // INVALID_ARGUMENT for more than kMaxCheckCaaNames names; DEADLINE_EXCEEDED when the checks
  // take longer than kCheckCaaTimeLimit (or the caller's deadline, or it cancelled), counted
  // from the call's arrival; RESOURCE_EXHAUSTED when too many calls wait for a worker.
  // The finding's bundle, one file a message (server/evidence_stream.cc).
  grpc::ServerWriteReactor<caawatch::v1::EvidenceFile>* GetEvidence(
      grpc::CallbackServerContext* context,
      const caawatch::v1::GetEvidenceRequest* request) override;
  grpc::ServerUnaryReactor* CheckCaa(grpc::CallbackServerContext* context,
                                     const caawatch::v1::CheckCaaRequest* request,
                                     caawatch::v1::CheckCaaResponse* response) override;
  // The entry passes ParseWatchEntry (the watchlist file's syntax: ".example.com" for a
  // subtree, a '*' is a literal character) before it is stored; INVALID_ARGUMENT otherwise,
  // with the input quoted escaped. The stored name is the normalised one. RESOURCE_EXHAUSTED
  // when too many watch changes wait (as for RemoveWatch).
  grpc::ServerUnaryReactor* AddWatch(grpc::CallbackServerContext* context,
                                     const caawatch::v1::AddWatchRequest* request,
                                     caawatch::v1::AddWatchResponse* response) override;
  // `name` is normalised as AddWatch does; a name that does not parse is still removed when a
  // stored entry has exactly that name (one stored by an older caawatch), else INVALID_ARGUMENT.
  grpc::ServerUnaryReactor* RemoveWatch(grpc::CallbackServerContext* context,
                                        const caawatch::v1::RemoveWatchRequest* request,
                                        caawatch::v1::RemoveWatchResponse* response) override;
  grpc::ServerUnaryReactor* ListWatch(grpc::CallbackServerContext* context,
                                      const caawatch::v1::ListWatchRequest* request,
                                      caawatch::v1::ListWatchResponse* response) override;
  grpc::ServerUnaryReactor* ListZones(grpc::CallbackServerContext* context,
                                      const caawatch::v1::ListZonesRequest* request,
                                      caawatch::v1::ListZonesResponse* response) override;
  grpc::ServerUnaryReactor* ListHeads(grpc::CallbackServerContext* context,
                                      const caawatch::v1::ListHeadsRequest* request,
                                      caawatch::v1::ListHeadsResponse* response) override;

 private:
  // The unary bodies, plain functions of request -> response.
  absl::Status FillListFindings(const caawatch::v1::ListFindingsRequest& request,
                                caawatch::v1::ListFindingsResponse* response);
  absl::Status FillGetCertificate(const caawatch::v1::GetCertificateRequest& request,
                                  caawatch::v1::GetCertificateResponse* response);
  absl::Status FillGetStatus(caawatch::v1::GetStatusResponse* response);
  absl::Status CheckCaaRequestError(const caawatch::v1::CheckCaaRequest& request);
  absl::Status DoAddWatch(const caawatch::v1::AddWatchRequest& request);
  absl::Status DoRemoveWatch(const caawatch::v1::RemoveWatchRequest& request,
                             caawatch::v1::RemoveWatchResponse* response);
  absl::Status FillListWatch(caawatch::v1::ListWatchResponse* response);
  absl::Status WatchChanged();

  const MonitorServiceOptions options_;
  StreamSlots stream_slots_;
  // Last: destroyed first, so that no task outlives the members it uses.
  CallWorkers check_caa_workers_;
  CallWorkers watch_change_workers_;
  // GetEvidence's finding: by seq, else by sha256 (evidence_stream.cc).
  absl::StatusOr<store::FindingRecord> FindEvidenceFinding(
      const caawatch::v1::GetEvidenceRequest& request);
  CallWorkers evidence_workers_;
};

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_SERVICE_H_
