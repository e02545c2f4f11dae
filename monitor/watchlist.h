// The watchlist: which certificate names concern the user. certspotter's syntax (one name a
// line, `.example.com` for the name and everything below it, `.` for everything, `#`
// comments) plus an optional `issuers=a.org,b.com` field (SPEC §2). Matching costs O(labels of
// the certificate name), whatever the size of the list.
#ifndef CAAWATCH_MONITOR_WATCHLIST_H_
#define CAAWATCH_MONITOR_WATCHLIST_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace caawatch::monitor {

struct WatchItem {
  std::string domain;                // Lowercase A-labels, no trailing dot; "" with subtree = ".".
  bool subtree = false;              // The name and everything below it.
  std::vector<std::string> issuers;  // Expected CAA identifiers; empty = any CA.
  // Back in the file syntax: "example.com", ".example.com issuers=letsencrypt.org".
  std::string ToString() const;
};

// Parses a watchlist file. kInvalidArgument naming the line for a bad line (non-ASCII names
// must be given as A-labels, "xn--...").
absl::StatusOr<std::vector<WatchItem>> ParseWatchlist(absl::string_view text);

// Whether a CA with these CAA identifiers is among the item's expected issuers (always true
// for an item without issuers=).
bool IssuerExpected(const WatchItem& item, absl::Span<const std::string> ca_identifiers);

struct WatchMatch {
  const WatchItem* item = nullptr;  // Owned by the Watchlist.
};

// Immutable once built; safe to share between threads.
class Watchlist {
 public:
  explicit Watchlist(std::vector<WatchItem> items);
  Watchlist(const Watchlist&) = delete;
  Watchlist& operator=(const Watchlist&) = delete;

  // The items a certificate name concerns. `cert_name` is lowercased and loses trailing dots.
  // A wildcard (`*.x`) or redacted (`?.x`) first label stands for any one label, so it hits the
  // exact and subtree items directly below x as well as the subtree items at or above x.
  std::vector<WatchMatch> MatchName(absl::string_view cert_name) const;

  const std::vector<WatchItem>& items() const { return items_; }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<WatchItem> items_;
  absl::flat_hash_map<std::string, std::vector<size_t>> exact_;    // domain -> items.
  absl::flat_hash_map<std::string, std::vector<size_t>> subtree_;  // domain -> items.
  // parent domain -> items whose domain is a direct child of it (for wildcard names).
  absl::flat_hash_map<std::string, std::vector<size_t>> children_;
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_WATCHLIST_H_
