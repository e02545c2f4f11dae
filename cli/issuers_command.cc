// `caawatch issuers import FILE` and `caawatch issuers list`: the user's extensions of the
// CA -> CAA identifier map (SPEC §3), kept in <data-dir>/issuers.json and merged over the
// built-in map by every command that evaluates certificates.
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/bounded_file.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "monitor/issuer_maps.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

// CCADB's largest report (every certificate record) is tens of MB.
constexpr size_t kMaxImportFileBytes = size_t{256} << 20;

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  return ReadBoundedFile(path, kMaxImportFileBytes, "issuers import");
}

std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void PrintImport(const std::string& file, const std::string& saved_to,
                 const caa::ImportResult& result, bool json) {
  if (json) {
    nlohmann::json out = {{"file", file},
                          {"source", monitor::ImportSourceName(result.source)},
                          {"rows", result.rows_read},
                          {"entries", result.map.entries().size()},
                          {"identifiers", result.IdentifierCount()},
                          {"saved_to", saved_to},
                          {"rejected", nlohmann::json::array()}};
    for (const caa::ImportRejection& r : result.rejections) {
      out["rejected"].push_back({{"line", r.line}, {"reason", r.reason}});
    }
    std::puts(Dump(out).c_str());
    return;
  }
  std::printf("imported %zu CA entries with %zu CAA identifiers from %s (%s, %zu rows read)\n",
              result.map.entries().size(), result.IdentifierCount(), file.c_str(),
              monitor::ImportSourceName(result.source).c_str(), result.rows_read);
  if (!saved_to.empty()) std::printf("saved to %s\n", saved_to.c_str());
  if (result.rejections.empty()) return;
  std::printf("%zu rejected:\n", result.rejections.size());
  for (const caa::ImportRejection& r : result.rejections) {
    if (r.line == 0) {
      std::printf("  %s\n", r.reason.c_str());
    } else {
      std::printf("  line %zu: %s\n", r.line, r.reason.c_str());
    }
  }
}

struct ImportOptions {
  CommonOptions common;
  std::string file;
  std::optional<std::string> ski_spki;
  bool replace = false;
};

int Import(const ImportOptions& options) {
  auto prepared = Prepare(options.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  const CommandContext& ctx = std::get<CommandContext>(prepared);
  const std::string& data_dir = ctx.config.data_dir;
  absl::StatusOr<std::string> text = ReadWholeFile(options.file);
  if (!text.ok()) return Fail(text.status(), 2);
  absl::StatusOr<caa::IssuerMap> effective = monitor::LoadEffectiveIssuerMap(data_dir);
  if (!effective.ok()) return Fail(effective.status());
  std::optional<monitor::SkiSpkiTable> spki_by_ski;
  if (options.ski_spki) {
    absl::StatusOr<std::string> table = ReadWholeFile(*options.ski_spki);
    if (!table.ok()) return Fail(table.status(), 2);
    absl::StatusOr<monitor::SkiSpkiTable> parsed = monitor::ParseSkiSpkiTable(*table);
    if (!parsed.ok()) return Fail(Annotate(parsed.status(), *options.ski_spki), 2);
    spki_by_ski = *std::move(parsed);
  }
  absl::StatusOr<caa::ImportResult> result = monitor::ParseIssuerImport(
      *text, *effective, spki_by_ski.has_value() ? &*spki_by_ski : nullptr);
  if (!result.ok()) return Fail(Annotate(result.status(), options.file), 2);
  if (result->map.entries().empty()) {
    PrintImport(options.file, "", *result, ctx.json);
    return Fail(absl::InvalidArgumentError(
        absl::StrCat(options.file, ": nothing to import, the stored map is unchanged")));
  }
  absl::StatusOr<std::string> saved_to =
      monitor::SaveImportedIssuers(data_dir, result->map, options.replace);
  if (!saved_to.ok()) return Fail(saved_to.status());
  PrintImport(options.file, *saved_to, *result, ctx.json);
  return 0;
}

// The first identifiers and a count: some owners list dozens of aliases.
std::string IdentifierCell(const std::vector<std::string>& identifiers) {
  constexpr size_t kShown = 4;
  if (identifiers.size() <= kShown) return absl::StrJoin(identifiers, ",");
  return absl::StrCat(absl::StrJoin(identifiers.begin(), identifiers.begin() + kShown, ","), " (+",
                      identifiers.size() - kShown, " more)");
}

// Where the CA takes problem reports: the first contact and a count (CCADB lists several).
std::string ContactCell(const std::vector<std::string>& contacts) {
  if (contacts.empty()) return "-";
  if (contacts.size() == 1) return contacts.front();
  return absl::StrCat(contacts.front(), " (+", contacts.size() - 1, " more)");
}

bool HasOwner(const caa::IssuerMap& map, const std::string& owner) {
  for (const caa::CaEntry& e : map.entries()) {
    if (absl::AsciiStrToLower(e.ca_owner) == absl::AsciiStrToLower(owner)) return true;
  }
  return false;
}

int List(const CommonOptions& options) {
  auto prepared = Prepare(options);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  const CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<monitor::IssuerMaps> maps = monitor::LoadIssuerMaps(ctx.config.data_dir);
  if (!maps.ok()) return Fail(maps.status());
  const caa::IssuerMap* built_in = &maps->built_in;
  const caa::IssuerMap* user = &maps->user;
  const caa::IssuerMap& effective = maps->effective;
  if (ctx.json) {
    for (const caa::CaEntry& e : effective.entries()) {
      std::puts(monitor::IssuerEntryJsonLine(e).c_str());
    }
    return 0;
  }
  Table table({"CA OWNER", "CAA IDENTIFIERS", "KEYS", "ORIGIN", "PROBLEM REPORTS TO"});
  for (const caa::CaEntry& e : effective.entries()) {
    const bool from_built_in = HasOwner(*built_in, e.ca_owner);
    const bool from_user = HasOwner(*user, e.ca_owner);
    table.Add({e.ca_owner, IdentifierCell(e.caa_identifiers),
               std::to_string(e.spki_sha256_hex.size() + e.subject_key_ids_hex.size()),
               from_built_in && from_user ? "built-in+user" : (from_user ? "user" : "built-in"),
               ContactCell(e.problem_reporting)});
  }
  table.set_elastic_column(1);  // The identifiers: the owner and the origin stay whole.
  table.Print(stdout, OutputWidth());
  return 0;
}

}  // namespace

