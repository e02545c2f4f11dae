#include "ctlog/get_entries_json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/utf8.h"
#include "ctlog/base64.h"

namespace caawatch::ctlog {
namespace {

// Members this parser does not read are checked to be JSON down to this depth (a real answer's
// own nesting is 3); deeper ones are refused rather than recursed into.
constexpr int kMaxOtherMemberDepth = 32;
// Bytes of input quoted after "at byte N" in a syntax error.
constexpr size_t kExcerptBytes = 16;

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// A cursor over the body. Every Parse* returns false after recording the first error.
class Scanner {
 public:
  explicit Scanner(absl::string_view body) : in_(body) {}

  absl::Status ParseTop(std::vector<RawEntry>* entries) {
    // RFC 8259 §8.1 lets a parser ignore a byte order mark; a full parser (nlohmann) does.
    if (in_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    SkipWhitespace();
    if (pos_ >= in_.size() || in_[pos_] != '{') {
      return absl::DataLossError("response is not a JSON object");
    }
    bool seen_entries = false;
    const bool ok = ParseObject([&](absl::string_view key) {
      if (key != "entries") return SkipValue(0);
      seen_entries = true;
      entries->clear();  // A repeated key: the last one wins, with its errors.
      shape_error_.clear();
      return ParseEntries(entries);
    });
    if (ok) {
      SkipWhitespace();
      if (pos_ != in_.size()) {
        SyntaxError("data after the JSON object");
      } else if (!seen_entries) {
        error_ = "missing \"entries\"";
      } else {
        error_ = shape_error_;
      }
    }
    if (!error_.empty()) return absl::DataLossError(error_);
    return absl::OkStatus();
  }

 private:
  // Records the first error; returns false so that callers can `return Fail(...)`.
  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }
  bool SyntaxError(absl::string_view what) {
    return Fail(absl::StrCat("invalid JSON at byte ", pos_, ": ", what, " (at ",
                             QuoteInput(in_.substr(std::min(pos_, in_.size()), kExcerptBytes)),
                             ")"));
  }
  // An answer of the wrong shape is refused once the whole body has been read: a repeated key
  // may still replace the value at fault (the last one wins, as in a full parser), and broken
  // JSON further on must still be reported as such. Always true: parsing goes on.
  bool ShapeError(std::string message) {
    if (shape_error_.empty()) shape_error_ = std::move(message);
    return true;
  }

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
  bool Expect(char c, absl::string_view what) { return Consume(c) || SyntaxError(what); }
  bool PeekIs(char c) {
    SkipWhitespace();
    return pos_ < in_.size() && in_[pos_] == c;
  }

  // A JSON string at the cursor. `*out` is a view of the input when the string has no escapes
  // (the common case, found with memchr), else its unescaped text in `*scratch`.
  bool ParseString(absl::string_view* out, std::string* scratch) {
    if (!PeekIs('"')) return SyntaxError("expected a string");
    const size_t start = ++pos_;
    const void* quote = std::memchr(in_.data() + start, '"', in_.size() - start);
    if (quote != nullptr) {
      const size_t end = static_cast<const char*>(quote) - in_.data();
      const absl::string_view text = in_.substr(start, end - start);
      if (std::all_of(text.begin(), text.end(), [](char ch) {
            const auto c = static_cast<unsigned char>(ch);
            return c != '\\' && c >= 0x20 && c < 0x80;
          })) {
        *out = text;
        pos_ = end + 1;
        return true;
      }
    }
    return ParseStringSlowly(start, out, scratch);
  }

  // The general case: escapes, UTF-8 (validated as a full parser does), errors.
  bool ParseStringSlowly(size_t start, absl::string_view* out, std::string* scratch) {
    scratch->clear();
    bool escaped = false;
    pos_ = start;
    while (true) {
      if (pos_ >= in_.size()) {
        pos_ = start - 1;
        return SyntaxError("unterminated string");
      }
      const auto c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') break;
      if (c < 0x20) return SyntaxError("control character in a string");
      if (c == '\\') {
        escaped = true;
        if (!ParseEscape(scratch)) return false;
      } else if (c < 0x80) {
        scratch->push_back(static_cast<char>(c));
        ++pos_;
      } else {
        const size_t n = Utf8SequenceLength(in_.substr(pos_));
        if (n == 0) return SyntaxError("invalid UTF-8 in a string");
        scratch->append(in_.data() + pos_, n);
        pos_ += n;
      }
    }
    *out = escaped ? absl::string_view(*scratch) : in_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }

