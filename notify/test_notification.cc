#include "notify/test_notification.h"

#include <string>

#include "ctlog/pem.h"
#include "ctlog/sha256.h"
#include "proto/finding_convert.h"
#include "proto/finding_json.h"
#include "store/verdict.h"

namespace caawatch::notify {
namespace {

// Self-signed, P-256, CN and SAN caawatch-test.invalid (a name RFC 6761 keeps from ever being
// real), valid for a hundred years: `openssl req -x509 -newkey ec ...`.
constexpr char kTestCertificatePem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIB3zCCAYWgAwIBAgIUJ7tJgbRNuPCYHicYihxNm4v6fdMwCgYIKoZIzj0EAwIw\n"
    "MzERMA8GA1UECgwIY2Fhd2F0Y2gxHjAcBgNVBAMMFWNhYXdhdGNoLXRlc3QuaW52\n"
    "YWxpZDAgFw0yNjEyMDYxMjM0NTdaGA8yMTI2MTExMjEyMzQ1N1owMzERMA8GA1UE\n"
    "CgwIY2Fhd2F0Y2gxHjAcBgNVBAMMFWNhYXdhdGNoLXRlc3QuaW52YWxpZDBZMBMG\n"
    "ByqGSM49AgEGCCqGSM49AwEHA0IABIQ4TN3TkHYGte1H0O3fLgaR2eKPbwAXCI7A\n"
    "R7B+8VbFNBRQZQNqrLL3ffxH/guo2iJDqeaym2Ez/FHNusWqknujdTBzMB0GA1Ud\n"
    "DgQWBBTlB24tLljpWNPxfg31K57ZG+PikTAfBgNVHSMEGDAWgBTlB24tLljpWNPx\n"
    "fg31K57ZG+PikTAPBgNVHRMBAf8EBTADAQH/MCAGA1UdEQQZMBeCFWNhYXdhdGNo\n"
    "LXRlc3QuaW52YWxpZDAKBggqhkjOPQQDAgNIADBFAiEAklAwETtLshCMPLE85HBF\n"
    "40qu4m5LCDpvXrraYCz+5NUCIGVKmZWucCOTlDpmPxX2zeEv4s3bafrptsu9hPl3\n"
    "u8t9\n"
    "-----END CERTIFICATE-----\n";

}  // namespace

Notification TestNotification(absl::Time now) {
  Notification n;
  n.test = true;
  const std::vector<std::vector<uint8_t>> certs = ctlog::PemCertificates(kTestCertificatePem);
  store::FindingRecord& f = n.finding;
  f.set_seq(static_cast<uint64_t>(absl::ToUnixMillis(now)));
  f.set_kind("certificate");
  f.set_verdict(store::VerdictName(store::Verdict::kPermitted));
  f.set_severity(store::SeverityName(store::Severity::kInfo));
  f.add_names("caawatch-test.invalid");
  f.add_watched_names("caawatch-test.invalid");
  f.mutable_issuer()->set_dn("O=caawatch, CN=caawatch-test.invalid");
  f.set_reason("a test event from `caawatch notify test`: no certificate was issued");
  f.set_recorded_ms(absl::ToUnixMillis(now));
  if (!certs.empty()) {
    const ctlog::Sha256Hash sha = ctlog::Sha256(absl::MakeConstSpan(certs[0]));
    f.set_cert_sha256(std::string(sha.begin(), sha.end()));
    n.chain = certs;
  }
  n.watch_item = "caawatch-test.invalid";
  n.finding_json = api::FindingToJson(api::ToApiFinding(f));
  return n;
}

}  // namespace caawatch::notify
