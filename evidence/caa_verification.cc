#include "evidence/caa_verification.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/status_macros.h"
#include "evidence/caa_files.h"

namespace caawatch::evidence {
namespace {

absl::Status Fail(const std::string& name, absl::string_view why) {
  return absl::DataLossError(absl::StrCat(name, ": ", why));
}

absl::StatusOr<std::string> Read(const std::string& dir, const std::string& name, size_t limit) {
  absl::StatusOr<std::string> text = ReadBoundedFile(absl::StrCat(dir, "/", name), limit, name);
  if (!text.ok()) return Fail(name, text.status().message());
  return text;
}

}  // namespace

absl::StatusOr<CaaVerification> VerifyCaaEvidence(const std::string& dir,
                                                  const std::set<std::string>& files) {
  CaaVerification result;
  std::set<std::string> answers;
  for (const std::string& name : files) {
    if (absl::StartsWith(name, "caa-") && absl::EndsWith(name, ".dns")) answers.insert(name);
  }
  if (!files.contains(kCaaIndexFileName)) {
    if (!answers.empty()) return Fail(*answers.begin(), "no caa.json names it");
    return result;
  }
  // The index holds at most kMaxCaaObservations of about 400 bytes each.
  CAAWATCH_ASSIGN_OR_RETURN(const std::string index,
                            Read(dir, kCaaIndexFileName, kMaxCaaObservations * 1024));
  absl::StatusOr<std::vector<CaaIndexEntry>> entries = ParseCaaIndexJson(index);
  if (!entries.ok()) return Fail(kCaaIndexFileName, entries.status().message());
  result.verified_files.push_back(kCaaIndexFileName);
  size_t signed_answers = 0;
  size_t checked = 0;
  for (const CaaIndexEntry& entry : *entries) {
    if (entry.answer_file.empty()) continue;
    if (!answers.contains(entry.answer_file))
      return Fail(entry.answer_file, "missing from the bundle");
    CAAWATCH_ASSIGN_OR_RETURN(const std::string wire,
                              Read(dir, entry.answer_file, kMaxDnsAnswerBytes));
    absl::StatusOr<DnsAnswerCheck> check = CheckDnsAnswer(wire, entry);
    if (!check.ok()) return Fail(entry.answer_file, check.status().message());
    answers.erase(entry.answer_file);
    result.verified_files.push_back(entry.answer_file);
    ++checked;
    if (check->rrsigs > 0) ++signed_answers;
  }
  if (!answers.empty()) return Fail(*answers.begin(), "caa.json names no observation with it");
  if (checked > 0) {
    result.notes.push_back(
        absl::StrCat(checked,
                     " DNS answers match caa.json (rcode, CNAME chain, CAA RRset); their DNSSEC "
                     "status as reported by the validating resolver, not re-verified (",
                     signed_answers, " carry RRSIGs; no answer carries the DNSKEY chain)"));
  }
  return result;
}

}  // namespace caawatch::evidence
