#include "caa/zone_signatures.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/quoted_input.h"

namespace caawatch::caa {
namespace {

constexpr uint16_t kCname = 5, kRrsig = 46, kDnskey = 48, kDname = 39;
using Bytes = std::vector<uint8_t>;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using UniquePkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// "a.example.com" in canonical wire form: lowercase labels, the root last.
Bytes WireName(absl::string_view name) {
  Bytes out;
  if (!name.empty() && name != ".") {
    for (absl::string_view label : absl::StrSplit(name, '.')) {
      out.push_back(static_cast<uint8_t>(label.size()));
      for (char c : label) out.push_back(static_cast<uint8_t>(absl::ascii_tolower(c)));
    }
  }
  out.push_back(0);
  return out;
}

size_t LabelCount(absl::string_view name) {
  if (name.empty() || name == ".") return 0;
  size_t labels = 1 + std::count(name.begin(), name.end(), '.');
  if (absl::StartsWith(name, "*."))
    --labels;  // RFC 4034 §3.1.3: the wildcard label is not counted.
  return labels;
}

uint32_t Read32(const Bytes& b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         b[at + 3];
}
void Put16(uint32_t v, Bytes* out) {
  out->push_back(static_cast<uint8_t>(v >> 8));
  out->push_back(static_cast<uint8_t>(v));
}
void Put32(uint32_t v, Bytes* out) {
  Put16(v >> 16, out);
  Put16(v & 0xffff, out);
}

// The length of the uncompressed wire name at `at`, or nullopt if it runs off the end.
std::optional<size_t> NameLength(const Bytes& b, size_t at) {
  size_t i = at;
  while (i < b.size() && b[i] != 0) {
    if (b[i] > 63) return std::nullopt;
    i += b[i] + 1;
  }
  if (i >= b.size()) return std::nullopt;
  return i + 1 - at;
}

// RDATA in canonical form (RFC 4034 §6.2): names in CNAME and DNAME lowercased.
Bytes CanonicalRdata(uint16_t type, const Bytes& rdata) {
  Bytes out = rdata;
  if (type == kCname || type == kDname) {
    for (size_t i = 0; i < out.size() && out[i] != 0; i += out[i] + 1) {
      for (size_t j = i + 1; j <= i + out[i] && j < out.size(); ++j) {
        out[j] = static_cast<uint8_t>(absl::ascii_tolower(static_cast<char>(out[j])));
      }
    }
  }
  return out;
}

struct Rrsig {
  uint16_t type_covered = 0;
  uint8_t algorithm = 0;
  uint8_t labels = 0;
  uint32_t original_ttl = 0;
  uint32_t expiration = 0;
  uint32_t inception = 0;
  uint16_t key_tag = 0;
  Bytes signed_prefix;  // The RDATA up to the signature, signer name canonical.
  Bytes signature;
};

std::optional<Rrsig> ParseRrsig(const Bytes& rdata) {
  if (rdata.size() < 19) return std::nullopt;
  Rrsig s;
  s.type_covered = static_cast<uint16_t>((rdata[0] << 8) | rdata[1]);
  s.algorithm = rdata[2];
  s.labels = rdata[3];
  s.original_ttl = Read32(rdata, 4);
  s.expiration = Read32(rdata, 8);
  s.inception = Read32(rdata, 12);
  s.key_tag = static_cast<uint16_t>((rdata[16] << 8) | rdata[17]);
  const std::optional<size_t> signer = NameLength(rdata, 18);
  if (!signer || 18 + *signer >= rdata.size()) return std::nullopt;
  s.signed_prefix.assign(rdata.begin(), rdata.begin() + 18 + *signer);
  for (size_t i = 18; i < s.signed_prefix.size(); ++i) {
    s.signed_prefix[i] =
        static_cast<uint8_t>(absl::ascii_tolower(static_cast<char>(s.signed_prefix[i])));
  }
  s.signature.assign(rdata.begin() + 18 + *signer, rdata.end());
  return s;
}

uint16_t KeyTag(const Bytes& dnskey) {
  uint32_t ac = 0;
  for (size_t i = 0; i < dnskey.size(); ++i) ac += (i & 1) ? dnskey[i] : uint32_t{dnskey[i]} << 8;
  ac += (ac >> 16) & 0xffff;
  return static_cast<uint16_t>(ac & 0xffff);
}

// RFC 1982 comparison of 32-bit times against now (RFC 4034 §3.1.5).
bool NotAfter(uint32_t a, uint32_t b) { return a == b || static_cast<int32_t>(a - b) < 0; }

UniquePkey RsaKey(const Bytes& key) {
  if (key.empty()) return nullptr;
  size_t exp_len = key[0], at = 1;
  if (exp_len == 0) {
    if (key.size() < 3) return nullptr;
    exp_len = (size_t{key[1]} << 8) | key[2];
    at = 3;
  }
  if (at + exp_len >= key.size()) return nullptr;
  std::unique_ptr<BIGNUM, decltype(&BN_free)> e(BN_bin2bn(key.data() + at, exp_len, nullptr),
                                                &BN_free);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> n(
      BN_bin2bn(key.data() + at + exp_len, key.size() - at - exp_len, nullptr), &BN_free);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                      &OSSL_PARAM_BLD_free);
  if (!e || !n || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get())) {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld.get()),
                                                                 &OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return UniquePkey(pkey);
}

