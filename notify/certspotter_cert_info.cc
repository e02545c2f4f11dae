#include "notify/certspotter_cert_info.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ctlog/certificate_parser.h"
#include "ctlog/der.h"

namespace caawatch::notify {
namespace {

using ctlog::DerElement;
using ctlog::DerReader;

// The labels certspotter's RDNSequence.String() knows; any other type is its dotted OID.
std::string RdnLabel(const std::string& oid) {
  if (oid == "2.5.4.6") return "C";
  if (oid == "2.5.4.10") return "O";
  if (oid == "2.5.4.11") return "OU";
  if (oid == "2.5.4.3") return "CN";
  if (oid == "2.5.4.5") return "serialNumber";
  if (oid == "2.5.4.7") return "L";
  if (oid == "2.5.4.8") return "ST";
  if (oid == "2.5.4.9") return "street";
  if (oid == "2.5.4.17") return "postalCode";
  return oid;
}

bool ValidUtf8(absl::Span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = s[i];
    size_t n;  // Continuation bytes.
    uint32_t cp;
    if (c < 0x80) {
      n = 0, cp = c;
    } else if ((c >> 5) == 6) {
      n = 1, cp = c & 0x1f;
    } else if ((c >> 4) == 14) {
      n = 2, cp = c & 0x0f;
    } else if ((c >> 3) == 30) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid in Go's utf8.Valid too.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// certspotter's decodeASN1String: UTF8String (must be valid), PrintableString, IA5String and
// TeletexString (each byte one code point, character sets not enforced), BMPString and
// UniversalString (a trailing partial unit is dropped); anything else is "not a string".
bool DecodeCertspotterString(const DerElement& value, std::string* out) {
  if (value.tag.cls != ctlog::DerClass::kUniversal || value.tag.constructed) return false;
  const auto bytes = value.contents;
  out->clear();
  switch (value.tag.number) {
    case 12:
      if (!ValidUtf8(bytes)) return false;
      out->assign(bytes.begin(), bytes.end());
      return true;
    case 19:
    case 20:
    case 22:
      for (uint8_t b : bytes) ctlog::AppendUtf8(b, out);
      return true;
    case 30:
      for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
        ctlog::AppendUtf8((uint32_t{bytes[i]} << 8) | bytes[i + 1], out);
      }
      return true;
    case 28:
      for (size_t i = 0; i + 3 < bytes.size(); i += 4) {
        ctlog::AppendUtf8((uint32_t{bytes[i]} << 24) | (uint32_t{bytes[i + 1]} << 16) |
                              (uint32_t{bytes[i + 2]} << 8) | bytes[i + 3],
                          out);
      }
      return true;
    default:
      return false;
  }
}

// Go's fmt "%v" of a []byte: "[19 2 85 83]".
std::string GoByteSlice(absl::Span<const uint8_t> bytes) {
  return absl::StrCat("[", absl::StrJoin(bytes, " "), "]");
}

// certspotter's RDNSequence.String(): the first attribute of each RDN, in certificate order,
// "LABEL=value" joined by ", ", values unescaped; a value that is not a string as Go prints
// its DER bytes.
bool FormatDn(const DerElement& name, std::string* dn, std::string* error) {
  DerReader rdns(name.contents);
  std::vector<std::string> parts;
  while (!rdns.empty()) {
    DerElement rdn;
    if (!rdns.ReadExpected(ctlog::kDerSet, &rdn)) {
      *error = "failed to parse RDN sequence";
      return false;
    }
    DerReader atvs = rdns.Enter(rdn);
    if (atvs.empty()) continue;
    DerElement atv, type, value;
    if (!atvs.ReadExpected(ctlog::kDerSequence, &atv)) {
      *error = "failed to parse attribute type and value";
      return false;
    }
    DerReader fields = atvs.Enter(atv);
    if (!fields.ReadExpected(ctlog::kDerOid, &type) || !fields.Read(&value)) {
      *error = "failed to parse attribute type and value";
      return false;
    }
    auto oid = ctlog::OidToString(type.contents);
    if (!oid.ok()) {
      *error = "failed to parse attribute type: " + std::string(oid.status().message());
      return false;
    }
    std::string text;
    if (!DecodeCertspotterString(value, &text)) text = GoByteSlice(value.whole);
    parts.push_back(absl::StrCat(RdnLabel(*oid), "=", text));
  }
  *dn = absl::StrJoin(parts, ", ");
  return true;
}

// Go's fmt "%x" of a big.Int parsed from a DER INTEGER.
bool FormatSerial(const DerElement& serial, std::string* out, std::string* error) {
  const auto c = serial.contents;
  if (c.empty()) {
    *error = "failed to parse serial number: empty integer";
    return false;
  }
  // Go's encoding/asn1 refuses a non-minimal INTEGER, so certspotter reports a parse error.
  if (c.size() > 1 &&
      ((c[0] == 0x00 && (c[1] & 0x80) == 0) || (c[0] == 0xff && (c[1] & 0x80) != 0))) {
    *error = "failed to parse serial number: integer not minimally-encoded";
    return false;
  }
  std::vector<uint8_t> magnitude(c.begin(), c.end());
  const bool negative = (c[0] & 0x80) != 0;
  if (negative) {  // Two's complement: the magnitude is ~x + 1.
    for (auto& b : magnitude) b = static_cast<uint8_t>(~b);
    for (size_t i = magnitude.size(); i-- > 0;) {
      if (++magnitude[i] != 0) break;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t b : magnitude) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 15]);
  }
  const size_t first = hex.find_first_not_of('0');
  hex = first == std::string::npos ? "0" : hex.substr(first);
  *out = negative ? "-" + hex : hex;
  return true;
}

}  // namespace

