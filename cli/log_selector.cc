#include "cli/log_selector.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/quoted_input.h"

namespace caawatch::cli {
namespace {

std::string WithoutTrailingSlash(absl::string_view url) {
  while (absl::EndsWith(url, "/")) url.remove_suffix(1);
  return std::string(url);
}

// How a log is named to the user: its description, else its URL.
std::string Shown(const store::LogStateRecord& log) {
  return log.description().empty() ? log.url() : log.description();
}

}  // namespace

absl::StatusOr<std::string> ResolveLogId(store::Store& store, const std::string& given) {
  std::string raw;
  if (absl::Base64Unescape(given, &raw) && raw.size() == 32) return raw;
  absl::StatusOr<std::vector<store::LogStateRecord>> logs = store.logs().ListStates();
  if (!logs.ok()) return logs.status();
  std::vector<const store::LogStateRecord*> matches;
  for (const store::LogStateRecord& log : *logs) {
    if ((!log.url().empty() && WithoutTrailingSlash(log.url()) == WithoutTrailingSlash(given)) ||
        (!log.description().empty() && absl::EqualsIgnoreCase(log.description(), given))) {
      matches.push_back(&log);
    }
  }
  if (matches.size() == 1) return matches.front()->log_id();
  constexpr size_t kMaxListed = 10;
  std::vector<std::string> known;
  for (const store::LogStateRecord& log : *logs) {
    if (known.size() == kMaxListed) {
      known.push_back(absl::StrCat("and ", logs->size() - kMaxListed, " more"));
      break;
    }
    known.push_back(QuoteInput(Shown(log)));
  }
  if (matches.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--log: no log with the ID, URL or description ", QuoteInput(given),
                     " (known: ", known.empty() ? "none yet" : absl::StrJoin(known, ", "), ")"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--log: ", matches.size(), " logs are described as ", QuoteInput(given),
                   "; give the URL or the base64 log ID (`caawatch status --json` lists them)"));
}

}  // namespace caawatch::cli
