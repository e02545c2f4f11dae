#include "monitor/watchlist.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "ctlog/der.h"
#include "ctlog/punycode.h"

namespace caawatch::monitor {
namespace {

constexpr size_t kMaxLabelLength = 63;    // RFC 1035 §2.3.4.
constexpr size_t kMaxDomainLength = 253;  // 255 octets on the wire, without the root label.

bool IsHostnameChar(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || c == '_';
}

bool IsHostnameLabel(absl::string_view label) {
  return !label.empty() && label.size() <= kMaxLabelLength &&
         std::all_of(label.begin(), label.end(), IsHostnameChar);
}

// Which characters a label of a parsed name may hold.
enum class LabelSyntax {
  kHostname,     // Letters, digits, '-', '_': issuer domains.
  kWatchedName,  // Also '*', as a literal character: certspotter's IDNA ToASCII (Punycode
                 // profile, no validation) keeps it, so "*.example.com" is a watch entry whose
                 // first label is the literal "*" (ct-ecosystem.md B1; see ParseWatchItem).
};

bool IsLabelOf(LabelSyntax syntax, absl::string_view label) {
  if (syntax == LabelSyntax::kHostname) return IsHostnameLabel(label);
  return !label.empty() && label.size() <= kMaxLabelLength &&
         std::all_of(label.begin(), label.end(),
                     [](char c) { return IsHostnameChar(c) || c == '*'; });
}

// Lowercases every letter of the UTF-8 `text`, as certspotter's strings.ToLower does before
// IDNA, so "BÜCHER" and "bücher" are one A-label. Uses glibc's Unicode tables through the
// C.UTF-8 locale (libc-bin, always installed); text that is not UTF-8 is returned unchanged
// for ToALabels to reject.
std::string LowercaseUtf8(absl::string_view text) {
  static const locale_t kUtf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
  if (kUtf8 == locale_t{}) return absl::AsciiStrToLower(text);
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[i + k]); };
    const uint8_t lead = byte(0);
    const size_t n = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (n == 0 || i + n > text.size()) return std::string(text);
    wint_t c = n == 1 ? lead : lead & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      if ((byte(k) & 0xC0) != 0x80) return std::string(text);
      c = (c << 6) | (byte(k) & 0x3F);
    }
    static constexpr wint_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kMin[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::string(text);
    ctlog::AppendUtf8(static_cast<uint32_t>(towlower_l(c, kUtf8)), &out);
    i += n;
  }
  return out;
}

// One label of a watched name or issuer domain: lowercased, non-ASCII to an A-label.
absl::StatusOr<std::string> NormaliseLabel(absl::string_view raw, LabelSyntax syntax) {
  std::string label = absl::AsciiStrToLower(raw);
  if (std::any_of(label.begin(), label.end(), [](char c) { return (c & 0x80) != 0; })) {
    std::optional<std::string> encoded = ctlog::ToALabels(LowercaseUtf8(label));
    if (!encoded.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("label \"", raw, "\" is not a valid UTF-8 host name label"));
    }
    label = *std::move(encoded);
  }
  if (!IsLabelOf(syntax, label)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid label \"", raw, "\" (want 1-63 letters, digits, '-' or '_'",
                     syntax == LabelSyntax::kWatchedName ? ", or a literal '*')" : ")"));
  }
  return label;
}

absl::StatusOr<std::string> NormaliseDomain(absl::string_view raw, LabelSyntax syntax) {
  absl::string_view name = raw;
  while (absl::ConsumeSuffix(&name, ".")) {
  }  // Every trailing dot, as certspotter's TrimRight.
  std::vector<std::string> labels;
  for (absl::string_view label : absl::StrSplit(name, '.')) {
    absl::StatusOr<std::string> normalised = NormaliseLabel(label, syntax);
    if (!normalised.ok()) return Annotate(normalised.status(), absl::StrCat("name \"", raw, "\""));
    labels.push_back(*std::move(normalised));
  }
  std::string domain = absl::StrJoin(labels, ".");
  if (domain.size() > kMaxDomainLength) {
    return absl::InvalidArgumentError(absl::StrCat("name \"", raw, "\" longer than 253 octets"));
  }
  return domain;
}

