// Gossip run loop (SPEC §9, issue 21): a thread that, at start and every heads_peer_interval,
// fetches each configured peer's latest verified heads (monitor/peer_heads.h), compares them with
// the local verified view (CompareHeads) and stores each fork as a log_misbehaviour finding
// (judge/gossip_fork.h), alerted once. An unreachable peer is logged, never a finding.
#ifndef CAAWATCH_MONITOR_HEADS_PEER_LOOP_H_
#define CAAWATCH_MONITOR_HEADS_PEER_LOOP_H_

#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "ctlog/http_fetcher.h"
#include "judge/alert_hub.h"
#include "monitor/config.h"
#include "store/store.h"
#include "tail/log_list_source.h"

namespace caawatch::monitor {

class HeadsPeerLoop {
 public:
  // Starts the thread for config.heads_peers. `store`, `alerts`, `clock` and `logger` are
  // borrowed and must outlive the loop. kInternal when libcurl cannot make a handle.
  static absl::StatusOr<std::unique_ptr<HeadsPeerLoop>> Start(const MonitorConfig& config,
                                                              store::Store* store,
                                                              judge::AlertHub* alerts,
                                                              const Clock* clock,
                                                              const Logger* logger);
  ~HeadsPeerLoop();  // Stop().
  HeadsPeerLoop(const HeadsPeerLoop&) = delete;
  HeadsPeerLoop& operator=(const HeadsPeerLoop&) = delete;

  void Stop();

 private:
  HeadsPeerLoop(const MonitorConfig& config, std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                std::unique_ptr<ctlog::HttpFetcher> list_fetcher, store::Store* store,
                judge::AlertHub* alerts, const Clock* clock, const Logger* logger);
  void Run();
  void ComparePeer(const std::string& peer, const std::vector<ctlog::LogInfo>& logs);

  const MonitorConfig config_;
  store::Store* const store_;
  judge::AlertHub* const alerts_;
  const Clock* const clock_;
  const Logger* const logger_;
  absl::Notification stop_;
  absl::Mutex mu_;                                   // Only for the clock's wait.
  std::unique_ptr<ctlog::CurlHttpFetcher> fetcher_;  // Consistency proofs from the logs.
  tail::LogListSource log_list_;                     // Whose keys verify the peers' notes.
  std::thread thread_;
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_HEADS_PEER_LOOP_H_
