#include "notify/sink_courier.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "notify/delivery_status.h"
#include "proto/finding_convert.h"
#include "proto/finding_json.h"

namespace caawatch::notify {
namespace {

// Kept in the cursor for `notify status`: the start of the message says what failed.
constexpr size_t kMaxStoredError = 500;

int64_t Millis(absl::Time t) { return absl::ToUnixMillis(t); }

}  // namespace

absl::StatusOr<std::unique_ptr<SinkCourier>> SinkCourier::Create(const Sink* sink,
                                                                 store::Store* store,
                                                                 const Clock* clock,
                                                                 const Logger* logger,
                                                                 CourierOptions options) {
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<store::SinkCursorRecord> stored,
                            store->sink_cursors().Get(sink->id()));
  store::SinkCursorRecord cursor;
  if (stored.has_value()) {
    cursor = *std::move(stored);
  } else {
    CAAWATCH_ASSIGN_OR_RETURN(const uint64_t last, store->findings().LastSeq());
    cursor.set_sink_id(sink->id());
    cursor.set_cursor_seq(last);
    cursor.set_created_ms(Millis(clock->Now()));
    // Synced: a crash after this must not let a later start place the cursor past findings
    // made meanwhile.
    CAAWATCH_RETURN_IF_ERROR(store->sink_cursors().Put(cursor, /*sync=*/true));
    logger->Log(LogLevel::kInfo, "notify",
                absl::StrCat(sink->id(), ": new sink, delivering findings after seq ", last));
  }
  return absl::WrapUnique(new SinkCourier(sink, store, clock, logger, options, std::move(cursor)));
}

void SinkCourier::Run(const absl::Notification& stop) {
  while (!stop.HasBeenNotified()) {
    absl::StatusOr<uint64_t> last = store_->findings().LastSeq();
    absl::Status status = last.status();
    if (last.ok() && *last > cursor_.cursor_seq()) {
      status = DeliverUpTo(*last, /*max_attempts=*/0, stop);
    }
    if (!status.ok()) {
      logger_->Log(LogLevel::kWarning, "notify", absl::StrCat(sink_->id(), ": ", status.message()));
    }
    MaybeHeartbeat(stop);
    clock_->WaitForNotification(stop, clock_->Now() + options_.poll_interval);
  }
}

absl::Status SinkCourier::CatchUp(const absl::Notification& stop) {
  CAAWATCH_ASSIGN_OR_RETURN(const uint64_t last, store_->findings().LastSeq());
  const absl::Status delivered = DeliverUpTo(last, std::max(1, options_.once_attempts), stop);
  // `run --once` from cron: a heartbeat that fell due since the last run goes out with it.
  if (delivered.ok()) MaybeHeartbeat(stop);
  return delivered;
}

