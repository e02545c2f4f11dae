#include "names/domain_name.h"

#include <idn2.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"

namespace caawatch::names {
namespace {

// What a label of a normalised name may hold. '_' appears in real names (service labels) and
// '*' is kept as a literal character, as certspotter keeps it through IDNA ToASCII.
constexpr std::array<bool, 256> MakeNameChars() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*';
  }
  return table;
}
constexpr std::array<bool, 256> kNameChars = MakeNameChars();

// The one ASCII case fold of names (DNS compares labels case-insensitively, RFC 4343).
constexpr char LowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII `text` lowercased into `out`, one trailing dot dropped, in one pass: nullptr when it
// is a name, else what is wrong with it. Every certificate name of every entry can come here.
const char* NormalizeAscii(absl::string_view text, std::string* out) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return "is empty";
  if (text.size() > DomainName::kMaxLength) return "is longer than 253 octets";
  out->resize(text.size());
  size_t label_length = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = LowerAscii(text[i]);
    if (c == '.') {
      if (label_length == 0) return "has an empty label";
      label_length = 0;
    } else if (!kNameChars[static_cast<unsigned char>(c)]) {
      return "has a character other than letters, digits, '-', '_' and '*'";
    } else if (++label_length > DomainName::kMaxLabelLength) {
      return "has a label longer than 63 octets";
    }
    (*out)[i] = c;
  }
  if (label_length == 0) return "has an empty label";
  return nullptr;
}

absl::Status Refuse(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("name ", QuoteInput(text), " ", why));
}

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

}  // namespace

absl::string_view FoldCase(absl::string_view text, std::string* scratch) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (std::none_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return text;
  }
  scratch->resize(text.size());
  std::transform(text.begin(), text.end(), scratch->begin(), LowerAscii);
  return *scratch;
}

absl::StatusOr<DomainName> DomainName::Parse(absl::string_view text) {
  if (text.size() > kMaxTextBytes) {
    return Refuse(text, absl::StrCat("is longer than ", kMaxTextBytes, " bytes"));
  }
  std::string name;
  const char* why = NormalizeAscii(text, &name);
  if (why == nullptr) return DomainName(std::move(name));
  if (std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; })) {
    return Refuse(text, why);
  }
  // libidn2 reads a C string: a NUL would cut the name short ("bücher\0.evil" as "bücher").
  if (absl::StrContains(text, '\0')) return Refuse(text, "holds a NUL");
  char* raw = nullptr;
  const int rc = idn2_to_ascii_8z(std::string(text).c_str(), &raw, IDN2_NONTRANSITIONAL);
  std::unique_ptr<char, FreeDeleter> mapped(raw);
  if (rc != IDN2_OK) {
    return Refuse(text, absl::StrCat("is not a valid IDNA name: ", idn2_strerror(rc)));
  }
  why = NormalizeAscii(mapped.get(), &name);
  if (why != nullptr) return Refuse(text, absl::StrCat("(as A-labels) ", why));
  return DomainName(std::move(name));
}

bool DomainName::ParseAsciiInto(absl::string_view text, std::string* out) {
  return NormalizeAscii(text, out) == nullptr;
}

std::optional<DomainName> DomainName::FromNormalized(std::string text) {
  if (!IsNormalized(text)) return std::nullopt;
  return DomainName(std::move(text));
}

bool DomainName::IsNormalized(absl::string_view text) {
  if (text.empty() || text.size() > kMaxLength || text.back() == '.') return false;
  size_t label_length = 0;
  for (char c : text) {
    if (c == '.') {
      if (label_length == 0) return false;
      label_length = 0;
    } else if (!kNameChars[static_cast<unsigned char>(c)] || ++label_length > kMaxLabelLength) {
      return false;
    }
  }
  return true;
}

size_t DomainName::label_count() const {
  return static_cast<size_t>(std::count(name_.begin(), name_.end(), '.')) + 1;
}

absl::string_view DomainName::first_label() const { return view().substr(0, name_.find('.')); }

DomainName DomainName::WildcardBase() const {
  return is_wildcard() ? DomainName(name_.substr(2)) : *this;
}

std::optional<DomainName> DomainName::Parent() const {
  const size_t dot = name_.find('.');
  if (dot == std::string::npos) return std::nullopt;
  return DomainName(name_.substr(dot + 1));
}

bool DomainName::IsAtOrUnder(const DomainName& base) const {
  return name_ == base.name_ || IsUnder(base);
}

bool DomainName::IsUnder(const DomainName& base) const {
  return name_.size() > base.name_.size() && absl::EndsWith(name_, base.name_) &&
         name_[name_.size() - base.name_.size() - 1] == '.';
}

}  // namespace caawatch::names
