#include "ctlog/http_log_client.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"
#include "ctlog/get_entries_json.h"
#include "ctlog/http_status.h"
#include "ctlog/sth.h"
#include "nlohmann/json.hpp"

namespace caawatch::ctlog {
namespace {

using Json = nlohmann::json;

// What a log may send, sized from real logs so that a hostile one cannot make a response cost
// more. A get-entries entry is a leaf plus its chain in base64, a few KB; the largest real one
// in the corpus (an Argon2025h2 precertificate with a three-certificate chain) is 13.5 KB of
// JSON, so 20 KiB an entry on average leaves room for longer chains: a 1000-entry answer may
// take 20 MiB (decoded: the fetcher counts bytes after Content-Encoding), not 64 MiB.
constexpr size_t kMaxBytesPerEntry = size_t{20} << 10;
constexpr size_t kEntriesEnvelopeBytes = size_t{4} << 10;
// get-sth, get-sth-consistency and get-proof-by-hash answer a few hashes: 64 levels of
// base64 SHA-256 are 3 KiB.
constexpr size_t kMaxSmallResponseBytes = size_t{64} << 10;

// Strict RFC 4648 §4 base64 (padding required, no whitespace), as CT logs emit.
// TODO(integrator): dedupe with ctlog/sth.h's parser once both land.
absl::StatusOr<std::vector<uint8_t>> DecodeBase64(absl::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return absl::DataLossError("base64: length not a multiple of 4");
  std::vector<uint8_t> out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    const int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=') : 0;
    if (pad == 1 && in[i + 2] == '=') return absl::DataLossError("base64: bad padding");
    uint32_t group = 0;
    for (int j = 0; j < 4 - pad; ++j) {
      const int v = value(in[i + j]);
      if (v < 0) return absl::DataLossError("base64: invalid character");
      group |= static_cast<uint32_t>(v) << (18 - 6 * j);
    }
    out.push_back(static_cast<uint8_t>(group >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(group >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(group));
  }
  return out;
}

absl::StatusOr<Json> ParseJsonObject(const std::string& body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::DataLossError("response is not a JSON object");
  }
  return json;
}

absl::StatusOr<uint64_t> GetUint(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_unsigned()) {
    return absl::DataLossError(absl::StrCat("missing or non-integer \"", key, "\""));
  }
  return it->get<uint64_t>();
}

absl::StatusOr<Sha256Hash> ToHash(const std::vector<uint8_t>& bytes) {
  if (bytes.size() != 32) return absl::DataLossError("hash is not 32 bytes");
  Sha256Hash hash;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

// A list of base64 hashes (proof nodes).
absl::StatusOr<std::vector<Sha256Hash>> ParseHashList(const Json& list) {
  std::vector<Sha256Hash> out;
  for (const Json& element : list) {
    if (!element.is_string()) return absl::DataLossError("proof node is not a string");
    CAAWATCH_ASSIGN_OR_RETURN(const std::vector<uint8_t> bytes,
                              DecodeBase64(element.get_ref<const std::string&>()));
    CAAWATCH_ASSIGN_OR_RETURN(const Sha256Hash hash, ToHash(bytes));
    out.push_back(hash);
  }
  return out;
}

// RFC 6962 §4.5: {"leaf_index": n, "audit_path": [b64 hash, ...]}.
absl::StatusOr<InclusionProof> ParseInclusion(const std::string& body) {
  CAAWATCH_ASSIGN_OR_RETURN(const Json json, ParseJsonObject(body));
  InclusionProof proof;
  CAAWATCH_ASSIGN_OR_RETURN(proof.leaf_index, GetUint(json, "leaf_index"));
  auto it = json.find("audit_path");
  if (it == json.end() || !it->is_array()) return absl::DataLossError("missing \"audit_path\"");
  CAAWATCH_ASSIGN_OR_RETURN(proof.audit_path, ParseHashList(*it));
  return proof;
}

// Base64 in a query string: '+', '/' and '=' are percent-encoded.
std::string QueryEscape(absl::string_view in) {
  std::string out;
  for (char c : in) {
    if (c == '+')
      out += "%2B";
    else if (c == '/')
      out += "%2F";
    else if (c == '=')
      out += "%3D";
    else
      out += c;
  }
  return out;
}

// RFC 6962 §4.4: {"consistency": [b64 hash, ...]}.
absl::StatusOr<std::vector<Sha256Hash>> ParseConsistency(const std::string& body) {
  CAAWATCH_ASSIGN_OR_RETURN(const Json json, ParseJsonObject(body));
  auto it = json.find("consistency");
  if (it == json.end() || !it->is_array()) return absl::DataLossError("missing \"consistency\"");
  return ParseHashList(*it);
}

// nlohmann may still throw (e.g. on allocation or a type it was not asked to check): no
// exception leaves this file.
template <typename Parse>
auto ParseCaught(Parse parse, const std::string& body, absl::string_view what)
    -> decltype(parse(body)) {
  try {
    auto result = parse(body);
    if (!result.ok()) return Annotate(result.status(), what);
    return result;
  } catch (const std::exception& e) {
    return absl::DataLossError(absl::StrCat(what, ": ", e.what()));
  }
}

std::string EntriesPath(uint64_t start_inclusive, uint64_t end_inclusive) {
  return absl::StrCat("ct/v1/get-entries?start=", start_inclusive, "&end=", end_inclusive);
}

}  // namespace

HttpLogClient::HttpLogClient(HttpFetcher* fetcher, std::string base_url, FetchOptions options)
    : fetcher_(fetcher), base_url_(std::move(base_url)), options_(std::move(options)) {
  if (base_url_.empty() || base_url_.back() != '/') base_url_.push_back('/');
}

absl::StatusOr<std::string> HttpLogClient::Fetch(const std::string& path) {
  last_retry_after_.reset();
  const std::string url = base_url_ + path;
  FetchOptions options = options_;
  options.max_body_bytes = std::min(options.max_body_bytes, kMaxSmallResponseBytes);
  CAAWATCH_ASSIGN_OR_RETURN(HttpResponse response, fetcher_->Get(url, options));
  last_retry_after_ = response.retry_after;
  return BodyOfOkResponse(url, std::move(response));
}

absl::StatusOr<SignedTreeHead> HttpLogClient::GetSth() {
  CAAWATCH_ASSIGN_OR_RETURN(const std::string body, Fetch("ct/v1/get-sth"));
  return ParseSthJson(body);
}

absl::StatusOr<std::vector<RawEntry>> HttpLogClient::Entries(
    uint64_t start_inclusive, uint64_t end_inclusive, const std::string& url,
    absl::StatusOr<HttpResponse> response) {
  if (!response.ok()) return response.status();
  last_retry_after_ = response->retry_after;
  CAAWATCH_ASSIGN_OR_RETURN(const std::string body, BodyOfOkResponse(url, *std::move(response)));
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<RawEntry> entries,
                            ParseCaught(ParseGetEntriesJson, body, "get-entries"));
  // A log may cap a batch, but zero entries would stall the caller and extra ones would be
  // attributed to the wrong indices: both are the log's fault.
  const uint64_t asked = end_inclusive - start_inclusive + 1;
  if (entries.empty() || entries.size() > asked) {
    return absl::DataLossError(absl::StrCat("get-entries [", start_inclusive, ", ", end_inclusive,
                                            "]: log returned ", entries.size(), " entries"));
  }
  return entries;
}

