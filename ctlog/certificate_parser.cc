#include "ctlog/certificate_parser.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "ctlog/certificate_names.h"
#include "ctlog/der.h"
#include "ctlog/sha256.h"
#include "ctlog/x509_name.h"
#include "names/domain_name.h"

namespace caawatch::ctlog {
namespace {

using Bytes = absl::Span<const uint8_t>;

// OID contents (no tag/length) of everything we look at.
constexpr uint8_t kOidSubjectAltName[] = {0x55, 0x1d, 0x11};
constexpr uint8_t kOidAuthorityKeyId[] = {0x55, 0x1d, 0x23};
constexpr uint8_t kOidSubjectKeyId[] = {0x55, 0x1d, 0x0e};
constexpr uint8_t kOidExtKeyUsage[] = {0x55, 0x1d, 0x25};
constexpr uint8_t kOidCtPoison[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x03};
constexpr uint8_t kOidCtSctList[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02};
constexpr uint8_t kOidCtPrecertSigning[] = {0x2b, 0x06, 0x01, 0x04, 0x01,
                                            0xd6, 0x79, 0x02, 0x04, 0x04};

bool IsOid(const DerElement& e, Bytes oid) {
  return e.tag == kDerOid && absl::c_equal(e.contents, oid);
}

// The fields of a TBSCertificate (RFC 5280 §4.1), read in order until the first malformed one.
struct TbsParts {
  DerElement tbs;
  bool tbs_complete = false;  // The TBS element was whole (not clipped by truncation).
  std::optional<DerElement> serial, issuer, validity, subject, spki, extensions;
  Bytes before_extensions;  // TBS contents up to the [3] wrapper.
};

// A SEQUENCE at the front of `in`. When its length runs past the input (a truncated file), the
// contents are clipped to what is there so the leading fields can still be read.
bool ReadLenientSequence(Bytes in, DerElement* out, bool* complete) {
  DerReader reader(in);
  if (reader.ReadExpected(kDerSequence, out)) {
    *complete = true;
    return true;
  }
  *complete = false;
  if (in.size() < 2 || in[0] != 0x30) return false;
  size_t header = 2, length = in[1];
  if (in[1] >= 0x80) {
    const size_t n = in[1] & 0x7f;
    if (n == 0 || n > 4 || in.size() < 2 + n) return false;
    header += n;
    length = 0;
    for (size_t i = 0; i < n; ++i) length = (length << 8) | in[2 + i];
  }
  out->tag = kDerSequence;
  out->whole = in;
  out->contents = in.subspan(header, length);
  return true;
}

// Accepts a Certificate or a bare TBSCertificate (told apart by the first child: a TBS starts
// with [0] version or the serial INTEGER, a Certificate with the TBS SEQUENCE).
absl::Status ReadTbs(Bytes der, TbsParts* parts) {
  DerElement outer;
  bool outer_complete = false;
  if (!ReadLenientSequence(der, &outer, &outer_complete)) {
    return absl::DataLossError("not a DER SEQUENCE");
  }
  // Look at the first tag octet only: the TBS itself may be the truncated part.
  if (!outer.contents.empty() && outer.contents[0] == 0x30) {
    if (!ReadLenientSequence(outer.contents, &parts->tbs, &parts->tbs_complete)) {
      return absl::DataLossError("malformed TBSCertificate");
    }
  } else {
    parts->tbs = outer;
    parts->tbs_complete = outer_complete;
  }
  DerReader t(parts->tbs.contents, 1);
  DerElement e;
  bool present = false;
  if (!t.ReadOptional(ContextTag(0, true), &e, &present)) return absl::DataLossError("version");
  const struct {
    const char* name;
    std::optional<DerElement>* field;
    DerTag tag;
  } kFields[] = {{"serialNumber", &parts->serial, kDerInteger},
                 {"signature", nullptr, kDerSequence},
                 {"issuer", &parts->issuer, kDerSequence},
                 {"validity", &parts->validity, kDerSequence},
                 {"subject", &parts->subject, kDerSequence},
                 {"subjectPublicKeyInfo", &parts->spki, kDerSequence}};
  for (const auto& f : kFields) {
    if (!t.ReadExpected(f.tag, &e)) return absl::DataLossError(absl::StrCat("malformed ", f.name));
    if (f.field != nullptr) *f.field = e;
  }
  if (!t.ReadOptional(ContextTag(1, false), &e, &present) ||
      !t.ReadOptional(ContextTag(2, false), &e, &present)) {
    return absl::DataLossError("malformed unique identifier");
  }
  const Bytes rest = t.rest();
  if (!t.ReadOptional(ContextTag(3, true), &e, &present)) {
    return absl::DataLossError("malformed extensions");
  }
  if (present) {
    parts->extensions = e;
    parts->before_extensions =
        parts->tbs.contents.subspan(0, rest.data() - parts->tbs.contents.data());
  }
  if (!t.empty()) return absl::DataLossError("unexpected data at the end of TBSCertificate");
  if (!parts->tbs_complete) return absl::DataLossError("truncated");
  return absl::OkStatus();
}

struct Extension {
  DerElement oid;
  DerElement value;  // extnValue OCTET STRING.
  Bytes whole;
};

// Calls `fn` for each extension in the [3] wrapper; kDataLoss at the first malformed one.
absl::Status ForEachExtension(const DerElement& wrapper,
                              absl::FunctionRef<void(const Extension&)> fn) {
  DerReader w(wrapper.contents, 2);
  DerElement list;
  if (!w.ReadExpected(kDerSequence, &list) || !w.empty()) {
    return absl::DataLossError("malformed extension list");
  }
  DerReader items = w.Enter(list);
  while (!items.empty()) {
    DerElement ext, critical;
    Extension x;
    bool present = false;
    if (!items.ReadExpected(kDerSequence, &ext)) return absl::DataLossError("malformed extension");
    DerReader r = items.Enter(ext);
    if (!r.ReadExpected(kDerOid, &x.oid) || !r.ReadOptional(kDerBoolean, &critical, &present) ||
        !r.ReadExpected(kDerOctetString, &x.value) || !r.empty()) {
      return absl::DataLossError("malformed extension");
    }
    x.whole = ext.whole;
    fn(x);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> StripCtExtensions(const TbsParts& parts) {
  if (!parts.extensions.has_value())
    return std::vector<uint8_t>(parts.tbs.whole.begin(), parts.tbs.whole.end());
  std::vector<uint8_t> kept;
  bool removed = false;
  CAAWATCH_RETURN_IF_ERROR(ForEachExtension(*parts.extensions, [&](const Extension& x) {
    if (IsOid(x.oid, kOidCtPoison) || IsOid(x.oid, kOidCtSctList)) {
      removed = true;
    } else {
      kept.insert(kept.end(), x.whole.begin(), x.whole.end());
    }
  }));
  const Bytes original = parts.tbs.whole;
  if (!removed) return std::vector<uint8_t>(original.begin(), original.end());
  std::vector<uint8_t> contents(parts.before_extensions.begin(), parts.before_extensions.end());
  if (!kept.empty()) {
    std::vector<uint8_t> list;
    AppendDerHeader(kDerSequence, kept.size(), &list);
    list.insert(list.end(), kept.begin(), kept.end());
    AppendDerHeader(ContextTag(3, true), list.size(), &contents);
    contents.insert(contents.end(), list.begin(), list.end());
  }
  std::vector<uint8_t> out;
  AppendDerHeader(kDerSequence, contents.size(), &out);
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

// ---- Identity fields ----

absl::string_view AsText(Bytes b) {
  return absl::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

// names::FoldCase (not DomainName::Parse: a SAN may hold garbage, which the watchlist still
// matches, fail-safe); skipped when empty. `name` must live as long as `out` (see
// CertificateNames::Add): a name already folded, as nearly all are, is not copied.
void AddNormalizedName(absl::string_view name, CertificateNames* out) {
  std::string scratch;
  const absl::string_view folded = names::FoldCase(name, &scratch);
  if (folded.empty()) return;
  out->Add(folded.data() == scratch.data() ? out->Keep(std::move(scratch)) : folded);
}

// Lowercase, one trailing dot dropped, NUL defence (see the header). Appends 0-2 names without
// looking for repeats: the caller removes them once it has read every name
// (CertificateNames::RemoveRepeats). `raw` must live as long as `out`.
void AddHostName(absl::string_view raw, CertificateNames* out) {
  const size_t nul = raw.find('\0');
  if (nul == absl::string_view::npos) return AddNormalizedName(raw, out);
  AddNormalizedName(out->Keep(absl::StrReplaceAll(raw, {{absl::string_view("\0", 1), "\\000"}})),
                    out);
  AddNormalizedName(raw.substr(0, nul), out);
}

// The dNSNames of a subjectAltName into `dns_names`, and its iPAddresses into `ip_addresses`
// unless that is null.
absl::Status ReadGeneralNames(const Extension& x, CertificateNames* dns_names,
                              std::vector<std::string>* ip_addresses) {
  DerReader r(x.value.contents, 3);
  DerElement names, name;
  if (!r.ReadExpected(kDerSequence, &names)) return absl::DataLossError("malformed");
  const bool trailing = !r.empty();  // Reported, but the names are still taken (as OpenSSL does).
  DerReader items = r.Enter(names);
  std::string bad_ip;
  while (!items.empty() && items.Read(&name)) {
    if (name.tag == ContextTag(2, false)) {
      AddHostName(AsText(name.contents), dns_names);
    } else if (name.tag == ContextTag(7, false)) {
      char text[INET6_ADDRSTRLEN] = {};
      const int family = name.contents.size() == 4 ? AF_INET : AF_INET6;
      if ((name.contents.size() == 4 || name.contents.size() == 16) &&
          inet_ntop(family, name.contents.data(), text, sizeof(text)) != nullptr) {
        if (ip_addresses != nullptr && !absl::c_linear_search(*ip_addresses, text)) {
          ip_addresses->push_back(text);
        }
      } else {
        bad_ip = HexEncode(name.contents);
      }
    }
  }
  if (!items.ok()) return absl::DataLossError("malformed GeneralName in subjectAltName");
  if (!bad_ip.empty()) return absl::DataLossError("iPAddress of bad size: " + bad_ip);
  if (trailing) return absl::DataLossError("trailing data after GeneralNames");
  return absl::OkStatus();
}

// keyIdentifier [0] IMPLICIT OCTET STRING inside AuthorityKeyIdentifier (RFC 5280 §4.2.1.1).
absl::Status ReadAuthorityKeyId(const Extension& x, std::vector<uint8_t>* out) {
  DerReader r(x.value.contents, 3);
  DerElement aki, key_id;
  bool present = false;
  if (!r.ReadExpected(kDerSequence, &aki) || !r.empty() ||
      !r.Enter(aki).ReadOptional(ContextTag(0, false), &key_id, &present)) {
    return absl::DataLossError("malformed authorityKeyIdentifier");
  }
  if (present) out->assign(key_id.contents.begin(), key_id.contents.end());
  return absl::OkStatus();
}

std::string SerialHex(const DerElement& serial) {
  Bytes b = serial.contents;
  if (b.size() > 1 && b[0] == 0 && (b[1] & 0x80) != 0) b.remove_prefix(1);
  return HexEncode(b);
}

class ErrorList {
 public:
  void Add(const absl::Status& s, absl::string_view what) {
    if (!s.ok()) errors_.push_back(absl::StrCat(what, ": ", s.message()));
  }
  std::string Joined() const { return absl::StrJoin(errors_, "; "); }

 private:
  std::vector<std::string> errors_;
};

void ReadValidity(const DerElement& validity, CertificateIdentity* id, ErrorList* errors) {
  DerReader r(validity.contents, 2);
  DerElement not_before, not_after;
  if (!r.Read(&not_before) || !r.Read(&not_after) || !r.empty()) {
    return errors->Add(absl::DataLossError("malformed"), "validity");
  }
  absl::StatusOr<absl::Time> t = DecodeDerTime(not_before);
  if (t.ok()) id->not_before = *t;
  errors->Add(t.status(), "notBefore");
  t = DecodeDerTime(not_after);
  if (t.ok()) id->not_after = *t;
  errors->Add(t.status(), "notAfter");
}

// A CN as a host name. `cn` must live as long as `out`.
void AddCommonName(absl::string_view cn, CertificateNames* out) {
  // A U-label host name in a CN becomes its A-label form, like the dNSNames beside it; a CN
  // that is no host name (an organisation's name, hostile bytes) is kept as text.
  if (!absl::c_all_of(cn, [](char c) { return absl::ascii_isascii(c); })) {
    if (absl::StatusOr<names::DomainName> name = names::DomainName::Parse(cn); name.ok()) {
      return AddHostName(out->Keep(name->str()), out);
    }
  }
  AddHostName(cn, out);
}

void ReadExtensions(const DerElement& wrapper, CertificateIdentity* id, ErrorList* errors) {
  CertificateNames dns_names;  // Views into `wrapper`, copied out below.
  errors->Add(ForEachExtension(wrapper,
                               [&](const Extension& x) {
                                 if (IsOid(x.oid, kOidSubjectAltName)) {
                                   errors->Add(ReadGeneralNames(x, &dns_names, &id->ip_addresses),
                                               "subjectAltName");
                                 } else if (IsOid(x.oid, kOidAuthorityKeyId)) {
                                   errors->Add(ReadAuthorityKeyId(x, &id->authority_key_id),
                                               "authorityKeyIdentifier");
                                 } else if (IsOid(x.oid, kOidCtPoison)) {
                                   id->is_precertificate = true;
                                 }
                               }),
              "extensions");
  dns_names.RemoveRepeats();  // Whatever was read before any damage.
  id->dns_names = dns_names.ToStrings();
}

CertificateIdentity ParseIdentity(Bytes der) {
  CertificateIdentity id;
  ErrorList errors;
  TbsParts parts;
  const absl::Status read = ReadTbs(der, &parts);
  errors.Add(read, "TBSCertificate");
  if (parts.serial) id.serial_hex = SerialHex(*parts.serial);
  if (parts.issuer) {
    X509NameFields issuer;
    errors.Add(ReadX509Name(*parts.issuer, &issuer), "issuer");
    id.issuer_dn = std::move(issuer.dn);
    id.issuer_organization = std::move(issuer.organization);
    id.issuer_common_name = std::move(issuer.common_name);
  }
  if (parts.validity) ReadValidity(*parts.validity, &id, &errors);
  if (parts.subject) {
    X509NameFields subject;
    errors.Add(ReadX509Name(*parts.subject, &subject), "subject");
    id.subject_dn = std::move(subject.dn);
    CertificateNames common_names;  // Views into subject.common_names, copied out below.
    for (const std::string& cn : subject.common_names) AddCommonName(cn, &common_names);
    common_names.RemoveRepeats();
    id.common_names = common_names.ToStrings();
  }
  if (parts.extensions) ReadExtensions(*parts.extensions, &id, &errors);
  if (read.ok()) {
    absl::StatusOr<std::vector<uint8_t>> tbs = StripCtExtensions(parts);
    if (tbs.ok()) {
      id.tbs_sha256 = Sha256(*tbs);
    } else {
      id.tbs_error = absl::StrCat("TBSCertificate: ", tbs.status().message());
    }
  } else {
    id.tbs_error = absl::StrCat("TBSCertificate: ", read.message());
  }
  id.parse_error = errors.Joined();
  return id;
}

}  // namespace

CertificateIdentity ParseCertificateIdentity(absl::Span<const uint8_t> der) {
  CertificateIdentity id = ParseIdentity(der);
  id.sha256 = Sha256(der);
  return id;
}

CertificateIdentity ParseTbsCertificateIdentity(absl::Span<const uint8_t> tbs_der) {
  return ParseIdentity(tbs_der);
}

namespace {

std::vector<std::string> JoinMatchNames(std::vector<std::string> dns_names,
                                        const std::vector<std::string>& common_names) {
  const size_t sans = dns_names.size();
  for (const std::string& cn : common_names) {
    if (std::find(dns_names.begin(), dns_names.begin() + sans, cn) == dns_names.begin() + sans) {
      dns_names.push_back(cn);  // The CNs are distinct already.
    }
  }
  return dns_names;
}

}  // namespace

std::vector<std::string> MatchNames(const CertificateIdentity& identity) {
  return JoinMatchNames(identity.dns_names, identity.common_names);
}

CertificateNames ReadMatchNames(absl::Span<const uint8_t> der) {
  TbsParts parts;
  // Whatever was read before the damage still counts; the damage makes the list incomplete.
  bool complete = ReadTbs(der, &parts).ok();
  // MatchNames' order: the dNSNames, then the CNs; a repeat of an earlier name is dropped.
  CertificateNames names;
  if (parts.extensions) {
    bool san_read = true;
    const absl::Status extensions = ForEachExtension(*parts.extensions, [&](const Extension& x) {
      if (IsOid(x.oid, kOidSubjectAltName) && !ReadGeneralNames(x, &names, nullptr).ok()) {
        san_read = false;
      }
    });
    complete = complete && extensions.ok() && san_read;
  }
  if (parts.subject) {
    const absl::Status subject =
        ForEachX509CommonName(*parts.subject, [&](const DerElement& value) {
          // Nearly every CN is stored as ASCII or UTF-8, and is read in place; others are
          // converted.
          if (const std::optional<absl::string_view> text = DerStringView(value)) {
            return AddCommonName(*text, &names);
          }
          absl::StatusOr<std::string> converted = DecodeDerString(value);
          if (converted.ok()) AddCommonName(names.Keep(*std::move(converted)), &names);
        });
    complete = complete && subject.ok();
  }
  if (!complete) names.MarkIncomplete();
  names.RemoveRepeats();
  return names;
}

absl::StatusOr<std::vector<uint8_t>> TbsWithoutCtExtensions(absl::Span<const uint8_t> der) {
  TbsParts parts;
  CAAWATCH_RETURN_IF_ERROR(Annotate(ReadTbs(der, &parts), "TBSCertificate"));
  return StripCtExtensions(parts);
}

absl::StatusOr<IssuerIdentity> ParseIssuerIdentity(absl::Span<const uint8_t> der) {
  TbsParts parts;
  (void)ReadTbs(der, &parts);  // Damage after the SPKI does not stop us identifying the CA.
  if (!parts.subject || !parts.spki) {
    return absl::DataLossError("issuer certificate: subject or SubjectPublicKeyInfo unreadable");
  }
  IssuerIdentity issuer;
  X509NameFields subject;
  CAAWATCH_RETURN_IF_ERROR(Annotate(ReadX509Name(*parts.subject, &subject), "issuer subject"));
  issuer.subject_dn = std::move(subject.dn);
  issuer.organization = std::move(subject.organization);
  issuer.common_name = std::move(subject.common_name);
  issuer.spki_sha256 = Sha256(parts.spki->whole);
  issuer.sha256 = Sha256(der);
  if (!parts.extensions) return issuer;
  (void)ForEachExtension(*parts.extensions, [&](const Extension& x) {
    DerReader r(x.value.contents, 3);
    DerElement e;
    if (IsOid(x.oid, kOidSubjectKeyId) && r.ReadExpected(kDerOctetString, &e)) {
      issuer.subject_key_id.assign(e.contents.begin(), e.contents.end());
    } else if (IsOid(x.oid, kOidExtKeyUsage) && r.ReadExpected(kDerSequence, &e)) {
      DerReader usages = r.Enter(e);
      DerElement usage;
      while (!usages.empty() && usages.Read(&usage)) {
        if (IsOid(usage, kOidCtPrecertSigning)) issuer.is_precert_signing_cert = true;
      }
    }
  });
  return issuer;
}

}  // namespace caawatch::ctlog
