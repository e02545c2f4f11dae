// `caawatch inspect FILE...`: decodes certificates, precertificates or CT leaves without a store.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "base/bounded_file.h"
#include "base/hex.h"
#include "base/time_text.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "ctlog/certificate_parser.h"
#include "ctlog/leaf.h"
#include "ctlog/pem.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

struct Inspected {
  std::string source;  // "certificate 1", "leaf 12", ...
  ctlog::CertificateIdentity identity;
  std::optional<ctlog::LogEntry> entry;
};

nlohmann::json ToJson(const Inspected& item) {
  const ctlog::CertificateIdentity& id = item.identity;
  nlohmann::json j = {
      {"source", item.source},
      {"names", id.dns_names},
      {"common_names", id.common_names},
      {"ip_addresses", id.ip_addresses},
      {"subject", id.subject_dn},
      {"issuer", id.issuer_dn},
      {"serial", id.serial_hex},
      {"not_before", FormatRfc3339Millis(id.not_before)},
      {"not_after", FormatRfc3339Millis(id.not_after)},
      {"sha256", HexEncode(id.sha256)},
      // A TBS hash that could not be computed is none (null), not a hash of nothing.
      {"tbs_sha256", id.tbs_error.empty() ? nlohmann::json(HexEncode(id.tbs_sha256)) : nullptr},
      {"precert", id.is_precertificate},
  };
  if (!id.parse_error.empty()) j["parse_error"] = id.parse_error;
  if (item.entry) {
    j["entry_type"] =
        item.entry->type == ctlog::EntryType::kPrecert ? "precert_entry" : "x509_entry";
    j["timestamp"] =
        FormatRfc3339Millis(absl::FromUnixMillis(static_cast<int64_t>(item.entry->timestamp_ms)));
    j["leaf_hash"] = HexEncode(item.entry->leaf_hash);
    if (item.entry->issuer) {
      j["issuing_ca"] = {{"subject", item.entry->issuer->subject_dn},
                         {"spki_sha256", HexEncode(item.entry->issuer->spki_sha256)}};
    }
    if (!item.entry->decode_error.empty()) j["decode_error"] = item.entry->decode_error;
  }
  return j;
}

void PrintHuman(const Inspected& item) {
  const ctlog::CertificateIdentity& id = item.identity;
  std::printf("%s%s\n", item.source.c_str(), id.is_precertificate ? " (precertificate)" : "");
  std::printf("  names:       %s\n", absl::StrJoin(id.dns_names, ", ").c_str());
  if (!id.common_names.empty())
    std::printf("  common name: %s\n", absl::StrJoin(id.common_names, ", ").c_str());
  if (!id.ip_addresses.empty())
    std::printf("  ip:          %s\n", absl::StrJoin(id.ip_addresses, ", ").c_str());
  std::printf("  subject:     %s\n  issuer:      %s\n", id.subject_dn.c_str(),
              id.issuer_dn.c_str());
  std::printf("  validity:    %s .. %s\n", FormatRfc3339Millis(id.not_before).c_str(),
              FormatRfc3339Millis(id.not_after).c_str());
  std::printf("  sha256:      %s\n  tbs_sha256:  %s\n", HexEncode(id.sha256).c_str(),
              id.tbs_error.empty() ? HexEncode(id.tbs_sha256).c_str() : "none (malformed)");
  if (!id.parse_error.empty()) std::printf("  parse error: %s\n", id.parse_error.c_str());
}

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

// A get-entries response: {"entries":[{"leaf_input":..., "extra_data":...}]}.
absl::StatusOr<std::vector<Inspected>> InspectEntriesJson(const std::string& text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.contains("entries") || !doc["entries"].is_array()) {
    return absl::InvalidArgumentError("JSON input is not a get-entries response");
  }
  std::vector<Inspected> out;
  uint64_t i = 0;
  for (const nlohmann::json& e : doc["entries"]) {
    std::string leaf, extra;
    if (!e.is_object() || !e.contains("leaf_input") || !e["leaf_input"].is_string() ||
        !absl::Base64Unescape(e["leaf_input"].get<std::string>(), &leaf)) {
      return absl::InvalidArgumentError(absl::StrCat("entry ", i, ": bad leaf_input"));
    }
    if (e.contains("extra_data") && e["extra_data"].is_string()) {
      absl::Base64Unescape(e["extra_data"].get<std::string>(), &extra);
    }
    ctlog::RawEntry raw{Bytes(leaf), Bytes(extra)};
    absl::StatusOr<ctlog::LogEntry> entry = ctlog::DecodeLogEntry(i, raw);
    if (!entry.ok()) return Annotate(entry.status(), absl::StrCat("entry ", i));
    out.push_back({absl::StrCat("leaf ", i), entry->identity, *entry});
    ++i;
  }
  return out;
}

