#include "monitor/watchlist.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace caawatch::monitor {
namespace {

std::string Normalize(absl::string_view name) {
  std::string out = absl::AsciiStrToLower(name);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::string_view Parent(std::string_view name) {
  const size_t dot = name.find('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
}

absl::Status CheckDomain(absl::string_view domain) {
  if (domain.size() > 253) return absl::InvalidArgumentError("name longer than 253 octets");
  for (absl::string_view label : absl::StrSplit(domain, '.')) {
    if (label.empty()) return absl::InvalidArgumentError("empty label");
    if (label.size() > 63) return absl::InvalidArgumentError("label longer than 63 octets");
    for (char c : label) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u >= 0x80) {
        return absl::InvalidArgumentError(
            "non-ASCII name: write internationalised names as A-labels (xn--...)");
      }
      if (!absl::ascii_isalnum(u) && c != '-' && c != '_') {
        return absl::InvalidArgumentError(absl::StrCat("character '", std::string(1, c),
                                                       "' is not allowed in a name"));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<WatchItem> ParseLine(absl::string_view line) {
  std::vector<absl::string_view> fields = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  WatchItem item;
  absl::string_view name = fields[0];
  if (name == ".") {
    item.subtree = true;
  } else {
    if (absl::ConsumePrefix(&name, ".")) item.subtree = true;
    item.domain = Normalize(name);
    if (absl::Status s = CheckDomain(item.domain); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("'", fields[0], "': ", s.message()));
    }
  }
  for (size_t i = 1; i < fields.size(); ++i) {
    absl::string_view field = fields[i];
    if (absl::ConsumePrefix(&field, "issuers=")) {
      for (absl::string_view issuer : absl::StrSplit(field, ',', absl::SkipEmpty())) {
        const std::string lower = Normalize(issuer);
        if (absl::Status s = CheckDomain(lower); !s.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("issuer '", issuer, "': ", s.message()));
        }
        item.issuers.push_back(lower);
      }
    } else if (absl::StartsWith(field, "valid_at:")) {
      continue;  // certspotter's legacy field; accepted for compatibility, has no effect here.
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown field '", field, "'"));
    }
  }
  return item;
}

}  // namespace

std::string WatchItem::ToString() const {
  std::string out = subtree ? absl::StrCat(".", domain) : domain;
  if (!issuers.empty()) absl::StrAppend(&out, " issuers=", absl::StrJoin(issuers, ","));
  return out;
}

absl::StatusOr<std::vector<WatchItem>> ParseWatchlist(absl::string_view text) {
  std::vector<WatchItem> items;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (const size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    absl::StatusOr<WatchItem> item = ParseLine(line);
    if (!item.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("watchlist line ", line_number, ": ", item.status().message()));
    }
    items.push_back(std::move(*item));
  }
  return items;
}

bool IssuerExpected(const WatchItem& item, absl::Span<const std::string> ca_identifiers) {
  if (item.issuers.empty()) return true;
  for (const std::string& id : ca_identifiers) {
    if (std::find(item.issuers.begin(), item.issuers.end(), absl::AsciiStrToLower(id)) !=
        item.issuers.end()) {
      return true;
    }
  }
  return false;
}

Watchlist::Watchlist(std::vector<WatchItem> items) : items_(std::move(items)) {
  for (size_t i = 0; i < items_.size(); ++i) {
    const WatchItem& item = items_[i];
    (item.subtree ? subtree_ : exact_)[item.domain].push_back(i);
    if (!item.domain.empty()) children_[std::string(Parent(item.domain))].push_back(i);
  }
}

std::vector<WatchMatch> Watchlist::MatchName(absl::string_view cert_name) const {
  const std::string name = Normalize(cert_name);
  std::vector<size_t> hits;
  auto add = [&](const absl::flat_hash_map<std::string, std::vector<size_t>>& map,
                 std::string_view key) {
    auto it = map.find(key);
    if (it != map.end()) hits.insert(hits.end(), it->second.begin(), it->second.end());
  };
  add(exact_, name);
  // Subtree items at the name or any ancestor, up to "." (the empty domain).
  for (std::string_view suffix = name;; suffix = Parent(suffix)) {
    add(subtree_, suffix);
    if (suffix.empty()) break;
  }
  // A wildcard or redacted first label covers every direct child of the rest.
  if (absl::StartsWith(name, "*.") || absl::StartsWith(name, "?.")) {
    add(children_, std::string_view(name).substr(2));
  }
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  std::vector<WatchMatch> out;
  out.reserve(hits.size());
  for (size_t i : hits) out.push_back(WatchMatch{&items_[i]});
  return out;
}

}  // namespace caawatch::monitor
