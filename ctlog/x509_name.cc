#include "ctlog/x509_name.h"

#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "base/hex.h"

namespace caawatch::ctlog {
namespace {

using Bytes = absl::Span<const uint8_t>;

constexpr uint8_t kOidCommonName[] = {0x55, 0x04, 0x03};
constexpr uint8_t kOidOrganization[] = {0x55, 0x04, 0x0a};

bool IsOid(const DerElement& e, Bytes oid) {
  return e.tag == kDerOid && absl::c_equal(e.contents, oid);
}

// Walks a Name: on_ava(type, value) for every attribute in order, on_rdn_end() after each
// RDN; kDataLoss at the first malformed RDN or AVA, with everything before it delivered.
template <typename OnAva, typename OnRdnEnd>
absl::Status WalkName(const DerElement& name, OnAva on_ava, OnRdnEnd on_rdn_end) {
  DerReader rdns(name.contents, 2);
  while (!rdns.empty()) {
    DerElement rdn;
    if (!rdns.ReadExpected(kDerSet, &rdn)) return absl::DataLossError("malformed RDN");
    DerReader atvs = rdns.Enter(rdn);
    while (!atvs.empty()) {
      DerElement atv, type, value;
      if (!atvs.ReadExpected(kDerSequence, &atv)) return absl::DataLossError("malformed AVA");
      DerReader r = atvs.Enter(atv);
      if (!r.ReadExpected(kDerOid, &type) || !r.Read(&value) || !r.empty()) {
        return absl::DataLossError("malformed AVA");
      }
      on_ava(type, value);
    }
    on_rdn_end();
  }
  return absl::OkStatus();
}

const char* ShortName(Bytes oid) {
  static constexpr struct {
    uint8_t oid[10];
    size_t size;
    const char* name;
  } kNames[] = {
      {{0x55, 0x04, 0x03}, 3, "CN"},
      {{0x55, 0x04, 0x06}, 3, "C"},
      {{0x55, 0x04, 0x07}, 3, "L"},
      {{0x55, 0x04, 0x08}, 3, "ST"},
      {{0x55, 0x04, 0x09}, 3, "STREET"},
      {{0x55, 0x04, 0x0a}, 3, "O"},
      {{0x55, 0x04, 0x0b}, 3, "OU"},
      {{0x55, 0x04, 0x05}, 3, "serialNumber"},
      {{0x55, 0x04, 0x0f}, 3, "businessCategory"},
      {{0x55, 0x04, 0x11}, 3, "postalCode"},
      {{0x55, 0x04, 0x2a}, 3, "GN"},
      {{0x55, 0x04, 0x04}, 3, "SN"},
      {{0x55, 0x04, 0x61}, 3, "organizationIdentifier"},
      {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}, 9, "emailAddress"},
      {{0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19}, 10, "DC"},
      {{0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01}, 10, "UID"},
  };
  for (const auto& n : kNames) {
    if (absl::c_equal(oid, Bytes(n.oid, n.size))) return n.name;
  }
  return nullptr;
}

// RFC 4514 §2.4 escaping of an attribute value.
std::string EscapeDnValue(const std::string& value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const bool edge_space = c == ' ' && (i == 0 || i + 1 == value.size());
    if (edge_space || (c == '#' && i == 0) ||
        absl::string_view(",+\"\\<>;").find(c) != absl::string_view::npos) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

absl::Status ReadX509Name(const DerElement& name, X509NameFields* out) {
  std::vector<std::string> rdn_texts, atv_texts;
  const absl::Status walked = WalkName(
      name,
      [&](const DerElement& type, const DerElement& value) {
        const char* short_name = ShortName(type.contents);
        absl::StatusOr<std::string> key =
            short_name ? std::string(short_name) : OidToString(type.contents);
        absl::StatusOr<std::string> text = DecodeDerString(value);
        atv_texts.push_back(
            absl::StrCat(key.ok() ? *key : "?", "=",
                         text.ok() ? EscapeDnValue(*text) : "#" + HexEncode(value.whole)));
        if (!text.ok()) return;
        if (IsOid(type, kOidCommonName)) {
          if (out->common_names.empty()) out->common_name = *text;
          out->common_names.push_back(*text);
        } else if (IsOid(type, kOidOrganization) && out->organization.empty()) {
          out->organization = *text;
        }
      },
      [&] {
        rdn_texts.push_back(absl::StrJoin(atv_texts, " + "));
        atv_texts.clear();
      });
  out->dn = absl::StrJoin(rdn_texts, ", ");  // On a malformed Name: the RDNs before the damage.
  return walked;
}

absl::Status ForEachX509CommonName(const DerElement& name,
                                   absl::FunctionRef<void(const DerElement& value)> fn) {
  return WalkName(
      name,
      [&](const DerElement& type, const DerElement& value) {
        if (IsOid(type, kOidCommonName)) fn(value);
      },
      [] {});
}

}  // namespace caawatch::ctlog
