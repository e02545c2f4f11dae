#include "tests/fakes/certificate_factory.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "ctlog/sha256.h"

namespace caawatch::fakes {
namespace {

absl::Status OpenSslError(absl::string_view what) {
  return absl::InternalError(absl::StrCat("OpenSSL: ", what));
}

bool AddNameEntry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return true;
  return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), -1, 0) == 1;
}

absl::Status SetName(X509* cert, const DistinguishedName& dn) {
  X509_NAME* name = X509_get_subject_name(cert);
  if (!AddNameEntry(name, "O", dn.organization) || !AddNameEntry(name, "CN", dn.common_name)) {
    return OpenSslError("subject name");
  }
  return absl::OkStatus();
}

absl::Status AddConfExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  UniqueExtension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (ext == nullptr || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(absl::StrCat("extension ", OBJ_nid2sn(nid), "=", value));
  }
  return absl::OkStatus();
}

// Adds an extension with a raw DER value (the content of its extnValue OCTET STRING).
absl::Status AddRawExtension(X509* cert, const char* oid, bool critical,
                             const std::vector<uint8_t>& value) {
  UniqueAsn1Object obj(OBJ_txt2obj(oid, 1));
  UniqueAsn1OctetString data(ASN1_OCTET_STRING_new());
  if (obj == nullptr || data == nullptr ||
      ASN1_OCTET_STRING_set(data.get(), value.data(), static_cast<int>(value.size())) != 1) {
    return OpenSslError("raw extension");
  }
  UniqueExtension ext(
      X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), critical ? 1 : 0, data.get()));
  if (ext == nullptr || X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslError(oid);
  return absl::OkStatus();
}

struct CertParams {
  const DistinguishedName* subject;
  EVP_PKEY* subject_key;
  X509* issuer_cert;  // Null for self-signed.
  EVP_PKEY* issuer_key;
  std::vector<uint8_t> serial;
  absl::Time not_before;
  absl::Time not_after;
};

// Everything but extensions and the signature.
absl::StatusOr<UniqueX509> NewCertificate(const CertParams& p) {
  UniqueX509 cert(X509_new());
  UniqueBignum serial_bn(BN_bin2bn(p.serial.data(), static_cast<int>(p.serial.size()), nullptr));
  if (cert == nullptr || serial_bn == nullptr) return OpenSslError("X509_new");
  UniqueAsn1Integer serial(BN_to_ASN1_INTEGER(serial_bn.get(), nullptr));
  if (serial == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), absl::ToTimeT(p.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), absl::ToTimeT(p.not_after)) == nullptr ||
      X509_set_pubkey(cert.get(), p.subject_key) != 1) {
    return OpenSslError("certificate fields");
  }
  CAAWATCH_RETURN_IF_ERROR(SetName(cert.get(), *p.subject));
  X509_NAME* issuer_name = p.issuer_cert != nullptr ? X509_get_subject_name(p.issuer_cert)
                                                    : X509_get_subject_name(cert.get());
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1) return OpenSslError("issuer name");
  return cert;
}

absl::Status Sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) return OpenSslError("X509_sign");
  return absl::OkStatus();
}

absl::StatusOr<TestCa> MakeCa(const CertParams& p, UniqueEvpPkey key) {
  CAAWATCH_ASSIGN_OR_RETURN(UniqueX509 cert, NewCertificate(p));
  X509* issuer = p.issuer_cert != nullptr ? p.issuer_cert : cert.get();
  CAAWATCH_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE"));
  CAAWATCH_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign"));
  CAAWATCH_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), issuer, NID_subject_key_identifier, "hash"));
  if (p.issuer_cert != nullptr) {
    CAAWATCH_RETURN_IF_ERROR(
        AddConfExtension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always"));
  }
  CAAWATCH_RETURN_IF_ERROR(Sign(cert.get(), p.issuer_key));
  TestCa ca;
  ca.name = *p.subject;
  ca.der = CertificateDer(cert.get());
  ca.key = std::move(key);
  ca.cert = std::move(cert);
  return ca;
}