absl::StatusOr<std::vector<std::string>> ParseIssuers(absl::string_view list) {
  std::vector<std::string> issuers;
  for (absl::string_view raw : absl::StrSplit(list, ',')) {
    CAAWATCH_ASSIGN_OR_RETURN(std::string issuer, NormaliseDomain(raw, LabelSyntax::kHostname));
    if (!absl::c_linear_search(issuers, issuer)) issuers.push_back(std::move(issuer));
  }
  return issuers;
}

std::string NormaliseIssuer(absl::string_view raw) {
  absl::ConsumeSuffix(&raw, ".");
  return absl::AsciiStrToLower(raw);
}

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

std::string WatchItem::ToString() const {
  std::string out = subtree ? absl::StrCat(".", domain) : domain;
  if (!issuers.empty()) absl::StrAppend(&out, " issuers=", absl::StrJoin(issuers, ","));
  return out;
}

absl::StatusOr<WatchItem> ParseWatchItem(absl::string_view text) {
  std::vector<absl::string_view> fields =
      absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  if (fields.empty()) return absl::InvalidArgumentError("empty watch entry");
  WatchItem item;
  absl::string_view name = fields[0];
  if (name == ".") {
    item.subtree = true;
  } else {
    item.subtree = absl::ConsumePrefix(&name, ".");
    CAAWATCH_ASSIGN_OR_RETURN(item.domain, NormaliseDomain(name, LabelSyntax::kWatchedName));
  }
  bool seen_issuers = false;
  for (size_t i = 1; i < fields.size(); ++i) {
    absl::string_view field = fields[i];
    if (absl::StartsWith(field, "#")) break;             // A trailing comment.
    if (absl::StartsWith(field, "valid_at:")) continue;  // certspotter's legacy field.
    if (!absl::ConsumePrefix(&field, "issuers=") || seen_issuers) {
      return absl::InvalidArgumentError(absl::StrCat("unknown or repeated field \"", field, "\""));
    }
    seen_issuers = true;
    absl::StatusOr<std::vector<std::string>> issuers = ParseIssuers(field);
    if (!issuers.ok()) return Annotate(issuers.status(), "issuers=");
    item.issuers = *std::move(issuers);
  }
  return item;
}

absl::StatusOr<std::vector<WatchItem>> ParseWatchlist(absl::string_view text) {
  std::vector<WatchItem> items;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    absl::StatusOr<WatchItem> item = ParseWatchItem(line);
    if (!item.ok()) {
      return Annotate(item.status(), absl::StrCat("watchlist line ", line_number));
    }
    items.push_back(*std::move(item));
  }
  return items;
}

bool IssuerExpected(const WatchItem& item, absl::Span<const std::string> ca_identifiers) {
  if (item.issuers.empty()) return true;
  for (const std::string& id : ca_identifiers) {
    if (absl::c_linear_search(item.issuers, NormaliseIssuer(id))) return true;
  }
  return false;
}

Watchlist::Watchlist(std::vector<WatchItem> items) : items_(std::move(items)) { Build(); }

