#include "watch/watchlist.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "names/domain_name.h"
#include "watch/stable_hash.h"

namespace caawatch::watch {
namespace {

constexpr size_t kMaxLabelLength = names::DomainName::kMaxLabelLength;

constexpr std::array<bool, 256> MakeHostnameChars() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }
  return table;
}
constexpr std::array<bool, 256> kHostnameChars = MakeHostnameChars();

// Every certificate label is checked on the matching path: a table, inlined (a function passed
// to std::all_of was called through a pointer per character).
inline bool IsHostnameChar(char c) { return kHostnameChars[static_cast<unsigned char>(c)]; }

bool IsHostnameLabel(absl::string_view label) {
  return !label.empty() && label.size() <= kMaxLabelLength &&
         std::all_of(label.begin(), label.end(), [](char c) { return IsHostnameChar(c); });
}

// What a parsed name may be.
enum class NameKind {
  kIssuerDomain,  // A DomainName without '*'.
  kWatchedName,   // Any DomainName: a '*' is a literal character, as certspotter's IDNA ToASCII
                  // (Punycode profile, no validation) keeps it, so "*.example.com" is a watch
                  // entry whose first label is the literal "*" (ct-ecosystem.md B1).
};

// `raw` as a names::DomainName, with every trailing dot stripped first, as certspotter's
// TrimRight does.
absl::StatusOr<names::DomainName> NormaliseDomain(absl::string_view raw, NameKind kind) {
  absl::string_view name = raw;
  while (absl::ConsumeSuffix(&name, ".")) {
  }
  CAAWATCH_ASSIGN_OR_RETURN(names::DomainName domain, names::DomainName::Parse(name));
  if (kind == NameKind::kIssuerDomain && absl::StrContains(domain.view(), '*')) {
    return absl::InvalidArgumentError(
        absl::StrCat("issuer domain ", QuoteInput(raw), " holds a '*'"));
  }
  return domain;
}

absl::StatusOr<std::vector<std::string>> ParseIssuers(absl::string_view list) {
  std::vector<std::string> issuers;
  for (absl::string_view raw : absl::StrSplit(list, ',')) {
    CAAWATCH_ASSIGN_OR_RETURN(names::DomainName domain,
                              NormaliseDomain(raw, NameKind::kIssuerDomain));
    std::string issuer = domain.str();
    if (!absl::c_linear_search(issuers, issuer)) issuers.push_back(std::move(issuer));
  }
  return issuers;
}

// In an entry's packed issuer-list id: the entry is a subtree item.
constexpr uint32_t kSubtreeBit = uint32_t{1} << 31;

// How a certificate label is compared with watched labels (certspotter's dnsLabelMatches).
enum class LabelKind { kLiteral, kAny, kGlob };

LabelKind Classify(absl::string_view label) {
  if (label == "*" || label == "?") return LabelKind::kAny;
  if (IsHostnameLabel(label)) return LabelKind::kLiteral;
  const bool glob_chars_only =
      !label.empty() && label.size() <= kMaxLabelLength &&
      std::all_of(label.begin(), label.end(), [](char c) { return IsHostnameChar(c) || c == '*'; });
  // Anything else is unparsable, and an unparsable label might be any label: fail safe.
  return glob_chars_only ? LabelKind::kGlob : LabelKind::kAny;
}

