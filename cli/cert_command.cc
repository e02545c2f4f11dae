// `caawatch cert SHA256`: one certificate's finding, with its CAA evidence, or its PEM.
#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/hex.h"
#include "base/time_text.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/finding_view.h"
#include "monitor/verdict_names.h"
#include "proto/finding_convert.h"
#include "proto/finding_json.h"

namespace caawatch::cli {
namespace {

std::string Pem(const std::string& der) {
  std::string b64 = absl::Base64Escape(der);
  std::string out = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END CERTIFICATE-----\n";
}

void PrintHuman(const store::FindingRecord& f) {
  std::printf("finding %llu: %s (%s)\n", static_cast<unsigned long long>(f.seq()),
              f.verdict().c_str(), f.severity().c_str());
  std::printf("  names:    %s\n", absl::StrJoin(f.names(), ", ").c_str());
  std::printf("  watched:  %s\n", absl::StrJoin(f.watched_names(), ", ").c_str());
  std::printf("  issuer:   %s [%s: %s]\n", f.issuer().dn().c_str(), f.issuer().ca_owner().c_str(),
              absl::StrJoin(f.issuer().caa_identifiers(), ", ").c_str());
  std::printf("  validity: %s .. %s\n",
              FormatRfc3339Millis(absl::FromUnixMillis(f.not_before_ms())).c_str(),
              FormatRfc3339Millis(absl::FromUnixMillis(f.not_after_ms())).c_str());
  std::printf(
      "  tbs:      %s\n",
      HexEncode(std::vector<uint8_t>(f.tbs_sha256().begin(), f.tbs_sha256().end())).c_str());
  if (monitor::HasKind(f, monitor::FindingKind::kMalformedCert)) {
    // No TBS hash: the entry's leaf hash identifies it, and the parse error says why.
    std::printf(
        "  leaf:     %s\n",
        HexEncode(std::vector<uint8_t>(f.leaf_hash().begin(), f.leaf_hash().end())).c_str());
    std::printf("  parse error: %s\n", f.decode_error().c_str());
  }
  for (const store::EntryRef& e : f.entries()) {
    std::printf("  entry:    %s #%llu at %s (%s)\n", e.log_url().c_str(),
                static_cast<unsigned long long>(e.index()),
                FormatRfc3339Millis(absl::FromUnixMillis(e.timestamp_ms())).c_str(),
                e.precert() ? "precert" : "cert");
  }
  for (const store::CaaNameRecord& c : f.caa()) {
    std::printf("  caa %s: %s, relevant set at '%s' (%d records), basis %s, dnssec %s\n    %s\n",
                c.name().c_str(), c.verdict().c_str(), c.relevant_name().c_str(), c.records_size(),
                c.basis().c_str(), c.dnssec().c_str(), c.reason().c_str());
  }
  std::printf("  reason:   %s\n", f.reason().c_str());
}

// The revocation follow-up (SPEC §8): where it stands, and the time from the first log
// appearance to the revocation.
void PrintRevocation(const v1::Revocation& r) {
  if (r.state() == "revoked") {
    std::printf("  revoked:  %s (%s), seen revoked %s in %s\n", r.revocation_date().c_str(),
                r.reason().c_str(), r.revoked_seen_at().c_str(), r.crl_url().c_str());
    std::printf("  time to revocation: %s after first logged (seen %s after)\n",
                FormatDurationDaysHours(absl::Seconds(r.seconds_to_revocation())).c_str(),
                FormatDurationDaysHours(absl::Seconds(r.seconds_to_seen_revoked())).c_str());
  } else {
    std::printf("  revocation: %s; not revoked as of %s\n", r.state().c_str(),
                r.last_checked_at().empty() ? "(no CRL read yet)" : r.last_checked_at().c_str());
  }
  if (!r.last_error().empty()) {
    std::printf("  revocation error: %s (at %s)\n", r.last_error().c_str(),
                r.last_error_at().c_str());
  }
}

// A short hash as tables show it (cli/findings_command.cc): 64 bits leave a collision among a
// million findings at about one chance in 10^7, and an ambiguous one is refused.
constexpr size_t kMinHashPrefixBytes = 8;

struct CertOptions {
  CommonOptions common;
  std::string hash;
  bool pem = false;
};

int Cert(const CertOptions& options) {
  auto prepared = Prepare(options.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<std::vector<uint8_t>> hash = HexDecode(options.hash);
  if (!hash.ok() || hash->size() < kMinHashPrefixBytes || hash->size() > 32) {
    return Fail(absl::InvalidArgumentError(
                    absl::StrCat("SHA256 must be 64 hex digits, or the first ",
                                 2 * kMinHashPrefixBytes, " or more (as tables show it)")),
                2);
  }
  const std::string raw(hash->begin(), hash->end());
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::optional<store::FindingRecord>> finding =
      raw.size() == 32 ? (*store)->findings().FindByHash(raw)
                       : (*store)->findings().FindByHashPrefix(raw);
  if (absl::IsFailedPrecondition(finding.status())) {
    return Fail(absl::InvalidArgumentError(absl::StrCat(
        "several findings have a hash starting with ", options.hash, ": give more digits")));
  }
  if (!finding.ok()) return Fail(finding.status());
  if (!finding->has_value()) {
    return Fail(absl::NotFoundError("no finding for this hash"));
  }
  if (options.pem) {
    for (const std::string& h : {raw, (*finding)->cert_sha256(), (*finding)->precert_sha256()}) {
      absl::StatusOr<std::optional<std::string>> der = (*store)->findings().GetCertificateDer(h);
      if (der.ok() && der->has_value()) {
        std::fputs(Pem(**der).c_str(), stdout);
        return 0;
      }
    }
    return Fail(absl::NotFoundError("the certificate's DER is not stored"));
  }
  const v1::Finding view = FindingView(**store, **finding);
  if (ctx.json) {
    std::puts(api::FindingToJson(view).c_str());
  } else {
    PrintHuman(**finding);
    if (view.has_revocation()) PrintRevocation(view.revocation());
  }
  return 0;
}

}  // namespace

Command AddCertCommand(CLI::App* app) {
  CLI::App* cert = app->add_subcommand(
      "cert", "one certificate: names, issuer, log entries, verdict, CAA evidence");
  cert->footer(
      "Shows the finding of one certificate, found by the SHA-256 of the certificate, the "
      "precertificate or the TBS (hex), or, for a malformed certificate, by its log entry's "
      "leaf hash.");
  auto options = std::make_shared<CertOptions>();
  cert->add_option("SHA256", options->hash, "64 hex digits, or the first 16 or more")->required();
  AddCommonOptions(cert, &options->common);
  cert->add_flag("--pem", options->pem, "print the stored certificate (or precertificate) as PEM");
  return {cert, [options] { return Cert(*options); }};
}

}  // namespace caawatch::cli
