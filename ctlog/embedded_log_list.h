// The v3 log list compiled into caawatch at build time (ctlog/data/SOURCE.md says which).
#ifndef CAAWATCH_CTLOG_EMBEDDED_LOG_LIST_H_
#define CAAWATCH_CTLOG_EMBEDDED_LOG_LIST_H_

#include "absl/strings/string_view.h"

namespace caawatch::ctlog {

absl::string_view EmbeddedLogListJson();

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_EMBEDDED_LOG_LIST_H_
