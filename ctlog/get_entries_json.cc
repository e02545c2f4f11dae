#include "ctlog/get_entries_json.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "ctlog/base64.h"

namespace caawatch::ctlog {
namespace {

// A cursor over the body. Every Parse* returns false for input this fast path does not take.
class Scanner {
 public:
  explicit Scanner(absl::string_view body) : in_(body) {}

  bool ParseTop(std::vector<RawEntry>* entries) {
    bool seen_entries = false;
    bool ok = ParseObject([&](absl::string_view key) {
      if (key != "entries") return SkipValue(0);
      seen_entries = true;
      entries->clear();  // A repeated key: the last one wins.
      return ParseEntries(entries);
    });
    SkipWhitespace();
    return ok && seen_entries && pos_ == in_.size();
  }

 private:
  void SkipWhitespace() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\n' || in_[pos_] == '\r' || in_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    SkipWhitespace();
    if (pos_ >= in_.size() || in_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool Peek(char c) {
    SkipWhitespace();
    return pos_ < in_.size() && in_[pos_] == c;
  }

  // A string of printable ASCII without escapes (anything else goes to the full parser).
  bool ParseString(absl::string_view* out) {
    if (!ParseUncheckedString(out)) return false;
    return std::all_of(out->begin(), out->end(), [](char ch) {
      const auto c = static_cast<unsigned char>(ch);
      return c != '\\' && c >= 0x20 && c < 0x80;
    });
  }

  // Up to the next '"', found with memchr: for a string whose every character the caller
  // validates itself (base64 refuses '\\', so an escaped quote cannot pass unnoticed).
  bool ParseUncheckedString(absl::string_view* out) {
    if (!Consume('"')) return false;
    const void* quote = std::memchr(in_.data() + pos_, '"', in_.size() - pos_);
    if (quote == nullptr) return false;
    const size_t end = static_cast<const char*>(quote) - in_.data();
    *out = in_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return true;
  }

  // '{' [member (',' member)*] '}', calling on_member(key) with the cursor before the value.
  template <typename OnMember>
  bool ParseObject(OnMember on_member) {
    if (!Consume('{')) return false;
    if (Consume('}')) return true;
    do {
      absl::string_view key;
      if (!ParseString(&key) || !Consume(':') || !on_member(key)) return false;
    } while (Consume(','));
    return Consume('}');
  }

  bool ParseEntries(std::vector<RawEntry>* entries) {
    if (!Consume('[')) return false;
    if (Consume(']')) return true;
    do {
      RawEntry entry;
      bool has_leaf = false, has_extra = false;
      const bool ok = ParseObject([&](absl::string_view key) {
        std::vector<uint8_t>* target = nullptr;
        if (key == "leaf_input") {
          target = &entry.leaf_input;
          has_leaf = true;
        } else if (key == "extra_data") {
          target = &entry.extra_data;
          has_extra = true;
        } else {
          return SkipValue(0);
        }
        absl::string_view b64;
        target->clear();
        return ParseUncheckedString(&b64) && AppendBase64Decoded(b64, target);
      });
      if (!ok || !has_leaf || !has_extra) return false;
      entries->push_back(std::move(entry));
    } while (Consume(','));
    return Consume(']');
  }

  bool SkipDigits() {
    const size_t start = pos_;
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  // RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  bool SkipNumber() {
    if (pos_ < in_.size() && in_[pos_] == '-') ++pos_;
    if (pos_ < in_.size() && in_[pos_] == '0') {
      ++pos_;
    } else if (!SkipDigits()) {
      return false;
    }
    if (pos_ < in_.size() && in_[pos_] == '.' && (++pos_, !SkipDigits())) return false;
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (!SkipDigits()) return false;
    }
    return true;
  }

  bool SkipLiteral(absl::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool SkipValue(int depth) {
    if (depth > 32) return false;
    SkipWhitespace();
    if (pos_ >= in_.size()) return false;
    absl::string_view ignored;
    switch (in_[pos_]) {
      case '"':
        return ParseString(&ignored);
      case '{':
        return ParseObject([&](absl::string_view) { return SkipValue(depth + 1); });
      case '[':
        ++pos_;
        if (Consume(']')) return true;
        do {
          if (!SkipValue(depth + 1)) return false;
        } while (Consume(','));
        return Consume(']');
      case 't':
        return SkipLiteral("true");
      case 'f':
        return SkipLiteral("false");
      case 'n':
        return SkipLiteral("null");
      default:
        return SkipNumber();
    }
  }

  absl::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<std::vector<RawEntry>> ScanGetEntriesJson(absl::string_view body) {
  std::vector<RawEntry> entries;
  Scanner scanner(body);
  if (!scanner.ParseTop(&entries)) return std::nullopt;
  return entries;
}

}  // namespace caawatch::ctlog