void SinkCourier::MaybeHeartbeat(const absl::Notification& stop) {
  if (options_.heartbeat <= absl::ZeroDuration() || stop.HasBeenNotified()) return;
  const absl::Time now = clock_->Now();
  absl::StatusOr<uint64_t> last_seq = store_->findings().LastSeq();
  if (!last_seq.ok()) return;
  if (cursor_.last_heartbeat_ms() == 0) {
    cursor_.set_last_heartbeat_ms(Millis(now));
    cursor_.set_heartbeat_seq(*last_seq);
    if (absl::Status s = SaveCursor(/*sync=*/false); !s.ok()) {
      logger_->Log(LogLevel::kWarning, "notify", absl::StrCat(sink_->id(), ": ", s.message()));
    }
    return;
  }
  const absl::Time since = absl::FromUnixMillis(cursor_.last_heartbeat_ms());
  if (now < since + options_.heartbeat || now < next_heartbeat_attempt_) return;
  Heartbeat h;
  h.at = now;
  h.since = since;
  h.names_watched = options_.names_watched ? options_.names_watched() : 0;
  h.last_seq = *last_seq;
  h.new_findings = *last_seq > cursor_.heartbeat_seq() ? *last_seq - cursor_.heartbeat_seq() : 0;
  if (absl::StatusOr<std::vector<store::LogStateRecord>> logs = store_->logs().ListStates();
      logs.ok()) {
    h.logs = logs->size();
    for (const store::LogStateRecord& log : *logs) {
      if (log.tree_size() > 0 && log.position() >= log.tree_size()) ++h.logs_current;
    }
  }
  const absl::Status status = sink_->DeliverHeartbeat(h, now, &stop);
  if (!status.ok() && stop.HasBeenNotified()) return;
  if (status.ok()) {
    cursor_.set_last_heartbeat_ms(Millis(now));
    cursor_.set_heartbeat_seq(h.last_seq);
  } else {
    logger_->Log(LogLevel::kWarning, "notify",
                 absl::StrCat(sink_->id(), ": heartbeat: ", status.message()));
    cursor_.set_last_error(
        absl::StrCat("heartbeat: ", status.message().substr(0, kMaxStoredError)));
    cursor_.set_last_error_ms(Millis(now));
    next_heartbeat_attempt_ = now + std::min(options_.heartbeat, options_.max_backoff);
  }
  if (absl::Status s = SaveCursor(/*sync=*/false); !s.ok()) {
    logger_->Log(LogLevel::kWarning, "notify", absl::StrCat(sink_->id(), ": ", s.message()));
  }
}

absl::Status SinkCourier::DeliverUpTo(uint64_t until, int max_attempts,
                                      const absl::Notification& stop) {
  while (cursor_.cursor_seq() < until && !stop.HasBeenNotified()) {
    store::FindingQuery query;
    query.after_seq = cursor_.cursor_seq();
    query.limit = options_.page_size;
    CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::FindingRecord> page,
                              store_->findings().List(query));
    bool passed_over = false;  // Findings the filter leaves out move the cursor too.
    bool done = page.empty();  // Only retired seqs (re-alerts) are left below `until`.
    for (const store::FindingRecord& finding : page) {
      if (finding.seq() > until) {
        done = true;
        break;
      }
      if (!sink_->Wants(finding)) {
        cursor_.set_cursor_seq(finding.seq());
        passed_over = true;
        continue;
      }
      switch (DeliverOne(finding, max_attempts, stop)) {
        case Outcome::kDelivered:
        case Outcome::kGaveUp:
          cursor_.set_cursor_seq(finding.seq());
          CAAWATCH_RETURN_IF_ERROR(SaveCursor(/*sync=*/false));
          passed_over = false;
          break;
        case Outcome::kStopped:
          return passed_over ? SaveCursor(/*sync=*/false) : absl::OkStatus();
        case Outcome::kLeft:
          if (passed_over) CAAWATCH_RETURN_IF_ERROR(SaveCursor(/*sync=*/false));
          return absl::UnavailableError(absl::StrCat("finding seq ", finding.seq(),
                                                     " left for the next run after ", max_attempts,
                                                     " attempts: ", cursor_.last_error()));
      }
    }
    if (done && cursor_.cursor_seq() < until) {
      cursor_.set_cursor_seq(until);
      passed_over = true;
    }
    if (passed_over) CAAWATCH_RETURN_IF_ERROR(SaveCursor(/*sync=*/false));
  }
  return absl::OkStatus();
}

