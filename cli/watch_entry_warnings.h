// Warnings for a watch entry that parses but likely does not say what the user meant, given
// before it is stored: "." watches every certificate of every log, and an expected issuer that
// no known CA recognises (e.g. "letsencrypt" for "letsencrypt.org") would make every
// certificate for the name `unexpected_issuer`.
#ifndef CAAWATCH_CLI_WATCH_ENTRY_WARNINGS_H_
#define CAAWATCH_CLI_WATCH_ENTRY_WARNINGS_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "monitor/issuer_maps.h"
#include "monitor/watch_entries.h"

namespace caawatch::cli {

// One line each, without the "warning: " prefix; empty when nothing is odd. `known` is the CA
// map in force (monitor::LoadEffectiveIssuerMap).
std::vector<std::string> WatchEntryWarnings(const monitor::WatchItem& item,
                                            const caa::IssuerMap& known);
// The issuer part alone, for a whole list's distinct issuers (`run`'s static entries).
std::vector<std::string> UnknownIssuerWarnings(absl::Span<const std::string> issuers,
                                               const caa::IssuerMap& known);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_WATCH_ENTRY_WARNINGS_H_
