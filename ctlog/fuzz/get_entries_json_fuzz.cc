// Differential: ParseGetEntriesJson, the one get-entries parser, against a full JSON parser
// (nlohmann, the fallback it replaced) applying the same rules. The input is a response body.
// Both must accept the same bodies and give the same entries; any difference aborts. Two
// differences are by design and left out: nlohmann stops reading at a NUL byte, and other
// members nested deeper than 32 levels are refused rather than followed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ctlog/base64.h"
#include "ctlog/get_entries_json.h"
#include "nlohmann/json.hpp"

namespace {

using caawatch::ctlog::RawEntry;

std::optional<std::vector<RawEntry>> FullParser(const std::string& body) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  const auto it = json.find("entries");
  if (it == json.end() || !it->is_array()) return std::nullopt;
  std::vector<RawEntry> entries;
  for (const nlohmann::json& element : *it) {
    if (!element.is_object()) return std::nullopt;
    RawEntry entry;
    for (const auto& [key, target] :
         {std::pair{"leaf_input", &entry.leaf_input}, std::pair{"extra_data", &entry.extra_data}}) {
      const auto field = element.find(key);
      if (field == element.end() || !field->is_string() ||
          !caawatch::ctlog::AppendBase64Decoded(field->get_ref<const std::string&>(), target)) {
        return std::nullopt;
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const auto got = caawatch::ctlog::ParseGetEntriesJson(body);
  if (!got.ok() && got.status().code() != absl::StatusCode::kDataLoss) std::abort();
  if (body.find('\0') != std::string::npos) return 0;
  if (!got.ok() && got.status().message().find("nested deeper than") != absl::string_view::npos) {
    return 0;
  }
  std::optional<std::vector<RawEntry>> want;
  try {
    want = FullParser(body);
  } catch (const std::exception&) {  // nlohmann's type errors: not the parser under test.
    return 0;
  }
  if (got.ok() != want.has_value()) std::abort();
  if (!got.ok()) return 0;
  if (got->size() != want->size()) std::abort();
  for (size_t i = 0; i < got->size(); ++i) {
    if ((*got)[i].leaf_input != (*want)[i].leaf_input) std::abort();
    if ((*got)[i].extra_data != (*want)[i].extra_data) std::abort();
  }
  return 0;
}
