#include "server/alert_stream.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "grpc/support/time.h"
#include "server/finding_convert.h"
#include "store/verdict.h"

namespace caawatch::server {
namespace {

constexpr int kMaxFilterNames = 1000;

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

absl::StatusOr<names::DomainName> FilterName(absl::string_view name) {
  absl::string_view n = name;
  if (!absl::ConsumePrefix(&n, "*.")) absl::ConsumePrefix(&n, ".");
  return names::DomainName::Parse(n);
}

absl::StatusOr<AlertFilter> MakeAlertFilter(const v1::SubscribeRequest& request) {
  AlertFilter filter;
  // Every alert is matched against every name: a hostile request must not make that costly.
  if (request.names_size() > kMaxFilterNames) {
    return absl::InvalidArgumentError(absl::StrCat("more than ", kMaxFilterNames, " names"));
  }
  for (const std::string& name : request.names()) {
    CAAWATCH_ASSIGN_OR_RETURN(names::DomainName n, FilterName(name));
    filter.names.push_back(std::move(n));
  }
  for (int v : request.verdicts()) {
    absl::StatusOr<store::Verdict> verdict = FromApiVerdict(static_cast<v1::Verdict>(v));
    if (!verdict.ok()) return verdict.status();
    filter.verdict_names.push_back(store::VerdictName(*verdict));
  }
  return filter;
}

bool AlertMatches(const AlertFilter& filter, const store::FindingRecord& record) {
  if (!filter.verdict_names.empty() &&
      std::find(filter.verdict_names.begin(), filter.verdict_names.end(), record.verdict()) ==
          filter.verdict_names.end()) {
    return false;
  }
  if (filter.names.empty()) return true;
  for (const std::string& watched : record.watched_names()) {
    absl::StatusOr<names::DomainName> w = FilterName(watched);
    if (!w.ok()) continue;
    for (const names::DomainName& base : filter.names) {
      if (w->IsAtOrUnder(base)) return true;
    }
  }
  return false;
}

AlertStream::AlertStream(const AlertStreamOptions& options, AlertFilter filter, uint64_t after_seq,
                         std::unique_ptr<StreamSlot> slot)
    : slot_(std::move(slot)),
      options_(options),
      filter_(std::move(filter)),
      scanned_seq_(after_seq) {
  subscription_ = options_.hub->Subscribe([this](uint64_t) { Poke(); });
  grpc::Alarm* alarm = nullptr;
  {
    absl::MutexLock lock(&mu_);
    alarm = AdvanceLocked();  // The first backlog page, read on the handler's thread.
  }
  SetAlarm(alarm);
}

void AlertStream::OnWriteDone(bool ok) {
  grpc::Alarm* alarm = nullptr;
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    pending_.pop_front();
    if (!ok) return FinishLocked(grpc::Status::CANCELLED);
    // Store reads happen here: one page of local RocksDB reads, bounded by page_size.
    alarm = AdvanceLocked();
  }
  SetAlarm(alarm);
}

void AlertStream::OnCancel() {
  absl::MutexLock lock(&mu_);
  FinishLocked(grpc::Status::CANCELLED);
}

void AlertStream::OnDone() {
  options_.hub->Unsubscribe(subscription_);  // Hub contract: no Poke() runs after this.
  grpc::Alarm* armed = nullptr;
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
    if (alarm_armed_) armed = alarm_.get();
  }
  // Our own reference keeps `armed` alive; a cancelled alarm still runs OnAlarm, which drops
  // the alarm's reference.
  if (armed != nullptr) armed->Cancel();
  Release();
}

void AlertStream::Poke() {
  grpc::Alarm* alarm = nullptr;
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    need_read_ = true;
    // Busy streams pick the news up in OnWriteDone; an idle one is woken on a gRPC thread,
    // never on the publisher's.
    if (!writing_ && pending_.empty()) alarm = ArmLocked();
  }
  SetAlarm(alarm);
}

void AlertStream::OnAlarm() {
  grpc::Alarm* alarm = nullptr;
  {
    absl::MutexLock lock(&mu_);
    alarm_armed_ = false;
    if (!done_) alarm = AdvanceLocked();
  }
  SetAlarm(alarm);
  Release();
}

grpc::Alarm* AlertStream::AdvanceLocked() {
  if (finished_ || writing_) return nullptr;
  if (pending_.empty()) {
    if (!need_read_) return nullptr;  // Caught up: wait for a Poke.
    absl::Status status = ReadPageLocked();
    if (!status.ok()) {
      FinishLocked(ToGrpcStatus(Annotate(status, "reading alerts")));
      return nullptr;
    }
    if (pending_.empty()) return need_read_ ? ArmLocked() : nullptr;
  }
  writing_ = true;
  StartWrite(&pending_.front());  // deque::pop_front of the front only: the rest stay valid.
  return nullptr;
}

absl::Status AlertStream::ReadPageLocked() {
  store::FindingQuery query;
  query.after_seq = scanned_seq_;
  query.severities = {store::SeverityName(store::Severity::kCritical),
                      store::SeverityName(store::Severity::kWarning)};
  query.verdicts = filter_.verdict_names;
  query.limit = options_.page_size;
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::FindingRecord> page, options_.findings->List(query));
  // A short page means nothing newer is stored; a Poke (which follows every commit) sets
  // need_read_ again.
  need_read_ = page.size() >= options_.page_size;
  for (const store::FindingRecord& record : page) {
    scanned_seq_ = std::max(scanned_seq_, record.seq());
    if (AlertMatches(filter_, record)) pending_.push_back(ToApiAlert(record));
  }
  return absl::OkStatus();
}

grpc::Alarm* AlertStream::ArmLocked() {
  if (alarm_armed_ || finished_) return nullptr;
  alarm_armed_ = true;
  ++refs_;
  alarm_ = std::make_unique<grpc::Alarm>();
  return alarm_.get();
}

void AlertStream::SetAlarm(grpc::Alarm* alarm) {
  if (alarm == nullptr) return;
  // Already due: the callback runs as soon as an executor thread is free.
  alarm->Set(gpr_inf_past(GPR_CLOCK_MONOTONIC), [this](bool) { OnAlarm(); });
}

void AlertStream::FinishLocked(grpc::Status status) {
  if (finished_) return;
  finished_ = true;
  Finish(std::move(status));
}

void AlertStream::Release() {
  bool last = false;
  {
    absl::MutexLock lock(&mu_);
    last = --refs_ == 0;
  }
  if (last) delete this;
}

}  // namespace caawatch::server
