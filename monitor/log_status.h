// Each log's position, health and condition (ok, catching_up, retrying, stale) as `caawatch
// status` prints them: store/log_status.h, offered here because cli/ reaches the layers below
// only through monitor/.
#ifndef CAAWATCH_MONITOR_LOG_STATUS_H_
#define CAAWATCH_MONITOR_LOG_STATUS_H_

#include "store/log_status.h"

namespace caawatch::monitor {

using store::ListLogStatus;
using store::LogCondition;
using store::LogConditionName;
using store::LogStatusView;

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_LOG_STATUS_H_
