// certspotter-script(8) variables for real certificates, checked against values computed
// independently (openssl, date) and the formats certspotter documents.
#include "notify/hook_environment.h"

#include <map>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "base/hex.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "notify/certspotter_cert_info.h"
#include "tests/notify/notify_fixture.h"

namespace caawatch::notify {
namespace {

using testing::CorpusCertificates;
using testing::CorpusPath;
using testing::GoogleFinding;
using testing::Shell;
using testing::TempDir;

std::map<std::string, std::string> Vars(const HookEnvironment& env) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : env.vars) out[k] = v;
  return out;
}

// openssl's view of a corpus PEM file (the first certificate).
std::string Openssl(const std::string& relative, const std::string& args) {
  return Shell("openssl x509 -in '" + CorpusPath(relative) + "' " + args);
}

TEST(HookEnvironmentTest, DiscoveredCertMatchesCertspotterFormats) {
  TempDir dir;
  Notification n = GoogleFinding();
  auto env = BuildHookEnvironment(n, dir.path());
  ASSERT_TRUE(env.ok()) << env.status();
  auto v = Vars(*env);
  const std::string cert = "ct/rfc6962-argon2025/google-com-cert.pem";
  EXPECT_EQ(v["EVENT"], "discovered_cert");
  EXPECT_EQ(v["SUMMARY"], "Certificate Discovered for .google.com");
  EXPECT_EQ(v["WATCH_ITEM"], ".google.com");
  // The final certificate is the leaf: its own x509_entry, not the precert_entry.
  EXPECT_EQ(v["LOG_URI"], "https://ct.googleapis.com/logs/us1/argon2025h2/");
  EXPECT_EQ(v["ENTRY_INDEX"], "912600001");
  EXPECT_EQ(v["CERT_SHA256"], Shell("openssl x509 -in '" + CorpusPath(cert) +
                                    "' -outform DER | sha256sum | cut -d' ' -f1"));
  EXPECT_EQ(v["FINGERPRINT"], v["CERT_SHA256"]);
  EXPECT_EQ(v["PUBKEY_SHA256"], Shell("openssl x509 -in '" + CorpusPath(cert) +
                                      "' -noout -pubkey | openssl pkey -pubin -outform DER | "
                                      "sha256sum | cut -d' ' -f1"));
  EXPECT_EQ(v["PUBKEY_HASH"], v["PUBKEY_SHA256"]);
  // Go's %x of the serial (openssl prints upper case).
  std::string serial = Openssl(cert, "-noout -serial").substr(7);
  for (auto& c : serial) c = static_cast<char>(std::tolower(c));
  EXPECT_EQ(v["SERIAL"], serial.substr(serial.find_first_not_of('0')));
  // certspotter's DN: certificate order, ", ", short labels.
  EXPECT_EQ(v["ISSUER_DN"], "C=US, O=Google Trust Services, CN=WR2");
  EXPECT_EQ(v["SUBJECT_DN"], "CN=*.google.com");
  EXPECT_EQ(v["NOT_BEFORE"], "2025-06-02 08:35:30 +0000 UTC");
  EXPECT_EQ(v["NOT_BEFORE_RFC3339"], "2025-06-02T08:35:30Z");
  EXPECT_EQ(v["NOT_BEFORE_UNIXTIME"], Shell("date -u -d '2025-06-02 08:35:30' +%s"));
  EXPECT_EQ(v["NOT_AFTER"], "2025-08-25 08:35:29 +0000 UTC");
  EXPECT_EQ(v["NOT_AFTER_RFC3339"], "2025-08-25T08:35:29Z");
  EXPECT_EQ(v["NOT_AFTER_UNIXTIME"], Shell("date -u -d '2025-08-25 08:35:29' +%s"));
  EXPECT_EQ(v["CERT_PARSEABLE"], "yes");
  EXPECT_EQ(v.count("VALIDITY_PARSE_ERROR") + v.count("SUBJECT_PARSE_ERROR") +
                v.count("ISSUER_PARSE_ERROR") + v.count("SERIAL_PARSE_ERROR"),
            0u);
  EXPECT_EQ(v["CAAWATCH_SEQ"], "42");
  EXPECT_EQ(v["CAAWATCH_VERDICT"], "forbidden");
  EXPECT_EQ(v["CAAWATCH_SEVERITY"], "critical");
  EXPECT_EQ(v["CAAWATCH_REASON"], n.finding.reason());
  EXPECT_EQ(v.count("CAAWATCH_TEST"), 0u);
  for (const char* file :
       {"CERT_FILENAME", "JSON_FILENAME", "TEXT_FILENAME", "CAAWATCH_FINDING_JSON"}) {
    EXPECT_EQ(v[file].rfind(dir.path() + "/42/", 0), 0u) << file << "=" << v[file];
  }
}

