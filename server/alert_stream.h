// The Subscribe stream: a ServerWriteReactor that reads alerts (critical and warning findings)
// from the store in seq order, filters them, writes one at a time and, when caught up, waits
// for an AlertHub poke. Never blocks on anything but one bounded store page read.
#ifndef CAAWATCH_SERVER_ALERT_STREAM_H_
#define CAAWATCH_SERVER_ALERT_STREAM_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "caawatch/v1/monitor.grpc.pb.h"
#include "grpcpp/alarm.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "judge/alert_hub.h"
#include "names/domain_name.h"
#include "server/stream_slots.h"
#include "store/store.h"

namespace caawatch::server {

// absl and gRPC share code numbers; the message is kept.
grpc::Status ToGrpcStatus(const absl::Status& status);

// A name of a request filter or of a finding as filters compare it: the DomainName after a
// leading "." (a subtree marker) or "*." (a certificate wildcard: its base) is dropped.
// kInvalidArgument as names::DomainName::Parse.
[[nodiscard]] absl::StatusOr<names::DomainName> FilterName(absl::string_view name);

// What a subscriber asked for. Empty lists match everything.
struct AlertFilter {
  std::vector<names::DomainName> names;    // Subtree semantics.
  std::vector<std::string> verdict_names;  // SPEC §2 names.
};
// kInvalidArgument for a bad name, more than 1000 names, or an unspecified/unknown verdict.
[[nodiscard]] absl::StatusOr<AlertFilter> MakeAlertFilter(const caawatch::v1::SubscribeRequest&);
// A finding matches when its verdict is listed (or none is) and one of its watched names lies
// under one of the filter names (or none is given). Findings without watched names (log
// misbehaviour) match only a filter without names.
bool AlertMatches(const AlertFilter& filter, const store::FindingRecord& record);

struct AlertStreamOptions {
  store::Findings* findings = nullptr;  // Must outlive the stream.
  judge::AlertHub* hub = nullptr;       // Must outlive the stream.
  size_t page_size = 4;                 // Alerts read (and held) per store read.
};

// Created by the Subscribe handler with `new`; deletes itself once gRPC called OnDone and its
// wake-up alarm (if armed) has fired or been cancelled. Memory: at most one page of alerts.
// Holds `slot` (may be null) until it is deleted, so that the slot is freed with its memory.
class AlertStream final : public grpc::ServerWriteReactor<caawatch::v1::Alert> {
 public:
  AlertStream(const AlertStreamOptions& options, AlertFilter filter, uint64_t after_seq,
              std::unique_ptr<StreamSlot> slot);
  AlertStream(const AlertStream&) = delete;
  AlertStream& operator=(const AlertStream&) = delete;

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  ~AlertStream() override = default;

  void Poke();     // Hub callback: marks new data, arms the alarm if idle.
  void OnAlarm();  // Runs on a gRPC executor thread: continue the stream.
  // Writes the next alert, reading a page first if needed. Returns an alarm that the caller
  // must Set (outside mu_) via SetAlarm when the page held nothing to write but more may
  // follow: that yields the thread instead of scanning the whole store in one reaction.
  grpc::Alarm* AdvanceLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ReadPageLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  grpc::Alarm* ArmLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetAlarm(grpc::Alarm* alarm);
  void FinishLocked(grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops one of the references (gRPC's OnDone, the armed alarm); deletes at zero.
  void Release();

  // First, so destroyed last: the slot's release hook sees the stream's memory freed.
  const std::unique_ptr<StreamSlot> slot_;
  const AlertStreamOptions options_;
  const AlertFilter filter_;
  judge::AlertHub::SubscriptionId subscription_ = 0;

  absl::Mutex mu_;
  // Re-created for every arming: a grpc::Alarm must not be Set again from inside its own
  // callback, but may be destroyed there.
  std::unique_ptr<grpc::Alarm> alarm_ ABSL_GUARDED_BY(mu_);
  uint64_t scanned_seq_ ABSL_GUARDED_BY(mu_);   // Every alert <= this was examined.
  bool need_read_ ABSL_GUARDED_BY(mu_) = true;  // The store may hold unread alerts.
  std::deque<caawatch::v1::Alert> pending_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;   // pending_.front() is being written.
  bool finished_ ABSL_GUARDED_BY(mu_) = false;  // Finish() was called.
  bool done_ ABSL_GUARDED_BY(mu_) = false;      // OnDone() ran.
  bool alarm_armed_ ABSL_GUARDED_BY(mu_) = false;
  int refs_ ABSL_GUARDED_BY(mu_) = 1;  // OnDone's, plus one while armed.
};

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_ALERT_STREAM_H_
