#include "ctlog/certificate_parser.h"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/hex.h"

namespace caawatch::ctlog {
namespace {

template <auto FreeFn>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};
using UniqueX509 = std::unique_ptr<X509, OpenSslDeleter<&X509_free>>;
using UniqueNames = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<&GENERAL_NAMES_free>>;
using UniqueObject = std::unique_ptr<ASN1_OBJECT, OpenSslDeleter<&ASN1_OBJECT_free>>;
using UniqueEku = std::unique_ptr<EXTENDED_KEY_USAGE, OpenSslDeleter<&EXTENDED_KEY_USAGE_free>>;

constexpr char kPoisonOid[] = "1.3.6.1.4.1.11129.2.4.3";
constexpr char kSctListOid[] = "1.3.6.1.4.1.11129.2.4.2";
constexpr char kPrecertSigningEku[] = "1.3.6.1.4.1.11129.2.4.4";

UniqueObject Oid(const char* dotted) { return UniqueObject(OBJ_txt2obj(dotted, /*no_name=*/1)); }

UniqueX509 ParseX509(absl::Span<const uint8_t> der) {
  const unsigned char* p = der.data();
  UniqueX509 x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (x509 != nullptr && p != der.data() + der.size()) return nullptr;  // Trailing bytes.
  return x509;
}

std::string Utf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  const int n = ASN1_STRING_to_UTF8(&out, s);
  if (n < 0) return std::string();
  std::string text(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return text;
}

// Adds a certificate name: lowercased, trailing dots dropped, NUL defence.
void AddName(std::string name, std::vector<std::string>* out) {
  auto add = [out](std::string n) {
    n = absl::AsciiStrToLower(n);
    while (!n.empty() && n.back() == '.') n.pop_back();
    if (!n.empty() && std::find(out->begin(), out->end(), n) == out->end())
      out->push_back(std::move(n));
  };
  const size_t nul = name.find('\0');
  if (nul == std::string::npos) return add(std::move(name));
  add(name.substr(0, nul));
  std::string escaped;
  for (char c : name) escaped += c == '\0' ? std::string("\\0") : std::string(1, c);
  add(std::move(escaped));
}

std::string NameEntry(const X509_NAME* name, int nid) {
  const int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return std::string();
  return Utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
}

// "C=US, O=Let's Encrypt, CN=R11": attributes in certificate order.
std::string OneLine(const X509_NAME* name) {
  std::vector<std::string> parts;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    const int nid = OBJ_obj2nid(obj);
    std::string key;
    if (nid != NID_undef) {
      key = OBJ_nid2sn(nid);
    } else {
      char buf[80];
      OBJ_obj2txt(buf, sizeof(buf), obj, 1);
      key = buf;
    }
    parts.push_back(absl::StrCat(key, "=", Utf8(X509_NAME_ENTRY_get_data(e))));
  }
  return absl::StrJoin(parts, ", ");
}

absl::Time AsnTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return absl::InfinitePast();
  return absl::FromCivil(absl::CivilSecond(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                           tm.tm_min, tm.tm_sec),
                         absl::UTCTimeZone());
}

std::string IpText(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = {0};
  const int len = ASN1_STRING_length(ip);
  const unsigned char* data = ASN1_STRING_get0_data(ip);
  if (len == 4) return inet_ntop(AF_INET, data, buf, sizeof(buf)) ? buf : "";
  if (len == 16) return inet_ntop(AF_INET6, data, buf, sizeof(buf)) ? buf : "";
  return absl::StrCat("invalid:", HexEncode(absl::MakeConstSpan(data, static_cast<size_t>(len))));
}

