#include "revoke/crl.h"

#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/time_text.h"
#include "revoke/crl_scope.h"
#include "revoke/openssl_handles.h"

namespace caawatch::revoke {
namespace {

absl::StatusOr<X509Ptr> ParseCert(absl::Span<const uint8_t> der, absl::string_view what) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert == nullptr || p != der.data() + der.size()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " does not parse"));
  }
  return cert;
}

// An ASN1_TIME as absl::Time; nullopt when OpenSSL cannot read it.
std::optional<absl::Time> ToTime(const ASN1_TIME* t) {
  struct tm parts = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &parts) != 1) return std::nullopt;
  return absl::FromTM(parts, absl::UTCTimeZone());
}

}  // namespace

std::string CrlReasonName(long code) {
  switch (code) {
    case 0:
      return "unspecified";
    case 1:
      return "keyCompromise";
    case 2:
      return "cACompromise";
    case 3:
      return "affiliationChanged";
    case 4:
      return "superseded";
    case 5:
      return "cessationOfOperation";
    case 6:
      return "certificateHold";
    case 8:
      return "removeFromCRL";
    case 9:
      return "privilegeWithdrawn";
    case 10:
      return "aACompromise";
    default:
      return absl::StrCat("reason ", code);
  }
}

namespace {

// CheckCrl and CheckDisclosedCrl, which differ only in the scope they ask of the CRL.
absl::StatusOr<CrlFinding> CheckCrlInScope(
    absl::string_view crl_der, absl::Span<const uint8_t> cert_der,
    absl::Span<const uint8_t> issuer_der, absl::Time now,
    absl::FunctionRef<absl::Status(const X509_CRL*)> check_scope) {
  const auto* p = reinterpret_cast<const unsigned char*>(crl_der.data());
  X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(crl_der.size())));
  if (crl == nullptr ||
      p != reinterpret_cast<const unsigned char*>(crl_der.data()) + crl_der.size()) {
    return absl::InvalidArgumentError("CRL does not parse (DER CertificateList expected)");
  }
  absl::StatusOr<X509Ptr> cert = ParseCert(cert_der, "certificate");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<X509Ptr> issuer = ParseCert(issuer_der, "issuer certificate");
  if (!issuer.ok()) return issuer.status();

  // Signature first: nothing a CRL says is read before we know who said it.
  EVP_PKEY* issuer_key = X509_get0_pubkey(issuer->get());
  if (issuer_key == nullptr) return absl::InvalidArgumentError("issuer key does not parse");
  if (X509_CRL_verify(crl.get(), issuer_key) != 1) {
    return absl::PermissionDeniedError("CRL signature does not verify with the issuer's key");
  }
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_issuer_name(cert->get())) != 0) {
    return absl::FailedPreconditionError("CRL issuer is not the certificate's issuer");
  }
  if (X509_CRL_get_ext_by_NID(crl.get(), NID_delta_crl, -1) >= 0) {
    return absl::FailedPreconditionError("delta CRL (not followed)");
  }
  if (absl::Status scope = check_scope(crl.get()); !scope.ok()) return scope;

  CrlFinding finding;
  std::optional<absl::Time> this_update = ToTime(X509_CRL_get0_lastUpdate(crl.get()));
  if (!this_update) return absl::InvalidArgumentError("CRL thisUpdate does not parse");
  finding.this_update = *this_update;
  if (finding.this_update > now + kMaxClockSkew) {
    return absl::InvalidArgumentError(absl::StrCat(
        "CRL thisUpdate ", FormatRfc3339Millis(finding.this_update), " is in the future"));
  }
  if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get()); next != nullptr) {
    finding.next_update = ToTime(next);
    if (!finding.next_update) return absl::InvalidArgumentError("CRL nextUpdate does not parse");
    if (*finding.next_update < finding.this_update) {
      return absl::InvalidArgumentError("CRL nextUpdate is before its thisUpdate");
    }
    finding.stale = *finding.next_update < now;
  }

  X509_REVOKED* entry = nullptr;
  if (X509_CRL_get0_by_serial(crl.get(), &entry, X509_get0_serialNumber(cert->get())) == 1 &&
      entry != nullptr) {
    Revocation revocation;
    std::optional<absl::Time> when = ToTime(X509_REVOKED_get0_revocationDate(entry));
    if (!when) return absl::InvalidArgumentError("CRL revocationDate does not parse");
    revocation.revocation_date = *when;
    int critical = 0;
    Asn1EnumeratedPtr reason(static_cast<ASN1_ENUMERATED*>(
        X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, &critical, nullptr)));
    revocation.reason =
        reason == nullptr ? "unspecified" : CrlReasonName(ASN1_ENUMERATED_get(reason.get()));
    // removeFromCRL only appears in delta CRLs, refused above; a hold is not a revocation
    // (it can be lifted), so it is reported as such and followed on.
    finding.revocation = std::move(revocation);
  }
  return finding;
}

}  // namespace

absl::StatusOr<CrlFinding> CheckCrl(absl::string_view crl_der, absl::Span<const uint8_t> cert_der,
                                    absl::Span<const uint8_t> issuer_der, absl::Time now,
                                    absl::string_view url) {
  return CheckCrlInScope(crl_der, cert_der, issuer_der, now,
                         [url](const X509_CRL* crl) { return CheckCrlScope(crl, url); });
}

absl::StatusOr<CrlFinding> CheckDisclosedCrl(absl::string_view crl_der,
                                             absl::Span<const uint8_t> cert_der,
                                             absl::Span<const uint8_t> issuer_der, absl::Time now,
                                             absl::Span<const std::string> cert_urls) {
  return CheckCrlInScope(crl_der, cert_der, issuer_der, now, [cert_urls](const X509_CRL* crl) {
    return CheckCrlScopeForCertificate(crl, cert_urls);
  });
}

}  // namespace caawatch::revoke
