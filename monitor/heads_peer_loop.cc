#include "monitor/heads_peer_loop.h"

#include <optional>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "judge/gossip_fork.h"
#include "monitor/heads_compare.h"
#include "monitor/peer_heads.h"

namespace caawatch::monitor {
namespace {

constexpr char kComponent[] = "gossip";

}  // namespace

absl::StatusOr<std::unique_ptr<HeadsPeerLoop>> HeadsPeerLoop::Start(const MonitorConfig& config,
                                                                    store::Store* store,
                                                                    judge::AlertHub* alerts,
                                                                    const Clock* clock,
                                                                    const Logger* logger) {
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                            ctlog::CurlHttpFetcher::Create(config.log_ca_file));
  std::unique_ptr<ctlog::HttpFetcher> list_fetcher;
  if (tail::LogListSource::IsUrl(config.log_list)) {
    CAAWATCH_ASSIGN_OR_RETURN(list_fetcher, ctlog::CurlHttpFetcher::Create(config.log_ca_file));
  }
  auto loop = absl::WrapUnique(new HeadsPeerLoop(
      config, std::move(fetcher), std::move(list_fetcher), store, alerts, clock, logger));
  loop->thread_ = std::thread([raw = loop.get()] { raw->Run(); });
  return loop;
}

HeadsPeerLoop::HeadsPeerLoop(const MonitorConfig& config,
                             std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                             std::unique_ptr<ctlog::HttpFetcher> list_fetcher, store::Store* store,
                             judge::AlertHub* alerts, const Clock* clock, const Logger* logger)
    : config_(config),
      store_(store),
      alerts_(alerts),
      clock_(clock),
      logger_(logger),
      fetcher_(std::move(fetcher)),
      log_list_(config.log_list, std::move(list_fetcher)) {
  fetcher_->SetStop(&stop_);
}

HeadsPeerLoop::~HeadsPeerLoop() { Stop(); }

void HeadsPeerLoop::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void HeadsPeerLoop::ComparePeer(const std::string& peer, const std::vector<ctlog::LogInfo>& logs) {
  const std::string quoted = QuoteInput(peer);
  absl::StatusOr<std::string> text = ReadPeerHeads(peer, config_);
  if (!text.ok()) {  // A status, not a finding: an unreachable peer proves nothing.
    logger_->Log(LogLevel::kWarning, kComponent,
                 absl::StrCat("heads from ", quoted, ": ", text.status().message()));
    return;
  }
  absl::StatusOr<HeadsComparison> compared = CompareHeads(*text, logs, store_, fetcher_.get());
  if (!compared.ok()) {
    logger_->Log(LogLevel::kError, kComponent,
                 absl::StrCat("heads from ", quoted, ": ", compared.status().message()));
    return;
  }
  int recorded = 0;
  for (const judge::GossipFork& fork : compared->fork_evidence) {
    absl::StatusOr<bool> created =
        judge::RecordGossipFork(store_, alerts_, fork, peer, clock_->Now());
    if (!created.ok()) {
      logger_->Log(LogLevel::kError, kComponent,
                   absl::StrCat("cannot store a fork seen in heads from ", quoted, ": ",
                                created.status().message()));
      continue;
    }
    if (!*created) continue;  // Already stored and alerted.
    ++recorded;
    logger_->Log(LogLevel::kError, kComponent,
                 absl::StrCat("log misbehaviour seen in heads from ", quoted, ": ",
                              fork.log.description, ": ", fork.misbehaviour.message));
  }
  logger_->Log(LogLevel::kInfo, kComponent,
               absl::StrCat("heads from ", quoted, ": ", compared->lines.size(), " compared, ",
                            compared->forks, " forks (", recorded, " new), ", compared->unchecked,
                            " unchecked"));
}

void HeadsPeerLoop::Run() {
  const auto stopping = [this] { return stop_.HasBeenNotified(); };
  std::optional<std::vector<ctlog::LogInfo>> logs;
  while (!stop_.HasBeenNotified()) {
    absl::StatusOr<std::optional<std::vector<ctlog::LogInfo>>> list =
        logs ? log_list_.Refresh()
             : absl::StatusOr<std::optional<std::vector<ctlog::LogInfo>>>(log_list_.Load());
    if (!list.ok()) {
      logger_->Log(LogLevel::kWarning, kComponent,
                   absl::StrCat("log list: ", list.status().message()));
    } else if (list->has_value()) {
      logs = std::move(**list);
    }
    if (logs) {
      for (const std::string& peer : config_.heads_peers) {
        if (stop_.HasBeenNotified()) return;
        ComparePeer(peer, *logs);
      }
    }
    absl::MutexLock lock(&mu_);
    if (clock_->AwaitWithDeadline(&mu_, absl::Condition(&stopping),
                                  clock_->Now() + config_.heads_peer_interval)) {
      break;
    }
  }
}

}  // namespace caawatch::monitor
