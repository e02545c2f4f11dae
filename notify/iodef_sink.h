// Opt-in iodef delivery (SPEC §6, RFC 8659 §4.4): a finding whose CAA records forbade the
// issuance is reported, as an IODEF document (iodef_document.h), to each `iodef` target of the
// record set that forbade it: `mailto:` through sendmail, `https:` as a POST of
// application/iodef+xml. Targets come from DNS: each is checked (iodef_target.h) and
// rate-limited (iodef_rate_limit.h); a refused or limited target is logged, never queued.
#ifndef CAAWATCH_NOTIFY_IODEF_SINK_H_
#define CAAWATCH_NOTIFY_IODEF_SINK_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "notify/iodef_rate_limit.h"
#include "notify/notification.h"

namespace caawatch::notify {

// More targets in one record set are logged and not sent to.
inline constexpr size_t kMaxIodefTargetsPerFinding = 8;

struct IodefSinkOptions {
  std::string from = {};  // The mail's From: and the report's contact; "" = sendmail's default.
  std::string sendmail = "/usr/sbin/sendmail";
  std::string ca_file = {};  // PEM roots for https targets; "" = the system's store.
  absl::Duration timeout = absl::Minutes(1);  // Of one mail or request.
  int rate_per_target_per_hour = 4;
  std::string host = {};           // Names the incident and the Message-ID; "" = this host.
  const Logger* logger = nullptr;  // Refused and limited targets; borrowed, may be null.
  // Where the per-target counts are kept across restarts; borrowed, may be null (memory only).
  store::IodefReports* reports = nullptr;
};

class IodefSink {
 public:
  // kInvalidArgument for a bad From: address or a rate below 1.
  static absl::StatusOr<IodefSink> Create(IodefSinkOptions options);

  // Reports `n` to each target that has not had it yet (a retry of the same seq skips the
  // targets that took it). OK when nothing is to be sent (not forbidden, no iodef, a test
  // event) or every target took it, was refused, was over its limit or failed for good (each
  // logged); the first retryable error of a target otherwise.
  absl::Status Deliver(const Notification& n, absl::Time now,
                       const absl::Notification* cancel = nullptr) const;

 private:
  // Which targets took (or will never take) the seq being delivered; only the sink's courier
  // thread uses it, the mutex keeps that true if it ever changes.
  struct Progress {
    absl::Mutex mu;
    uint64_t seq = 0;
    absl::flat_hash_set<std::string> done;
  };
  explicit IodefSink(IodefSinkOptions options)
      : options_(std::move(options)),
        limit_(
            std::make_shared<IodefRateLimit>(options_.rate_per_target_per_hour, options_.reports)),
        progress_(std::make_shared<Progress>()) {}
  void Log(LogLevel level, const std::string& message) const;
  absl::Status Mail(const std::string& address, const Notification& n, const std::string& doc,
                    absl::Time now, const absl::Notification* cancel) const;
  absl::Status Post(const std::string& url, const Notification& n, const std::string& doc,
                    const absl::Notification* cancel) const;

  IodefSinkOptions options_;
  std::shared_ptr<IodefRateLimit> limit_;  // Shared by copies of the sink: one limit.
  std::shared_ptr<Progress> progress_;
};

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_IODEF_SINK_H_