Command AddIssuersCommand(CLI::App* app) {
  CLI::App* issuers =
      app->add_subcommand("issuers",
                          "extend (import FILE: CCADB CSV or JSON) or show (list) the CA -> CAA "
                          "identifier map");
  issuers->require_subcommand(1);

  CLI::App* import = issuers->add_subcommand(
      "import", "add CA -> CAA identifier entries from a CCADB CSV export or a JSON file");
  import->footer(
      "Adds CA -> CAA identifier entries from a CCADB CSV export (the CAA Identifiers report, or "
      "the All Certificate Records report for owners already known) or from a JSON file shaped "
      "like the built-in caa-identifiers.json, to <data-dir>/issuers.json; prints what was "
      "imported and every rejected row. A \"Problem Reporting Mechanism\" column (CCADB's CA "
      "information report, or its list of problem reporting mechanisms for owners already "
      "known) gives each CA's problem-reporting contacts, which `issuers list` shows and "
      "evidence bundles address their report to. The All Certificate Records report's \"Full "
      "CRL Issued By This CA\" and \"JSON Array of Partitioned CRLs\" columns are kept per CA "
      "certificate (by its Subject Key Identifier): the revocation follow-up also reads them "
      "for the certificates it issued.");
  auto import_options = std::make_shared<ImportOptions>();
  import->add_option("FILE", import_options->file, "CCADB CSV or JSON file")->required();
  AddCommonOptions(import, &import_options->common);
  import
      ->add_option("--ski-spki", import_options->ski_spki,
                   "crt.sh ski_spkisha256.csv, adds the SPKI SHA-256 of every imported key "
                   "identifier")
      ->type_name("FILE");
  import->add_flag("--replace", import_options->replace,
                   "replace the stored map instead of adding to it");

  CLI::App* list =
      issuers->add_subcommand("list", "print the effective map (built-in merged with the user's)");
  auto list_options = std::make_shared<CommonOptions>();
  AddCommonOptions(list, list_options.get());

  return {issuers, RunParsed({{import, [import_options] { return Import(*import_options); }},
                              {list, [list_options] { return List(*list_options); }}})};
}

}  // namespace caawatch::cli
