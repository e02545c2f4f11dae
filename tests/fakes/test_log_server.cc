#include "tests/fakes/test_log_server.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"

namespace caawatch::fakes {
namespace {

using Json = nlohmann::json;

HttpReply JsonReply(const Json& json) {
  HttpReply reply;
  reply.body = json.dump();
  return reply;
}

HttpReply ErrorReply(int status, const std::string& message) {
  HttpReply reply;
  reply.status = status;
  reply.content_type = "text/plain";
  reply.body = message;
  return reply;
}

bool QueryUint(const HttpRequest& request, const std::string& key, uint64_t* out) {
  auto it = request.query.find(key);
  return it != request.query.end() && absl::SimpleAtoi(it->second, out);
}

// %XX escapes decoded (the query holds them as sent); a malformed escape is kept as is.
std::string PercentDecoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    int value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        absl::SimpleHexAtoi(text.substr(i + 1, 2), &value)) {
      out.push_back(static_cast<char>(value));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Json SthJson(const ctlog::SignedTreeHead& sth) {
  return Json{{"tree_size", sth.tree_size},
              {"timestamp", sth.timestamp_ms},
              {"sha256_root_hash", Base64Encode(sth.root_hash)},
              {"tree_head_signature", Base64Encode(sth.signature)}};
}

}  // namespace

std::string EntryJson(const ctlog::RawEntry& e) {
  return absl::StrCat(R"({"leaf_input":")", Base64Encode(e.leaf_input), R"(","extra_data":")",
                      Base64Encode(e.extra_data), R"("})");
}

std::string Base64Encode(absl::Span<const uint8_t> data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                                static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

absl::StatusOr<std::unique_ptr<TestLogServer>> TestLogServer::Start(TestLog* log,
                                                                    TestLogServerOptions options) {
  std::unique_ptr<TestLogServer> server(new TestLogServer(log, options));
  TestLogServer* self = server.get();
  absl::StatusOr<std::unique_ptr<HttpServer>> http = HttpServer::Start(
      [self](const HttpRequest& request) { return self->Handle(request); }, options.port);
  if (!http.ok()) return http.status();
  server->http_ = std::move(*http);
  return server;
}

TestLogServer::TestLogServer(TestLog* log, TestLogServerOptions options)
    : log_(log), fault_delay_(options.fault_delay), batch_cap_(options.batch_cap) {}

TestLogServer::~TestLogServer() { http_.reset(); }

std::string TestLogServer::url() const { return absl::StrCat("http://127.0.0.1:", port(), "/"); }

void TestLogServer::InjectFault(Fault fault, int count) {
  absl::MutexLock lock(&mu_);
  fault_ = fault;
  fault_count_ = count;
}

void TestLogServer::SetMisbehaviour(Misbehaviour misbehaviour) {
  absl::MutexLock lock(&mu_);
  misbehaviour_ = misbehaviour;
}

void TestLogServer::SetBatchCap(uint64_t batch_cap) {
  absl::MutexLock lock(&mu_);
  batch_cap_ = batch_cap;
}

void TestLogServer::ServeSth(std::optional<ctlog::SignedTreeHead> sth) {
  absl::MutexLock lock(&mu_);
  served_sth_ = std::move(sth);
}

void TestLogServer::ForgeEntry(std::optional<std::pair<uint64_t, ctlog::RawEntry>> forged) {
  absl::MutexLock lock(&mu_);
  if (!forged) {
    forged_.reset();
    return;
  }
  forged_.emplace(forged->first, EntryJson(forged->second));
}

uint64_t TestLogServer::requests_served() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

HttpReply TestLogServer::Handle(const HttpRequest& request) {
  std::optional<Fault> fault;
  {
    absl::MutexLock lock(&mu_);
    ++requests_;
    if (fault_count_ > 0) {
      --fault_count_;
      fault = fault_;
    }
  }
  if (fault == Fault::kTooManyRequests) {
    HttpReply reply = ErrorReply(429, "rate limited");
    reply.headers.emplace_back("Retry-After", "1");
    return reply;
  }
  if (fault == Fault::kServerError) return ErrorReply(500, "injected server error");
  HttpReply reply = Route(request);
  if (fault == Fault::kTruncatedBody) reply.body.resize(reply.body.size() / 2);
  if (fault == Fault::kDelay) reply.delay = fault_delay_;
  return reply;
}

HttpReply TestLogServer::Route(const HttpRequest& request) {
  if (request.method != "GET") return ErrorReply(405, "GET only");
  if (request.path == "/ct/v1/get-sth") return GetSth();
  if (request.path == "/ct/v1/get-entries") return GetEntries(request);
  if (request.path == "/ct/v1/get-sth-consistency") return GetConsistency(request);
  if (request.path == "/ct/v1/get-proof-by-hash") return GetProofByHash(request);
  if (request.path == "/ct/v1/get-roots") return GetRoots();
  return ErrorReply(404, "not found");
}

HttpReply TestLogServer::GetSth() {
  Misbehaviour misbehaviour;
  {
    absl::MutexLock lock(&mu_);
    if (served_sth_) return JsonReply(SthJson(*served_sth_));
    misbehaviour = misbehaviour_;
  }
  ctlog::SignedTreeHead sth = log_->LatestSth();
  if (misbehaviour == Misbehaviour::kWrongRootSth) {
    ctlog::Sha256Hash wrong = sth.root_hash;
    wrong[0] ^= 0xff;
    absl::StatusOr<ctlog::SignedTreeHead> forged =
        log_->SignTreeHead(sth.tree_size, sth.timestamp_ms, wrong);
    if (!forged.ok()) return ErrorReply(500, std::string(forged.status().message()));
    sth = *std::move(forged);
  }
  if (misbehaviour == Misbehaviour::kBadSignatureSth) sth.signature.back() ^= 0x01;
  return JsonReply(SthJson(sth));
}

void TestLogServer::PrepareEntries() {
  absl::MutexLock lock(&cache_mu_);
  EncodeEntriesUpTo(log_->published_size()).IgnoreError();  // Only fails past the size.
}

absl::Status TestLogServer::EncodeEntriesUpTo(uint64_t end) {
  const uint64_t start = entry_json_.size();
  if (end <= start) return absl::OkStatus();
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ctlog::RawEntry> entries,
                            log_->GetEntries(start, end - 1, end - start));
  for (const ctlog::RawEntry& e : entries) entry_json_.push_back(EntryJson(e));
  return absl::OkStatus();
}

