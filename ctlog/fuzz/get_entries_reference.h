// The reference the get-entries parser is held against, by get_entries_json_fuzz and by
// tests/ctlog/get_entries_json_test: what a full JSON parser (nlohmann, the fallback that
// ParseGetEntriesJson replaced) makes of a body under RFC 6962 §4.6's rules. Header-only: the
// fuzzer and the test link nlohmann themselves; the product does not.
#ifndef CAAWATCH_CTLOG_FUZZ_GET_ENTRIES_REFERENCE_H_
#define CAAWATCH_CTLOG_FUZZ_GET_ENTRIES_REFERENCE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ctlog/base64.h"
#include "ctlog/get_entries_json.h"
#include "nlohmann/json.hpp"

namespace caawatch::ctlog {

// The entries of `body`, or nullopt if the reference refuses it. May throw nlohmann's type
// errors (not a verdict on the body: callers skip such inputs).
inline std::optional<std::vector<RawEntry>> ReferenceGetEntries(const std::string& body) {
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
          !AppendBase64Decoded(field->get_ref<const std::string&>(), target)) {
        return std::nullopt;
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_FUZZ_GET_ENTRIES_REFERENCE_H_