// '*' matches any run of characters (possibly none) within the label.
bool GlobMatches(absl::string_view pattern, absl::string_view label) {
  size_t p = 0, l = 0, star = absl::string_view::npos, star_l = 0;
  while (l < label.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_l = l;
    } else if (p < pattern.size() && pattern[p] == label[l]) {
      ++p, ++l;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      l = ++star_l;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

WatchItem WatchItem::ForName(names::DomainName domain, std::vector<std::string> issuers) {
  return WatchItem{Scope::kName, std::move(domain), std::move(issuers)};
}

WatchItem WatchItem::ForSubtree(names::DomainName domain, std::vector<std::string> issuers) {
  return WatchItem{Scope::kSubtree, std::move(domain), std::move(issuers)};
}

WatchItem WatchItem::ForEveryName(std::vector<std::string> issuers) {
  return WatchItem{Scope::kEveryName, std::nullopt, std::move(issuers)};
}

std::string WatchItem::Name() const {
  switch (scope) {
    case Scope::kName:
      return domain->str();
    case Scope::kSubtree:
      return absl::StrCat(".", domain->view());
    case Scope::kEveryName:
      break;
  }
  return ".";
}

std::string WatchItem::ToString() const {
  std::string out = Name();
  if (!issuers.empty()) absl::StrAppend(&out, " issuers=", absl::StrJoin(issuers, ","));
  return out;
}

absl::StatusOr<WatchItem> ParseWatchItem(absl::string_view text) {
  if (text.size() > kMaxWatchEntryBytes) {
    return absl::InvalidArgumentError(absl::StrCat("watch entry ", QuoteInput(text),
                                                   " longer than ", kMaxWatchEntryBytes, " bytes"));
  }
  // Most lines are one name: split only when there is something to split (a million-line
  // watchlist is read at every start).
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::vector<absl::string_view> fields;
  if (std::none_of(text.begin(), text.end(), is_space)) {
    if (!text.empty()) fields.push_back(text);
  } else {
    fields = absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  }
  if (fields.empty()) return absl::InvalidArgumentError("empty watch entry");
  WatchItem item = WatchItem::ForEveryName();
  absl::string_view name = fields[0];
  if (name != ".") {
    item.scope =
        absl::ConsumePrefix(&name, ".") ? WatchItem::Scope::kSubtree : WatchItem::Scope::kName;
    CAAWATCH_ASSIGN_OR_RETURN(names::DomainName domain,
                              NormaliseDomain(name, NameKind::kWatchedName));
    item.domain = std::move(domain);
  }
  bool seen_issuers = false;
  for (size_t i = 1; i < fields.size(); ++i) {
    absl::string_view field = fields[i];
    if (absl::StartsWith(field, "#")) break;             // A trailing comment.
    if (absl::StartsWith(field, "valid_at:")) continue;  // certspotter's legacy field.
    if (!absl::ConsumePrefix(&field, "issuers=") || seen_issuers) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown or repeated field ", QuoteInput(fields[i])));
    }
    seen_issuers = true;
    absl::StatusOr<std::vector<std::string>> issuers = ParseIssuers(field);
    if (!issuers.ok()) return Annotate(issuers.status(), "issuers=");
    if (issuers->size() > kMaxIssuersPerEntry) {
      return absl::InvalidArgumentError(
          absl::StrCat("issuers=: more than ", kMaxIssuersPerEntry, " issuers"));
    }
    item.issuers = *std::move(issuers);
  }
  return item;
}

namespace {

// The common line, one ASCII name and nothing else ("www.Example.com", ".example.com."): its
// domain as ParseWatchItem would give it, without a WatchItem, and true. False for anything
// else (fields, IDNs, the root ".", a bad name), which ParseWatchItem then reads.
bool ParsePlainName(absl::string_view line, std::string* domain, bool* subtree) {
  *subtree = absl::ConsumePrefix(&line, ".");
  while (absl::ConsumeSuffix(&line, ".")) {
  }
  return names::DomainName::ParseAsciiInto(line, domain);
}

// ForEachWatchItem, with plain names (ParsePlainName) given to `plain` without a WatchItem;
// a line `plain` returns false for is read by ParseWatchItem after all.
template <typename PlainFn, typename ItemFn>
absl::Status ReadWatchlist(absl::string_view text, PlainFn plain, ItemFn item_fn) {
  int line_number = 0;
  std::string domain;
  bool subtree = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (line.size() > kMaxWatchEntryBytes) {  // Comments too: the file is not a blob store.
      return absl::InvalidArgumentError(absl::StrCat("watchlist line ", line_number,
                                                     " longer than ", kMaxWatchEntryBytes,
                                                     " bytes (", QuoteInput(line), ")"));
    }
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    if (ParsePlainName(line, &domain, &subtree) && plain(domain, subtree)) continue;
    absl::StatusOr<WatchItem> item = ParseWatchItem(line);
    if (!item.ok()) {
      return Annotate(item.status(), absl::StrCat("watchlist line ", line_number));
    }
    item_fn(*std::move(item));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ForEachWatchItem(absl::string_view text, absl::FunctionRef<void(WatchItem)> fn) {
  return ReadWatchlist(
      text,
      [&](const std::string& domain, bool subtree) {
        // ParsePlainName gave the name as Parse would: FromNormalized takes it as it is.
        std::optional<names::DomainName> name = names::DomainName::FromNormalized(domain);
        if (!name.has_value()) return false;
        fn(subtree ? WatchItem::ForSubtree(*std::move(name))
                   : WatchItem::ForName(*std::move(name)));
        return true;
      },
      fn);
}

absl::StatusOr<std::vector<WatchItem>> ParseWatchlist(absl::string_view text) {
  std::vector<WatchItem> items;
  CAAWATCH_RETURN_IF_ERROR(
      ForEachWatchItem(text, [&](WatchItem item) { items.push_back(std::move(item)); }));
  return items;
}

absl::StatusOr<WatchItem> ParseWatchEntry(absl::string_view name,
                                          absl::Span<const std::string> issuers) {
  // A name given apart from its issuers is one name: ParseWatchItem would read "bad name" as a
  // name and an unknown field.
  if (name.find_first_of(" \t\r\n") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(QuoteInput(name),
                     " is not a DNS name: it holds white space (give issuers "
                     "separately, with --issuer)"));
  }
  CAAWATCH_ASSIGN_OR_RETURN(WatchItem item, ParseWatchItem(name));
  for (const std::string& list : issuers) {
    if (list.size() > kMaxWatchEntryBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "issuer list ", QuoteInput(list), " longer than ", kMaxWatchEntryBytes, " bytes"));
    }
    absl::StatusOr<std::vector<std::string>> parsed = ParseIssuers(list);
    if (!parsed.ok()) return Annotate(parsed.status(), "issuer");
    for (std::string& issuer : *parsed) {
      if (!absl::c_linear_search(item.issuers, issuer)) item.issuers.push_back(std::move(issuer));
    }
    if (item.issuers.size() > kMaxIssuersPerEntry) {
      return absl::InvalidArgumentError(
          absl::StrCat("more than ", kMaxIssuersPerEntry, " issuers for one watch entry"));
    }
  }
  return item;
}