  // Four hex digits at the cursor.
  bool ParseHex4(uint32_t* value) {
    *value = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      if (pos_ >= in_.size()) return SyntaxError("truncated \\u escape");
      const char c = in_[pos_];
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return SyntaxError("invalid \\u escape");
      }
      *value = *value << 4 | static_cast<uint32_t>(digit);
    }
    return true;
  }

  // The escape at the cursor (a '\\'), appended to `out` as UTF-8. Surrogates must pair.
  bool ParseEscape(std::string* out) {
    if (pos_ + 1 >= in_.size()) return SyntaxError("truncated escape");
    const char c = in_[pos_ + 1];
    static constexpr absl::string_view kFrom = "\"\\/bfnrt";
    static constexpr absl::string_view kTo = "\"\\/\b\f\n\r\t";
    if (const size_t i = kFrom.find(c); i != absl::string_view::npos) {
      out->push_back(kTo[i]);
      pos_ += 2;
      return true;
    }
    if (c != 'u') return SyntaxError("invalid escape");
    const size_t start = pos_;  // Errors point at the escape.
    pos_ += 2;
    uint32_t code_point;
    if (!ParseHex4(&code_point)) return false;
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
      pos_ = start;
      return SyntaxError("lone low surrogate in a \\u escape");
    }
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      uint32_t low = 0;
      if (in_.substr(pos_, 2) == "\\u") {
        pos_ += 2;
        if (!ParseHex4(&low)) return false;
      }
      if (low < 0xDC00 || low > 0xDFFF) {
        pos_ = start;
        return SyntaxError("unpaired high surrogate in a \\u escape");
      }
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(code_point, out);
    return true;
  }

  // '{' [member (',' member)*] '}', calling on_member(key) with the cursor before the value.
  template <typename OnMember>
  bool ParseObject(OnMember on_member) {
    if (!Expect('{', "expected '{'")) return false;
    if (Consume('}')) return true;
    do {
      absl::string_view key;
      if (!ParseString(&key, &key_scratch_) || !Expect(':', "expected ':'") || !on_member(key)) {
        return false;
      }
    } while (Consume(','));
    return Expect('}', "expected ',' or '}'");
  }

  bool ParseEntries(std::vector<RawEntry>* entries) {
    if (!PeekIs('[')) return ShapeError("\"entries\" is not an array") && SkipValue(0);
    ++pos_;
    if (Consume(']')) return true;
    size_t index = 0;
    do {
      if (!PeekIs('{')) {
        ShapeError(absl::StrCat("entry ", index, " is not an object"));
        if (!SkipValue(0)) return false;
        continue;
      }
      RawEntry entry;
      bool has_leaf = false, has_extra = false;
      std::string leaf_error, extra_error;  // Of the last value of each key.
      const bool ok = ParseObject([&](absl::string_view key) {
        if (key == "leaf_input") {
          has_leaf = true;
          return ParseBase64("leaf_input", &entry.leaf_input, &leaf_error);
        }
        if (key == "extra_data") {
          has_extra = true;
          return ParseBase64("extra_data", &entry.extra_data, &extra_error);
        }
        return SkipValue(0);
      });
      if (!ok) return false;
      if (!has_leaf) leaf_error = "missing or non-string \"leaf_input\"";
      if (!has_extra) extra_error = "missing or non-string \"extra_data\"";
      if (!leaf_error.empty() || !extra_error.empty()) {
        ShapeError(
            absl::StrCat("entry ", index, ": ", leaf_error.empty() ? extra_error : leaf_error));
      } else if (shape_error_.empty()) {  // Else the answer is refused: keep nothing more.
        entries->push_back(std::move(entry));
      }
    } while (++index, Consume(','));
    return Expect(']', "expected ',' or ']'");
  }

  // A base64 string value, decoded into `*target` (replacing what a repeated key put there).
  // Only broken JSON returns false; a value that is not a base64 string sets `*error`.
  bool ParseBase64(absl::string_view key, std::vector<uint8_t>* target, std::string* error) {
    target->clear();
    error->clear();
    if (!PeekIs('"')) {
      *error = absl::StrCat("missing or non-string \"", key, "\"");
      return SkipValue(0);
    }
    // Logs send base64 as is: up to the next '"' decodes, and the alphabet has no '\\', so an
    // escaped quote cannot pass unnoticed.
    const void* quote = std::memchr(in_.data() + pos_ + 1, '"', in_.size() - pos_ - 1);
    if (quote != nullptr) {
      const size_t end = static_cast<const char*>(quote) - in_.data();
      if (AppendBase64Decoded(in_.substr(pos_ + 1, end - pos_ - 1), target)) {
        pos_ = end + 1;
        return true;
      }
    }
    // Else read it as any JSON string ("\/" is allowed), then decode that.
    absl::string_view text;
    if (!ParseString(&text, &value_scratch_)) return false;
    if (!AppendBase64Decoded(text, target)) {
      *error = absl::StrCat(key, ": invalid base64 ", QuoteInput(text));
    }
    return true;
  }

  bool SkipDigits() {
    const size_t start = pos_;
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  // RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?, within double's range
  // (a full parser converts it and refuses infinity).
  bool SkipNumber() {
    const size_t start = pos_;
    bool integer = true;
    if (pos_ < in_.size() && in_[pos_] == '-') ++pos_;
    if (pos_ < in_.size() && in_[pos_] == '0') {
      ++pos_;
    } else if (!SkipDigits()) {
      pos_ = start;
      return SyntaxError("expected a value");
    }
    if (pos_ < in_.size() && in_[pos_] == '.') {
      integer = false;
      ++pos_;
      if (!SkipDigits()) return SyntaxError("expected a digit");
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      integer = false;
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (!SkipDigits()) return SyntaxError("expected a digit");
    }
    const absl::string_view number = in_.substr(start, pos_ - start);
    if (integer && number.size() <= 18) return true;  // Below 10^18: no conversion needed.
    if (!std::isfinite(std::strtod(std::string(number).c_str(), nullptr))) {
      pos_ = start;
      return SyntaxError("number out of range");
    }
    return true;
  }

  bool SkipLiteral(absl::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return SyntaxError("expected a value");
    pos_ += word.size();
    return true;
  }

  // Any JSON value, checked and not kept.
  bool SkipValue(int depth) {
    if (depth >= kMaxOtherMemberDepth) {
      return SyntaxError(absl::StrCat("nested deeper than ", kMaxOtherMemberDepth, " levels"));
    }
    SkipWhitespace();
    if (pos_ >= in_.size()) return SyntaxError("expected a value");
    absl::string_view ignored;
    switch (in_[pos_]) {
      case '"':
        return ParseString(&ignored, &value_scratch_);
      case '{':
        return ParseObject([&](absl::string_view) { return SkipValue(depth + 1); });
      case '[':
        ++pos_;
        if (Consume(']')) return true;
        do {
          if (!SkipValue(depth + 1)) return false;
        } while (Consume(','));
        return Expect(']', "expected ',' or ']'");
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
  std::string error_;          // Broken JSON, or the answer's first error once read.
  std::string shape_error_;    // The first error of the last "entries" read.
  std::string key_scratch_;    // The unescaped text of a key with escapes.
  std::string value_scratch_;  // ... of a string value with escapes.
};

}  // namespace

absl::StatusOr<std::vector<RawEntry>> ParseGetEntriesJson(absl::string_view body) {
  std::vector<RawEntry> entries;
  Scanner scanner(body);
  if (absl::Status status = scanner.ParseTop(&entries); !status.ok()) return status;
  return entries;
}

}  // namespace caawatch::ctlog
