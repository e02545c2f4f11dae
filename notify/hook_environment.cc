#include "notify/hook_environment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/hex.h"
#include "base/quoted_input.h"
#include "ctlog/certificate_parser.h"
#include "nlohmann/json.hpp"
#include "notify/certspotter_cert_info.h"

namespace caawatch::notify {
namespace {

// An environment string is at most 128 KiB on Linux (MAX_ARG_STRLEN); a reason or a parse error
// never needs more than this.
constexpr size_t kMaxVarBytes = 4096;

std::string EnvValue(absl::string_view value) {
  std::string out =
      absl::StrReplaceAll(value.substr(0, kMaxVarBytes), {{std::string(1, '\0'), "\\000"}});
  return out;
}

std::string Hex(const ctlog::Sha256Hash& h) { return HexEncode(h); }

std::string Pem(const std::vector<std::vector<uint8_t>>& chain) {
  std::string out;
  for (const auto& der : chain) {
    std::string b64 = absl::Base64Escape(
        absl::string_view(reinterpret_cast<const char*>(der.data()), der.size()));
    out += "-----BEGIN CERTIFICATE-----\n";
    for (size_t i = 0; i < b64.size(); i += 64) absl::StrAppend(&out, b64.substr(i, 64), "\n");
    out += "-----END CERTIFICATE-----\n";
  }
  return out;
}

// Go's fmt "\t%13s = %s\n".
void Field(std::string* text, absl::string_view name, absl::string_view value) {
  absl::StrAppendFormat(text, "\t%13s = %s\n", name, value);
}

// The log entry that holds the leaf: an x509_entry for a final certificate, a precert_entry for
// a precertificate; the first entry when none matches.
const store::EntryRef* LeafEntry(const store::FindingRecord& f, bool leaf_is_precert) {
  for (const auto& e : f.entries()) {
    if (e.precert() == leaf_is_precert) return &e;
  }
  return f.entries().empty() ? nullptr : &f.entries(0);
}

std::string WatchItem(const Notification& n) {
  if (!n.watch_item.empty()) return n.watch_item;
  return n.finding.watched_names().empty() ? "" : n.finding.watched_names(0);
}

}  // namespace

std::string CertificateJson(const Notification& n, absl::Span<const uint8_t> leaf_der) {
  const CertspotterCertInfo info = ReadCertspotterCertInfo(leaf_der);
  const bool precert = ctlog::ParseCertificateIdentity(leaf_der).is_precertificate;
  const store::EntryRef* entry = LeafEntry(n.finding, precert);
  auto null_or = [](const std::string& error, const std::string& value) {
    return error.empty() ? nlohmann::json(value) : nlohmann::json(nullptr);
  };
  auto b64 = [](const std::vector<uint8_t>& der) {
    return absl::Base64Escape(
        absl::string_view(reinterpret_cast<const char*>(der.data()), der.size()));
  };
  // certspotter 0.19+ fields, plus those of 0.15-0.18 (issuer_der, subject_der, serial_number)
  // that SPEC §6 names: a script written for either reads what it expects.
  nlohmann::json j = {
      {"log_uri", entry ? entry->log_url() : ""},
      {"entry_index", entry ? std::to_string(entry->index()) : ""},
      {"watch_item", WatchItem(n)},
      {"tbs_sha256", Hex(info.tbs_sha256)},
      {"cert_sha256", Hex(info.sha256)},
      {"pubkey_sha256", Hex(info.pubkey_sha256)},
      {"issuer_der", b64(info.issuer_der)},
      {"subject_der", b64(info.subject_der)},
      {"dns_names", info.dns_names},
      {"ip_addresses", info.ip_addresses},
      {"not_before", info.validity_error.empty() ? nlohmann::json(GoJsonTime(info.not_before))
                                                 : nlohmann::json(nullptr)},
      {"not_after", info.validity_error.empty() ? nlohmann::json(GoJsonTime(info.not_after))
                                                : nlohmann::json(nullptr)},
      {"subject_dn", null_or(info.subject_error, info.subject_dn)},
      {"issuer_dn", null_or(info.issuer_error, info.issuer_dn)},
      {"serial", null_or(info.serial_error, info.serial)},
      {"serial_number", null_or(info.serial_error, info.serial)},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<HookEnvironment> BuildHookEnvironment(const Notification& n,
                                                     const std::string& files_dir) {
  const store::FindingRecord& f = n.finding;
  const HookEvent event = EventOf(f);
  const std::string dir = absl::StrCat(files_dir, "/", f.seq(), n.test ? "-test" : "");
  HookEnvironment env;
  auto set = [&env](absl::string_view name, absl::string_view value) {
    env.vars.emplace_back(std::string(name), EnvValue(value));
  };
  set("EVENT", EventName(event));

  if (event == HookEvent::kDiscoveredCert) {
    if (n.chain.empty() || n.chain[0].empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("finding seq ", f.seq(), " has no certificate to notify about"));
    }
    const auto& leaf = n.chain[0];
    const CertspotterCertInfo info = ReadCertspotterCertInfo(leaf);
    const bool precert = ctlog::ParseCertificateIdentity(leaf).is_precertificate;
    const store::EntryRef* entry = LeafEntry(f, precert);
    const std::string sha = Hex(info.sha256);
    const std::string item = WatchItem(n);
    env.summary = absl::StrCat(n.test ? "[test] " : "", "Certificate Discovered for ", item);
    const std::string cert_path = dir + "/" + sha + ".pem";
    const std::string json_path = dir + "/" + sha + ".v1.json";
    const std::string text_path = dir + "/" + sha + ".txt";
    set("SUMMARY", env.summary);
    set("CERT_PARSEABLE", "yes");
    set("LOG_URI", entry ? entry->log_url() : "");
    set("ENTRY_INDEX", entry ? std::to_string(entry->index()) : "");
    set("WATCH_ITEM", item);
    set("TBS_SHA256", Hex(info.tbs_sha256));
    set("CERT_SHA256", sha);
    set("FINGERPRINT", sha);
    set("PUBKEY_SHA256", Hex(info.pubkey_sha256));
    set("PUBKEY_HASH", Hex(info.pubkey_sha256));
    set("CERT_FILENAME", cert_path);
    set("JSON_FILENAME", json_path);
    set("TEXT_FILENAME", text_path);
    if (info.validity_error.empty()) {
      set("NOT_BEFORE", GoTimeString(info.not_before));
      set("NOT_BEFORE_UNIXTIME", std::to_string(absl::ToUnixSeconds(info.not_before)));
      set("NOT_BEFORE_RFC3339", GoRfc3339(info.not_before));
      set("NOT_AFTER", GoTimeString(info.not_after));
      set("NOT_AFTER_UNIXTIME", std::to_string(absl::ToUnixSeconds(info.not_after)));
      set("NOT_AFTER_RFC3339", GoRfc3339(info.not_after));
    } else {
      set("VALIDITY_PARSE_ERROR", info.validity_error);
    }
    if (info.subject_error.empty()) {
      set("SUBJECT_DN", info.subject_dn);
    } else {
      set("SUBJECT_PARSE_ERROR", info.subject_error);
    }
    if (info.issuer_error.empty()) {
      set("ISSUER_DN", info.issuer_dn);
    } else {
      set("ISSUER_PARSE_ERROR", info.issuer_error);
    }
    if (info.serial_error.empty()) {
      set("SERIAL", info.serial);
    } else {
      set("SERIAL_PARSE_ERROR", info.serial_error);
    }

    std::string& text = env.text;
    absl::StrAppend(&text, sha, ":\n");
    for (const auto& name : info.dns_names) Field(&text, "DNS Name", name);
    for (const auto& ip : info.ip_addresses) Field(&text, "IP Address", ip);
    Field(&text, "Pubkey", Hex(info.pubkey_sha256));
    Field(&text, "Issuer",
          info.issuer_error.empty() ? info.issuer_dn
                                    : absl::StrCat("[unable to parse: ", info.issuer_error, "]"));
    const std::string bad_validity = absl::StrCat("[unable to parse: ", info.validity_error, "]");
    Field(&text, "Not Before",
          info.validity_error.empty() ? GoTimeString(info.not_before) : bad_validity);
    Field(&text, "Not After",
          info.validity_error.empty() ? GoTimeString(info.not_after) : bad_validity);
    if (entry) Field(&text, "Log Entry", absl::StrCat(entry->index(), " @ ", entry->log_url()));
    Field(&text, "crt.sh", "https://crt.sh/?sha256=" + sha);
    Field(&text, "Filename", cert_path);
    Field(&text, "Verdict", f.verdict());
    Field(&text, "Severity", f.severity());
    Field(&text, "Reason", f.reason());
    env.files.push_back({cert_path, Pem(n.chain)});
    env.files.push_back({json_path, CertificateJson(n, leaf)});
    env.files.push_back({text_path, text});
  } else if (event == HookEvent::kMalformedCert) {
    const store::EntryRef* entry = f.entries().empty() ? nullptr : &f.entries(0);
    const std::string url = entry ? entry->log_url() : "";
    const uint64_t index = entry ? entry->index() : 0;
    const std::string leaf_hash = absl::Base64Escape(f.leaf_hash());
    env.summary =
        absl::StrCat(n.test ? "[test] " : "", "Unable to Parse Entry ", index, " in ", url);
    const std::string entry_path = absl::StrCat(dir, "/", index, ".json");
    const std::string text_path = absl::StrCat(dir, "/", index, ".txt");
    set("SUMMARY", env.summary);
    set("LOG_URI", url);
    set("ENTRY_INDEX", std::to_string(index));
    set("LEAF_HASH", leaf_hash);
    set("PARSE_ERROR", f.decode_error());
    if (!n.leaf_input.empty()) {
      set("ENTRY_FILENAME", entry_path);
      nlohmann::json j = {{"leaf_input", absl::Base64Escape(n.leaf_input)},
                          {"extra_data", absl::Base64Escape(n.extra_data)}};
      env.files.push_back({entry_path, j.dump()});
    }
    set("TEXT_FILENAME", text_path);
    set("CERT_PARSEABLE", "no");
    std::string& text = env.text;
    text =
        "Unable to determine if log entry matches your watchlist. The certificate in this log "
        "entry cannot be parsed; it may be a CA's malformed issuance:\n";
    Field(&text, "Log Entry", absl::StrCat(index, " @ ", url));
    Field(&text, "Leaf Hash", leaf_hash);
    Field(&text, "Error", f.decode_error());
    if (!f.names().empty()) Field(&text, "Names", absl::StrJoin(f.names(), ", "));
    env.files.push_back({text_path, text});
  } else if (event == HookEvent::kCaaBreaksRenewal) {
    const std::string& name = f.names().empty() ? std::string() : f.names(0);
    const std::string identifier =
        f.issuer().caa_identifiers().empty() ? std::string() : f.issuer().caa_identifiers(0);
    env.summary = absl::StrCat(n.test ? "[test] " : "", "CAA Change Breaks Renewals of ",
                               f.issuer().ca_owner(), " for ", name);
    const std::string text_path = dir + "/renewal.txt";
    set("SUMMARY", env.summary);
    set("WATCH_ITEM", WatchItem(n));
    set("CAAWATCH_NAME", name);
    set("CAAWATCH_CA", f.issuer().ca_owner());
    set("CAAWATCH_CA_IDENTIFIER", identifier);
    set("TEXT_FILENAME", text_path);
    std::string& text = env.text;
    text = "The CAA records in force now forbid a CA that issued for a name you watch:\n";
    Field(&text, "Name", name);
    Field(&text, "CA", absl::StrCat(f.issuer().ca_owner(), " (", identifier, ")"));
    Field(&text, "Reason", f.reason());
    if (!f.evidence().empty()) absl::StrAppend(&text, "\nEvidence:\n", f.evidence(), "\n");
    env.files.push_back({text_path, text});
  } else {
    env.summary =
        absl::StrCat(n.test ? "[test] " : "", "Log misbehaviour: ", f.reason().substr(0, 200));
    const std::string text_path = dir + "/error.txt";
    set("SUMMARY", env.summary);
    set("TEXT_FILENAME", text_path);
    std::string& text = env.text;
    text = "A log misbehaved; caawatch cannot vouch for what it serves:\n";
    for (const auto& e : f.entries()) Field(&text, "Log", e.log_url());
    Field(&text, "Reason", f.reason());
    if (!f.evidence().empty()) absl::StrAppend(&text, "\nEvidence:\n", f.evidence(), "\n");
    env.files.push_back({text_path, text});
  }

  const std::string finding_path = dir + "/finding.json";
  set("CAAWATCH_SEQ", std::to_string(f.seq()));
  set("CAAWATCH_VERDICT", f.verdict());
  set("CAAWATCH_SEVERITY", f.severity());
  set("CAAWATCH_REASON", f.reason());
  set("CAAWATCH_FINDING_JSON", finding_path);
  if (n.test) set("CAAWATCH_TEST", "yes");
  env.files.push_back({finding_path, n.finding_json});
  return env;
}

absl::Status WriteHookFiles(const HookEnvironment& env) {
  for (const HookFile& file : env.files) {
    const size_t slash = file.path.rfind('/');
    if (slash != std::string::npos && slash > 0) {
      const std::string dir = file.path.substr(0, slash);
      // One level: the notification's own directory below the configured one.
      const size_t parent_slash = dir.rfind('/');
      if (parent_slash != std::string::npos && parent_slash > 0) {
        ::mkdir(dir.substr(0, parent_slash).c_str(), 0700);
      }
      if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return absl::UnavailableError(
            absl::StrCat("cannot create ", QuoteInput(dir), ": ", std::strerror(errno)));
      }
    }
    const int fd = ::open(file.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", QuoteInput(file.path), ": ", std::strerror(errno)));
    }
    size_t done = 0;
    while (done < file.contents.size()) {
      const ssize_t w = ::write(fd, file.contents.data() + done, file.contents.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        const int err = errno;
        ::close(fd);
        return absl::UnavailableError(
            absl::StrCat("cannot write ", QuoteInput(file.path), ": ", std::strerror(err)));
      }
      done += static_cast<size_t>(w);
    }
    if (::close(fd) != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", QuoteInput(file.path), ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace caawatch::notify