bool IssuerExpected(absl::Span<const std::string> expected,
                    absl::Span<const std::string> ca_identifiers) {
  if (expected.empty()) return true;
  for (const std::string& id : ca_identifiers) {
    std::string lowered;  // A CA's identifier from the issuer map may be no DomainName.
    if (absl::c_linear_search(expected, names::FoldCase(id, &lowered))) return true;
  }
  return false;
}

std::string WatchEntry::domain() const { return list_->trie_.Domain(list_->items_[index_].first); }

bool WatchEntry::subtree() const { return (list_->items_[index_].second & kSubtreeBit) != 0; }

absl::Span<const std::string> WatchEntry::issuers() const {
  return list_->issuer_lists_[list_->items_[index_].second & ~kSubtreeBit];
}

absl::StatusOr<WatchItem> WatchEntry::ToItem() const {
  const absl::Span<const std::string> expected = issuers();
  std::vector<std::string> issuer_list(expected.begin(), expected.end());
  std::string text = domain();
  if (text.empty()) return WatchItem::ForEveryName(std::move(issuer_list));
  std::optional<names::DomainName> name = names::DomainName::FromNormalized(std::move(text));
  if (!name.has_value()) {
    return absl::DataLossError(absl::StrCat("watch entry ", index_, ": its domain is no name"));
  }
  return subtree() ? WatchItem::ForSubtree(*std::move(name), std::move(issuer_list))
                   : WatchItem::ForName(*std::move(name), std::move(issuer_list));
}

