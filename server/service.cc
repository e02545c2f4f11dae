#include "server/service.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "names/domain_name.h"
#include "server/alert_stream.h"
#include "server/finding_convert.h"
#include "server/revocation_status_proto.h"
#include "server/zone_status_proto.h"
#include "store/log_status.h"
#include "store/verdict.h"
#include "store/zone_status.h"

namespace caawatch::server {
namespace {

// A finding as the API shows it, with its revocation follow-up when it has one (SPEC §8); a
// read error leaves the revocation out rather than failing the call.
v1::Finding FindingWithRevocation(store::Store& store, const store::FindingRecord& record) {
  v1::Finding finding = ToApiFinding(record);
  if (record.tbs_sha256().empty()) return finding;
  absl::StatusOr<std::optional<store::RevocationRecord>> revocation =
      store.revocations().Get(record.tbs_sha256());
  if (revocation.ok() && revocation->has_value()) {
    api::AddRevocation(record, **revocation, &finding);
  }
  return finding;
}

constexpr uint32_t kDefaultPageSize = 100;
constexpr uint32_t kMaxPageSize = 1000;
constexpr size_t kNameScanPages = 10;

// Subscribe's answer to a bad request: finish at once with the reason.
class FailedStream final : public grpc::ServerWriteReactor<v1::Alert> {
 public:
  explicit FailedStream(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Runs `body` on `workers` and finishes the call with its status from there; the reactor is
// returned at once, so the callback thread is free while `body` runs. A full queue refuses the
// call; a call still waiting when the service shuts down is told so.
grpc::ServerUnaryReactor* FinishOnWorker(grpc::CallbackServerContext* context, CallWorkers* workers,
                                         absl::string_view what,
                                         std::function<absl::Status()> body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool scheduled = workers->TrySchedule([reactor, body = std::move(body)](bool run) {
    reactor->Finish(run ? ToGrpcStatus(body())
                        : grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is stopping"));
  });
  if (!scheduled) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 absl::StrCat("too many ", what, " calls waiting; retry later")));
  }
  return reactor;
}

std::string Pem(const std::string& der) {
  std::string b64 = absl::Base64Escape(der);
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) absl::StrAppend(&pem, b64.substr(i, 64), "\n");
  absl::StrAppend(&pem, "-----END CERTIFICATE-----\n");
  return pem;
}

absl::StatusOr<store::FindingQuery> QueryFromRequest(const v1::ListFindingsRequest& request) {
  store::FindingQuery query;
  if (!request.page_token().empty() && !absl::SimpleAtoi(request.page_token(), &query.after_seq)) {
    return absl::InvalidArgumentError("bad page_token: not one returned by ListFindings");
  }
  for (int v : request.verdicts()) {
    CAAWATCH_ASSIGN_OR_RETURN(store::Verdict verdict, FromApiVerdict(static_cast<v1::Verdict>(v)));
    query.verdicts.push_back(store::VerdictName(verdict));
  }
  if (!request.since().empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(query.since, ParseRfc3339(request.since()));
  }
  if (!request.until().empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(query.until, ParseRfc3339(request.until()));
  }
  if (!request.log_id().empty() && !absl::Base64Unescape(request.log_id(), &query.log_id)) {
    return absl::InvalidArgumentError("bad log_id: not base64");
  }
  return query;
}

bool HasName(const store::FindingRecord& record, const names::DomainName& name, bool subtree) {
  for (const std::string& n : record.names()) {
    absl::StatusOr<names::DomainName> normalized = FilterName(n);
    if (!normalized.ok()) continue;
    if (subtree ? normalized->IsAtOrUnder(name) : *normalized == name) return true;
  }
  return false;
}

// A watch entry as stored: "example.com" or ".example.com" (subtree), normalised.
absl::StatusOr<watch::WatchItem> ParseRequestEntry(const v1::WatchEntry& entry) {
  absl::StatusOr<watch::WatchItem> item = watch::ParseWatchEntry(
      entry.name(), std::vector<std::string>(entry.issuers().begin(), entry.issuers().end()));
  if (!item.ok()) return Annotate(item.status(), "bad watch entry");
  return item;
}

}  // namespace