// SHA-256 of the TBSCertificate re-encoded without the poison and SCT-list extensions.
Sha256Hash TbsHashWithoutCtExtensions(X509* x509) {
  for (const char* oid : {kPoisonOid, kSctListOid}) {
    UniqueObject obj = Oid(oid);
    for (int i; (i = X509_get_ext_by_OBJ(x509, obj.get(), -1)) >= 0;) {
      X509_EXTENSION_free(X509_delete_ext(x509, i));
    }
  }
  unsigned char* tbs = nullptr;
  const int len = i2d_re_X509_tbs(x509, &tbs);
  Sha256Hash out{};
  if (len > 0) {
    out = Sha256(absl::MakeConstSpan(tbs, static_cast<size_t>(len)));
    OPENSSL_free(tbs);
  }
  return out;
}

}  // namespace

CertificateIdentity ParseCertificateIdentity(absl::Span<const uint8_t> der) {
  CertificateIdentity id;
  id.sha256 = Sha256(der);
  UniqueX509 x509 = ParseX509(der);
  if (x509 == nullptr) {
    id.parse_error = "not a DER X.509 certificate (or trailing bytes)";
    return id;
  }
  UniqueNames names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(x509.get(), NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type == GEN_DNS) {
      const ASN1_STRING* s = gn->d.dNSName;
      AddName(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                          static_cast<size_t>(ASN1_STRING_length(s))),
              &id.dns_names);
    } else if (gn->type == GEN_IPADD) {
      id.ip_addresses.push_back(IpText(gn->d.iPAddress));
    }
  }
  const X509_NAME* subject = X509_get_subject_name(x509.get());
  for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) >= 0;) {
    AddName(Utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i))), &id.common_names);
  }
  const X509_NAME* issuer = X509_get_issuer_name(x509.get());
  id.subject_dn = OneLine(subject);
  id.issuer_dn = OneLine(issuer);
  id.issuer_organization = NameEntry(issuer, NID_organizationName);
  id.issuer_common_name = NameEntry(issuer, NID_commonName);
  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(x509.get())) {
    id.serial_hex = HexEncode(absl::MakeConstSpan(ASN1_STRING_get0_data(serial),
                                                  static_cast<size_t>(ASN1_STRING_length(serial))));
  }
  id.not_before = AsnTime(X509_get0_notBefore(x509.get()));
  id.not_after = AsnTime(X509_get0_notAfter(x509.get()));
  UniqueObject poison = Oid(kPoisonOid);
  id.is_precertificate = X509_get_ext_by_OBJ(x509.get(), poison.get(), -1) >= 0;
  if (const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(x509.get())) {
    const unsigned char* d = ASN1_STRING_get0_data(aki);
    id.authority_key_id.assign(d, d + ASN1_STRING_length(aki));
  }
  id.tbs_sha256 = TbsHashWithoutCtExtensions(x509.get());
  return id;
}

absl::StatusOr<IssuerIdentity> ParseIssuerIdentity(absl::Span<const uint8_t> der) {
  UniqueX509 x509 = ParseX509(der);
  if (x509 == nullptr) return absl::DataLossError("issuer: not a DER X.509 certificate");
  IssuerIdentity id;
  const X509_NAME* subject = X509_get_subject_name(x509.get());
  id.subject_dn = OneLine(subject);
  id.organization = NameEntry(subject, NID_organizationName);
  id.common_name = NameEntry(subject, NID_commonName);
  unsigned char* spki = nullptr;
  const int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509.get()), &spki);
  if (len > 0) {
    id.spki_sha256 = Sha256(absl::MakeConstSpan(spki, static_cast<size_t>(len)));
    OPENSSL_free(spki);
  }
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(x509.get())) {
    const unsigned char* d = ASN1_STRING_get0_data(ski);
    id.subject_key_id.assign(d, d + ASN1_STRING_length(ski));
  }
  id.sha256 = Sha256(der);
  UniqueEku eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(x509.get(), NID_ext_key_usage, nullptr, nullptr)));
  UniqueObject psc = Oid(kPrecertSigningEku);
  for (int i = 0; eku != nullptr && i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    if (OBJ_cmp(sk_ASN1_OBJECT_value(eku.get(), i), psc.get()) == 0)
      id.is_precert_signing_cert = true;
  }
  return id;
}

}  // namespace caawatch::ctlog