std::string WatchEntry::Name() const {
  const std::string text = domain();
  if (text.empty()) return ".";
  return subtree() ? absl::StrCat(".", text) : text;
}

std::string WatchEntry::ToString() const {
  std::string out = Name();
  const absl::Span<const std::string> expected = issuers();
  if (!expected.empty()) absl::StrAppend(&out, " issuers=", absl::StrJoin(expected, ","));
  return out;
}

Watchlist::Builder::Builder(const Watchlist& base)
    : trie_(base.trie_.ThawedCopy()), items_(base.items_), issuer_lists_(base.issuer_lists_) {
  issuer_ids_.clear();
  for (size_t i = 0; i < issuer_lists_.size(); ++i) {
    issuer_ids_.emplace(issuer_lists_[i], static_cast<uint32_t>(i));
  }
}

void Watchlist::Builder::Add(const WatchItem& item) {
  const uint32_t node =
      trie_.Insert(item.domain.has_value() ? item.domain->view() : absl::string_view());
  // Most entries list no issuers, and those that do mostly share a few lists: one copy each.
  const auto [it, inserted] =
      issuer_ids_.try_emplace(item.issuers, static_cast<uint32_t>(issuer_lists_.size()));
  if (inserted) issuer_lists_.push_back(item.issuers);
  items_.emplace_back(node, it->second | (item.subtree() ? kSubtreeBit : 0));
}

absl::Status Watchlist::Builder::AddText(absl::string_view text) {
  // About one new node per line (parents are shared), and no more label bytes than the text.
  const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  trie_.Reserve(trie_.size() + lines + lines / 8, text.size());
  items_.reserve(items_.size() + lines);
  return ReadWatchlist(
      text,
      [this](const std::string& domain, bool subtree) {
        // Issuer list 0 is the empty one: no lookup of the interned lists.
        items_.emplace_back(trie_.Insert(domain), subtree ? kSubtreeBit : 0);
        return true;
      },
      [this](const WatchItem& item) { Add(item); });
}

Watchlist Watchlist::Builder::Build() && {
  items_.shrink_to_fit();
  return Watchlist(std::move(trie_), std::move(items_), std::move(issuer_lists_));
}

Watchlist::Watchlist(const std::vector<WatchItem>& items) {
  Builder builder;
  for (const WatchItem& item : items) builder.Add(item);
  *this = std::move(builder).Build();
}

Watchlist::Watchlist(LabelTrie trie, std::vector<std::pair<uint32_t, uint32_t>> items,
                     std::vector<std::vector<std::string>> issuer_lists)
    : trie_(std::move(trie)), items_(std::move(items)), issuer_lists_(std::move(issuer_lists)) {
  trie_.Freeze();
  // Entries grouped by trie node (a counting sort), so a node's entries are one range.
  item_begin_.assign(trie_.size() + 1, 0);
  for (const auto& [node, bits] : items_) ++item_begin_[node + 1];
  for (size_t n = 1; n < item_begin_.size(); ++n) item_begin_[n] += item_begin_[n - 1];
  item_refs_.resize(items_.size());
  std::vector<uint32_t> next(item_begin_.begin(), item_begin_.end() - 1);
  for (uint32_t i = 0; i < items_.size(); ++i) item_refs_[next[items_[i].first]++] = i;
}

std::string Watchlist::SearchName(size_t i) const {
  for (uint32_t n = static_cast<uint32_t>(i); n != LabelTrie::kRoot; n = trie_.Parent(n)) {
    if (absl::StrContains(trie_.Label(n), '*')) return std::string();
  }
  return trie_.Domain(static_cast<uint32_t>(i));
}