// A leaf whose last extension is `last_ext_oid` (if any) with `last_ext_value`.
absl::StatusOr<std::vector<uint8_t>> MakeLeafWith(const CertParams& p, const LeafSpec& spec,
                                                  const char* last_ext_oid, bool critical,
                                                  const std::vector<uint8_t>& last_ext_value) {
  CAAWATCH_ASSIGN_OR_RETURN(UniqueX509 cert, NewCertificate(p));
  X509* issuer = p.issuer_cert;
  CAAWATCH_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE"));
  CAAWATCH_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature"));
  CAAWATCH_RETURN_IF_ERROR(AddConfExtension(cert.get(), issuer, NID_ext_key_usage, "serverAuth"));
  CAAWATCH_RETURN_IF_ERROR(
      AddConfExtension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always"));
  if (!spec.dns_names.empty()) {
    std::vector<std::string> entries;
    for (const std::string& name : spec.dns_names) entries.push_back(absl::StrCat("DNS:", name));
    CAAWATCH_RETURN_IF_ERROR(
        AddConfExtension(cert.get(), issuer, NID_subject_alt_name, absl::StrJoin(entries, ",")));
  }
  for (const auto& [nid, value] : spec.extra_extensions) {
    CAAWATCH_RETURN_IF_ERROR(AddConfExtension(cert.get(), issuer, nid, value));
  }
  for (const auto& [oid, value] : spec.raw_extensions) {
    CAAWATCH_RETURN_IF_ERROR(AddRawExtension(cert.get(), oid.c_str(), false, value));
  }
  if (last_ext_oid != nullptr) {
    CAAWATCH_RETURN_IF_ERROR(AddRawExtension(cert.get(), last_ext_oid, critical, last_ext_value));
  }
  CAAWATCH_RETURN_IF_ERROR(Sign(cert.get(), p.issuer_key));
  return CertificateDer(cert.get());
}

}  // namespace

absl::StatusOr<UniqueEvpPkey> P256KeyFromSeed(absl::string_view seed) {
  const ctlog::Sha256Hash digest = ctlog::Sha256(seed);
  UniqueEcGroup group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  UniqueBignum priv(BN_bin2bn(digest.data(), static_cast<int>(digest.size()), nullptr));
  if (group == nullptr || priv == nullptr) return OpenSslError("EC group");
  std::unique_ptr<BN_CTX, OpenSslDeleter<&BN_CTX_free>> bn_ctx(BN_CTX_new());
  UniqueEcPoint pub(EC_POINT_new(group.get()));
  if (bn_ctx == nullptr || pub == nullptr ||
      BN_nnmod(priv.get(), priv.get(), EC_GROUP_get0_order(group.get()), bn_ctx.get()) != 1 ||
      BN_is_zero(priv.get()) ||
      EC_POINT_mul(group.get(), pub.get(), priv.get(), nullptr, nullptr, bn_ctx.get()) != 1) {
    return OpenSslError("EC scalar");
  }
  unsigned char pub_octets[65];
  if (EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, pub_octets,
                         sizeof(pub_octets), bn_ctx.get()) != sizeof(pub_octets)) {
    return OpenSslError("EC point");
  }
  UniqueParamBld bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub_octets,
                                       sizeof(pub_octets)) != 1) {
    return OpenSslError("key params");
  }
  UniqueParams params(OSSL_PARAM_BLD_to_param(bld.get()));
  UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return OpenSslError("EVP_PKEY_fromdata");
  }
  return UniqueEvpPkey(raw);
}

std::vector<uint8_t> CertificateDer(X509* cert) {
  unsigned char* out = nullptr;
  const int len = i2d_X509(cert, &out);
  if (len <= 0) return {};
  std::vector<uint8_t> der(out, out + len);
  OPENSSL_free(out);
  return der;
}

