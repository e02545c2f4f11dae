#include "caa/issuer_store.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"

namespace caawatch::caa {
namespace {

using Json = nlohmann::json;

Json EntryJson(const CaEntry& entry) {
  Json out = Json::object();
  out["ca_owner"] = entry.ca_owner;
  out["caa_identifiers"] = entry.caa_identifiers;
  const std::pair<const char*, const std::vector<std::string>*> optional_lists[] = {
      {"issuer_organization_names", &entry.issuer_organization_names},
      {"known_intermediate_common_names", &entry.known_intermediate_common_names},
      {"spki_sha256_hex", &entry.spki_sha256_hex},
      {"subject_key_ids_hex", &entry.subject_key_ids_hex},
      {"problem_reporting", &entry.problem_reporting},
      {"disclosed_crls", &entry.disclosed_crls},
  };
  for (const auto& [field, list] : optional_lists) {
    if (!list->empty()) out[field] = *list;
  }
  return out;
}

// Non-UTF-8 bytes (a Latin-1 CSV export) become U+FFFD instead of a nlohmann exception.
std::string Dump(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

// nullopt when the file does not exist: the user has not imported anything.
absl::StatusOr<std::optional<std::string>> ReadIfPresent(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error) && !error) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || error) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  }
  return text.str();
}

}  // namespace

std::string UserIssuerMapPath(const std::string& data_dir) {
  return absl::StrCat(data_dir, "/issuers.json");
}

absl::StatusOr<IssuerMap> LoadUserIssuerMap(const std::string& data_dir) {
  const std::string path = UserIssuerMapPath(data_dir);
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadIfPresent(path));
  if (!text.has_value()) return IssuerMap::FromJson("[]");
  absl::StatusOr<IssuerMap> map = IssuerMap::FromJson(*text);
  if (!map.ok()) return Annotate(map.status(), path);
  return map;
}

absl::StatusOr<IssuerMap> LoadIssuerMap(const std::string& data_dir) {
  CAAWATCH_ASSIGN_OR_RETURN(IssuerMap map, IssuerMap::BuiltIn());
  CAAWATCH_ASSIGN_OR_RETURN(IssuerMap user, LoadUserIssuerMap(data_dir));
  map.Merge(user);
  return map;
}

absl::Status SaveUserIssuerMap(const std::string& data_dir, const IssuerMap& map) {
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", data_dir, ": ", error.message()));
  }
  const std::string path = UserIssuerMapPath(data_dir);
  const std::string temporary = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << IssuerMapJson(map.entries()) << '\n';
    out.close();
    if (!out) {
      std::remove(temporary.c_str());
      return absl::FailedPreconditionError(absl::StrCat("cannot write ", temporary));
    }
  }
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("cannot replace ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

std::string IssuerMapJson(const std::vector<CaEntry>& entries) {
  Json array = Json::array();
  for (const CaEntry& entry : entries) array.push_back(EntryJson(entry));
  return Dump(array, 2);
}

std::string CaEntryJsonLine(const CaEntry& entry) { return Dump(EntryJson(entry), -1); }

}  // namespace caawatch::caa
