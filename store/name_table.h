// The lookups of store/'s name tables (verdicts, severities, finding kinds): each table pairs
// every enumerator with its one stored word, and these are the one conversion each way.
// Internal to store/: other layers call the named conversions (store/verdict.h,
// store/finding_kind.h).
#ifndef CAAWATCH_STORE_NAME_TABLE_H_
#define CAAWATCH_STORE_NAME_TABLE_H_

#include <cstddef>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/quoted_input.h"

namespace caawatch::store {

template <typename Enum, size_t N>
using NameTable = std::pair<Enum, absl::string_view>[N];

// The word of `value`; "" only for a value missing from `table` (a table must list them all).
template <typename Enum, size_t N>
absl::string_view NameIn(const NameTable<Enum, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "";
}

// The value whose word is `name` (case-sensitive); kInvalidArgument "unknown <what> <name>",
// quoting `name`, for any other word.
template <typename Enum, size_t N>
absl::StatusOr<Enum> ValueIn(const NameTable<Enum, N>& table, absl::string_view name,
                             absl::string_view what) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown ", what, " ", QuoteInput(name)));
}

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_NAME_TABLE_H_