MonitorService::MonitorService(MonitorServiceOptions options)
    : options_(std::move(options)),
      stream_slots_(options_.max_subscribers, options_.on_streams_freed, options_.clock),
      check_caa_workers_(options_.check_caa_workers),
      watch_change_workers_(options_.watch_change_workers),
      evidence_workers_(options_.evidence_workers) {}

MonitorService::~MonitorService() {
  check_caa_workers_.Shutdown();
  watch_change_workers_.Shutdown();
  evidence_workers_.Shutdown();
}

grpc::ServerWriteReactor<v1::Alert>* MonitorService::Subscribe(
    grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) {
  absl::StatusOr<AlertFilter> filter = MakeAlertFilter(*request);
  if (!filter.ok()) return new FailedStream(ToGrpcStatus(filter.status()));
  std::unique_ptr<StreamSlot> slot = stream_slots_.TryAcquire();
  if (slot == nullptr) {
    return new FailedStream(
        grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                     absl::StrCat("too many Subscribe streams: all ", stream_slots_.max(),
                                  " allowed are open (grpc_max_subscribers); retry later")));
  }
  AlertStreamOptions stream_options{&options_.store->findings(), options_.hub,
                                    std::max<size_t>(options_.subscribe_page_size, 1)};
  return new AlertStream(stream_options, *std::move(filter), request->after_seq(), std::move(slot));
}

grpc::ServerUnaryReactor* MonitorService::ListFindings(grpc::CallbackServerContext* context,
                                                       const v1::ListFindingsRequest* request,
                                                       v1::ListFindingsResponse* response) {
  return FinishUnary(context, FillListFindings(*request, response));
}

grpc::ServerUnaryReactor* MonitorService::GetCertificate(grpc::CallbackServerContext* context,
                                                         const v1::GetCertificateRequest* request,
                                                         v1::GetCertificateResponse* response) {
  return FinishUnary(context, FillGetCertificate(*request, response));
}

grpc::ServerUnaryReactor* MonitorService::GetStatus(grpc::CallbackServerContext* context,
                                                    const v1::GetStatusRequest* request,
                                                    v1::GetStatusResponse* response) {
  return FinishUnary(context, FillGetStatus(response));
}

grpc::ServerUnaryReactor* MonitorService::CheckCaa(grpc::CallbackServerContext* context,
                                                   const v1::CheckCaaRequest* request,
                                                   v1::CheckCaaResponse* response) {
  // A bad request is answered at once, without taking a worker.
  if (absl::Status error = CheckCaaRequestError(*request); !error.ok()) {
    return FinishUnary(context, error);
  }
  // The caller's deadline counts too: past it, nobody waits for the answer. The time limit
  // counts from the call's arrival, so a call that waited for a worker has less of it left.
  const absl::Time deadline =
      std::min(options_.clock->Now() + kCheckCaaTimeLimit, absl::FromChrono(context->deadline()));
  return FinishOnWorker(context, &check_caa_workers_, "CheckCaa",
                        [this, context, request, response, deadline]() -> absl::Status {
                          const std::function<bool()> out_of_time = [this, context, deadline] {
                            return context->IsCancelled() || options_.clock->Now() >= deadline;
                          };
                          CAAWATCH_ASSIGN_OR_RETURN(
                              *response, options_.caa_backend->Check(*request, out_of_time));
                          return absl::OkStatus();
                        });
}

grpc::ServerUnaryReactor* MonitorService::AddWatch(grpc::CallbackServerContext* context,
                                                   const v1::AddWatchRequest* request,
                                                   v1::AddWatchResponse* response) {
  return FinishOnWorker(context, &watch_change_workers_, "AddWatch",
                        [this, request] { return DoAddWatch(*request); });
}

grpc::ServerUnaryReactor* MonitorService::RemoveWatch(grpc::CallbackServerContext* context,
                                                      const v1::RemoveWatchRequest* request,
                                                      v1::RemoveWatchResponse* response) {
  return FinishOnWorker(context, &watch_change_workers_, "RemoveWatch",
                        [this, request, response] { return DoRemoveWatch(*request, response); });
}

