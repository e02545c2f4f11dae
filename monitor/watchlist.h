// The watchlist: which certificate DNS names concern the user. certspotter's file syntax and
// matching rules (ct-ecosystem.md B1), plus SPEC §2's `issuers=` field; lookups cost
// O(labels of the name + matches), never O(size of the list).
#ifndef CAAWATCH_MONITOR_WATCHLIST_H_
#define CAAWATCH_MONITOR_WATCHLIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace caawatch::monitor {

// One watchlist line. `domain` is lowercase ASCII (IDN labels as A-labels), without trailing
// dot; empty only for the root item ".", which is always a subtree item.
struct WatchItem {
  std::string domain;
  bool subtree = false;              // ".example.com": the name and every name below it.
  std::vector<std::string> issuers;  // Expected CAA issuer domains; empty = any issuer.

  // Back in the file syntax: ".example.com issuers=a.org,b.com"; "." for the root item.
  std::string ToString() const;
  friend bool operator==(const WatchItem&, const WatchItem&) = default;
};

// Parses one watchlist entry: a name, optionally preceded by "." (subtree; "." alone = every
// name), then optional whitespace-separated fields: `issuers=a.org,b.com` and certspotter's
// legacy `valid_at:...` (ignored). Case (of every Unicode letter, as certspotter) and trailing
// dots are stripped; non-ASCII labels are converted to A-labels with Punycode (no other UTS #46
// mapping: U-labels must already be NFC). A '*' in a watched name is a literal character, as
// in certspotter (its IDNA ToASCII keeps it): "*.example.com" watches the certificate name
// "*.example.com" itself (a wildcard certificate for example.com's children; also "?" and
// unparsable first labels, which match any label) and never "www.example.com" or
// "example.com": ".example.com" watches those. kInvalidArgument for an empty line, a malformed
// name (empty or over-long label, characters other than letters, digits, '-', '_' and '*'),
// an invalid issuer domain or an unknown field.
[[nodiscard]] absl::StatusOr<WatchItem> ParseWatchItem(absl::string_view text);

// Parses a whole watchlist file: one entry per line, blank lines and lines starting with '#'
// skipped. kInvalidArgument naming the 1-based line number of the first bad line.
[[nodiscard]] absl::StatusOr<std::vector<WatchItem>> ParseWatchlist(absl::string_view text);

// True if a certificate from a CA with CAA identifiers `ca_identifiers` is expected for
// `item`: the item lists no issuers, or one of them is among `ca_identifiers` (compared
// case-insensitively, trailing dot ignored). An unknown CA (no identifiers) is never expected
// by an item that lists issuers.
bool IssuerExpected(const WatchItem& item, absl::Span<const std::string> ca_identifiers);

// A watch item hit by one certificate name.
struct Match {
  const WatchItem* item;  // Points into the Watchlist's items(); valid while it lives.
  // The certificate DNS name that hit (lowercased, trailing dot dropped), never the item's
  // domain: it is the name CAA is evaluated for and what a finding reports in
  // `watched_names`. The watch entry itself is `item`.
  std::string watched_name;
};

// An immutable, indexed watchlist. Thread-safe for concurrent MatchName calls; the monitor
// replaces the whole object (shared_ptr swap) when the list changes. Move-only: the index
// holds views into the items.
class Watchlist {
 public:
  // Precondition: items are normalised as ParseWatchItem returns them.
  explicit Watchlist(std::vector<WatchItem> items = {});
  Watchlist(Watchlist&&) = default;
  Watchlist& operator=(Watchlist&&) = default;
  Watchlist(const Watchlist&) = delete;
  Watchlist& operator=(const Watchlist&) = delete;

  // The items that `cert_name`, a DNS name from a certificate, hits, certspotter's way:
  // labels are compared from the right; the watched name must be fully consumed, and the
  // certificate name too unless the item is a subtree item. A certificate label "*", "?"
  // (redacted) or one that is not a valid hostname label (fail-safe for garbage) matches any
  // single watched label; a label with '*' inside ("w*b") matches as a glob. So
  // "*.example.com" hits "a.example.com", ".a.example.com" and ".example.com" but neither
  // "example.com" nor "b.a.example.com". Items come in no particular order, each once.
  std::vector<Match> MatchName(absl::string_view cert_name) const;

  bool Empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<WatchItem>& items() const { return items_; }

 private:
  // A trie node for each watched domain and each of its ancestors (root = index 0), with
  // children and items stored as ranges of the flat arrays below (compact for 1M names).
  struct Node {
    absl::string_view domain;  // Views into items_[*].domain; "" for the root.
    uint32_t children_begin = 0, children_end = 0;
    uint32_t items_begin = 0, items_end = 0;
  };
  void Build();
  void Collect(const Node& node, bool name_consumed, absl::string_view cert_name,
               std::vector<Match>* out) const;

  std::vector<WatchItem> items_;
  std::vector<Node> nodes_;
  std::vector<uint32_t> children_;                          // Node indices, grouped by parent.
  std::vector<uint32_t> item_refs_;                         // Indices into items_, grouped by node.
  absl::flat_hash_map<absl::string_view, uint32_t> index_;  // Domain -> node index.
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_WATCHLIST_H_
