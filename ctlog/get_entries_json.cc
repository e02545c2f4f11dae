#include "ctlog/get_entries_json.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdint>
#include <utility>

namespace caawatch::ctlog {
namespace {

constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> MakeBase64Table() {
  std::array<uint8_t, 256> table{};
  for (uint8_t& v : table) v = kInvalid;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) table[static_cast<uint8_t>(alphabet[i])] = static_cast<uint8_t>(i);
  return table;
}
constexpr std::array<uint8_t, 256> kBase64 = MakeBase64Table();

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

bool AppendBase64Decoded(absl::string_view in, std::vector<uint8_t>* out) {
  if (in.size() % 4 != 0) return false;
  if (in.empty()) return true;
  const size_t pad = (in.back() == '=') + (in[in.size() - 2] == '=');
  if (pad == 1 && in[in.size() - 2] == '=') return false;  // "x==y"-like padding.
  const size_t base = out->size();
  out->resize(base + in.size() / 4 * 3);
  uint8_t* dst = out->data() + base;
  const auto* src = reinterpret_cast<const unsigned char*>(in.data());
  const size_t full_groups = in.size() / 4 - 1;  // The last group may be padded.
  uint8_t bad = 0;
  for (size_t g = 0; g < full_groups; ++g, src += 4, dst += 3) {
    const uint8_t a = kBase64[src[0]], b = kBase64[src[1]], c = kBase64[src[2]],
                  d = kBase64[src[3]];
    bad |= (a | b | c | d) & 0x80;
    const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    dst[0] = static_cast<uint8_t>(v >> 16);
    dst[1] = static_cast<uint8_t>(v >> 8);
    dst[2] = static_cast<uint8_t>(v);
  }
  uint32_t v = 0;
  for (size_t j = 0; j < 4 - pad; ++j) {
    const uint8_t x = kBase64[src[j]];
    bad |= x & 0x80;
    v |= uint32_t{x} << (18 - 6 * j);
  }
  if (bad != 0) {
    out->resize(base);
    return false;
  }
  dst[0] = static_cast<uint8_t>(v >> 16);
  if (pad < 2) dst[1] = static_cast<uint8_t>(v >> 8);
  if (pad < 1) dst[2] = static_cast<uint8_t>(v);
  out->resize(out->size() - pad);
  return true;
}

std::optional<std::vector<RawEntry>> ScanGetEntriesJson(absl::string_view body) {
  std::vector<RawEntry> entries;
  Scanner scanner(body);
  if (!scanner.ParseTop(&entries)) return std::nullopt;
  return entries;
}

}  // namespace caawatch::ctlog
