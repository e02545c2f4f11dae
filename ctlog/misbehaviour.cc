#include "ctlog/misbehaviour.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace caawatch::ctlog {
namespace {

using Json = nlohmann::json;

constexpr char kPayloadUrl[] = "type.caawatch.dev/ctlog.Misbehaviour";
constexpr MisbehaviourKind kKinds[] = {
    MisbehaviourKind::kBadSignature,  MisbehaviourKind::kRootMismatch,
    MisbehaviourKind::kInconsistent,  MisbehaviourKind::kFork,
    MisbehaviourKind::kShrank,        MisbehaviourKind::kStale,
    MisbehaviourKind::kBadCosignature};

std::string B64(absl::Span<const uint8_t> bytes) {
  return absl::Base64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool Unb64(const Json& j, std::vector<uint8_t>* out) {
  std::string raw;
  if (!j.is_string() || !absl::Base64Unescape(j.get<std::string>(), &raw)) return false;
  out->assign(raw.begin(), raw.end());
  return true;
}

bool UnHash(const Json& j, Sha256Hash* out) {
  std::vector<uint8_t> raw;
  if (!Unb64(j, &raw) || raw.size() != out->size()) return false;
  std::copy(raw.begin(), raw.end(), out->begin());
  return true;
}

Json HeadJson(const SignedTreeHead& h) {
  return Json{{"tree_size", h.tree_size},
              {"timestamp", h.timestamp_ms},
              {"sha256_root_hash", B64(h.root_hash)},
              {"tree_head_signature", B64(h.signature)}};
}

bool HeadFromJson(const Json& j, SignedTreeHead* h) {
  if (!j.is_object() || !j.contains("tree_size") || !j["tree_size"].is_number_unsigned() ||
      !j.contains("timestamp") || !j["timestamp"].is_number_unsigned()) {
    return false;
  }
  h->tree_size = j["tree_size"].get<uint64_t>();
  h->timestamp_ms = j["timestamp"].get<uint64_t>();
  return UnHash(j.value("sha256_root_hash", Json()), &h->root_hash) &&
         Unb64(j.value("tree_head_signature", Json()), &h->signature);
}

Json ToJson(const Misbehaviour& m) {
  Json j = {
      {"kind", MisbehaviourKindName(m.kind)}, {"message", m.message}, {"head", HeadJson(m.head)}};
  if (m.against) j["against"] = HeadJson(*m.against);
  if (!m.proof.empty()) {
    Json proof = Json::array();
    for (const Sha256Hash& h : m.proof) proof.push_back(B64(h));
    j["consistency"] = std::move(proof);
  }
  if (m.computed_root) j["computed_root"] = B64(*m.computed_root);
  if (!m.checkpoint_note.empty()) j["checkpoint"] = m.checkpoint_note;
  if (!m.witness.empty()) j["witness"] = m.witness;
  return j;
}

// Only ever parses what ToJson wrote in this process; nothing from the network.
std::optional<Misbehaviour> FromJson(const Json& j) {
  Misbehaviour m;
  const std::string kind = j.value("kind", "");
  const auto* found = std::find_if(std::begin(kKinds), std::end(kKinds), [&](MisbehaviourKind k) {
    return kind == MisbehaviourKindName(k);
  });
  if (found == std::end(kKinds)) return std::nullopt;
  m.kind = *found;
  m.message = j.value("message", "");
  if (!HeadFromJson(j.value("head", Json()), &m.head)) return std::nullopt;
  if (j.contains("against")) {
    m.against.emplace();
    if (!HeadFromJson(j["against"], &*m.against)) return std::nullopt;
  }
  for (const Json& node : j.value("consistency", Json::array())) {
    Sha256Hash h;
    if (!UnHash(node, &h)) return std::nullopt;
    m.proof.push_back(h);
  }
  if (j.contains("computed_root")) {
    m.computed_root.emplace();
    if (!UnHash(j["computed_root"], &*m.computed_root)) return std::nullopt;
  }
  m.checkpoint_note = j.value("checkpoint", "");
  m.witness = j.value("witness", "");
  return m;
}

}  // namespace

const char* MisbehaviourKindName(MisbehaviourKind kind) {
  switch (kind) {
    case MisbehaviourKind::kBadSignature:
      return "bad_signature";
    case MisbehaviourKind::kRootMismatch:
      return "root_mismatch";
    case MisbehaviourKind::kInconsistent:
      return "inconsistent";
    case MisbehaviourKind::kFork:
      return "fork";
    case MisbehaviourKind::kShrank:
      return "shrank";
    case MisbehaviourKind::kStale:
      return "stale";
    case MisbehaviourKind::kBadCosignature:
      return "bad_cosignature";
  }
  return "unknown";
}

absl::Status MisbehaviourError(const Misbehaviour& m) {
  absl::Status status = absl::DataLossError(m.message);
  status.SetPayload(kPayloadUrl, absl::Cord(ToJson(m).dump()));
  return status;
}

std::optional<Misbehaviour> MisbehaviourOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kPayloadUrl);  // absl::optional in Debian's abseil.
  if (!payload) return std::nullopt;
  try {
    return FromJson(Json::parse(std::string(*payload)));
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

std::string MisbehaviourJson(const Misbehaviour& m) { return ToJson(m).dump(); }

std::string MisbehaviourDedupeKey(const Misbehaviour& m) {
  auto head = [&](const SignedTreeHead& h) {
    std::string key = absl::StrCat(h.tree_size, ":", B64(h.root_hash));
    if (m.kind == MisbehaviourKind::kShrank || m.kind == MisbehaviourKind::kStale) {
      absl::StrAppend(&key, "@", h.timestamp_ms);
    }
    if (m.kind == MisbehaviourKind::kBadSignature) absl::StrAppend(&key, "/", B64(h.signature));
    return key;
  };
  std::string key = absl::StrCat(MisbehaviourKindName(m.kind), "|", head(m.head));
  if (m.against) absl::StrAppend(&key, "|", head(*m.against));
  if (m.computed_root) absl::StrAppend(&key, "|", B64(*m.computed_root));
  // One event per witness: two witnesses' forged cosignatures, or two witnesses shown the other
  // tree, are two findings.
  if (!m.witness.empty()) absl::StrAppend(&key, "|witness ", m.witness);
  return key;
}

}  // namespace caawatch::ctlog
