#include "caa/issue_value.h"

#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "names/domain_name.h"

namespace caawatch::caa {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }
bool IsAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }
// value = *(%x21-3A / %x3C-7E): visible ASCII except ';'.
bool IsValueChar(char c) { return c >= 0x21 && c <= 0x7E && c != ';'; }

// A cursor over the value; every Read* returns false (and leaves pos_ unspecified) on mismatch.
class Cursor {
 public:
  explicit Cursor(absl::string_view in) : in_(in) {}
  bool done() const { return pos_ == in_.size(); }
  char peek() const { return in_[pos_]; }
  bool Consume(char c) {
    if (done() || peek() != c) return false;
    ++pos_;
    return true;
  }
  void SkipWsp() {
    while (!done() && IsWsp(peek())) ++pos_;
  }
  // label = (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT)): starts and ends alnum, hyphens inside.
  bool ReadLabel(std::string* out) {
    const size_t start = pos_;
    if (done() || !IsAlnum(peek())) return false;
    while (!done() && (IsAlnum(peek()) || peek() == '-')) ++pos_;
    if (in_[pos_ - 1] == '-') return false;
    absl::StrAppend(out, in_.substr(start, pos_ - start));
    return true;
  }
  bool ReadDomain(std::string* out) {
    if (!ReadLabel(out)) return false;
    while (Consume('.')) {
      out->push_back('.');
      if (!ReadLabel(out)) return false;  // No empty label, so no trailing dot either.
    }
    return true;
  }
  // parameter = tag *WSP "=" *WSP value
  bool ReadParameter(std::pair<std::string, std::string>* out) {
    if (!ReadLabel(&out->first)) return false;
    SkipWsp();
    if (!Consume('=')) return false;
    SkipWsp();
    const size_t start = pos_;
    while (!done() && IsValueChar(peek())) ++pos_;
    out->second = std::string(in_.substr(start, pos_ - start));
    return true;
  }

 private:
  absl::string_view in_;
  size_t pos_ = 0;
};

absl::Status Malformed(absl::string_view value, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("issue value \"", absl::CHexEscape(value), "\": ", what));
}

}  // namespace

absl::StatusOr<IssueValue> ParseIssueValue(absl::string_view value) {
  Cursor c(value);
  IssueValue result;
  c.SkipWsp();
  if (!c.done() && IsAlnum(c.peek())) {
    std::string domain;
    if (!c.ReadDomain(&domain)) return Malformed(value, "bad issuer-domain-name");
    // RFC 8659's grammar says nothing of lengths; a DNS name does (one over them names no CA).
    if (!names::DomainName::ParseAsciiInto(domain, &result.issuer_domain)) {
      return Malformed(value, "issuer-domain-name is not a DNS name (too long)");
    }
    c.SkipWsp();
  }
  if (c.done()) return result;
  if (!c.Consume(';')) return Malformed(value, "expected ';' or end after the issuer");
  c.SkipWsp();
  if (c.done()) return result;  // "issuer;" with no parameters is valid.
  while (true) {
    std::pair<std::string, std::string> parameter;
    if (!c.ReadParameter(&parameter)) return Malformed(value, "bad parameter");
    result.parameters.push_back(std::move(parameter));
    c.SkipWsp();
    if (c.done()) return result;
    if (!c.Consume(';')) return Malformed(value, "expected ';' or end after a parameter");
    c.SkipWsp();
    // The ABNF has no separator after the last parameter: ";" must be followed by one.
    if (c.done()) return Malformed(value, "';' after the last parameter");
  }
}

}  // namespace caawatch::caa
