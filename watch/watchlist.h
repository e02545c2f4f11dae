// The watchlist: which certificate DNS names concern the user. certspotter's file syntax and
// matching rules (ct-ecosystem.md B1), plus SPEC §2's `issuers=` field; lookups cost
// O(labels of the name + matches), never O(size of the list).
#ifndef CAAWATCH_WATCH_WATCHLIST_H_
#define CAAWATCH_WATCH_WATCHLIST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "names/domain_name.h"
#include "watch/flat_arrays.h"
#include "watch/label_trie.h"

namespace caawatch::watch {

// One watchlist line.
struct WatchItem {
  // What the entry watches.
  enum class Scope : uint8_t {
    kName,       // "example.com": that name.
    kSubtree,    // ".example.com": the name and every name below it.
    kEveryName,  // ".": every name of every certificate (the root item); it has no domain.
  };
  static WatchItem ForName(names::DomainName domain, std::vector<std::string> issuers = {});
  static WatchItem ForSubtree(names::DomainName domain, std::vector<std::string> issuers = {});
  static WatchItem ForEveryName(std::vector<std::string> issuers = {});

  Scope scope = Scope::kEveryName;
  // Set exactly when scope is not kEveryName (the factories and ParseWatchItem keep it so).
  std::optional<names::DomainName> domain;
  std::vector<std::string> issuers;  // Expected CAA issuer domains; empty = any issuer.

  // The name and every name below it (kSubtree and kEveryName).
  bool subtree() const { return scope != Scope::kName; }
  bool every_name() const { return scope == Scope::kEveryName; }
  // Back in the file syntax: ".example.com issuers=a.org,b.com"; "." for the root item.
  std::string ToString() const;
  // ToString without the issuers (".example.com", "."): the key of a stored entry.
  std::string Name() const;
  friend bool operator==(const WatchItem&, const WatchItem&) = default;
};

// Parses one watchlist entry: a name, optionally preceded by "." (subtree; "." alone = every
// name), then optional whitespace-separated fields: `issuers=a.org,b.com` and certspotter's
// legacy `valid_at:...` (ignored). Trailing dots are stripped (all of them, as certspotter),
// then the name is a names::DomainName (UTS #46 folds case, U-labels become A-labels). A '*'
// in a watched name is a literal character, as in certspotter (its IDNA ToASCII keeps it):
// "*.example.com" watches the certificate name "*.example.com" itself (a wildcard certificate
// for example.com's children; also "?" and unparsable first labels, which match any label) and
// never "www.example.com" or "example.com": ".example.com" watches those. kInvalidArgument for
// an empty line, a name that is no DomainName, an issuer domain that is none or holds a '*',
// more than kMaxIssuersPerEntry issuers, an unknown field, or a text over kMaxWatchEntryBytes.
// Messages quote the input escaped and cut short (base/quoted_input.h).
[[nodiscard]] absl::StatusOr<WatchItem> ParseWatchItem(absl::string_view text);

// The longest watch entry, and the longest watchlist line (comments included): a name is at most
// 253 octets (about 1 KB as U-labels), so a few KB leave room for any real `issuers=` list.
inline constexpr size_t kMaxWatchEntryBytes = 4096;
// The most issuers one entry lists.
inline constexpr size_t kMaxIssuersPerEntry = 100;

// The one check of a watch entry given in parts, wherever it comes from (`caawatch watch add
// NAME --issuer D`, gRPC AddWatch, a stored entry read back), so that nothing is stored that
// would not load: `name` as ParseWatchItem takes it, and each of `issuers` an issuer domain or
// a comma-separated list of them, added (once each) to the name's own `issuers=`.
// kInvalidArgument as ParseWatchItem, for a name holding white space (it is one name, not a
// line), for a bad issuer domain, or for more than kMaxIssuersPerEntry issuers.
[[nodiscard]] absl::StatusOr<WatchItem> ParseWatchEntry(absl::string_view name,
                                                        absl::Span<const std::string> issuers);

// Parses a whole watchlist file: one entry per line, blank lines and lines starting with '#'
// skipped. kInvalidArgument naming the 1-based line number of the first bad line (or of the
// first line over kMaxWatchEntryBytes).
[[nodiscard]] absl::StatusOr<std::vector<WatchItem>> ParseWatchlist(absl::string_view text);

// Calls `fn` with each entry of a watchlist file (ParseWatchlist's syntax) in order, without
// holding them all: a million-line file is indexed as it is read. kInvalidArgument naming the
// 1-based line number of the first bad line; `fn` has then seen the lines before it.
[[nodiscard]] absl::Status ForEachWatchItem(absl::string_view text,
                                            absl::FunctionRef<void(WatchItem)> fn);

// True if a certificate from a CA with CAA identifiers `ca_identifiers` is expected for an
// entry listing `expected` issuers: it lists none, or one of them is among `ca_identifiers`
// (compared case-insensitively, trailing dot ignored). An unknown CA (no identifiers) is never
// expected by an entry that lists issuers.
bool IssuerExpected(absl::Span<const std::string> expected,
                    absl::Span<const std::string> ca_identifiers);
inline bool IssuerExpected(const WatchItem& item, absl::Span<const std::string> ca_identifiers) {
  return IssuerExpected(item.issuers, ca_identifiers);
}

class Watchlist;

// One entry of a Watchlist, by position; valid while the Watchlist lives. The list stores its
// entries compactly (a trie node and an interned issuer list each), so the name is rebuilt on
// request.
class WatchEntry {
 public:
  // WatchItem::domain's text; "" for the root item (WatchItem::Scope::kEveryName).
  std::string domain() const;
  bool subtree() const;
  absl::Span<const std::string> issuers() const;  // Empty = any issuer.
  std::string ToString() const;                   // As WatchItem::ToString.
  std::string Name() const;                       // As WatchItem::Name.
  // kDataLoss if the domain is no names::DomainName, which neither Builder nor Decode lets in.
  [[nodiscard]] absl::StatusOr<WatchItem> ToItem() const;
  size_t index() const { return index_; }  // Position in the list (Watchlist::entry).
  friend bool operator==(const WatchEntry&, const WatchEntry&) = default;

