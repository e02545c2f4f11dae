#include "monitor/issuer_maps.h"

#include "base/status_macros.h"
#include "caa/issuer_store.h"

namespace caawatch::monitor {

absl::StatusOr<IssuerMaps> LoadIssuerMaps(const std::string& data_dir) {
  CAAWATCH_ASSIGN_OR_RETURN(caa::IssuerMap built_in, caa::IssuerMap::BuiltIn());
  CAAWATCH_ASSIGN_OR_RETURN(caa::IssuerMap user, caa::LoadUserIssuerMap(data_dir));
  caa::IssuerMap effective = built_in;
  effective.Merge(user);
  return IssuerMaps{std::move(built_in), std::move(user), std::move(effective)};
}

absl::StatusOr<caa::IssuerMap> LoadEffectiveIssuerMap(const std::string& data_dir) {
  return caa::LoadIssuerMap(data_dir);
}

absl::StatusOr<SkiSpkiTable> ParseSkiSpkiTable(absl::string_view csv) {
  return caa::ParseSkiSpkiCsv(csv);
}

absl::StatusOr<caa::ImportResult> ParseIssuerImport(absl::string_view text,
                                                    const caa::IssuerMap& known,
                                                    const SkiSpkiTable* ski_spki) {
  caa::ImportOptions options;
  options.known = &known;
  options.spki_by_ski = ski_spki;
  return caa::ImportIssuerFile(text, options);
}

absl::StatusOr<std::string> SaveImportedIssuers(const std::string& data_dir,
                                                const caa::IssuerMap& imported, bool replace) {
  CAAWATCH_ASSIGN_OR_RETURN(caa::IssuerMap user, replace ? caa::IssuerMap::FromJson("[]")
                                                         : caa::LoadUserIssuerMap(data_dir));
  user.Merge(imported);
  CAAWATCH_RETURN_IF_ERROR(caa::SaveUserIssuerMap(data_dir, user));
  return caa::UserIssuerMapPath(data_dir);
}

std::string ImportSourceName(caa::ImportSource source) {
  return std::string(caa::ImportSourceName(source));
}

std::string IssuerEntryJsonLine(const caa::CaEntry& entry) { return caa::CaEntryJsonLine(entry); }

}  // namespace caawatch::monitor
