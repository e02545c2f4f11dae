#include "evidence/canonical_json.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace caawatch::evidence {

std::string CanonicalJson(const Json& doc) {
  return doc.dump(2, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace) + "\n";
}

std::string Base64(absl::Span<const uint8_t> bytes) {
  return absl::Base64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

absl::StatusOr<Json> ParseJson(absl::string_view text) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::DataLossError("not JSON");
  return doc;
}

absl::Status HasExactly(const Json& doc, std::initializer_list<const char*> keys) {
  if (!doc.is_object()) return absl::DataLossError("not a JSON object");
  for (const char* key : keys) {
    if (!doc.contains(key)) return absl::DataLossError(absl::StrCat("no \"", key, "\""));
  }
  if (doc.size() != keys.size()) return absl::DataLossError("keys other than the expected");
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Unsigned(const Json& doc, const char* key) {
  if (!doc.contains(key) || !doc[key].is_number_unsigned()) {
    return absl::DataLossError(absl::StrCat("\"", key, "\" is not an unsigned integer"));
  }
  return doc[key].get<uint64_t>();
}

absl::StatusOr<std::vector<uint8_t>> Base64Bytes(const Json& value, absl::string_view what) {
  if (!value.is_string()) return absl::DataLossError(absl::StrCat(what, " is not a string"));
  const std::string& text = value.get_ref<const std::string&>();
  std::string bytes;
  if (!absl::Base64Unescape(text, &bytes) || absl::Base64Escape(bytes) != text) {
    return absl::DataLossError(absl::StrCat(what, " is not canonical base64"));
  }
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

absl::Status SameAsWritten(absl::string_view text, const std::string& written) {
  if (text == written) return absl::OkStatus();
  size_t at = 0;
  while (at < text.size() && at < written.size() && text[at] == written[at]) ++at;
  return absl::DataLossError(
      absl::StrCat("the text differs from what its values encode to at byte ", at));
}

}  // namespace caawatch::evidence
