// Status propagation macros and Annotate: the one error vocabulary (absl::Status) made terse.
// Debian's abseil 20220623 predates ABSL_RETURN_IF_ERROR, so we carry our own two.
#ifndef CAAWATCH_BASE_STATUS_MACROS_H_
#define CAAWATCH_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace caawatch {

// Returns `status` with "context: " prefixed to its message and its payloads kept (they carry
// evidence, e.g. ctlog/misbehaviour.h); OK stays OK.
inline absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  absl::Status annotated(status.code(), absl::StrCat(context, ": ", status.message()));
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    annotated.SetPayload(type_url, payload);
  });
  return annotated;
}

}  // namespace caawatch

#define CAAWATCH_STATUS_CONCAT_INNER_(a, b) a##b
#define CAAWATCH_STATUS_CONCAT_(a, b) CAAWATCH_STATUS_CONCAT_INNER_(a, b)

#define CAAWATCH_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    const ::absl::Status caawatch_status_ = (expr);      \
    if (!caawatch_status_.ok()) return caawatch_status_; \
  } while (0)

#define CAAWATCH_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return std::move(tmp).status();        \
  lhs = std::move(*tmp)

// CAAWATCH_ASSIGN_OR_RETURN(auto x, MakeX()); declares or assigns from a StatusOr.
#define CAAWATCH_ASSIGN_OR_RETURN(lhs, expr) \
  CAAWATCH_ASSIGN_OR_RETURN_IMPL_(CAAWATCH_STATUS_CONCAT_(caawatch_statusor_, __LINE__), lhs, expr)

#endif  // CAAWATCH_BASE_STATUS_MACROS_H_