std::string GoTimeString(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E*S +0000 UTC", t, absl::UTCTimeZone());
}
std::string GoRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}
std::string GoJsonTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

CertspotterCertInfo ReadCertspotterCertInfo(absl::Span<const uint8_t> der) {
  CertspotterCertInfo info;
  info.sha256 = ctlog::Sha256(der);
  const ctlog::CertificateIdentity identity = ctlog::ParseCertificateIdentity(der);
  info.tbs_sha256 = identity.tbs_sha256;
  info.dns_names = ctlog::MatchNames(identity);
  info.ip_addresses = identity.ip_addresses;

  DerReader top(der);
  DerElement cert, tbs, version, serial, sigalg, issuer, validity, subject, spki;
  bool has_version = false;
  if (!top.ReadExpected(ctlog::kDerSequence, &cert)) {
    info.tbs_error = "failed to parse certificate";
  } else {
    DerReader c = top.Enter(cert);
    if (!c.ReadExpected(ctlog::kDerSequence, &tbs)) info.tbs_error = "failed to parse TBS";
  }
  if (info.tbs_error.empty()) {
    DerReader t = top.Enter(tbs);
    if (!t.ReadOptional(ctlog::ContextTag(0, true), &version, &has_version) || !t.Read(&serial) ||
        !t.ReadExpected(ctlog::kDerSequence, &sigalg) || !t.Read(&issuer) || !t.Read(&validity) ||
        !t.Read(&subject) || !t.ReadExpected(ctlog::kDerSequence, &spki)) {
      info.tbs_error = "failed to parse TBS";
    }
  }
  const std::string set_aside = "certificate TBS could not be parsed";
  if (!info.tbs_error.empty()) {
    info.subject_error = info.issuer_error = info.validity_error = info.serial_error = set_aside;
    return info;
  }
  info.pubkey_sha256 = ctlog::Sha256(spki.whole);
  info.subject_der.assign(subject.whole.begin(), subject.whole.end());
  info.issuer_der.assign(issuer.whole.begin(), issuer.whole.end());

  if (serial.tag != ctlog::kDerInteger || !FormatSerial(serial, &info.serial, &info.serial_error)) {
    if (info.serial_error.empty()) info.serial_error = "failed to parse serial number";
    info.serial.clear();
  }
  if (subject.tag != ctlog::kDerSequence ||
      !FormatDn(subject, &info.subject_dn, &info.subject_error)) {
    info.subject_error = "failed to parse certificate subject: " + info.subject_error;
    info.subject_dn.clear();
  }
  if (issuer.tag != ctlog::kDerSequence || !FormatDn(issuer, &info.issuer_dn, &info.issuer_error)) {
    info.issuer_error = "failed to parse certificate issuer: " + info.issuer_error;
    info.issuer_dn.clear();
  }
  DerElement nb, na;
  DerReader v = top.Enter(validity);
  absl::StatusOr<absl::Time> not_before = absl::DataLossError("missing");
  absl::StatusOr<absl::Time> not_after = absl::DataLossError("missing");
  if (validity.tag == ctlog::kDerSequence && v.Read(&nb) && v.Read(&na)) {
    not_before = ctlog::DecodeDerTime(nb);
    not_after = ctlog::DecodeDerTime(na);
  }
  if (!not_before.ok()) {
    info.validity_error =
        "failed to decode notBefore time: " + std::string(not_before.status().message());
  } else if (!not_after.ok()) {
    info.validity_error =
        "failed to decode notAfter time: " + std::string(not_after.status().message());
  } else {
    info.not_before = *not_before;
    info.not_after = *not_after;
  }
  return info;
}

}  // namespace caawatch::notify