absl::StatusOr<std::vector<Inspected>> Inspect(const std::string& content) {
  const std::vector<std::vector<uint8_t>> pems = ctlog::PemCertificates(content);
  std::vector<Inspected> out;
  if (!pems.empty()) {
    for (size_t i = 0; i < pems.size(); ++i) {
      out.push_back({absl::StrCat("certificate ", i + 1), ctlog::ParseCertificateIdentity(pems[i]),
                     std::nullopt});
    }
    return out;
  }
  const size_t first = content.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && content[first] == '{') return InspectEntriesJson(content);
  const std::vector<uint8_t> bytes = Bytes(content);
  if (bytes.size() > 2 && bytes[0] == 0x30) {
    out.push_back({"certificate 1", ctlog::ParseCertificateIdentity(bytes), std::nullopt});
    return out;
  }
  if (bytes.size() > 2 && bytes[0] == 0x00 && bytes[1] == 0x00) {  // MerkleTreeLeaf v1.
    absl::StatusOr<ctlog::LogEntry> entry = ctlog::DecodeLogEntry(0, ctlog::RawEntry{bytes, {}});
    if (!entry.ok()) return entry.status();
    out.push_back({"leaf 0", entry->identity, *entry});
    return out;
  }
  return absl::InvalidArgumentError(
      "not a PEM or DER certificate, a MerkleTreeLeaf, or a get-entries JSON response");
}

// A certificate is a few KiB; a get-entries response of 1,000 entries a few MB.
constexpr size_t kMaxInspectedBytes = size_t{64} << 20;

// Standard input up to kMaxInspectedBytes: a pipe from /dev/zero ends with an error.
absl::StatusOr<std::string> ReadBoundedStdin() {
  std::string text;
  char chunk[1 << 16];
  while (std::cin.read(chunk, sizeof chunk) || std::cin.gcount() > 0) {
    text.append(chunk, static_cast<size_t>(std::cin.gcount()));
    if (text.size() > kMaxInspectedBytes) {
      return absl::InvalidArgumentError(absl::StrCat("inspect: standard input larger than ",
                                                     FormatByteCount(kMaxInspectedBytes),
                                                     ", the most read"));
    }
  }
  return text;
}

// Reads `path` ("-" = stdin) and prints what it holds; false (after saying why) if it cannot.
bool InspectFile(const CommandContext& ctx, const std::string& path, bool name_files) {
  absl::StatusOr<std::string> content =
      path == "-" ? ReadBoundedStdin() : ReadBoundedFile(path, kMaxInspectedBytes, "inspect");
  if (!content.ok()) {
    Fail(content.status());
    return false;
  }
  absl::StatusOr<std::vector<Inspected>> items = Inspect(*content);
  if (!items.ok()) {
    Fail(Annotate(items.status(), QuoteInput(path)));
    return false;
  }
  if (name_files && !ctx.json) std::printf("== %s\n", path.c_str());
  for (const Inspected& item : *items) {
    if (ctx.json) {
      nlohmann::json j = ToJson(item);
      j["file"] = path;
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      PrintHuman(item);
    }
  }
  return true;
}

struct InspectOptions {
  std::vector<std::string> paths;
  bool json = false;
};

int Inspect(const InspectOptions& options) {
  CommandContext ctx;  // No configuration, no store.
  ctx.json = options.json;
  bool all_ok = true;
  for (const std::string& path : options.paths) {
    all_ok &= InspectFile(ctx, path, options.paths.size() > 1);
  }
  return all_ok ? 0 : 1;
}

}  // namespace

Command AddInspectCommand(CLI::App* app) {
  CLI::App* inspect =
      app->add_subcommand("inspect", "decode a PEM/DER certificate, precertificate or CT leaf");
  inspect->footer(
      "Decodes each FILE: a PEM (several blocks allowed) or DER certificate or precertificate, a "
      "binary MerkleTreeLeaf, or a get-entries JSON response, and prints its identities, issuer, "
      "validity, SHA-256 and TBS hash. Needs no store. - reads stdin. A FILE that cannot be read "
      "or decoded is reported on stderr and makes the exit code 1; the others are still printed.");
  auto options = std::make_shared<InspectOptions>();
  inspect->add_option("FILE", options->paths, "files to decode (- for stdin)")->required();
  inspect->add_flag("--json", options->json,
                    "print one JSON object per certificate (with its \"file\")");
  return {inspect, [options] { return Inspect(*options); }};
}

}  // namespace caawatch::cli
