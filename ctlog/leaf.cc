#include "ctlog/leaf.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "ctlog/certificate_parser.h"
#include "ctlog/tls_reader.h"

namespace caawatch::ctlog {
namespace {

using Bytes = absl::Span<const uint8_t>;

// ASN.1Cert certificate_chain<0..2^24-1>, each ASN.1Cert<1..2^24-1> (RFC 6962 §4.6).
bool ReadCertificateList(Bytes list, std::vector<Bytes>* out) {
  TlsReader r(list);
  while (!r.empty()) {
    Bytes cert;
    if (!r.ReadLengthPrefixed(3, &cert) || cert.empty()) return false;
    out->push_back(cert);
  }
  return r.ok();
}

// x509_entry extra_data: certificate_chain.
// precert_entry extra_data: struct { ASN.1Cert pre_certificate; ASN.1Cert
//   precertificate_chain<0..2^24-1>; } PrecertChainEntry;
bool ReadExtraData(EntryType type, Bytes extra, Bytes* pre_certificate, std::vector<Bytes>* chain) {
  TlsReader r(extra);
  Bytes list;
  if (type == EntryType::kPrecert &&
      (!r.ReadLengthPrefixed(3, pre_certificate) || pre_certificate->empty())) {
    return false;
  }
  return r.ReadLengthPrefixed(3, &list) && r.empty() && ReadCertificateList(list, chain);
}

// A log could serve any extra_data (the Merkle tree only covers leaf_input), so the identity
// comes from the logged TBS and the pre_certificate is only checked against it. Issuer and AKI
// may differ legitimately (a Precertificate Signing Certificate), the rest may not.
void CheckPreCertificate(Bytes pre_certificate, const CertificateIdentity& logged,
                         std::vector<std::string>* errors) {
  const CertificateIdentity precert = ParseCertificateIdentity(pre_certificate);
  if (!precert.is_precertificate || precert.dns_names != logged.dns_names ||
      precert.ip_addresses != logged.ip_addresses || precert.common_names != logged.common_names ||
      precert.serial_hex != logged.serial_hex || precert.subject_dn != logged.subject_dn ||
      precert.not_after != logged.not_after) {
    errors->push_back("pre_certificate in extra_data does not match the logged TBSCertificate");
  }
}

void DecodeChain(const std::vector<Bytes>& certs, LogEntry* entry,
                 std::vector<std::string>* errors) {
  std::vector<std::optional<IssuerIdentity>> parsed;
  for (size_t i = 0; i < certs.size(); ++i) {
    absl::StatusOr<IssuerIdentity> issuer = ParseIssuerIdentity(certs[i]);
    if (!issuer.ok()) {
      errors->push_back(absl::StrCat("chain[", i, "]: ", issuer.status().message()));
      parsed.emplace_back();
      continue;
    }
    entry->chain.push_back(*issuer);
    parsed.push_back(*std::move(issuer));
  }
  if (parsed.empty() || !parsed[0].has_value()) return;
  if (!parsed[0]->is_precert_signing_cert) {
    entry->issuer = parsed[0];
  } else if (parsed.size() > 1 && parsed[1].has_value()) {
    entry->issuer = parsed[1];
  }
}

}  // namespace

// RFC 6962 §3.4, flattened: uint8 version (0); uint8 leaf_type (0); uint64 timestamp;
//   uint16 entry_type; x509_entry: opaque ASN.1Cert<1..2^24-1>;
//   precert_entry: opaque issuer_key_hash[32], opaque TBSCertificate<1..2^24-1>;
//   opaque CtExtensions<0..2^16-1>.
absl::StatusOr<MerkleTreeLeaf> ParseMerkleTreeLeaf(absl::Span<const uint8_t> leaf_input) {
  TlsReader r(leaf_input);
  uint64_t version = 0, leaf_type = 0, entry_type = 0;
  MerkleTreeLeaf leaf;
  Bytes key_hash;
  if (!r.ReadUint(1, &version) || version != 0 || !r.ReadUint(1, &leaf_type) || leaf_type != 0 ||
      !r.ReadUint(8, &leaf.timestamp_ms) || !r.ReadUint(2, &entry_type) || entry_type > 1 ||
      (entry_type == 1 && !r.ReadBytes(32, &key_hash)) || !r.ReadLengthPrefixed(3, &leaf.body) ||
      leaf.body.empty() || !r.ReadLengthPrefixed(2, &leaf.extensions) || !r.empty()) {
    return absl::DataLossError("MerkleTreeLeaf: malformed");
  }
  leaf.type = entry_type == 0 ? EntryType::kX509 : EntryType::kPrecert;
  std::copy(key_hash.begin(), key_hash.end(), leaf.issuer_key_hash.begin());
  return leaf;
}

Sha256Hash MerkleLeafHash(absl::Span<const uint8_t> leaf_input) {
  return Sha256WithPrefix(0x00, leaf_input);
}

absl::StatusOr<CertificateNames> ReadLeafMatchNames(absl::Span<const uint8_t> leaf_input) {
  CAAWATCH_ASSIGN_OR_RETURN(const MerkleTreeLeaf leaf, ParseMerkleTreeLeaf(leaf_input));
  return ReadMatchNames(leaf.body);
}

absl::StatusOr<std::vector<absl::Span<const uint8_t>>> ExtraDataChain(
    EntryType type, absl::Span<const uint8_t> extra_data) {
  Bytes pre_certificate;
  std::vector<Bytes> chain;
  if (!ReadExtraData(type, extra_data, &pre_certificate, &chain)) {
    return absl::DataLossError("extra_data: malformed");
  }
  return chain;
}

absl::StatusOr<LogEntry> DecodeLogEntry(uint64_t index, const RawEntry& raw) {
  absl::StatusOr<MerkleTreeLeaf> leaf = ParseMerkleTreeLeaf(raw.leaf_input);
  if (!leaf.ok()) {
    return absl::DataLossError(absl::StrCat("entry ", index, ": ", leaf.status().message()));
  }
  LogEntry entry;
  entry.index = index;
  entry.timestamp_ms = leaf->timestamp_ms;
  entry.type = leaf->type;
  entry.leaf_hash = MerkleLeafHash(raw.leaf_input);
  std::vector<std::string> errors;
  Bytes pre_certificate;
  std::vector<Bytes> chain;
  if (!ReadExtraData(leaf->type, raw.extra_data, &pre_certificate, &chain)) {
    errors.push_back("extra_data: malformed");
  }
  if (leaf->type == EntryType::kX509) {
    entry.certificate_der.assign(leaf->body.begin(), leaf->body.end());
    entry.identity = ParseCertificateIdentity(leaf->body);
  } else {
    entry.identity = ParseTbsCertificateIdentity(leaf->body);
    entry.identity.is_precertificate = true;
    if (!pre_certificate.empty()) {
      entry.certificate_der.assign(pre_certificate.begin(), pre_certificate.end());
      entry.identity.sha256 = Sha256(pre_certificate);
      CheckPreCertificate(pre_certificate, entry.identity, &errors);
    }
  }
  if (!entry.identity.parse_error.empty()) {
    errors.push_back(absl::StrCat("certificate: ", entry.identity.parse_error));
  }
  DecodeChain(chain, &entry, &errors);
  if (leaf->type == EntryType::kPrecert && entry.issuer.has_value() &&
      entry.issuer->spki_sha256 != leaf->issuer_key_hash) {
    errors.push_back("issuer_key_hash does not match the issuer in the chain");
  }
  entry.decode_error = absl::StrJoin(errors, "; ");
  return entry;
}

}  // namespace caawatch::ctlog