grpc::ServerUnaryReactor* MonitorService::ListWatch(grpc::CallbackServerContext* context,
                                                    const v1::ListWatchRequest* request,
                                                    v1::ListWatchResponse* response) {
  return FinishUnary(context, FillListWatch(response));
}

absl::Status MonitorService::FillListFindings(const v1::ListFindingsRequest& request,
                                              v1::ListFindingsResponse* response) {
  const size_t page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  CAAWATCH_ASSIGN_OR_RETURN(store::FindingQuery query, QueryFromRequest(request));
  query.limit = page_size;
  std::optional<names::DomainName> name;
  if (!request.name().empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(name, FilterName(request.name()));
  }
  // Ascending seq pages; a name filter is applied here so that page tokens stay plain seqs.
  size_t scanned = 0;
  while (true) {
    CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::FindingRecord> page,
                              options_.store->findings().List(query));
    for (const store::FindingRecord& record : page) {
      query.after_seq = record.seq();
      if (name.has_value() && !HasName(record, *name, request.subtree())) continue;
      *response->add_findings() = FindingWithRevocation(*options_.store, record);
      if (static_cast<size_t>(response->findings_size()) == page_size) {
        response->set_next_page_token(absl::StrCat(record.seq()));
        return absl::OkStatus();
      }
    }
    scanned += page.size();
    if (page.size() < query.limit) return absl::OkStatus();  // The end of the store.
    if (scanned >= kNameScanPages * page_size) {
      response->set_next_page_token(absl::StrCat(query.after_seq));
      return absl::OkStatus();
    }
  }
}

absl::Status MonitorService::FillGetCertificate(const v1::GetCertificateRequest& request,
                                                v1::GetCertificateResponse* response) {
  if (request.sha256().size() != 64) {
    return absl::InvalidArgumentError("sha256 must be 64 hex digits");
  }
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<uint8_t> hash, HexDecode(request.sha256()));
  CAAWATCH_ASSIGN_OR_RETURN(
      std::optional<store::FindingRecord> record,
      options_.store->findings().FindByHash(std::string(hash.begin(), hash.end())));
  if (!record.has_value()) {
    return absl::NotFoundError(absl::StrCat("no finding for ", request.sha256()));
  }
  *response->mutable_finding() = FindingWithRevocation(*options_.store, *record);
  // The final certificate when we saw it, else the precertificate.
  for (const std::string* key : {&record->cert_sha256(), &record->precert_sha256()}) {
    if (key->empty()) continue;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<std::string> der,
                              options_.store->findings().GetCertificateDer(*key));
    if (der.has_value()) {
      response->set_pem(Pem(*der));
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status MonitorService::FillGetStatus(v1::GetStatusResponse* response) {
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::LogStatusView> logs,
                            store::ListLogStatus(*options_.store, options_.clock->Now()));
  const auto time = [](absl::Time t) {
    return t == absl::InfinitePast() ? std::string() : FormatRfc3339Millis(t);
  };
  for (const store::LogStatusView& v : logs) {
    v1::LogStatus* log = response->add_logs();
    log->set_log_id(absl::Base64Escape(v.log_id));
    log->set_url(v.url);
    log->set_description(v.description);
    log->set_position(v.position);
    log->set_verified_size(v.verified_size);
    log->set_tree_size(v.tree_size);
    log->set_lag_entries(v.lag_entries);
    log->set_lag_seconds(v.lag_seconds);
    log->set_last_error(v.last_error);
    log->set_last_sth_time(time(v.last_sth_time));
    log->set_state(std::string(store::LogConditionName(v.condition)));
    log->set_last_success_at(time(v.last_success_at));
    log->set_last_error_at(time(v.last_error_at));
    log->set_consecutive_failures(v.consecutive_failures);
  }
  CAAWATCH_ASSIGN_OR_RETURN(uint64_t last_seq, options_.store->findings().LastSeq());
  response->set_last_seq(last_seq);
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::ZoneStatusView> zones,
                            store::ListZoneStatus(*options_.store, options_.clock->Now()));
  for (const store::ZoneStatusView& z : zones) {
    FillZoneStatus(z.record, options_.clock->Now(), response->add_zones());
  }
  CAAWATCH_ASSIGN_OR_RETURN(const store::RevocationFollowerRecord revocation,
                            options_.store->revocations().GetFollowerStatus());
  FillRevocationStatus(revocation, response);
  return absl::OkStatus();
}