UniquePkey EcKey(const Bytes& key, const char* group) {
  Bytes point = {0x04};  // Uncompressed: x || y, as RFC 6605 §4 stores them.
  point.insert(point.end(), key.begin(), key.end());
  std::string group_name(group);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group_name.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* pkey = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return nullptr;
  }
  return UniquePkey(pkey);
}

// r || s (RFC 6605 §4) as the DER ECDSA-Sig-Value OpenSSL verifies.
std::optional<Bytes> EcdsaDer(const Bytes& raw) {
  if (raw.empty() || raw.size() % 2 != 0) return std::nullopt;
  const size_t half = raw.size() / 2;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(raw.data(), half, nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + half, half, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (len <= 0) return std::nullopt;
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// Whether `signature` by the DNSKEY RDATA `dnskey` (algorithm `algorithm`) is valid over `data`.
bool VerifySignature(uint8_t algorithm, const Bytes& dnskey, const Bytes& data,
                     const Bytes& signature) {
  if (dnskey.size() < 5) return false;
  const Bytes key(dnskey.begin() + 4, dnskey.end());
  UniquePkey pkey;
  const EVP_MD* md = nullptr;
  Bytes sig = signature;
  switch (algorithm) {
    case 8:
    case 10:
      pkey = RsaKey(key);
      md = algorithm == 8 ? EVP_sha256() : EVP_sha512();
      break;
    case 13:
    case 14: {
      if (key.size() != (algorithm == 13 ? 64u : 96u)) return false;
      pkey = EcKey(key, algorithm == 13 ? "prime256v1" : "secp384r1");
      md = algorithm == 13 ? EVP_sha256() : EVP_sha384();
      std::optional<Bytes> der = EcdsaDer(signature);
      if (!der) return false;
      sig = *std::move(der);
      break;
    }
    case 15:
      if (key.size() != 32) return false;
      pkey.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()));
      break;
    default:
      return false;
  }
  if (pkey == nullptr) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx != nullptr && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, pkey.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data.data(), data.size()) == 1;
}

std::vector<const ZoneRecord*> Select(const std::vector<ZoneRecord>& records,
                                      absl::string_view owner, uint16_t type) {
  std::vector<const ZoneRecord*> out;
  for (const ZoneRecord& r : records) {
    if (r.type == type && absl::EqualsIgnoreCase(r.owner, owner)) out.push_back(&r);
  }
  return out;
}

// The RRSIG's signed data over `rrset` (RFC 4034 §3.1.8.1), or nullopt if the RRSIG's label
// count cannot describe `owner`.
std::optional<Bytes> SignedData(const Rrsig& sig, absl::string_view owner, uint16_t type,
                                const std::vector<const ZoneRecord*>& rrset) {
  const size_t labels = LabelCount(owner);
  if (sig.labels > labels) return std::nullopt;
  std::string signed_owner(owner);
  if (sig.labels < labels) {  // Wildcard expansion (RFC 4035 §5.3.2): "*." + the last labels.
    std::vector<absl::string_view> parts = absl::StrSplit(owner, '.');
    signed_owner = absl::StrCat("*.", absl::StrJoin(parts.end() - sig.labels, parts.end(), "."));
  }
  std::vector<Bytes> rdatas;
  for (const ZoneRecord* r : rrset) rdatas.push_back(CanonicalRdata(type, r->rdata));
  std::sort(rdatas.begin(), rdatas.end());
  rdatas.erase(std::unique(rdatas.begin(), rdatas.end()), rdatas.end());
  Bytes data = sig.signed_prefix;
  const Bytes owner_wire = WireName(signed_owner);
  for (const Bytes& rdata : rdatas) {
    data.insert(data.end(), owner_wire.begin(), owner_wire.end());
    Put16(type, &data);
    Put16(1, &data);  // IN
    Put32(sig.original_ttl, &data);
    Put16(static_cast<uint32_t>(rdata.size()), &data);
    data.insert(data.end(), rdata.begin(), rdata.end());
  }
  return data;
}

