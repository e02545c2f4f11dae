// ParseGetEntriesJson: simdjson On-Demand. Stage 1 (finding the structure) runs in the library
// with the best SIMD kernel the CPU has (runtime dispatch); what is left here touches only the
// few tokens of each entry, and the base64 goes straight from the input to ctlog/base64.h.
#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/base64.h"
#include "ctlog/get_entries_json.h"

namespace caawatch::ctlog {
namespace {

namespace od = simdjson::ondemand;

// Members other than the ones read are validated as JSON down to this depth (the nesting of a
// real answer is 3); deeper ones are refused rather than recursed into.
constexpr int kMaxOtherMemberDepth = 32;

// Debian's abseil has its own string_view; simdjson speaks std::string_view.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status NotJson(simdjson::error_code error) {
  return absl::DataLossError(
      absl::StrCat("response is not valid JSON (", simdjson::error_message(error), ")"));
}

// `token` is a raw JSON token as On-Demand gives it: the token and the whitespace after it.
std::string_view TrimTrailingWhitespace(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  return token;
}

// RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?, of any magnitude (the
// value is never read, only checked, as a full parser would).
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

// Checks that `value` (a member this parser does not read) is valid JSON. On-Demand skips what
// it is not asked for without looking inside, so without this a log could send `tru` or `01`.
absl::Status ValidateOther(od::value value, int depth) {
  if (depth > kMaxOtherMemberDepth) {
    return absl::DataLossError(
        absl::StrCat("a member is nested deeper than ", kMaxOtherMemberDepth, " levels"));
  }
  od::json_type type;
  if (auto error = value.type().get(type)) return NotJson(error);
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto error = value.get_object().get(object)) return NotJson(error);
      for (auto member : object) {
        od::field field;
        std::string_view key;
        if (auto error = std::move(member).get(field)) return NotJson(error);
        if (auto error = field.unescaped_key().get(key)) return NotJson(error);
        if (absl::Status s = ValidateOther(field.value(), depth + 1); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case od::json_type::array: {
      od::array array;
      if (auto error = value.get_array().get(array)) return NotJson(error);
      for (auto element : array) {
        od::value v;
        if (auto error = std::move(element).get(v)) return NotJson(error);
        if (absl::Status s = ValidateOther(v, depth + 1); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case od::json_type::string: {
      std::string_view s;
      if (auto error = value.get_string().get(s)) return NotJson(error);  // Checks the escapes.
      return absl::OkStatus();
    }
    case od::json_type::number:
    case od::json_type::boolean:
    case od::json_type::null: {
      const std::string_view token = TrimTrailingWhitespace(value.raw_json_token());
      const bool ok = type == od::json_type::number
                          ? IsJsonNumber(token)
                          : token == "true" || token == "false" || token == "null";
      if (!ok) return NotJson(simdjson::TAPE_ERROR);
      return absl::OkStatus();
    }
  }
  return NotJson(simdjson::TAPE_ERROR);
}

// Decodes the base64 string `value` into `out` (replacing what it held).
absl::Status DecodeBase64Member(const od::parser& parser, od::value value, std::string_view key,
                                std::vector<uint8_t>* out) {
  std::string_view token = value.raw_json_token();
  od::raw_json_string raw;  // Also consumes the value.
  if (auto error = value.get_raw_json_string().get(raw)) {
    if (error != simdjson::INCORRECT_TYPE) return NotJson(error);
    return absl::DataLossError(absl::StrCat("missing or non-string \"", Absl(key), "\""));
  }
  token = TrimTrailingWhitespace(token);
  if (token.size() < 2 || token.back() != '"') return NotJson(simdjson::STRING_ERROR);
  std::string_view text = token.substr(1, token.size() - 2);
  out->clear();
  if (AppendBase64Decoded(Absl(text), out)) return absl::OkStatus();
  // Logs send base64 as is, but JSON allows escapes ("\/"): unescape, then decode again.
  std::vector<uint8_t> buffer;  // The unescaped text, if any.
  if (text.find('\\') != std::string_view::npos) {
    buffer.resize(text.size() + simdjson::SIMDJSON_PADDING);
    uint8_t* end = buffer.data();
    std::string_view unescaped;
    if (auto error = parser.unescape(raw, end).get(unescaped)) return NotJson(error);
    if (AppendBase64Decoded(Absl(unescaped), out)) return absl::OkStatus();
    text = unescaped;
  }
  return absl::DataLossError(absl::StrCat(Absl(key), ": invalid base64 ", QuoteInput(Absl(text))));
}

absl::Status ParseEntry(const od::parser& parser, od::value value, size_t index,
                        std::vector<RawEntry>* entries) {
  od::object object;
  if (auto error = value.get_object().get(object)) {
    if (error != simdjson::INCORRECT_TYPE) return NotJson(error);
    return absl::DataLossError(absl::StrCat("entry ", index, " is not an object"));
  }
  RawEntry entry;
  bool has_leaf = false, has_extra = false;
  for (auto member : object) {
    od::field field;
    std::string_view key;
    if (auto error = std::move(member).get(field)) return NotJson(error);
    if (auto error = field.unescaped_key().get(key)) return NotJson(error);
    absl::Status status;
    if (key == "leaf_input") {
      has_leaf = true;
      status = DecodeBase64Member(parser, field.value(), key, &entry.leaf_input);
    } else if (key == "extra_data") {
      has_extra = true;
      status = DecodeBase64Member(parser, field.value(), key, &entry.extra_data);
    } else {
      status = ValidateOther(field.value(), 2);
    }
    if (!status.ok()) return Annotate(status, absl::StrCat("entry ", index));
  }
  if (!has_leaf || !has_extra) {
    return absl::DataLossError(absl::StrCat("entry ", index, ": missing or non-string \"",
                                            has_leaf ? "extra_data" : "leaf_input", "\""));
  }
  entries->push_back(std::move(entry));
  return absl::OkStatus();
}

absl::Status ParseEntries(const od::parser& parser, od::value value,
                          std::vector<RawEntry>* entries) {
  od::array array;
  if (auto error = value.get_array().get(array)) {
    if (error != simdjson::INCORRECT_TYPE) return NotJson(error);
    return absl::DataLossError("missing \"entries\"");
  }
  entries->clear();  // A repeated key: the last one wins.
  for (auto element : array) {
    od::value v;
    if (auto error = std::move(element).get(v)) return NotJson(error);
    if (absl::Status s = ParseEntry(parser, v, entries->size(), entries); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<RawEntry>> ParseGetEntriesJson(std::string* body) {
  // A UTF-8 byte order mark is allowed before the JSON (RFC 8259 §8.1 lets a parser ignore it).
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  const size_t skip = std::string_view(*body).substr(0, kBom.size()) == kBom ? kBom.size() : 0;
  body->reserve(body->size() + simdjson::SIMDJSON_PADDING);
  od::parser parser;
  od::document doc;
  if (auto error = parser.iterate(body->data() + skip, body->size() - skip, body->capacity() - skip)
                       .get(doc)) {
    return NotJson(error);
  }
  od::object top;
  if (auto error = doc.get_object().get(top)) {
    if (error != simdjson::INCORRECT_TYPE) return NotJson(error);
    return absl::DataLossError("response is not a JSON object");
  }
  std::vector<RawEntry> entries;
  bool seen_entries = false;
  for (auto member : top) {
    od::field field;
    std::string_view key;
    if (auto error = std::move(member).get(field)) return NotJson(error);
    if (auto error = field.unescaped_key().get(key)) return NotJson(error);
    if (key == "entries") {
      seen_entries = true;
      if (absl::Status s = ParseEntries(parser, field.value(), &entries); !s.ok()) return s;
    } else if (absl::Status s = ValidateOther(field.value(), 1); !s.ok()) {
      return s;
    }
  }
  if (!seen_entries) return absl::DataLossError("missing \"entries\"");
  // Nothing may follow the object (On-Demand stops reading where the object ends).
  const char* trailing = nullptr;
  if (doc.current_location().get(trailing) != simdjson::OUT_OF_BOUNDS) {
    return NotJson(simdjson::TRAILING_CONTENT);
  }
  return entries;
}

}  // namespace caawatch::ctlog