absl::Status MonitorService::CheckCaaRequestError(const v1::CheckCaaRequest& request) {
  if (options_.caa_backend == nullptr) {
    return absl::UnimplementedError("CheckCaa is not available on this server (no resolver)");
  }
  if (request.names().empty()) return absl::InvalidArgumentError("names is empty");
  if (request.names_size() > kMaxCheckCaaNames) {
    return absl::InvalidArgumentError(absl::StrCat("more than ", kMaxCheckCaaNames, " names (",
                                                   request.names_size(),
                                                   "): split them over several calls"));
  }
  if (request.issuer_domains().empty()) {
    return absl::InvalidArgumentError("issuer_domains is empty");
  }
  for (const std::string& name : request.names()) {
    CAAWATCH_RETURN_IF_ERROR(FilterName(name).status());
  }
  if (!request.at().empty()) CAAWATCH_RETURN_IF_ERROR(ParseRfc3339(request.at()).status());
  return absl::OkStatus();
}

absl::Status MonitorService::DoAddWatch(const v1::AddWatchRequest& request) {
  // Checked as the file and the CLI check an entry: what is stored always loads again.
  CAAWATCH_ASSIGN_OR_RETURN(const watch::WatchItem item, ParseRequestEntry(request.entry()));
  store::WatchRecord record;
  record.set_name(item.Name());
  for (const std::string& issuer : item.issuers) record.add_issuers(issuer);
  record.set_added_ms(absl::ToUnixMillis(options_.clock->Now()));
  CAAWATCH_RETURN_IF_ERROR(options_.store->watches().Put(record));
  return WatchChanged();
}

absl::Status MonitorService::DoRemoveWatch(const v1::RemoveWatchRequest& request,
                                           v1::RemoveWatchResponse* response) {
  v1::WatchEntry entry;
  entry.set_name(request.name());
  absl::StatusOr<watch::WatchItem> item = ParseRequestEntry(entry);
  // A name that no longer parses may still be stored (an older caawatch checked less): it is
  // removed by its exact stored name.
  const std::string name = item.ok() ? item->Name() : request.name();
  CAAWATCH_ASSIGN_OR_RETURN(bool removed, options_.store->watches().Remove(name));
  if (!removed && !item.ok()) return item.status();
  response->set_removed(removed);
  if (removed) return WatchChanged();
  return absl::OkStatus();
}

absl::Status MonitorService::FillListWatch(v1::ListWatchResponse* response) {
  if (options_.static_watches) {
    const std::shared_ptr<const watch::Watchlist> static_watches = options_.static_watches();
    for (size_t i = 0; i < static_watches->size(); ++i) {
      const watch::WatchEntry item = static_watches->entry(i);
      v1::WatchEntry* entry = response->add_entries();
      entry->set_name(item.subtree() ? absl::StrCat(".", item.domain()) : item.domain());
      for (const std::string& issuer : item.issuers()) entry->add_issuers(issuer);
      entry->set_origin(v1::WATCH_STATIC);
    }
  }
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::WatchRecord> entries,
                            options_.store->watches().List());
  for (const store::WatchRecord& e : entries) {
    v1::WatchEntry* entry = response->add_entries();
    entry->set_name(e.name());
    for (const std::string& issuer : e.issuers()) entry->add_issuers(issuer);
    entry->set_origin(v1::WATCH_STORED);
    entry->set_added_at(FormatRfc3339Millis(absl::FromUnixMillis(e.added_ms())));
  }
  return absl::OkStatus();
}

absl::Status MonitorService::WatchChanged() {
  if (options_.logger != nullptr) {
    options_.logger->Log(LogLevel::kInfo, "grpc", "watchlist changed");
  }
  if (!options_.on_watch_changed) return absl::OkStatus();
  return Annotate(options_.on_watch_changed(), "stored, but the running monitor did not reload");
}

}  // namespace caawatch::server