 private:
  friend class Watchlist;
  WatchEntry(const Watchlist* list, uint32_t index) : list_(list), index_(index) {}
  const Watchlist* list_;
  uint32_t index_;
};

// A watch entry hit by one certificate name.
struct Match {
  WatchEntry item;
  // The certificate DNS name that hit (lowercased, trailing dot dropped), never the item's
  // domain: it is the name CAA is evaluated for and what a finding reports in
  // `watched_names`. The watch entry itself is `item`.
  std::string watched_name;
};

// An immutable, indexed watchlist. Thread-safe for concurrent reads; the monitor replaces the
// whole object (shared_ptr swap) when the list changes. Move-only; entries and matches refer
// to the list, so it must not move while they are in use. Memory is about 50-65 bytes per
// watched name (MemoryBytes), against ~200 for strings in a hash map: a million names take
// 50-62 MiB (bench/README.md).
class Watchlist {
 public:
  // Adds entries one at a time, so a long list never exists twice (parsed and indexed).
  class Builder {
   public:
    Builder() = default;
    // Starts from every entry of `base`, in order, copied rather than parsed and indexed again
    // (WatchSource puts the store's entries after a static list of maybe a million names).
    explicit Builder(const Watchlist& base);
    // Precondition: `item` is normalised as ParseWatchItem returns it.
    void Add(const WatchItem& item);
    // Adds every entry of a watchlist file; errors as ForEachWatchItem (entries before the bad
    // line stay added).
    [[nodiscard]] absl::Status AddText(absl::string_view text);
    size_t size() const { return items_.size(); }
    Watchlist Build() &&;

   private:
    LabelTrie trie_;
    std::vector<std::pair<uint32_t, uint32_t>> items_;  // As Watchlist::items_.
    std::vector<std::vector<std::string>> issuer_lists_ = {{}};
    absl::flat_hash_map<std::vector<std::string>, uint32_t> issuer_ids_ = {{{}, 0}};
  };

  Watchlist() : Watchlist(std::vector<WatchItem>{}) {}
  // Precondition: items are normalised as ParseWatchItem returns them.
  explicit Watchlist(const std::vector<WatchItem>& items);
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
  // "example.com" nor "b.a.example.com". Items come in no particular order, each once. Costs
  // one hash probe per label (plus the children walked for a wildcard label), whatever the
  // size of the list.
  std::vector<Match> MatchName(absl::string_view cert_name) const;

  bool Empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  // Precondition: i < size(). Entries keep the order they were added in.
  WatchEntry entry(size_t i) const { return WatchEntry(this, static_cast<uint32_t>(i)); }

  // The names whose CAA a poll looks up: every watched domain and each of its parents up to
  // the TLD (RFC 8659 §3 search paths), each once, numbered [0, search_name_count()).
  // SearchName(i) is empty for a number that stands for no DNS name (the root, or a name with
  // a literal '*' label: the search for "*.x" starts at "x", which is numbered too).
  size_t search_name_count() const { return trie_.size(); }
  std::string SearchName(size_t i) const;
  // Whether `name` (a names::DomainName's text) is one of the search names.
  bool HasSearchName(absl::string_view name) const;
  // The set of search names (those SearchName gives, not the empty ones) in 64 bits: equal for
  // two watchlists with the same search names whatever their order or items, different
  // otherwise but for a 2^-64 chance. For the CAA poll to recognise a watchlist it polled
  // completely; O(search_name_count()).
  struct SearchNamesDigest {
    uint64_t fingerprint = 0;
    size_t names = 0;
  };
  SearchNamesDigest DigestSearchNames() const;

  // Heap bytes held by the index and the entries.
  size_t MemoryBytes() const;

  // Entries that repeat an earlier entry's name (the same domain, both subtree items or both
  // not), whatever their issuers, and the position of the first such repeat; O(size()), no
  // allocation. A repeat is a mistake worth a warning: each copy is matched and listed.
  struct Repeats {
    size_t count = 0;
    size_t first = 0;  // Valid when count > 0.
  };
  Repeats RepeatedEntries() const;

  // The whole list, index included, for Decode in another process (WatchlistIndexFile).
  void Encode(FlatWriter* out) const;
  // A list from what Encode wrote. kDataLoss for anything else that does not describe a list:
  // every array is checked, so the result is safe to use whatever the input.
  [[nodiscard]] static absl::StatusOr<Watchlist> Decode(FlatReader* in);

 private:
  friend class WatchEntry;
  Watchlist(LabelTrie trie, std::vector<std::pair<uint32_t, uint32_t>> items,
            std::vector<std::vector<std::string>> issuer_lists);
  void Collect(uint32_t node, bool name_consumed, absl::string_view cert_name,
               std::vector<Match>* out) const;

  LabelTrie trie_;  // Every watched domain and each of its ancestors.
  // Per entry: its trie node, and its issuer list id with the top bit set for subtree items.
  std::vector<std::pair<uint32_t, uint32_t>> items_;
  std::vector<std::vector<std::string>> issuer_lists_;  // Interned; [0] is the empty list.
  std::vector<uint32_t> item_begin_;  // Node n's entries are item_refs_[b[n], b[n+1]).
  std::vector<uint32_t> item_refs_;
};

}  // namespace caawatch::watch

#endif  // CAAWATCH_WATCH_WATCHLIST_H_