absl::StatusOr<std::vector<RawEntry>> HttpLogClient::GetEntries(uint64_t start_inclusive,
                                                                uint64_t end_inclusive) {
  std::vector<absl::StatusOr<std::vector<RawEntry>>> one =
      GetEntriesRanges({{start_inclusive, end_inclusive}});
  return std::move(one[0]);
}

std::vector<absl::StatusOr<std::vector<RawEntry>>> HttpLogClient::GetEntriesRanges(
    const std::vector<std::pair<uint64_t, uint64_t>>& ranges) {
  last_retry_after_.reset();
  std::vector<absl::StatusOr<std::vector<RawEntry>>> out(ranges.size(),
                                                         absl::InternalError("not requested"));
  std::vector<std::string> urls;
  std::vector<size_t> requested;  // Index into `ranges` of each url.
  uint64_t most_asked = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const auto [start, end] = ranges[i];
    if (start > end) {
      out[i] =
          absl::InvalidArgumentError(absl::StrCat("get-entries: start ", start, " > end ", end));
      continue;
    }
    urls.push_back(base_url_ + EntriesPath(start, end));
    requested.push_back(i);
    most_asked = std::max(most_asked, end - start + 1);
  }
  if (urls.empty()) return out;
  FetchOptions options = options_;
  // Ranges are batch-sized (at most 2^32 entries): no overflow.
  options.max_body_bytes = static_cast<size_t>(std::min<uint64_t>(
      options.max_body_bytes, most_asked * kMaxBytesPerEntry + kEntriesEnvelopeBytes));
  std::vector<absl::StatusOr<HttpResponse>> responses = fetcher_->GetAll(urls, options);
  for (size_t k = 0; k < urls.size(); ++k) {
    const auto [start, end] = ranges[requested[k]];
    out[requested[k]] = Entries(start, end, urls[k], std::move(responses[k]));
  }
  return out;
}

absl::StatusOr<std::vector<Sha256Hash>> HttpLogClient::GetConsistencyProof(uint64_t first,
                                                                           uint64_t second) {
  if (first == 0 || first > second) {
    return absl::InvalidArgumentError(
        absl::StrCat("get-sth-consistency: need 0 < first <= second, got ", first, ", ", second));
  }
  if (first == second) return std::vector<Sha256Hash>();
  CAAWATCH_ASSIGN_OR_RETURN(
      const std::string body,
      Fetch(absl::StrCat("ct/v1/get-sth-consistency?first=", first, "&second=", second)));
  return ParseCaught(ParseConsistency, body, "get-sth-consistency");
}

}  // namespace caawatch::ctlog

namespace caawatch::ctlog {

absl::StatusOr<InclusionProof> HttpLogClient::GetProofByHash(const Sha256Hash& leaf_hash,
                                                             uint64_t tree_size) {
  const std::string hash = absl::Base64Escape(
      absl::string_view(reinterpret_cast<const char*>(leaf_hash.data()), leaf_hash.size()));
  CAAWATCH_ASSIGN_OR_RETURN(const std::string body,
                            Fetch(absl::StrCat("ct/v1/get-proof-by-hash?hash=", QueryEscape(hash),
                                               "&tree_size=", tree_size)));
  return ParseCaught(ParseInclusion, body, "get-proof-by-hash");
}

}  // namespace caawatch::ctlog