TEST(HookEnvironmentTest, PrecertificateAndCertificateShareTbsSha256) {
  // Two real pairs: Google (Argon2025h2) and Let's Encrypt (boulder's good pair).
  for (const auto& [pre, fin] : std::vector<std::pair<std::string, std::string>>{
           {"ct/rfc6962-argon2025/google-com-precert.pem",
            "ct/rfc6962-argon2025/google-com-cert.pem"},
           {"ct/letsencrypt-precert-final-pairs/good-precert.pem",
            "ct/letsencrypt-precert-final-pairs/good-final.pem"}}) {
    const auto pre_info = ReadCertspotterCertInfo(CorpusCertificates(pre)[0]);
    const auto fin_info = ReadCertspotterCertInfo(CorpusCertificates(fin)[0]);
    EXPECT_EQ(pre_info.tbs_sha256, fin_info.tbs_sha256) << fin;
    EXPECT_NE(pre_info.sha256, fin_info.sha256) << fin;
    EXPECT_EQ(pre_info.pubkey_sha256, fin_info.pubkey_sha256) << fin;
  }
  // Go's %x drops the leading zero that openssl prints for this serial (03D9...).
  const auto le = ReadCertspotterCertInfo(
      CorpusCertificates("ct/letsencrypt-precert-final-pairs/good-final.pem")[0]);
  EXPECT_EQ(le.serial, "3d91c3d22b404f20df3c1631c22e1754b8d");
  EXPECT_EQ(le.issuer_dn, "C=US, O=Let's Encrypt, CN=R3");
}

TEST(HookEnvironmentTest, PrecertificateLeafUsesItsPrecertEntry) {
  TempDir dir;
  Notification n = GoogleFinding();
  n.chain = CorpusCertificates("ct/rfc6962-argon2025/google-com-precert.pem");
  auto env = BuildHookEnvironment(n, dir.path());
  ASSERT_TRUE(env.ok()) << env.status();
  auto v = Vars(*env);
  EXPECT_EQ(v["ENTRY_INDEX"], "912557348");
  const auto fin =
      ReadCertspotterCertInfo(CorpusCertificates("ct/rfc6962-argon2025/google-com-cert.pem")[0]);
  EXPECT_EQ(v["TBS_SHA256"], HexEncode(fin.tbs_sha256));
}

TEST(HookEnvironmentTest, JsonFileHasCertspotterFields) {
  TempDir dir;
  Notification n = GoogleFinding();
  auto env = BuildHookEnvironment(n, dir.path());
  ASSERT_TRUE(env.ok());
  auto v = Vars(*env);
  std::string json_text;
  for (const auto& f : env->files) {
    if (f.path == v["JSON_FILENAME"]) json_text = f.contents;
  }
  auto j = nlohmann::json::parse(json_text);
  EXPECT_EQ(j["tbs_sha256"], v["TBS_SHA256"]);
  EXPECT_EQ(j["cert_sha256"], v["CERT_SHA256"]);
  EXPECT_EQ(j["pubkey_sha256"], v["PUBKEY_SHA256"]);
  // Every SAN dNSName in certificate order, as openssl lists them (the CN is among them).
  const std::string sans =
      Shell("openssl x509 -in '" + CorpusPath("ct/rfc6962-argon2025/google-com-cert.pem") +
            "' -noout -ext subjectAltName | tail -n +2 | sed 's/^ *//; s/DNS://g; s/, /\\n/g'");
  nlohmann::json expected_names = nlohmann::json::array();
  for (absl::string_view name : absl::StrSplit(sans, '\n')) expected_names.push_back(name);
  EXPECT_EQ(j["dns_names"], expected_names);
  EXPECT_GT(expected_names.size(), 100u);
  EXPECT_EQ(j["ip_addresses"], nlohmann::json::array());
  EXPECT_EQ(j["not_before"], "2025-06-02T08:35:30Z");
  EXPECT_EQ(j["not_after"], "2025-08-25T08:35:29Z");
  EXPECT_EQ(j["serial"], v["SERIAL"]);
  EXPECT_EQ(j["serial_number"], v["SERIAL"]);
  EXPECT_EQ(j["issuer_dn"], v["ISSUER_DN"]);
  EXPECT_EQ(j["subject_dn"], v["SUBJECT_DN"]);
  EXPECT_EQ(j["entry_index"], "912600001");  // A string, as certspotter writes it.
  EXPECT_EQ(j["watch_item"], ".google.com");
  // issuer_der / subject_der: base64 of the DER Names, as Go encodes []byte.
  const auto info = ReadCertspotterCertInfo(n.chain[0]);
  EXPECT_EQ(j["issuer_der"],
            absl::Base64Escape(std::string(info.issuer_der.begin(), info.issuer_der.end())));
  EXPECT_FALSE(j["issuer_der"].get<std::string>().empty());
}