// Built from the cached per-entry JSON: a benchmark must measure the client, not this server.
HttpReply TestLogServer::GetEntries(const HttpRequest& request) {
  uint64_t start = 0, end = 0;
  if (!QueryUint(request, "start", &start) || !QueryUint(request, "end", &end)) {
    return ErrorReply(400, "need start and end");
  }
  uint64_t cap;
  std::optional<std::pair<uint64_t, std::string>> forged;
  {
    absl::MutexLock lock(&mu_);
    cap = batch_cap_;
    forged = forged_;
  }
  const uint64_t size = log_->published_size();
  if (start > end || start >= size) {
    return ErrorReply(
        400, absl::StrCat("get-entries [", start, ", ", end, "] outside tree of size ", size));
  }
  const uint64_t last = std::min({end, size - 1, start + cap - 1});
  HttpReply reply;
  absl::MutexLock lock(&cache_mu_);
  if (absl::Status s = EncodeEntriesUpTo(last + 1); !s.ok()) {
    return ErrorReply(400, std::string(s.message()));
  }
  size_t bytes = 16;
  for (uint64_t i = start; i <= last; ++i) bytes += entry_json_[i].size() + 1;
  reply.body.reserve(bytes);
  reply.body = R"({"entries":[)";
  for (uint64_t i = start; i <= last; ++i) {
    if (i != start) reply.body.push_back(',');
    reply.body += forged && forged->first == i ? forged->second : entry_json_[i];
  }
  reply.body += "]}";
  return reply;
}

HttpReply TestLogServer::GetConsistency(const HttpRequest& request) {
  uint64_t first = 0, second = 0;
  if (!QueryUint(request, "first", &first) || !QueryUint(request, "second", &second)) {
    return ErrorReply(400, "need first and second");
  }
  absl::StatusOr<std::vector<ctlog::Sha256Hash>> proof = log_->ConsistencyProof(first, second);
  if (!proof.ok()) return ErrorReply(400, std::string(proof.status().message()));
  Json nodes = Json::array();
  for (const ctlog::Sha256Hash& node : *proof) nodes.push_back(Base64Encode(node));
  return JsonReply(Json{{"consistency", std::move(nodes)}});
}

HttpReply TestLogServer::GetProofByHash(const HttpRequest& request) {
  uint64_t tree_size = 0;
  const auto hash = request.query.find("hash");
  if (hash == request.query.end() || !QueryUint(request, "tree_size", &tree_size)) {
    return ErrorReply(400, "need hash and tree_size");
  }
  std::string leaf_hash;
  if (!absl::Base64Unescape(PercentDecoded(hash->second), &leaf_hash) || leaf_hash.size() != 32) {
    return ErrorReply(400, "hash is not 32 base64 bytes");
  }
  ctlog::Sha256Hash leaf;
  std::copy(leaf_hash.begin(), leaf_hash.end(), leaf.begin());
  absl::StatusOr<ctlog::InclusionProof> proof = log_->InclusionProofByHash(leaf, tree_size);
  if (!proof.ok()) {
    // RFC 6962 logs answer 400 for a hash they do not hold at that size.
    return ErrorReply(400, std::string(proof.status().message()));
  }
  Json path = Json::array();
  for (const ctlog::Sha256Hash& node : proof->audit_path) path.push_back(Base64Encode(node));
  return JsonReply(Json{{"leaf_index", proof->leaf_index}, {"audit_path", std::move(path)}});
}

HttpReply TestLogServer::GetRoots() {
  Json certs = Json::array();
  for (const Der& root : log_->roots()) certs.push_back(Base64Encode(root));
  return JsonReply(Json{{"certificates", std::move(certs)}});
}

std::string TestLogServer::LogListJson() const {
  const std::string now =
      FormatRfc3339(absl::FromUnixSeconds(absl::ToUnixSeconds(log_->clock()->Now())));
  Json log = {{"description", "caawatch test log"},
              {"log_id", Base64Encode(log_->log_id())},
              {"key", Base64Encode(log_->public_key_der())},
              {"url", url()},
              {"mmd", 86400},
              {"state", {{"usable", {{"timestamp", now}}}}}};
  Json list = {{"version", "1.0"},
               {"log_list_timestamp", now},
               {"operators", Json::array({{{"name", "caawatch test operator"},
                                           {"email", Json::array({"ct@caawatch.test"})},
                                           {"logs", Json::array({log})},
                                           {"tiled_logs", Json::array()}}})}};
  return list.dump(2);
}

absl::Status TestLogServer::WriteLogList(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << LogListJson();
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write log list to ", path));
  return absl::OkStatus();
}

}  // namespace caawatch::fakes