Watchlist::SearchNamesDigest Watchlist::DigestSearchNames() const {
  // Per node, the hash of its label continued from its parent's (a parent is always numbered
  // before its children), so a node's hash stands for its whole name; the set's fingerprint is
  // the sum of the finalised node hashes, which no order changes.
  std::vector<uint64_t> path_hash(trie_.size(), 0);
  std::vector<bool> starred(trie_.size(), false);
  SearchNamesDigest digest;
  for (uint32_t n = 1; n < trie_.size(); ++n) {
    const uint32_t parent = trie_.Parent(n);
    const absl::string_view label = trie_.Label(n);
    path_hash[n] = StableHash64(label, path_hash[parent]);
    starred[n] = starred[parent] || absl::StrContains(label, '*');
    if (starred[n]) continue;
    uint64_t h = path_hash[n];  // splitmix64's finaliser, so that sums of close values spread.
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    digest.fingerprint += h ^ (h >> 31);
    ++digest.names;
  }
  return digest;
}

bool Watchlist::HasSearchName(absl::string_view name) const {
  const uint32_t node = trie_.Find(name);
  return node != LabelTrie::kAbsent && node != LabelTrie::kRoot;
}

Watchlist::Repeats Watchlist::RepeatedEntries() const {
  Repeats repeats;
  for (size_t node = 0; node + 1 < item_begin_.size(); ++node) {
    // item_refs_ lists a node's entries in list order: a later one with the same kind repeats.
    bool seen[2] = {false, false};
    for (uint32_t r = item_begin_[node]; r < item_begin_[node + 1]; ++r) {
      const uint32_t item = item_refs_[r];
      const bool subtree = (items_[item].second & kSubtreeBit) != 0;
      if (seen[subtree]) {
        if (repeats.count == 0 || item < repeats.first) repeats.first = item;
        ++repeats.count;
      }
      seen[subtree] = true;
    }
  }
  return repeats;
}

size_t Watchlist::MemoryBytes() const {
  size_t bytes = trie_.MemoryBytes() + sizeof(items_[0]) * items_.capacity() +
                 sizeof(uint32_t) * (item_begin_.capacity() + item_refs_.capacity()) +
                 sizeof(issuer_lists_[0]) * issuer_lists_.capacity();
  for (const std::vector<std::string>& list : issuer_lists_) {
    bytes += sizeof(std::string) * list.capacity();
    for (const std::string& issuer : list) bytes += issuer.capacity() > 15 ? issuer.capacity() : 0;
  }
  return bytes;
}

void Watchlist::Encode(FlatWriter* out) const {
  trie_.Encode(out);
  std::vector<uint32_t> nodes(items_.size()), bits(items_.size());
  for (size_t i = 0; i < items_.size(); ++i) std::tie(nodes[i], bits[i]) = items_[i];
  out->Array(nodes);
  out->Array(bits);
  out->Count(issuer_lists_.size());
  for (const std::vector<std::string>& list : issuer_lists_) {
    out->Count(list.size());
    for (const std::string& issuer : list) out->Bytes(issuer);
  }
  out->Array(item_begin_);
  out->Array(item_refs_);
}