std::vector<uint8_t> PublicKeyDer(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  const int len = i2d_PUBKEY(key, &out);
  if (len <= 0) return {};
  std::vector<uint8_t> der(out, out + len);
  OPENSSL_free(out);
  return der;
}

UniqueX509 ParseCertificate(const std::vector<uint8_t>& der) {
  const unsigned char* p = der.data();
  UniqueX509 cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert == nullptr || p != der.data() + der.size()) return nullptr;
  return cert;
}

absl::StatusOr<UniqueEvpPkey> CertificateFactory::NextKey() {
  return P256KeyFromSeed(absl::StrCat("caawatch-test-key/", seed_, "/", counter_++));
}

std::vector<uint8_t> CertificateFactory::NextSerial() {
  const ctlog::Sha256Hash h = ctlog::Sha256(absl::StrCat("serial/", seed_, "/", counter_++));
  std::vector<uint8_t> serial(h.begin(), h.begin() + 16);
  serial[0] = (serial[0] & 0x7f) | 0x01;  // Positive and exactly 16 octets.
  return serial;
}

absl::StatusOr<TestCa> CertificateFactory::MakeRoot(const DistinguishedName& name,
                                                    absl::Time not_before, absl::Time not_after) {
  CAAWATCH_ASSIGN_OR_RETURN(UniqueEvpPkey key, NextKey());
  const CertParams p{&name, key.get(), nullptr, key.get(), NextSerial(), not_before, not_after};
  return MakeCa(p, std::move(key));
}

absl::StatusOr<TestCa> CertificateFactory::MakeIntermediate(const TestCa& issuer,
                                                            const DistinguishedName& name,
                                                            absl::Time not_before,
                                                            absl::Time not_after) {
  CAAWATCH_ASSIGN_OR_RETURN(UniqueEvpPkey key, NextKey());
  const CertParams p{&name,        key.get(),  issuer.cert.get(), issuer.key.get(),
                     NextSerial(), not_before, not_after};
  return MakeCa(p, std::move(key));
}

absl::StatusOr<UniqueEvpPkey> CertificateFactory::KeyFor(const LeafSpec& spec) {
  if (spec.subject_key == nullptr) return NextKey();
  if (EVP_PKEY_up_ref(spec.subject_key) != 1) return OpenSslError("EVP_PKEY_up_ref");
  return UniqueEvpPkey(spec.subject_key);
}

absl::StatusOr<std::vector<uint8_t>> CertificateFactory::MakeLeaf(const TestCa& issuer,
                                                                  const LeafSpec& spec) {
  CAAWATCH_ASSIGN_OR_RETURN(UniqueEvpPkey key, KeyFor(spec));
  const DistinguishedName subject{"", spec.common_name};
  const CertParams p{&subject,     key.get(),       issuer.cert.get(), issuer.key.get(),
                     NextSerial(), spec.not_before, spec.not_after};
  return MakeLeafWith(p, spec, nullptr, false, {});
}

absl::StatusOr<PrecertPair> CertificateFactory::MakePrecertPair(const TestCa& issuer,
                                                                const LeafSpec& spec) {
  CAAWATCH_ASSIGN_OR_RETURN(UniqueEvpPkey key, KeyFor(spec));
  const DistinguishedName subject{"", spec.common_name};
  const CertParams p{&subject,     key.get(),       issuer.cert.get(), issuer.key.get(),
                     NextSerial(), spec.not_before, spec.not_after};
  PrecertPair pair;
  // Poison: critical, value ASN.1 NULL. SCT list: an OCTET STRING holding a TLS
  // SignedCertificateTimestampList; an empty list is enough to link the pair.
  CAAWATCH_ASSIGN_OR_RETURN(pair.precert_der, MakeLeafWith(p, spec, kPoisonOid, true, {0x05, 0}));
  CAAWATCH_ASSIGN_OR_RETURN(pair.final_der,
                            MakeLeafWith(p, spec, kSctListOid, false, {0x04, 0x02, 0x00, 0x00}));
  return pair;
}

}  // namespace caawatch::fakes
