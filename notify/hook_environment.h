// certspotter-script(8)'s hook interface (certspotter 0.19 and later) for one notification:
// the environment variables and the files they name, with the same names, meanings and
// formats as certspotter, plus caawatch's CAAWATCH_* variables. A certspotter hook runs
// unchanged.
#ifndef CAAWATCH_NOTIFY_HOOK_ENVIRONMENT_H_
#define CAAWATCH_NOTIFY_HOOK_ENVIRONMENT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "notify/notification.h"

namespace caawatch::notify {

struct HookFile {
  std::string path;
  std::string contents;
};

struct HookEnvironment {
  // NAME=value pairs in a fixed order; a value never holds a NUL byte.
  std::vector<std::pair<std::string, std::string>> vars;
  // The files the variables name (CERT_FILENAME, JSON_FILENAME, TEXT_FILENAME, ENTRY_FILENAME,
  // CAAWATCH_FINDING_JSON), all under the notification's own directory.
  std::vector<HookFile> files;
  std::string summary;  // SUMMARY.
  std::string text;     // The TEXT_FILENAME text (certspotter's email text plus the verdict).
};

// Builds the environment of `n` with its files under `files_dir`/<seq>/ (not written yet).
//  discovered_cert: EVENT, SUMMARY ("Certificate Discovered for WATCH_ITEM"), WATCH_ITEM,
//    LOG_URI and ENTRY_INDEX (the entry of the leaf: an x509_entry for a final certificate),
//    TBS_SHA256, CERT_SHA256 (of chain[0]), PUBKEY_SHA256, CERT_FILENAME (PEM chain),
//    JSON_FILENAME, TEXT_FILENAME, NOT_BEFORE/NOT_AFTER with _UNIXTIME and _RFC3339 or
//    VALIDITY_PARSE_ERROR, SUBJECT_DN or SUBJECT_PARSE_ERROR, ISSUER_DN or ISSUER_PARSE_ERROR,
//    SERIAL or SERIAL_PARSE_ERROR, and certspotter's undocumented compatibility variables
//    (CERT_PARSEABLE, FINGERPRINT, PUBKEY_HASH).
//  malformed_cert: EVENT, SUMMARY, LOG_URI, ENTRY_INDEX, LEAF_HASH (base64), PARSE_ERROR,
//    ENTRY_FILENAME ({"leaf_input", "extra_data"} base64, when the entry is known),
//    TEXT_FILENAME, CERT_PARSEABLE=no.
//  error (log_misbehaviour): EVENT, SUMMARY, TEXT_FILENAME.
//  caa_breaks_renewal: EVENT, SUMMARY ("CAA Change Breaks Renewals of CA for NAME"),
//    WATCH_ITEM, CAAWATCH_NAME, CAAWATCH_CA, CAAWATCH_CA_IDENTIFIER, TEXT_FILENAME.
//  All: CAAWATCH_SEQ, CAAWATCH_VERDICT, CAAWATCH_SEVERITY, CAAWATCH_REASON,
//    CAAWATCH_FINDING_JSON (a file holding n.finding_json), and CAAWATCH_TEST=yes for a test
//    event.
// kFailedPrecondition (not retryable) for a discovered_cert without a certificate.
absl::StatusOr<HookEnvironment> BuildHookEnvironment(const Notification& n,
                                                     const std::string& files_dir);

// Writes every file of `env` (directories 0700, files 0600: a finding is not for every local
// user). kUnavailable (retryable) when the file system refuses.
absl::Status WriteHookFiles(const HookEnvironment& env);

// The JSON_FILENAME document for one certificate (see the .cc for the fields).
std::string CertificateJson(const Notification& n, absl::Span<const uint8_t> leaf_der);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_HOOK_ENVIRONMENT_H_