// Why no RRSIG over the set verifies with `keys`; "" if one does.
std::string Verify(absl::string_view owner, uint16_t type,
                   const std::vector<const ZoneRecord*>& rrset,
                   const std::vector<const ZoneRecord*>& rrsigs,
                   const std::vector<const ZoneRecord*>& keys, absl::Time now) {
  if (rrset.empty()) return "the RRset is empty";
  const uint32_t now32 = static_cast<uint32_t>(absl::ToUnixSeconds(now));
  std::string why = "no RRSIG covers it";
  for (const ZoneRecord* r : rrsigs) {
    const std::optional<Rrsig> sig = ParseRrsig(r->rdata);
    if (!sig || sig->type_covered != type) continue;
    if (!NotAfter(sig->inception, now32) || !NotAfter(now32, sig->expiration)) {
      why = absl::StrCat("its RRSIG (key tag ", sig->key_tag, ") is not valid now");
      continue;
    }
    const std::optional<Bytes> data = SignedData(*sig, owner, type, rrset);
    if (!data) {
      why = "its RRSIG's label count does not fit the name";
      continue;
    }
    why = absl::StrCat("its RRSIG (key tag ", sig->key_tag, ", algorithm ", sig->algorithm,
                       ") does not verify with the zone's keys");
    for (const ZoneRecord* key : keys) {
      if (key->rdata.size() < 4 || key->rdata[3] != sig->algorithm ||
          KeyTag(key->rdata) != sig->key_tag) {
        continue;
      }
      if (VerifySignature(sig->algorithm, key->rdata, *data, sig->signature)) return "";
    }
  }
  return why;
}

}  // namespace

absl::StatusOr<std::vector<DsRecord>> ParseDsRecords(absl::string_view text,
                                                     absl::string_view zone) {
  std::vector<DsRecord> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<absl::string_view> f =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    const auto ds = std::find(f.begin(), f.end(), "DS");
    if (f.empty() || ds == f.end() || f.end() - ds < 5) continue;
    absl::string_view owner = f[0];
    absl::ConsumeSuffix(&owner, ".");
    if (!absl::EqualsIgnoreCase(owner, zone)) continue;
    DsRecord r;
    uint32_t tag = 0, alg = 0, digest_type = 0;
    std::string digest_hex;
    for (auto it = ds + 4; it != f.end(); ++it) absl::StrAppend(&digest_hex, *it);
    if (!absl::SimpleAtoi(ds[1], &tag) || !absl::SimpleAtoi(ds[2], &alg) ||
        !absl::SimpleAtoi(ds[3], &digest_type) || tag > 65535 || alg > 255 || digest_type > 255 ||
        digest_hex.size() % 2 != 0 ||
        !std::all_of(digest_hex.begin(), digest_hex.end(), absl::ascii_isxdigit)) {
      return absl::InvalidArgumentError(absl::StrCat("DS record ", QuoteInput(line)));
    }
    r.key_tag = static_cast<uint16_t>(tag);
    r.algorithm = static_cast<uint8_t>(alg);
    r.digest_type = static_cast<uint8_t>(digest_type);
    const std::string digest = absl::HexStringToBytes(digest_hex);
    r.digest.assign(digest.begin(), digest.end());
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<std::vector<ZoneRecord>> TrustedDnskeys(absl::string_view zone,
                                                       const std::vector<ZoneRecord>& records,
                                                       const std::vector<DsRecord>& ds,
                                                       absl::Time now) {
  const std::vector<const ZoneRecord*> keys = Select(records, zone, kDnskey);
  if (keys.empty()) return absl::NotFoundError(absl::StrCat(zone, " has no DNSKEY: unsigned"));
  // The keys a trusted DS names (RFC 4035 §5.2).
  std::vector<const ZoneRecord*> anchored;
  const Bytes owner = WireName(zone);
  for (const ZoneRecord* key : keys) {
    for (const DsRecord& d : ds) {
      if (key->rdata.size() < 4 || key->rdata[3] != d.algorithm ||
          KeyTag(key->rdata) != d.key_tag) {
        continue;
      }
      const EVP_MD* md = d.digest_type == 2   ? EVP_sha256()
                         : d.digest_type == 4 ? EVP_sha384()
                                              : nullptr;
      if (md == nullptr) continue;
      Bytes input = owner;
      input.insert(input.end(), key->rdata.begin(), key->rdata.end());
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      if (EVP_Digest(input.data(), input.size(), digest, &len, md, nullptr) == 1 &&
          Bytes(digest, digest + len) == d.digest) {
        anchored.push_back(key);
      }
    }
  }
  if (anchored.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat("no DNSKEY of ", zone, " matches a trusted DS record"));
  }
  const std::string why = Verify(zone, kDnskey, keys, Select(records, zone, kRrsig), anchored, now);
  if (!why.empty()) {
    return absl::PermissionDeniedError(absl::StrCat("the DNSKEY set of ", zone, ": ", why));
  }
  std::vector<ZoneRecord> out;
  for (const ZoneRecord* key : keys) out.push_back(*key);
  return out;
}

RrsetCheck CheckRrset(absl::string_view owner, uint16_t type,
                      const std::vector<ZoneRecord>& records,
                      const std::vector<ZoneRecord>& dnskeys, absl::Time now) {
  std::vector<const ZoneRecord*> keys;
  for (const ZoneRecord& k : dnskeys) keys.push_back(&k);
  const std::string why =
      Verify(owner, type, Select(records, owner, type), Select(records, owner, kRrsig), keys, now);
  if (why.empty()) return {RrsetSecurity::kSecure, ""};
  return {RrsetSecurity::kBogus, why};
}

}  // namespace caawatch::caa
