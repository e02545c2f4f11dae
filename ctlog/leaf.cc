#include "ctlog/leaf.h"

#include "absl/strings/str_cat.h"
#include "ctlog/certificate_parser.h"
#include "ctlog/merkle.h"
#include "ctlog/tls_reader.h"

namespace caawatch::ctlog {
namespace {

// opaque ASN.1Cert<1..2^24-1> list inside a <0..2^24-1> vector.
bool ReadChain(TlsReader* r, std::vector<absl::Span<const uint8_t>>* out) {
  absl::Span<const uint8_t> list;
  if (!r->ReadLengthPrefixed(3, &list)) return false;
  TlsReader certs(list);
  while (!certs.empty()) {
    absl::Span<const uint8_t> cert;
    if (!certs.ReadLengthPrefixed(3, &cert) || cert.empty()) return false;
    out->push_back(cert);
  }
  return true;
}

void AddError(LogEntry* entry, absl::string_view error) {
  entry->decode_error = entry->decode_error.empty()
                            ? std::string(error)
                            : absl::StrCat(entry->decode_error, "; ", error);
}

}  // namespace

// RFC 6962 §3.4: uint8 version (0); uint8 leaf_type (0); uint64 timestamp; uint16 entry_type;
//   x509_entry: opaque ASN.1Cert<1..2^24-1>;
//   precert_entry: opaque issuer_key_hash[32]; opaque TBSCertificate<1..2^24-1>;
//   opaque CtExtensions<0..2^16-1>.
// extra_data: x509 -> ASN.1Cert certificate_chain<0..2^24-1>;
//   precert -> PrecertChainEntry { ASN.1Cert pre_certificate; ASN.1Cert
//   precertificate_chain<0..2^24-1>; }.
absl::StatusOr<LogEntry> DecodeLogEntry(uint64_t index, const RawEntry& raw) {
  TlsReader r(raw.leaf_input);
  uint64_t version = 0, leaf_type = 0, entry_type = 0;
  LogEntry entry;
  entry.index = index;
  absl::Span<const uint8_t> key_hash, body, extensions;
  if (!r.ReadUint(1, &version) || version != 0 || !r.ReadUint(1, &leaf_type) || leaf_type != 0 ||
      !r.ReadUint(8, &entry.timestamp_ms) || !r.ReadUint(2, &entry_type) || entry_type > 1 ||
      (entry_type == 1 && !r.ReadBytes(32, &key_hash)) || !r.ReadLengthPrefixed(3, &body) ||
      body.empty() || !r.ReadLengthPrefixed(2, &extensions) || !r.empty()) {
    return absl::DataLossError(absl::StrCat("entry ", index, ": malformed MerkleTreeLeaf"));
  }
  entry.leaf_hash = HashLeaf(raw.leaf_input);
  entry.type = entry_type == 0 ? EntryType::kX509 : EntryType::kPrecert;
  TlsReader extra(raw.extra_data);
  std::vector<absl::Span<const uint8_t>> chain;
  if (entry.type == EntryType::kX509) {
    entry.certificate_der.assign(body.begin(), body.end());
    if (!raw.extra_data.empty() && (!ReadChain(&extra, &chain) || !extra.empty())) {
      AddError(&entry, "malformed extra_data certificate_chain");
    }
  } else {
    absl::Span<const uint8_t> precert;
    if (!extra.ReadLengthPrefixed(3, &precert) || precert.empty() || !ReadChain(&extra, &chain) ||
        !extra.empty()) {
      AddError(&entry, "malformed extra_data PrecertChainEntry");
    } else {
      entry.certificate_der.assign(precert.begin(), precert.end());
    }
  }
  if (!entry.certificate_der.empty()) {
    entry.identity = ParseCertificateIdentity(entry.certificate_der);
    if (!entry.identity.parse_error.empty()) AddError(&entry, entry.identity.parse_error);
  } else {
    AddError(&entry, "no certificate to read identities from");
  }
  for (absl::Span<const uint8_t> der : chain) {
    absl::StatusOr<IssuerIdentity> issuer = ParseIssuerIdentity(der);
    if (!issuer.ok()) {
      AddError(&entry, issuer.status().message());
      break;
    }
    entry.chain.push_back(std::move(*issuer));
  }
  if (!entry.chain.empty()) {
    // A Precertificate Signing Certificate signs for its own issuer (RFC 6962 §3.1).
    const bool psc = entry.chain[0].is_precert_signing_cert && entry.chain.size() > 1;
    entry.issuer = entry.chain[psc ? 1 : 0];
  }
  return entry;
}

}  // namespace caawatch::ctlog