TEST(HookEnvironmentTest, MalformedCertAndErrorEvents) {
  TempDir dir;
  Notification m;
  m.finding.set_seq(7);
  m.finding.set_kind("malformed_cert");
  m.finding.set_verdict("malformed_cert");
  m.finding.set_severity("warning");
  m.finding.set_decode_error("subjectAltName: truncated");
  m.finding.set_leaf_hash(std::string(32, '\x01'));
  auto* e = m.finding.add_entries();
  e->set_log_url("https://log.example/");
  e->set_index(99);
  m.leaf_input = "leaf";
  m.extra_data = "extra";
  auto env = BuildHookEnvironment(m, dir.path());
  ASSERT_TRUE(env.ok());
  auto v = Vars(*env);
  EXPECT_EQ(v["EVENT"], "malformed_cert");
  EXPECT_EQ(v["SUMMARY"], "Unable to Parse Entry 99 in https://log.example/");
  EXPECT_EQ(v["LOG_URI"], "https://log.example/");
  EXPECT_EQ(v["ENTRY_INDEX"], "99");
  EXPECT_EQ(v["LEAF_HASH"], "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=");
  EXPECT_EQ(v["PARSE_ERROR"], "subjectAltName: truncated");
  EXPECT_EQ(v["CERT_PARSEABLE"], "no");
  for (const auto& f : env->files) {
    if (f.path == v["ENTRY_FILENAME"]) {
      auto j = nlohmann::json::parse(f.contents);
      EXPECT_EQ(j["leaf_input"], "bGVhZg==");
      EXPECT_EQ(j["extra_data"], "ZXh0cmE=");
    }
  }

  Notification err;
  err.finding.set_seq(8);
  err.finding.set_kind("log_misbehaviour");
  err.finding.set_verdict("log_misbehaviour");
  err.finding.set_reason("STH signature does not verify");
  auto env2 = BuildHookEnvironment(err, dir.path());
  ASSERT_TRUE(env2.ok());
  auto v2 = Vars(*env2);
  EXPECT_EQ(v2["EVENT"], "error");
  EXPECT_NE(v2["SUMMARY"].find("STH signature does not verify"), std::string::npos);
  EXPECT_FALSE(v2["TEXT_FILENAME"].empty());
  EXPECT_EQ(v2.count("CERT_SHA256"), 0u);
}

TEST(HookEnvironmentTest, CaaBreaksRenewalNamesTheCaAndTheNameAndNeedsNoCertificate) {
  TempDir dir;
  Notification n;
  n.finding.set_seq(9);
  n.finding.set_kind("caa_breaks_renewal");
  n.finding.set_verdict("caa_breaks_renewal");
  n.finding.set_severity("warning");
  n.finding.add_names("www.example.com");
  n.finding.add_watched_names("www.example.com");
  n.finding.mutable_issuer()->set_ca_owner("Let's Encrypt");
  n.finding.mutable_issuer()->add_caa_identifiers("letsencrypt.org");
  n.finding.set_reason("the CAA records in force forbid it");
  auto env = BuildHookEnvironment(n, dir.path());
  ASSERT_TRUE(env.ok()) << env.status();
  auto v = Vars(*env);
  EXPECT_EQ(v["EVENT"], "caa_breaks_renewal");
  EXPECT_EQ(v["SUMMARY"], "CAA Change Breaks Renewals of Let's Encrypt for www.example.com");
  EXPECT_EQ(v["CAAWATCH_NAME"], "www.example.com");
  EXPECT_EQ(v["CAAWATCH_CA"], "Let's Encrypt");
  EXPECT_EQ(v["CAAWATCH_CA_IDENTIFIER"], "letsencrypt.org");
  EXPECT_EQ(v["CAAWATCH_VERDICT"], "caa_breaks_renewal");
  EXPECT_FALSE(v["TEXT_FILENAME"].empty());
  EXPECT_EQ(v.count("CERT_SHA256"), 0u);
}

TEST(HookEnvironmentTest, DiscoveredCertWithoutCertificateIsNotRetryable) {
  TempDir dir;
  Notification n = GoogleFinding();
  n.chain.clear();
  auto env = BuildHookEnvironment(n, dir.path());
  EXPECT_EQ(env.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace caawatch::notify