void Watchlist::Build() {
  nodes_.push_back(Node{});
  index_.emplace(absl::string_view(), 0);
  std::vector<uint32_t> parent = {0};
  std::vector<uint32_t> item_node(items_.size(), 0);
  for (size_t i = 0; i < items_.size(); ++i) {
    const absl::string_view domain = items_[i].domain;
    uint32_t node = 0;
    // Every suffix of the domain gets a node, so wildcards can walk down through ancestors.
    for (size_t end = domain.size(); end > 0;) {
      const size_t dot = domain.rfind('.', end - 1);
      const size_t start = dot == absl::string_view::npos ? 0 : dot + 1;
      const auto [it, inserted] = index_.try_emplace(domain.substr(start), nodes_.size());
      if (inserted) {
        nodes_.push_back(Node{.domain = domain.substr(start)});
        parent.push_back(node);
      }
      node = it->second;
      end = start == 0 ? 0 : dot;
    }
    item_node[i] = node;
  }
  // Group children by parent and items by node (counting sort), as ranges of flat arrays.
  auto group = [this](const std::vector<uint32_t>& owner, uint32_t Node::*begin,
                      uint32_t Node::*end, std::vector<uint32_t>* flat, size_t first) {
    for (size_t i = first; i < owner.size(); ++i) ++(nodes_[owner[i]].*end);
    uint32_t offset = 0;
    for (Node& n : nodes_) {
      n.*begin = offset;
      offset += n.*end;
      n.*end = n.*begin;
    }
    flat->resize(offset);
    for (size_t i = first; i < owner.size(); ++i) {
      (*flat)[(nodes_[owner[i]].*end)++] = static_cast<uint32_t>(i);
    }
  };
  group(parent, &Node::children_begin, &Node::children_end, &children_, 1);
  group(item_node, &Node::items_begin, &Node::items_end, &item_refs_, 0);
}

void Watchlist::Collect(const Node& node, bool name_consumed, absl::string_view cert_name,
                        std::vector<Match>* out) const {
  for (uint32_t i = node.items_begin; i < node.items_end; ++i) {
    const WatchItem& item = items_[item_refs_[i]];
    if (name_consumed || item.subtree) out->push_back(Match{&item, std::string(cert_name)});
  }
}

std::vector<Match> Watchlist::MatchName(absl::string_view cert_name) const {
  std::vector<Match> out;
  if (nodes_.empty()) return out;  // Only a moved-from Watchlist has no root.
  std::string lowered;
  if (std::any_of(cert_name.begin(), cert_name.end(), absl::ascii_isupper)) {
    lowered = absl::AsciiStrToLower(cert_name);
    cert_name = lowered;
  }
  absl::ConsumeSuffix(&cert_name, ".");

  // The trie nodes whose watched name equals the certificate labels consumed so far.
  std::vector<uint32_t> frontier = {0}, next;
  bool labels_left = !cert_name.empty();
  for (size_t end = cert_name.size(); labels_left && !frontier.empty();) {
    const size_t dot = end == 0 ? absl::string_view::npos : cert_name.rfind('.', end - 1);
    const size_t start = dot == absl::string_view::npos ? 0 : dot + 1;
    const absl::string_view label = cert_name.substr(start, end - start);
    const absl::string_view parent_suffix =
        end == cert_name.size() ? absl::string_view() : cert_name.substr(end + 1);
    const LabelKind kind = Classify(label);
    next.clear();
    for (uint32_t n : frontier) {
      const Node& node = nodes_[n];
      Collect(node, /*name_consumed=*/false, cert_name, &out);  // Subtree items above.
      if (kind == LabelKind::kLiteral) {
        // Without a wildcard so far, the child's name is a suffix of cert_name: no copy.
        const auto it =
            node.domain == parent_suffix
                ? index_.find(cert_name.substr(start))
                : index_.find(node.domain.empty() ? std::string(label)
                                                  : absl::StrCat(label, ".", node.domain));
        if (it != index_.end()) next.push_back(it->second);
        continue;
      }
      const size_t strip = node.domain.empty() ? 0 : node.domain.size() + 1;
      for (uint32_t c = node.children_begin; c < node.children_end; ++c) {
        const absl::string_view child = nodes_[children_[c]].domain;
        if (kind == LabelKind::kAny || GlobMatches(label, child.substr(0, child.size() - strip))) {
          next.push_back(children_[c]);
        }
      }
    }
    frontier.swap(next);
    labels_left = dot != absl::string_view::npos;
    end = dot;
  }
  if (!labels_left) {
    for (uint32_t n : frontier) Collect(nodes_[n], /*name_consumed=*/true, cert_name, &out);
  }
  return out;
}

}  // namespace caawatch::monitor
