#include "tests/fakes/test_log.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/reference_merkle.h"

namespace caawatch::fakes {
namespace {

void PutUint(uint64_t value, int bytes, std::vector<uint8_t>* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void PutOpaque(const std::vector<uint8_t>& data, int length_bytes, std::vector<uint8_t>* out) {
  PutUint(data.size(), length_bytes, out);
  out->insert(out->end(), data.begin(), data.end());
}

// §3.4 MerkleTreeLeaf: version v1(0), leaf_type timestamped_entry(0), then the
// TimestampedEntry: uint64 timestamp; LogEntryType entry_type; signed_entry; CtExtensions<0..>.
std::vector<uint8_t> MerkleTreeLeafPrefix(uint64_t timestamp_ms, uint16_t entry_type) {
  std::vector<uint8_t> leaf = {0, 0};
  PutUint(timestamp_ms, 8, &leaf);
  PutUint(entry_type, 2, &leaf);
  return leaf;
}

// ASN.1Cert certificate_chain<0..2^24-1>, each ASN.1Cert<1..2^24-1>.
void PutChain(const std::vector<Der>& chain, std::vector<uint8_t>* out) {
  std::vector<uint8_t> body;
  for (const Der& cert : chain) PutOpaque(cert, 3, &body);
  PutOpaque(body, 3, out);
}

absl::StatusOr<Der> IssuerKeyHash(const Der& issuer) {
  UniqueX509 cert = ParseCertificate(issuer);
  if (cert == nullptr) return absl::InvalidArgumentError("issuer does not parse");
  unsigned char* spki = nullptr;
  const int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &spki);
  if (len <= 0) return absl::InternalError("issuer SPKI");
  const ctlog::Sha256Hash hash = ctlog::Sha256(absl::MakeConstSpan(spki, len));
  OPENSSL_free(spki);
  return Der(hash.begin(), hash.end());
}

// The TBSCertificate the log signs for a precert: the precert's TBS minus the poison
// extension, re-encoded by OpenSSL.
absl::StatusOr<Der> PrecertTbs(const Der& precert) {
  UniqueX509 cert = ParseCertificate(precert);
  if (cert == nullptr) return absl::InvalidArgumentError("precert does not parse");
  UniqueAsn1Object poison(OBJ_txt2obj(kPoisonOid, 1));
  const int index = X509_get_ext_by_OBJ(cert.get(), poison.get(), -1);
  if (index < 0) return absl::InvalidArgumentError("precert has no poison extension");
  UniqueExtension removed(X509_delete_ext(cert.get(), index));
  unsigned char* tbs = nullptr;
  const int len = i2d_re_X509_tbs(cert.get(), &tbs);
  if (len <= 0) return absl::InternalError("i2d_re_X509_tbs");
  Der out(tbs, tbs + len);
  OPENSSL_free(tbs);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TestLog>> TestLog::Create(const Clock* clock, uint64_t seed) {
  CAAWATCH_ASSIGN_OR_RETURN(UniqueEvpPkey key,
                            P256KeyFromSeed(absl::StrCat("caawatch-test-log/", seed)));
  std::unique_ptr<TestLog> log(new TestLog(clock, std::move(key)));
  CAAWATCH_RETURN_IF_ERROR(log->PublishSth().status());
  return log;
}

TestLog::TestLog(const Clock* clock, UniqueEvpPkey key)
    : clock_(clock),
      key_(std::move(key)),
      public_key_der_(PublicKeyDer(key_.get())),
      log_id_(ctlog::Sha256(absl::MakeConstSpan(public_key_der_))) {}

uint64_t TestLog::Append(ctlog::RawEntry entry) {
  leaf_hashes_.push_back(ReferenceLeafHash(entry.leaf_input));
  entries_.push_back(std::move(entry));
  return entries_.size() - 1;
}

absl::StatusOr<uint64_t> TestLog::AddX509(const Der& cert, const std::vector<Der>& chain) {
  ctlog::RawEntry entry;
  entry.leaf_input = MerkleTreeLeafPrefix(absl::ToUnixMillis(clock_->Now()), 0);
  PutOpaque(cert, 3, &entry.leaf_input);
  PutUint(0, 2, &entry.leaf_input);  // No CtExtensions.
  PutChain(chain, &entry.extra_data);
  absl::MutexLock lock(&mu_);
  return Append(std::move(entry));
}

absl::StatusOr<uint64_t> TestLog::AddPrecert(const Der& precert, const std::vector<Der>& chain) {
  if (chain.empty()) return absl::InvalidArgumentError("precert needs its issuer in the chain");
  CAAWATCH_ASSIGN_OR_RETURN(const Der key_hash, IssuerKeyHash(chain[0]));
  CAAWATCH_ASSIGN_OR_RETURN(const Der tbs, PrecertTbs(precert));
  ctlog::RawEntry entry;
  entry.leaf_input = MerkleTreeLeafPrefix(absl::ToUnixMillis(clock_->Now()), 1);
  entry.leaf_input.insert(entry.leaf_input.end(), key_hash.begin(), key_hash.end());
  PutOpaque(tbs, 3, &entry.leaf_input);
  PutUint(0, 2, &entry.leaf_input);
  // PrecertChainEntry: ASN.1Cert pre_certificate; ASN.1Cert precertificate_chain<0..2^24-1>.
  PutOpaque(precert, 3, &entry.extra_data);
  PutChain(chain, &entry.extra_data);
  absl::MutexLock lock(&mu_);
  return Append(std::move(entry));
}

uint64_t TestLog::AddRawLeaf(const Der& leaf_input) {
  ctlog::RawEntry entry;
  entry.leaf_input = leaf_input;
  absl::MutexLock lock(&mu_);
  return Append(std::move(entry));
}

void TestLog::AddRoot(const Der& root) {
  absl::MutexLock lock(&mu_);
  roots_.push_back(root);
}

absl::StatusOr<ctlog::SignedTreeHead> TestLog::PublishSth() {
  absl::MutexLock lock(&mu_);
  const uint64_t timestamp_ms = absl::ToUnixMillis(clock_->Now());
  CAAWATCH_ASSIGN_OR_RETURN(
      ctlog::SignedTreeHead sth,
      SignTreeHead(leaf_hashes_.size(), timestamp_ms, ReferenceRoot(leaf_hashes_)));
  sth_ = sth;
  return sth;
}

ctlog::SignedTreeHead TestLog::LatestSth() const {
  absl::MutexLock lock(&mu_);
  return sth_;
}

absl::StatusOr<ctlog::SignedTreeHead> TestLog::SignTreeHead(uint64_t tree_size,
                                                            uint64_t timestamp_ms,
                                                            const ctlog::Sha256Hash& root) const {
  // §3.5 TreeHeadSignature: version v1(0), signature_type tree_hash(1), uint64 timestamp,
  // uint64 tree_size, opaque sha256_root_hash[32].
  std::vector<uint8_t> signed_data = {0, 1};
  PutUint(timestamp_ms, 8, &signed_data);
  PutUint(tree_size, 8, &signed_data);
  signed_data.insert(signed_data.end(), root.begin(), root.end());
  UniqueEvpMdCtx md(EVP_MD_CTX_new());
  size_t sig_len = 0;
  if (md == nullptr ||
      EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &sig_len, signed_data.data(), signed_data.size()) != 1) {
    return absl::InternalError("STH signing setup");
  }
  std::vector<uint8_t> sig(sig_len);
  if (EVP_DigestSign(md.get(), sig.data(), &sig_len, signed_data.data(), signed_data.size()) != 1) {
    return absl::InternalError("STH signing");
  }
  sig.resize(sig_len);
  ctlog::SignedTreeHead sth;
  sth.tree_size = tree_size;
  sth.timestamp_ms = timestamp_ms;
  sth.root_hash = root;
  // DigitallySigned: HashAlgorithm sha256(4), SignatureAlgorithm ecdsa(3), opaque<0..2^16-1>.
  sth.signature = {4, 3};
  PutOpaque(sig, 2, &sth.signature);
  return sth;
}

absl::StatusOr<std::vector<ctlog::RawEntry>> TestLog::GetEntries(uint64_t start, uint64_t end,
                                                                 uint64_t max_count) const {
  absl::MutexLock lock(&mu_);
  const uint64_t size = sth_.tree_size;
  if (start > end || start >= size || max_count == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("get-entries [", start, ", ", end, "] outside tree of size ", size));
  }
  const uint64_t last = std::min({end, size - 1, start + max_count - 1});
  return std::vector<ctlog::RawEntry>(entries_.begin() + start, entries_.begin() + last + 1);
}

absl::StatusOr<std::vector<ctlog::Sha256Hash>> TestLog::ConsistencyProof(uint64_t first,
                                                                         uint64_t second) const {
  absl::MutexLock lock(&mu_);
  if (first == 0 || first > second || second > sth_.tree_size) {
    return absl::InvalidArgumentError(absl::StrCat("consistency ", first, " -> ", second,
                                                   " outside tree of size ", sth_.tree_size));
  }
  return ReferenceConsistencyProof(
      first, absl::MakeConstSpan(leaf_hashes_).subspan(0, static_cast<size_t>(second)));
}

absl::StatusOr<ctlog::InclusionProof> TestLog::InclusionProofByHash(
    const ctlog::Sha256Hash& leaf_hash, uint64_t tree_size) const {
  absl::MutexLock lock(&mu_);
  if (tree_size == 0 || tree_size > sth_.tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("tree_size ", tree_size, " outside tree of size ", sth_.tree_size));
  }
  const auto leaves = absl::MakeConstSpan(leaf_hashes_).subspan(0, static_cast<size_t>(tree_size));
  for (uint64_t index = 0; index < tree_size; ++index) {
    if (leaves[index] != leaf_hash) continue;
    return ctlog::InclusionProof{index, ReferenceInclusionProof(index, leaves)};
  }
  return absl::NotFoundError(absl::StrCat("no leaf with that hash in the first ", tree_size));
}

ctlog::Sha256Hash TestLog::RootAt(uint64_t size) const {
  absl::MutexLock lock(&mu_);
  return ReferenceRoot(absl::MakeConstSpan(leaf_hashes_).subspan(0, static_cast<size_t>(size)));
}

std::vector<Der> TestLog::roots() const {
  absl::MutexLock lock(&mu_);
  return roots_;
}

uint64_t TestLog::published_size() const {
  absl::MutexLock lock(&mu_);
  return sth_.tree_size;
}

uint64_t TestLog::appended_size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace caawatch::fakes
