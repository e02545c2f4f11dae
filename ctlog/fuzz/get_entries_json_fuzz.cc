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
#include <vector>

#include "ctlog/fuzz/get_entries_reference.h"
#include "ctlog/get_entries_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const auto got = caawatch::ctlog::ParseGetEntriesJson(body);
  if (!got.ok() && got.status().code() != absl::StatusCode::kDataLoss) std::abort();
  if (body.find('\0') != std::string::npos) return 0;
  if (!got.ok() && got.status().message().find("nested deeper than") != absl::string_view::npos) {
    return 0;
  }
  std::optional<std::vector<caawatch::ctlog::RawEntry>> want;
  try {
    want = caawatch::ctlog::ReferenceGetEntries(body);
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
