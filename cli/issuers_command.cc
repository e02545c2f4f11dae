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
#include "caa/ccadb_import.h"
#include "caa/issuer_map.h"
#include "caa/issuer_store.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
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
                          {"source", std::string(caa::ImportSourceName(result.source))},
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
              std::string(caa::ImportSourceName(result.source)).c_str(), result.rows_read);
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

int Import(const CommandContext& ctx, const std::vector<std::string>& files) {
  if (files.size() != 1) {
    return Fail(absl::InvalidArgumentError("usage: caawatch issuers import FILE"), 2);
  }
  const std::string& data_dir = ctx.config.data_dir;
  absl::StatusOr<std::string> text = ReadWholeFile(files[0]);
  if (!text.ok()) return Fail(text.status(), 2);
  absl::StatusOr<caa::IssuerMap> effective = caa::LoadIssuerMap(data_dir);
  if (!effective.ok()) return Fail(effective.status());
  caa::ImportOptions options;
  options.known = &*effective;
  std::map<std::string, std::string> spki_by_ski;
  if (ctx.flags.Has("ski-spki")) {
    absl::StatusOr<std::string> table = ReadWholeFile(ctx.flags.Get("ski-spki"));
    if (!table.ok()) return Fail(table.status(), 2);
    absl::StatusOr<std::map<std::string, std::string>> parsed = caa::ParseSkiSpkiCsv(*table);
    if (!parsed.ok()) return Fail(Annotate(parsed.status(), ctx.flags.Get("ski-spki")), 2);
    spki_by_ski = *std::move(parsed);
    options.spki_by_ski = &spki_by_ski;
  }
  absl::StatusOr<caa::ImportResult> result = caa::ImportIssuerFile(*text, options);
  if (!result.ok()) return Fail(Annotate(result.status(), files[0]), 2);
  if (result->map.entries().empty()) {
    PrintImport(files[0], "", *result, ctx.json);
    return Fail(absl::InvalidArgumentError(
        absl::StrCat(files[0], ": nothing to import, the stored map is unchanged")));
  }
  absl::StatusOr<caa::IssuerMap> user =
      ctx.flags.Has("replace") ? caa::IssuerMap::FromJson("[]") : caa::LoadUserIssuerMap(data_dir);
  if (!user.ok()) return Fail(user.status());
  user->Merge(result->map);
  if (absl::Status saved = caa::SaveUserIssuerMap(data_dir, *user); !saved.ok()) {
    return Fail(saved);
  }
  PrintImport(files[0], caa::UserIssuerMapPath(data_dir), *result, ctx.json);
  return 0;
}

// The first identifiers and a count: some owners list dozens of aliases.
std::string IdentifierCell(const std::vector<std::string>& identifiers) {
  constexpr size_t kShown = 4;
  if (identifiers.size() <= kShown) return absl::StrJoin(identifiers, ",");
  return absl::StrCat(absl::StrJoin(identifiers.begin(), identifiers.begin() + kShown, ","), " (+",
                      identifiers.size() - kShown, " more)");
}

bool HasOwner(const caa::IssuerMap& map, const std::string& owner) {
  for (const caa::CaEntry& e : map.entries()) {
    if (absl::AsciiStrToLower(e.ca_owner) == absl::AsciiStrToLower(owner)) return true;
  }
  return false;
}

int List(const CommandContext& ctx) {
  absl::StatusOr<caa::IssuerMap> built_in = caa::IssuerMap::BuiltIn();
  if (!built_in.ok()) return Fail(built_in.status());
  absl::StatusOr<caa::IssuerMap> user = caa::LoadUserIssuerMap(ctx.config.data_dir);
  if (!user.ok()) return Fail(user.status());
  caa::IssuerMap effective = *built_in;
  effective.Merge(*user);
  if (ctx.json) {
    for (const caa::CaEntry& e : effective.entries()) {
      std::puts(caa::CaEntryJsonLine(e).c_str());
    }
    return 0;
  }
  Table table({"CA OWNER", "CAA IDENTIFIERS", "KEYS", "ORIGIN"});
  for (const caa::CaEntry& e : effective.entries()) {
    const bool from_built_in = HasOwner(*built_in, e.ca_owner);
    const bool from_user = HasOwner(*user, e.ca_owner);
    table.Add({e.ca_owner, IdentifierCell(e.caa_identifiers),
               std::to_string(e.spki_sha256_hex.size() + e.subject_key_ids_hex.size()),
               from_built_in && from_user ? "built-in+user" : (from_user ? "user" : "built-in")});
  }
  table.Print(stdout);
  return 0;
}

}  // namespace

int IssuersCommand(const Args& args) {
  std::vector<FlagSpec> specs = CommonFlags();
  specs.push_back({"ski-spki", "FILE",
                   "import: crt.sh ski_spkisha256.csv, adds the SPKI SHA-256 of every imported "
                   "key identifier"});
  specs.push_back({"replace", "", "import: replace the stored map instead of adding to it"});
  FlagParser parser(
      "issuers", "import FILE [--ski-spki FILE] [--replace] | list",
      "import: adds CA -> CAA identifier entries from a CCADB CSV export (the CAA Identifiers "
      "report, or the All Certificate Records report for owners already known) or from a JSON "
      "file shaped like the built-in caa-identifiers.json, to <data-dir>/issuers.json; prints "
      "what was imported and every rejected row.\nlist: prints the effective map (built-in "
      "merged with the user's).",
      specs);
  auto prepared = Prepare(parser, args);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  const std::vector<std::string>& pos = ctx.flags.positional();
  if (pos.empty()) return Fail(absl::InvalidArgumentError("issuers needs import or list"), 2);
  const std::vector<std::string> rest(pos.begin() + 1, pos.end());
  if (pos[0] == "import") return Import(ctx, rest);
  if (pos[0] == "list" && rest.empty()) return List(ctx);
  return Fail(absl::InvalidArgumentError("usage: caawatch issuers import FILE | list"), 2);
}

}  // namespace caawatch::cli