absl::StatusOr<Watchlist> Watchlist::Decode(FlatReader* in) {
  const auto bad = [](absl::string_view what) {
    return absl::DataLossError(absl::StrCat("watchlist: ", what));
  };
  Watchlist list;
  CAAWATCH_ASSIGN_OR_RETURN(list.trie_, LabelTrie::Decode(in));
  std::vector<uint32_t> nodes, bits;
  uint64_t lists = 0;
  if (!in->Array(&nodes) || !in->Array(&bits) || !in->Count(&lists) ||
      lists > in->remaining() / sizeof(uint64_t)) {
    return bad("truncated");
  }
  list.issuer_lists_.resize(lists);
  for (std::vector<std::string>& issuers : list.issuer_lists_) {
    uint64_t count = 0;
    if (!in->Count(&count) || count > in->remaining() / sizeof(uint64_t)) return bad("truncated");
    issuers.resize(count);
    for (std::string& issuer : issuers) {
      if (!in->Bytes(&issuer)) return bad("truncated");
    }
  }
  if (!in->Array(&list.item_begin_) || !in->Array(&list.item_refs_)) return bad("truncated");
  // Entries: a node of the trie and an interned issuer list each; list 0 is the empty one.
  if (nodes.size() != bits.size() || nodes.size() >= kSubtreeBit) return bad("entry arrays differ");
  if (list.issuer_lists_.empty() || !list.issuer_lists_[0].empty()) return bad("no empty list 0");
  list.items_.resize(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i] >= list.trie_.size() || (bits[i] & ~kSubtreeBit) >= list.issuer_lists_.size()) {
      return bad("an entry refers to nothing");
    }
    list.items_[i] = {nodes[i], bits[i]};
  }
  // Entries grouped by node, each once.
  const size_t n = list.trie_.size();
  if (list.item_begin_.size() != n + 1 || list.item_begin_[0] != 0 ||
      list.item_begin_[n] != list.items_.size() || list.item_refs_.size() != list.items_.size() ||
      !std::is_sorted(list.item_begin_.begin(), list.item_begin_.end())) {
    return bad("entry offsets do not match the entries");
  }
  std::vector<bool> seen(list.items_.size(), false);
  for (uint32_t node = 0; node < n; ++node) {
    for (uint32_t r = list.item_begin_[node]; r < list.item_begin_[node + 1]; ++r) {
      const uint32_t i = list.item_refs_[r];
      if (i >= list.items_.size() || seen[i] || list.items_[i].first != node) {
        return bad("an entry listed under the wrong node");
      }
      seen[i] = true;
    }
  }
  return list;
}

void Watchlist::Collect(uint32_t node, bool name_consumed, absl::string_view cert_name,
                        std::vector<Match>* out) const {
  for (uint32_t r = item_begin_[node]; r < item_begin_[node + 1]; ++r) {
    const uint32_t i = item_refs_[r];
    if (name_consumed || (items_[i].second & kSubtreeBit) != 0) {
      out->push_back(Match{entry(i), std::string(cert_name)});
    }
  }
}

std::vector<Match> Watchlist::MatchName(absl::string_view cert_name) const {
  std::vector<Match> out;
  if (item_begin_.empty()) return out;  // Only a moved-from Watchlist has no index.
  std::string lowered;
  cert_name = names::FoldCase(cert_name, &lowered);  // A certificate name may be no DomainName.

  // The trie nodes whose watched name equals the certificate labels consumed so far.
  // Inline: most names reach one node or none, and this runs for every certificate name.
  absl::InlinedVector<uint32_t, 8> frontier = {LabelTrie::kRoot}, next;
  bool labels_left = !cert_name.empty();
  for (size_t end = cert_name.size(); labels_left && !frontier.empty();) {
    const size_t dot = end == 0 ? absl::string_view::npos : cert_name.rfind('.', end - 1);
    const size_t start = dot == absl::string_view::npos ? 0 : dot + 1;
    const absl::string_view label = cert_name.substr(start, end - start);
    const LabelKind kind = Classify(label);
    next.clear();
    for (uint32_t n : frontier) {
      Collect(n, /*name_consumed=*/false, cert_name, &out);  // Subtree items above.
      if (kind == LabelKind::kLiteral) {
        const uint32_t child = trie_.Child(n, label);
        if (child != LabelTrie::kAbsent) next.push_back(child);
        continue;
      }
      for (uint32_t child : trie_.Children(n)) {
        if (kind == LabelKind::kAny || GlobMatches(label, trie_.Label(child))) {
          next.push_back(child);
        }
      }
    }
    frontier.swap(next);
    labels_left = dot != absl::string_view::npos;
    end = dot;
  }
  if (!labels_left) {
    for (uint32_t n : frontier) Collect(n, /*name_consumed=*/true, cert_name, &out);
  }
  return out;
}

}  // namespace caawatch::watch
