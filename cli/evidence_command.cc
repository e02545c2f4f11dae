// `caawatch evidence SEQ|SHA256 [--out DIR]`: writes a finding's evidence bundle (SPEC §8), and
// `caawatch evidence verify DIR`: checks one offline, as a CA or a root program would, against
// the log list of this build or one given as a file.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/hex.h"
#include "base/quoted_input.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "monitor/evidence_bundles.h"
#include "monitor/finding_evidence.h"
#include "monitor/finding_report.h"
#include "monitor/fork_check.h"
#include "proto/finding_convert.h"
#include "proto/finding_json.h"

namespace caawatch::cli {
namespace {

struct WriteOptions {
  CommonOptions common;
  std::string finding;  // SEQ or SHA256.
  std::string out;      // "" = evidence-SEQ in the working directory.
  std::optional<std::string> log_list;
};

struct VerifyOptions {
  std::string dir;
  std::string log_list;  // "" = the embedded list.
};

// The finding named by a seq (decimal) or the SHA-256 of its certificate, precertificate or
// TBS (64 hex digits).
absl::StatusOr<store::FindingRecord> FindFinding(store::Store* store, const std::string& id) {
  uint64_t seq = 0;
  if (id.size() < 64 && absl::SimpleAtoi(id, &seq) && seq > 0) {
    store::FindingQuery query;
    query.after_seq = seq - 1;
    query.limit = 1;
    absl::StatusOr<std::vector<store::FindingRecord>> found = store->findings().List(query);
    if (!found.ok()) return found.status();
    if (found->empty() || found->front().seq() != seq) {
      return absl::NotFoundError(absl::StrCat("no finding has seq ", seq));
    }
    return found->front();
  }
  absl::StatusOr<std::vector<uint8_t>> hash = HexDecode(id);
  if (!hash.ok() || hash->size() != 32) {
    return absl::InvalidArgumentError("give the finding's seq or a SHA-256 (64 hex digits)");
  }
  absl::StatusOr<std::optional<store::FindingRecord>> found =
      store->findings().FindByHash(std::string(hash->begin(), hash->end()));
  if (!found.ok()) return found.status();
  if (!found->has_value()) return absl::NotFoundError("no finding for this hash");
  return **found;
}

int Write(const WriteOptions& options) {
  auto prepared = Prepare(options.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  if (options.log_list) ctx.config.log_list = *options.log_list;
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<store::FindingRecord> finding = FindFinding(store->get(), options.finding);
  if (absl::IsInvalidArgument(finding.status())) return Fail(finding.status(), 2);
  if (!finding.ok()) return Fail(finding.status());
  const std::string out =
      options.out.empty() ? absl::StrCat("evidence-", finding->seq()) : options.out;
  std::error_code error;
  if (std::filesystem::exists(out, error) && !std::filesystem::is_empty(out, error)) {
    return Fail(absl::AlreadyExistsError(
        absl::StrCat(out, " exists and is not empty: give another --out")));
  }
  std::filesystem::create_directories(out, error);
  if (error) {
    return Fail(
        absl::InvalidArgumentError(absl::StrCat("cannot create ", out, ": ", error.message())));
  }
  absl::StatusOr<monitor::FindingEvidenceWritten> written =
      monitor::WriteFindingEvidence(ctx.config, store->get(), *finding,
                                    api::FindingToJson(api::ToApiFinding(*finding)) + "\n", out);
  if (!written.ok()) return Fail(written.status());
  if (written->fetched > 0) {
    std::fprintf(stderr,
                 "caawatch: proof pending for %llu log entries (not stored yet): fetched from "
                 "the log now\n",
                 static_cast<unsigned long long>(written->fetched));
  }
  for (const std::string& note : written->notes) {
    std::fprintf(stderr, "caawatch: left out: %s\n", note.c_str());
  }
  // The reports last: they list the bundle's other files.
  std::optional<evidence::ReportFacts> reports;
  if (monitor::HasCaReport(*finding)) {
    absl::StatusOr<evidence::ReportFacts> written_reports =
        monitor::WriteFindingReports(ctx.config, store->get(), *finding, out, absl::Now());
    if (!written_reports.ok()) return Fail(written_reports.status());
    reports = *std::move(written_reports);
  }
  std::printf(
      "wrote %s: finding %llu, %llu log entries with their proofs, verified; %llu CAA "
      "observations\n",
      out.c_str(), static_cast<unsigned long long>(finding->seq()),
      static_cast<unsigned long long>(written->entries),
      static_cast<unsigned long long>(written->caa_observations));
  if (monitor::HoldsMisbehaviourEvidence(out)) {
    // Its evidence is signed tree heads, not log entries: `evidence verify` has nothing to prove.
    std::printf(
        "a log_misbehaviour finding: its evidence (the signed heads, notes and proof) is in "
        "finding.json; check it offline with `caawatch heads verify-fork %s` (--witness VKEY "
        "for a witness's finding)\n",
        out.c_str());
  }
  if (!reports.has_value()) {
    std::printf("no report to a CA: a %s finding is not about a certificate a CA issued\n",
                finding->kind().c_str());
  } else if (reports->contacts.empty()) {
    std::printf(
        "report.txt and report.html: no problem-reporting contact is known for %s (`caawatch "
        "issuers import` CCADB's CA information report or its problem reporting mechanisms)\n",
        QuoteInput(reports->ca_owner.empty() ? "the issuing CA" : reports->ca_owner).c_str());
  } else {
    std::vector<std::string> quoted;
    for (const std::string& c : reports->contacts) quoted.push_back(QuoteInput(c));
    std::printf("report.txt and report.html addressed to %s\n",
                absl::StrJoin(quoted, ", ").c_str());
  }
  return 0;
}

int Verify(const VerifyOptions& options) {
  if (monitor::HoldsMisbehaviourEvidence(options.dir)) {
    return Fail(absl::FailedPreconditionError(absl::StrCat(
        options.dir,
        " holds a log_misbehaviour finding: signed tree heads, no log entry to prove; check it "
        "with `caawatch heads verify-fork ",
        options.dir, "` (--log-list FILE; --witness VKEY for a witness's finding)")));
  }
  auto result = monitor::VerifyEvidenceBundle(options.dir, options.log_list);
  if (!result.ok()) return Fail(result.status());
  std::printf("bundle verified: %llu log entries proven in heads their logs signed\n",
              static_cast<unsigned long long>(result->entries));
  std::printf("checked: %s\n", absl::StrJoin(result->verified_files, ", ").c_str());
  if (!result->report_files.empty()) {
    std::printf("reports (prose for the CA, written from the files checked): %s\n",
                absl::StrJoin(result->report_files, ", ").c_str());
  }
  for (const std::string& note : result->notes) std::printf("note: %s\n", note.c_str());
  if (!result->unchecked_files.empty()) {
    std::printf("not checked by this version: %s\n",
                absl::StrJoin(result->unchecked_files, ", ").c_str());
  }
  return 0;
}

}  // namespace

Command AddEvidenceCommand(CLI::App* app) {
  CLI::App* evidence =
      app->add_subcommand("evidence", "write a finding's evidence bundle for a CA, or verify one");
  evidence->footer(
      "Writes into DIR (default evidence-SEQ) finding.json, the certificate and precertificate "
      "with the chain as logged (PEM), and per log entry the entry, its inclusion proof and the "
      "signed tree head it leads to, as stored when the finding was judged (a proof still "
      "pending is fetched from the log), with the logs' keys; everything is verified before it "
      "is written; and the CAA observations of the finding's windows (caa.json) with each DNS "
      "answer as received (caa-NAME-FIRSTSEENMS.dns). Then report.txt, a problem report "
      "addressed to the CA's problem-reporting contact (from the CCADB data `issuers import` "
      "keeps), and report.html, the same facts on one self-contained page with a timeline of "
      "the CAA states per name.");
  auto write = std::make_shared<WriteOptions>();
  evidence->add_option(
      "SEQ|SHA256", write->finding,
      "the finding's seq, or the SHA-256 of its certificate, precertificate or TBS");
  evidence->add_option("--out", write->out, "the directory to write (new or empty)")
      ->type_name("DIR");
  evidence
      ->add_option("--log-list", write->log_list,
                   "the log list (file or URL) with the logs' keys and URLs (default: the "
                   "configuration's, else the list built in)")
      ->type_name("FILE|URL");
  AddConfigAndDataDirOptions(evidence, &write->common);

  CLI::App* verify = evidence->add_subcommand(
      "verify", "check every proof, signature and hash of an evidence bundle, offline");
  verify->footer(
      "Checks each log entry's inclusion proof against the signed tree head in the bundle, the "
      "head's signature with the log's key, and that key against the log list (the one built "
      "in, or --log-list FILE), never trusting the bundle's own key alone; and each DNS answer "
      "against the CAA observation caa.json says it is (rcode, CNAME chain, CAA RRset; its "
      "DNSSEC status is the validating resolver's, not re-verified). Makes no network "
      "request. Exit 0 when everything verifies; otherwise 1, naming the file that failed.");
  auto options = std::make_shared<VerifyOptions>();
  verify->add_option("DIR", options->dir, "the bundle's directory")->required();
  verify
      ->add_option("--log-list", options->log_list,
                   "the log list (v3 JSON file) whose keys are trusted (default: the list built "
                   "into caawatch)")
      ->type_name("FILE");
  return {evidence, [verify, write, options] {
            if (verify->parsed()) return Verify(*options);
            if (write->finding.empty()) {
              std::fprintf(stderr,
                           "caawatch evidence: give SEQ or SHA256 (or `verify DIR`); see "
                           "`caawatch evidence --help`\n");
              return 2;
            }
            return Write(*write);
          }};
}

}  // namespace caawatch::cli
