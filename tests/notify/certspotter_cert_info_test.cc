// certspotter's formats at their edges, on certificates built here byte by byte: what Go's
// encoding/asn1 and certspotter's DN writer do with unusual serials and names.
#include "notify/certspotter_cert_info.h"

#include <cstdint>
#include <string>
#include <vector>

#include "ctlog/der.h"
#include "gtest/gtest.h"

namespace caawatch::notify {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Tlv(ctlog::DerTag tag, const Bytes& contents) {
  Bytes out;
  ctlog::AppendDerHeader(tag, contents.size(), &out);
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}
Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes Str(uint32_t tag, const std::string& s) {
  return Tlv(ctlog::UniversalTag(tag), Bytes(s.begin(), s.end()));
}
// One RDN holding the given attributes (OID contents, value element).
Bytes Rdn(std::initializer_list<std::pair<Bytes, Bytes>> atvs) {
  Bytes set;
  for (const auto& [oid, value] : atvs) {
    const Bytes atv = Tlv(ctlog::kDerSequence, Cat({Tlv(ctlog::kDerOid, oid), value}));
    set.insert(set.end(), atv.begin(), atv.end());
  }
  return Tlv(ctlog::kDerSet, set);
}
const Bytes kCn = {0x55, 0x04, 0x03};
const Bytes kO = {0x55, 0x04, 0x0a};
const Bytes kEmail = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                      0x0d, 0x01, 0x09, 0x01};  // 1.2.840.113549.1.9.1

Bytes Certificate(const Bytes& serial_contents, const Bytes& issuer, const Bytes& subject) {
  const Bytes validity =
      Tlv(ctlog::kDerSequence, Cat({Str(23, "250101000000Z"), Str(23, "250401000000Z")}));
  const Bytes spki = Tlv(ctlog::kDerSequence, Bytes{0x05, 0x00});
  const Bytes tbs = Tlv(
      ctlog::kDerSequence,
      Cat({Tlv(ctlog::ContextTag(0, true), Tlv(ctlog::kDerInteger, {2})),
           Tlv(ctlog::kDerInteger, serial_contents), Tlv(ctlog::kDerSequence, {}),
           Tlv(ctlog::kDerSequence, issuer), validity, Tlv(ctlog::kDerSequence, subject), spki}));
  return Tlv(ctlog::kDerSequence,
             Cat({tbs, Tlv(ctlog::kDerSequence, {}), Tlv(ctlog::kDerBitString, {0x00})}));
}

TEST(CertspotterCertInfoTest, SerialAsGoPrintsABigInt) {
  const Bytes name = Rdn({{kCn, Str(19, "x")}});
  EXPECT_EQ(ReadCertspotterCertInfo(Certificate({0x00, 0x8a}, name, name)).serial, "8a");
  EXPECT_EQ(ReadCertspotterCertInfo(Certificate({0x0a, 0x01}, name, name)).serial, "a01");
  EXPECT_EQ(ReadCertspotterCertInfo(Certificate({0x00}, name, name)).serial, "0");
  EXPECT_EQ(ReadCertspotterCertInfo(Certificate({0xff}, name, name)).serial, "-1");
  EXPECT_EQ(ReadCertspotterCertInfo(Certificate({0x80, 0x00}, name, name)).serial, "-8000");
  // Non-minimal: Go's encoding/asn1 refuses it, so SERIAL_PARSE_ERROR instead of SERIAL.
  const auto bad = ReadCertspotterCertInfo(Certificate({0x00, 0x05}, name, name));
  EXPECT_TRUE(bad.serial.empty());
  EXPECT_NE(bad.serial_error.find("minimally"), std::string::npos) << bad.serial_error;
}

TEST(CertspotterCertInfoTest, DnAsCertspotterWritesIt) {
  // A multi-valued RDN shows only its first attribute; an unknown type its dotted OID; values
  // unescaped; TeletexString as Latin-1; a value that is not a string as Go prints bytes.
  const Bytes subject = Cat({Rdn({{kO, Str(12, "Acme, Inc.")}, {kCn, Str(19, "hidden")}}),
                             Rdn({{kEmail, Str(22, "a@b.test")}}), Rdn({{kCn, Str(20, "caf\xe9")}}),
                             Rdn({{kCn, Tlv(ctlog::kDerInteger, {0x05})}})});
  const auto info =
      ReadCertspotterCertInfo(Certificate({0x01}, Rdn({{kCn, Str(19, "R3")}}), subject));
  EXPECT_EQ(info.subject_dn,
            "O=Acme, Inc., 1.2.840.113549.1.9.1=a@b.test, CN=caf\xc3\xa9, CN=[2 1 5]");
  EXPECT_EQ(info.issuer_dn, "CN=R3");
  EXPECT_TRUE(info.subject_error.empty());
  EXPECT_EQ(GoTimeString(info.not_before), "2025-01-01 00:00:00 +0000 UTC");
}

TEST(CertspotterCertInfoTest, GarbageGivesErrorsNotACrash) {
  const Bytes garbage = {0x30, 0x03, 0x02, 0x01};
  const auto info = ReadCertspotterCertInfo(garbage);
  EXPECT_FALSE(info.tbs_error.empty());
  EXPECT_FALSE(info.subject_error.empty());
  EXPECT_FALSE(info.serial_error.empty());
  EXPECT_FALSE(info.validity_error.empty());
}

}  // namespace
}  // namespace caawatch::notify
