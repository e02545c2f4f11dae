#include "monitor/witness_config.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"

namespace caawatch::monitor {
namespace {

using Json = nlohmann::json;

absl::Status Bad(size_t i, absl::string_view key, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("witnesses[", i, "].", key, ": ", why));
}

absl::Status ReadString(const Json& v, size_t i, absl::string_view key, std::string* out) {
  if (!v.is_string()) return Bad(i, key, "want a string");
  const std::string& s = v.get_ref<const std::string&>();
  if (s.find('\0') != std::string::npos) return Bad(i, key, "holds a NUL byte");
  *out = s;
  return absl::OkStatus();
}

std::string WithoutSlash(absl::string_view url) { return std::string(absl::StripSuffix(url, "/")); }

}  // namespace

absl::Status ReadWitnesses(const Json& value, std::vector<ctlog::Witness>* out) {
  if (!value.is_array()) return absl::InvalidArgumentError("want an array of witness objects");
  if (value.size() > kMaxWitnesses) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxWitnesses, " witnesses"));
  }
  std::vector<ctlog::Witness> witnesses;
  std::set<std::string> names, keys;
  for (size_t i = 0; i < value.size(); ++i) {
    const Json& entry = value[i];
    if (!entry.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat("witnesses[", i, "]: want an object"));
    }
    ctlog::Witness w;
    for (const auto& [key, v] : entry.items()) {
      if (key == "vkey") {
        CAAWATCH_RETURN_IF_ERROR(ReadString(v, i, key, &w.vkey));
      } else if (key == "url") {
        CAAWATCH_RETURN_IF_ERROR(ReadString(v, i, key, &w.monitoring_url));
        if (!absl::StartsWith(w.monitoring_url, "https://") &&
            !absl::StartsWith(w.monitoring_url, "http://")) {
          return Bad(i, key, absl::StrCat("not an http(s) URL: ", QuoteInput(w.monitoring_url)));
        }
        if (!absl::EndsWith(w.monitoring_url, "/")) w.monitoring_url += '/';
      } else {
        return Bad(i, key, "unknown key (want vkey, url)");
      }
    }
    if (w.vkey.empty()) return Bad(i, "vkey", "missing");
    absl::StatusOr<ctlog::Cosigner> cosigner = ctlog::ParseCosignerVkey(w.vkey);
    if (!cosigner.ok()) return Bad(i, "vkey", cosigner.status().message());
    w.cosigner = *std::move(cosigner);
    const std::string key(w.cosigner.public_key.begin(), w.cosigner.public_key.end());
    if (!names.insert(w.cosigner.name).second || !keys.insert(key).second) {
      return Bad(
          i, "vkey",
          absl::StrCat("witness ", QuoteInput(w.cosigner.name), " (or its key) is listed twice"));
    }
    witnesses.push_back(std::move(w));
  }
  *out = std::move(witnesses);
  return absl::OkStatus();
}

absl::Status ReadWitnessQuorum(const Json& value, std::map<std::string, uint32_t>* out) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError(
        "want an object from a log (URL, description or origin) to a number of witnesses");
  }
  std::map<std::string, uint32_t> quorum;
  for (const auto& [log, v] : value.items()) {
    if (log.empty() || log.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("not a log: ", QuoteInput(log)));
    }
    if (!v.is_number_unsigned() || v.get<uint64_t>() == 0 || v.get<uint64_t>() > kMaxWitnesses) {
      return absl::InvalidArgumentError(
          absl::StrCat(QuoteInput(log), ": want a number of witnesses from 1 to ", kMaxWitnesses));
    }
    quorum[log] = static_cast<uint32_t>(v.get<uint64_t>());
  }
  *out = std::move(quorum);
  return absl::OkStatus();
}

absl::Status CheckWitnessQuorum(const std::vector<ctlog::Witness>& witnesses,
                                const std::map<std::string, uint32_t>& quorum) {
  for (const auto& [log, n] : quorum) {
    if (n > witnesses.size()) {
      return absl::InvalidArgumentError(absl::StrCat("witness_quorum: ", QuoteInput(log), " needs ",
                                                     n, " witnesses, and ", witnesses.size(),
                                                     " are configured (`witnesses`)"));
    }
  }
  return absl::OkStatus();
}

ctlog::WitnessPolicy WitnessPolicyFor(const std::vector<ctlog::Witness>& witnesses,
                                      const std::map<std::string, uint32_t>& quorum,
                                      const ctlog::LogInfo& log) {
  ctlog::WitnessPolicy policy;
  policy.witnesses = witnesses;
  const std::string origin =
      log.submission_url.empty() ? std::string() : ctlog::CheckpointOrigin(log.submission_url);
  for (const auto& [name, n] : quorum) {
    if (WithoutSlash(name) == WithoutSlash(log.url) || name == log.description ||
        (!origin.empty() && name == origin)) {
      policy.quorum = n;
    }
  }
  return policy;
}

std::string DropUnmeetableQuorum(const ctlog::LogInfo& log, ctlog::WitnessPolicy* policy) {
  if (policy->quorum == 0 || log.kind != ctlog::LogKind::kRfc6962) return "";
  const uint32_t dropped = policy->quorum;
  policy->quorum = 0;
  return absl::StrCat("witness_quorum ", dropped, " for ", log.url,
                      " ignored: it is an RFC 6962 log, whose tree heads (STHs) carry no witness "
                      "cosignatures, so none of its heads could ever count; it is read without a "
                      "quorum (a witness quorum needs a tiled log's checkpoints)");
}

}  // namespace caawatch::monitor