SinkCourier::Outcome SinkCourier::DeliverOne(const store::FindingRecord& finding, int max_attempts,
                                             const absl::Notification& stop) {
  const Notification n = NotificationFor(finding);
  for (int attempt = 1;; ++attempt) {
    if (stop.HasBeenNotified()) return Outcome::kStopped;
    const absl::Status status = sink_->Deliver(n, clock_->Now(), &stop);
    // Cut short by the stop: neither a failure of the sink nor a delivery; the next start
    // delivers it again.
    if (!status.ok() && stop.HasBeenNotified()) return Outcome::kStopped;
    const int64_t now_ms = Millis(clock_->Now());
    if (status.ok()) {
      cursor_.set_last_success_ms(now_ms);
      cursor_.set_last_error("");
      cursor_.set_delivered(cursor_.delivered() + 1);
      return Outcome::kDelivered;
    }
    cursor_.set_last_error(std::string(status.message().substr(0, kMaxStoredError)));
    cursor_.set_last_error_ms(now_ms);
    // Saved at once, so that `notify status` shows a sink that is stuck and why.
    if (absl::Status saved = SaveCursor(/*sync=*/false); !saved.ok()) {
      logger_->Log(LogLevel::kWarning, "notify", absl::StrCat(sink_->id(), ": ", saved.message()));
    }
    if (!IsRetryable(status)) {
      logger_->Log(LogLevel::kError, "notify",
                   absl::StrCat(sink_->id(), ": seq ", finding.seq(),
                                " not delivered, and a retry cannot help: ", status.message()));
      cursor_.set_given_up(cursor_.given_up() + 1);
      cursor_.set_last_given_up_seq(finding.seq());
      return Outcome::kGaveUp;
    }
    if (max_attempts > 0 && attempt >= max_attempts) return Outcome::kLeft;
    const absl::Duration wait = Backoff(attempt);
    logger_->Log(LogLevel::kWarning, "notify",
                 absl::StrCat(sink_->id(), ": seq ", finding.seq(), " attempt ", attempt,
                              " failed (retry in ",
                              absl::FormatDuration(absl::Trunc(wait, absl::Milliseconds(1))),
                              "): ", status.message()));
    clock_->WaitForNotification(stop, clock_->Now() + wait);
  }
}

Notification SinkCourier::NotificationFor(const store::FindingRecord& finding) {
  Notification n;
  n.finding = finding;
  for (const std::string& item : sink_->config().watch) {
    const bool at = std::any_of(finding.watched_names().begin(), finding.watched_names().end(),
                                [&](const std::string& name) { return AtWatchItem(name, item); });
    if (at) {
      n.watch_item = item;
      break;
    }
  }
  if (n.watch_item.empty() && options_.watch_item_of)
    n.watch_item = options_.watch_item_of(finding);
  // The leaf certspotter hands its hooks: the final certificate when one is logged.
  const std::string& leaf_sha =
      finding.cert_sha256().empty() ? finding.precert_sha256() : finding.cert_sha256();
  if (!leaf_sha.empty()) {
    absl::StatusOr<std::optional<std::string>> der = store_->findings().GetCertificateDer(leaf_sha);
    if (der.ok() && der->has_value()) {
      n.chain.emplace_back((*der)->begin(), (*der)->end());
      // certspotter's CERT_FILENAME: the leaf, then its issuers as its log entry served them.
      absl::StatusOr<std::vector<std::string>> issuers =
          store_->findings().GetIssuerChainDer(leaf_sha);
      if (issuers.ok()) {
        for (const std::string& issuer : *issuers)
          n.chain.emplace_back(issuer.begin(), issuer.end());
      }
    }
  }
  if (EventOf(finding) == HookEvent::kMalformedCert && !finding.leaf_hash().empty()) {
    absl::StatusOr<std::optional<store::MalformedEntryRecord>> entry =
        store_->findings().GetMalformedEntry(finding.leaf_hash());
    if (entry.ok() && entry->has_value()) {
      n.leaf_input = (*entry)->leaf_input();
      n.extra_data = (*entry)->extra_data();
    }
  }
  n.finding_json = api::FindingToJson(api::ToApiFinding(finding));
  return n;
}

absl::Duration SinkCourier::Backoff(int failed_attempts) {
  absl::Duration d = options_.first_backoff;
  for (int i = 1; i < failed_attempts && d < options_.max_backoff; ++i) d *= 2;
  d = std::min(d, options_.max_backoff);
  // Jitter: sinks that failed together (one receiver behind them all) do not retry together.
  return d * absl::Uniform(jitter_, 0.5, 1.0);
}

absl::Status SinkCourier::SaveCursor(bool sync) {
  return store_->sink_cursors().Put(cursor_, sync);
}

}  // namespace caawatch::notify
