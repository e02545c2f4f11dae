// A DNS name as every layer of caawatch compares it: A-labels (RFC 5890 §2.3.2.1) in lowercase,
// without the trailing dot, after IDNA with UTS #46 mapping (nontransitional) by libidn2. The one
// place that turns text into a name: the watchlist, the CLI, gRPC requests, DNS and certificates.
#ifndef CAAWATCH_NAMES_DOMAIN_NAME_H_
#define CAAWATCH_NAMES_DOMAIN_NAME_H_

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch::names {

// How text that may not be a name at all is compared with names: one trailing dot dropped and
// ASCII letters lowercased, nothing else checked or changed. For certificate names on the hot
// path (a SAN may hold garbage, which the watchlist still matches, fail-safe) and for issuer
// identifiers compared with issuer domains. For text Parse accepts as ASCII the result equals
// Parse's. Returns a view of `text` when nothing needs lowering (no copy), else of `*scratch`.
absl::string_view FoldCase(absl::string_view text, std::string* scratch);

class DomainName {
 public:
  static constexpr size_t kMaxLength = 253;      // 255 octets on the wire, less the root label.
  static constexpr size_t kMaxLabelLength = 63;  // RFC 1035 §2.3.4.
  // The most bytes of text Parse reads: a 253-octet name is about 1 KB as U-labels.
  static constexpr size_t kMaxTextBytes = 4096;

  // `text` as a name. One trailing dot is dropped; text that is already lowercase ASCII is
  // checked in one pass and never handed to libidn2; other text is mapped by UTS #46
  // (nontransitional: "faß" stays distinct from "fass"; full-width dots separate labels; case is
  // folded) and its U-labels encoded as A-labels. Each label then holds 1-63 of [a-z0-9-_*]
  // ('*' is literal: certificate wildcards and certspotter's watch syntax), at most 253 octets
  // in all. kInvalidArgument, quoting the text escaped and cut short, for anything else: empty
  // text, an empty label, a NUL, text that is not UTF-8, a label IDNA2008 forbids, a length
  // over the limits.
  [[nodiscard]] static absl::StatusOr<DomainName> Parse(absl::string_view text);

  // Parse's fast path for bulk readers that keep a buffer: true and `*out` = the name when
  // `text` is ASCII that Parse accepts (any case, one trailing dot); false (and `*out`
  // unspecified) for anything else, which Parse then reads and words the error of.
  static bool ParseAsciiInto(absl::string_view text, std::string* out);

  // Whether `text` is already a name exactly as Parse would return it (so a view of it can be
  // used as one without a copy).
  static bool IsNormalized(absl::string_view text);
  // `text` as a name when IsNormalized(text), taken as it is (no copy, nothing mapped): for text
  // that Parse or ParseAsciiInto gave before (a bulk reader's buffer, a saved index's labels).
  // nullopt for anything else.
  static std::optional<DomainName> FromNormalized(std::string text);

  const std::string& str() const { return name_; }
  absl::string_view view() const { return name_; }

  size_t label_count() const;
  // The leftmost label ("www" of "www.example.com").
  absl::string_view first_label() const;
  // A certificate wildcard: the leftmost label is exactly "*".
  bool is_wildcard() const { return name_.size() > 1 && name_[0] == '*' && name_[1] == '.'; }
  // "*.x" -> "x" (RFC 8659 §3: CAA for a wildcard is the relevant set of X); any other name is
  // itself.
  DomainName WildcardBase() const;
  // The name less its leftmost label; nullopt for a one-label name (a TLD).
  std::optional<DomainName> Parent() const;
  // This name equals `base` or lies below it, label-wise: "a.example.com" is under
  // "example.com", "notexample.com" is not.
  bool IsAtOrUnder(const DomainName& base) const;
  // Strictly below `base`.
  bool IsUnder(const DomainName& base) const;

  friend bool operator==(const DomainName&, const DomainName&) = default;
  friend auto operator<=>(const DomainName&, const DomainName&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const DomainName& name) {
    return H::combine(std::move(h), name.name_);
  }
  friend std::ostream& operator<<(std::ostream& os, const DomainName& name) {
    return os << name.name_;
  }

 private:
  explicit DomainName(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

}  // namespace caawatch::names

#endif  // CAAWATCH_NAMES_DOMAIN_NAME_H_
