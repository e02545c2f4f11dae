#include "ctlog/leaf.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "ctlog/certificate_parser.h"
#include "ctlog/pem.h"
#include "ctlog/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace caawatch::ctlog {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using Bytes = std::vector<uint8_t>;

constexpr uint64_t kArgonIndex = 912557348;

std::string CorpusPath(const std::string& relative) {
  const char* shared = std::getenv("CAAWATCH_SHARED_DIR");
  EXPECT_NE(shared, nullptr) << "CAAWATCH_SHARED_DIR is not set";
  return absl::StrCat(shared == nullptr ? "" : shared, "/corpus/", relative);
}

std::string ReadText(const std::string& relative) {
  std::ifstream in(CorpusPath(relative), std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(text.empty()) << relative;
  return text;
}

std::vector<Bytes> CorpusCerts(const std::string& relative) {
  std::vector<Bytes> certs = PemCertificates(ReadText(relative));
  EXPECT_FALSE(certs.empty()) << relative;
  return certs;
}

Bytes Base64(const std::string& text) {
  std::string out;
  EXPECT_TRUE(absl::Base64Unescape(text, &out));
  return Bytes(out.begin(), out.end());
}

nlohmann::json ReadJson(const std::string& relative) {
  return nlohmann::json::parse(ReadText(relative), nullptr, /*allow_exceptions=*/false);
}

RawEntry ArgonEntry() {
  const nlohmann::json json =
      ReadJson("ct/rfc6962-argon2025/argon2025h2-get-entries-precert-google.json");
  EXPECT_TRUE(json.contains("entries"));
  RawEntry raw;
  if (!json.contains("entries")) return raw;
  raw.leaf_input = Base64(json["entries"][0]["leaf_input"].get<std::string>());
  raw.extra_data = Base64(json["entries"][0]["extra_data"].get<std::string>());
  return raw;
}

Sha256Hash HashChildren(const Sha256Hash& left, const Sha256Hash& right) {
  Bytes data = {0x01};
  data.insert(data.end(), left.begin(), left.end());
  data.insert(data.end(), right.begin(), right.end());
  return Sha256(data);
}

// RFC 9162 §2.1.3.2, the reference the inclusion proof is checked with.
Sha256Hash RootFromInclusionProof(uint64_t index, uint64_t size, Sha256Hash hash,
                                  const std::vector<Sha256Hash>& path) {
  uint64_t fn = index, sn = size - 1;
  for (const Sha256Hash& p : path) {
    if ((fn & 1) == 1 || fn == sn) {
      hash = HashChildren(p, hash);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      hash = HashChildren(hash, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  EXPECT_EQ(sn, 0u);
  return hash;
}

Sha256Hash ToHash(const Bytes& bytes) {
  Sha256Hash out{};
  EXPECT_EQ(bytes.size(), out.size());
  std::copy_n(bytes.begin(), std::min(bytes.size(), out.size()), out.begin());
  return out;
}

void AppendUint(uint64_t value, int bytes, Bytes* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void AppendVector(absl::Span<const uint8_t> body, int length_bytes, Bytes* out) {
  AppendUint(body.size(), length_bytes, out);
  out->insert(out->end(), body.begin(), body.end());
}

// A MerkleTreeLeaf as a log would serve it. `issuer_key_hash` only for precerts.
Bytes LeafInput(EntryType type, absl::Span<const uint8_t> body, const Sha256Hash& key_hash = {}) {
  Bytes out = {0x00, 0x00};
  AppendUint(1751738269891, 8, &out);
  AppendUint(type == EntryType::kX509 ? 0 : 1, 2, &out);
  if (type == EntryType::kPrecert) out.insert(out.end(), key_hash.begin(), key_hash.end());
  AppendVector(body, 3, &out);
  AppendUint(0, 2, &out);
  return out;
}

Bytes CertificateList(const std::vector<Bytes>& certs) {
  Bytes list;
  for (const Bytes& cert : certs) AppendVector(cert, 3, &list);
  Bytes out;
  AppendVector(list, 3, &out);
  return out;
}

TEST(DecodeLogEntryTest, DecodesRealArgonPrecertEntry) {
  const RawEntry raw = ArgonEntry();
  absl::StatusOr<LogEntry> entry = DecodeLogEntry(kArgonIndex, raw);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->decode_error, "");
  EXPECT_EQ(entry->index, kArgonIndex);
  EXPECT_EQ(entry->type, EntryType::kPrecert);
  EXPECT_TRUE(entry->identity.is_precertificate);
  EXPECT_THAT(entry->identity.dns_names, Contains("*.google.com"));
  EXPECT_EQ(entry->identity.issuer_common_name, "WR2");
  EXPECT_FALSE(entry->certificate_der.empty());
  EXPECT_EQ(entry->identity.sha256, Sha256(entry->certificate_der));
  EXPECT_EQ(entry->identity.parse_error, "");
  ASSERT_TRUE(entry->issuer.has_value());
  EXPECT_EQ(entry->issuer->common_name, "WR2");
  EXPECT_EQ(entry->issuer->organization, "Google Trust Services");
  EXPECT_GE(entry->chain.size(), 2u);
  EXPECT_GT(entry->timestamp_ms, 1748000000000u);
  // The final certificate links to this entry.
  const CertificateIdentity final_cert =
      ParseCertificateIdentity(CorpusCerts("ct/rfc6962-argon2025/google-com-cert.pem")[0]);
  EXPECT_EQ(entry->identity.tbs_sha256, final_cert.tbs_sha256);
}

TEST(DecodeLogEntryTest, LeafHashOfRealEntryVerifiesAgainstTheLogsInclusionProof) {
  absl::StatusOr<LogEntry> entry = DecodeLogEntry(kArgonIndex, ArgonEntry());
  ASSERT_TRUE(entry.ok());
  const nlohmann::json proof =
      ReadJson("ct/rfc6962-argon2025/argon2025h2-get-proof-by-hash-leaf912557348.json");
  const nlohmann::json sth = ReadJson("ct/rfc6962-argon2025/argon2025h2-get-sth-1329315675.json");
  ASSERT_TRUE(proof.contains("audit_path") && sth.contains("sha256_root_hash"));
  ASSERT_EQ(proof["leaf_index"].get<uint64_t>(), kArgonIndex);
  std::vector<Sha256Hash> path;
  for (const auto& node : proof["audit_path"])
    path.push_back(ToHash(Base64(node.get<std::string>())));
  EXPECT_EQ(
      RootFromInclusionProof(kArgonIndex, sth["tree_size"].get<uint64_t>(), entry->leaf_hash, path),
      ToHash(Base64(sth["sha256_root_hash"].get<std::string>())));
}

TEST(DecodeLogEntryTest, DecodesX509EntryWithItsChain) {
  const std::vector<Bytes> chain = CorpusCerts("ct/rfc6962-argon2025/google-com-chain.pem");
  ASSERT_GE(chain.size(), 2u);
  RawEntry raw;
  raw.leaf_input = LeafInput(EntryType::kX509, chain[0]);
  raw.extra_data = CertificateList({chain.begin() + 1, chain.end()});
  absl::StatusOr<LogEntry> entry = DecodeLogEntry(7, raw);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->decode_error, "");
  EXPECT_EQ(entry->type, EntryType::kX509);
  EXPECT_EQ(entry->timestamp_ms, 1751738269891u);
  EXPECT_EQ(entry->certificate_der, chain[0]);
  EXPECT_EQ(entry->identity.sha256, Sha256(chain[0]));
  EXPECT_THAT(entry->identity.dns_names, Contains("*.google.com"));
  EXPECT_FALSE(entry->identity.is_precertificate);
  EXPECT_EQ(entry->chain.size(), chain.size() - 1);
  ASSERT_TRUE(entry->issuer.has_value());
  EXPECT_EQ(entry->issuer->common_name, "WR2");
  EXPECT_EQ(entry->leaf_hash, MerkleLeafHash(raw.leaf_input));
}

TEST(DecodeLogEntryTest, PrecertSigningCertificatePointsIssuerAtTheRealCa) {
  const std::string dir = "ct/google-ct-cpp-testdata/";
  const Bytes precert = CorpusCerts(dir + "test-embedded-with-preca-pre-cert.pem")[0];
  const Bytes final_cert = CorpusCerts(dir + "test-embedded-with-preca-cert.pem")[0];
  const Bytes precert_ca = CorpusCerts(dir + "ca-pre-cert.pem")[0];
  const Bytes ca = CorpusCerts(dir + "ca-cert.pem")[0];
  absl::StatusOr<Bytes> logged_tbs = TbsWithoutCtExtensions(final_cert);
  absl::StatusOr<IssuerIdentity> ca_identity = ParseIssuerIdentity(ca);
  ASSERT_TRUE(logged_tbs.ok() && ca_identity.ok());
  RawEntry raw;
  raw.leaf_input = LeafInput(EntryType::kPrecert, *logged_tbs, ca_identity->spki_sha256);
  AppendVector(precert, 3, &raw.extra_data);
  const Bytes list = CertificateList({precert_ca, ca});
  raw.extra_data.insert(raw.extra_data.end(), list.begin(), list.end());

  absl::StatusOr<LogEntry> entry = DecodeLogEntry(1, raw);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->decode_error, "");
  ASSERT_EQ(entry->chain.size(), 2u);
  EXPECT_TRUE(entry->chain[0].is_precert_signing_cert);
  ASSERT_TRUE(entry->issuer.has_value());
  EXPECT_EQ(entry->issuer->sha256, Sha256(ca));
  EXPECT_EQ(entry->certificate_der, precert);
  const CertificateIdentity final_identity = ParseCertificateIdentity(final_cert);
  EXPECT_EQ(entry->identity.tbs_sha256, final_identity.tbs_sha256);
  EXPECT_EQ(entry->identity.issuer_dn, final_identity.issuer_dn);
  // The precertificate on its own names the precert signing CA: it would not have linked.
  EXPECT_NE(ParseCertificateIdentity(precert).tbs_sha256, final_identity.tbs_sha256);
}

TEST(DecodeLogEntryTest, PrecertWithoutExtraDataIsReadFromTheLoggedTbs) {
  RawEntry raw = ArgonEntry();
  raw.extra_data.clear();
  absl::StatusOr<LogEntry> entry = DecodeLogEntry(kArgonIndex, raw);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_THAT(entry->decode_error, HasSubstr("extra_data"));
  EXPECT_TRUE(entry->certificate_der.empty());
  EXPECT_TRUE(entry->identity.is_precertificate);
  EXPECT_THAT(entry->identity.dns_names, Contains("*.google.com"));
  EXPECT_EQ(entry->identity.issuer_common_name, "WR2");
  EXPECT_FALSE(entry->issuer.has_value());
  EXPECT_EQ(entry->identity.tbs_sha256,
            DecodeLogEntry(kArgonIndex, ArgonEntry())->identity.tbs_sha256);
}

TEST(DecodeLogEntryTest, PreCertificateThatDisagreesWithTheLoggedTbsIsReported) {
  RawEntry raw = ArgonEntry();
  const Bytes other = CorpusCerts("ct/letsencrypt-precert-final-pairs/good-precert.pem")[0];
  // Swap the pre_certificate, keep the chain.
  Bytes extra;
  AppendVector(other, 3, &extra);
  const size_t original =
      (size_t{raw.extra_data[0]} << 16) | (raw.extra_data[1] << 8) | raw.extra_data[2];
  extra.insert(extra.end(), raw.extra_data.begin() + 3 + original, raw.extra_data.end());
  raw.extra_data = extra;
  absl::StatusOr<LogEntry> entry = DecodeLogEntry(kArgonIndex, raw);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_THAT(entry->decode_error, HasSubstr("does not match the logged TBSCertificate"));
  EXPECT_THAT(entry->identity.dns_names, Contains("*.google.com"));  // From the leaf.
  EXPECT_EQ(entry->identity.sha256, Sha256(other));
}

TEST(DecodeLogEntryTest, IssuerKeyHashMismatchIsReported) {
  RawEntry raw = ArgonEntry();
  raw.leaf_input[12] ^= 0x01;  // First octet of issuer_key_hash (after 2+8+2 octets).
  absl::StatusOr<LogEntry> entry = DecodeLogEntry(kArgonIndex, raw);
  ASSERT_TRUE(entry.ok());
  EXPECT_THAT(entry->decode_error, HasSubstr("issuer_key_hash"));
}

TEST(DecodeLogEntryTest, GarbageCertificateGivesAnEntryWithDecodeError) {
  const Bytes garbage = {'h', 'e', 'l', 'l', 'o'};
  RawEntry raw;
  raw.leaf_input = LeafInput(EntryType::kX509, garbage);
  raw.extra_data = {0x00, 0x00, 0x03, 0x00, 0x00, 0x09};  // Entry runs past the list.
  absl::StatusOr<LogEntry> entry = DecodeLogEntry(3, raw);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_THAT(entry->decode_error, HasSubstr("certificate"));
  EXPECT_THAT(entry->decode_error, HasSubstr("extra_data"));
  EXPECT_EQ(entry->certificate_der, garbage);
  EXPECT_TRUE(entry->chain.empty());
}

TEST(DecodeLogEntryTest, MalformedLeafInputIsDataLoss) {
  const RawEntry real = ArgonEntry();
  for (size_t n = 0; n < real.leaf_input.size(); n += 3) {  // Every truncation.
    RawEntry raw;
    raw.leaf_input.assign(real.leaf_input.begin(), real.leaf_input.begin() + n);
    EXPECT_EQ(DecodeLogEntry(0, raw).status().code(), absl::StatusCode::kDataLoss) << n;
  }
  const struct {
    const char* name;
    size_t offset;
    uint8_t value;
  } kCorruptions[] = {{"version 1", 0, 1}, {"leaf_type 1", 1, 1}, {"entry_type 2", 11, 2}};
  for (const auto& c : kCorruptions) {
    SCOPED_TRACE(c.name);
    RawEntry raw = real;
    raw.leaf_input[c.offset] = c.value;
    EXPECT_EQ(DecodeLogEntry(0, raw).status().code(), absl::StatusCode::kDataLoss);
  }
  RawEntry trailing = real;
  trailing.leaf_input.push_back(0);
  EXPECT_EQ(DecodeLogEntry(0, trailing).status().code(), absl::StatusCode::kDataLoss);
  RawEntry empty_body;
  empty_body.leaf_input = LeafInput(EntryType::kX509, {});
  EXPECT_EQ(DecodeLogEntry(0, empty_body).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace caawatch::ctlog
