#include "evidence/caa_files.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "caa/caa_record.h"
#include "caa/dns_message.h"
#include "evidence/canonical_json.h"

namespace caawatch::evidence {
namespace {

constexpr uint16_t kDnsTypeRrsig = 46;

Json RecordJson(const CaaIndexRecord& record) {
  return {
      {"flags", record.flags},
      {"tag", record.tag},
      {"value", Base64(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(record.value.data()),
                                           record.value.size()))}};
}

Json EntryJson(const CaaIndexEntry& entry) {
  Json records = Json::array();
  for (const CaaIndexRecord& record : entry.records) records.push_back(RecordJson(record));
  return {{"name", entry.name},
          {"first_seen_ms", entry.first_seen_ms},
          {"last_seen_ms", entry.last_seen_ms},
          {"outcome", entry.outcome},
          {"rcode", entry.rcode},
          {"dnssec", entry.dnssec},
          {"basis", entry.basis},
          {"records", records},
          {"cname_chain", entry.cname_chain},
          {"answer_file", entry.answer_file.empty() ? Json(nullptr) : Json(entry.answer_file)}};
}

absl::StatusOr<std::string> String(const Json& doc, const char* key) {
  if (!doc[key].is_string()) return absl::DataLossError(absl::StrCat("\"", key, "\" is no string"));
  return doc[key].get<std::string>();
}

absl::StatusOr<int64_t> Integer(const Json& doc, const char* key) {
  if (!doc[key].is_number_integer()) {
    return absl::DataLossError(absl::StrCat("\"", key, "\" is not an integer"));
  }
  return doc[key].get<int64_t>();
}

absl::StatusOr<CaaIndexRecord> ParseRecord(const Json& doc) {
  CAAWATCH_RETURN_IF_ERROR(HasExactly(doc, {"flags", "tag", "value"}));
  CaaIndexRecord record;
  CAAWATCH_ASSIGN_OR_RETURN(const uint64_t flags, Unsigned(doc, "flags"));
  if (flags > 255) return absl::DataLossError("a CAA record's flags are not one octet");
  record.flags = static_cast<uint32_t>(flags);
  CAAWATCH_ASSIGN_OR_RETURN(record.tag, String(doc, "tag"));
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<uint8_t> value,
                            Base64Bytes(doc["value"], "a CAA record's value"));
  record.value.assign(value.begin(), value.end());
  return record;
}

absl::StatusOr<CaaIndexEntry> ParseEntry(const Json& doc) {
  CAAWATCH_RETURN_IF_ERROR(
      HasExactly(doc, {"name", "first_seen_ms", "last_seen_ms", "outcome", "rcode", "dnssec",
                       "basis", "records", "cname_chain", "answer_file"}));
  CaaIndexEntry entry;
  CAAWATCH_ASSIGN_OR_RETURN(entry.name, String(doc, "name"));
  CAAWATCH_ASSIGN_OR_RETURN(entry.first_seen_ms, Integer(doc, "first_seen_ms"));
  CAAWATCH_ASSIGN_OR_RETURN(entry.last_seen_ms, Integer(doc, "last_seen_ms"));
  CAAWATCH_ASSIGN_OR_RETURN(entry.outcome, String(doc, "outcome"));
  CAAWATCH_ASSIGN_OR_RETURN(const int64_t rcode, Integer(doc, "rcode"));
  if (rcode < 0 || rcode > 4095) return absl::DataLossError("\"rcode\" is out of range");
  entry.rcode = static_cast<int32_t>(rcode);
  CAAWATCH_ASSIGN_OR_RETURN(entry.dnssec, String(doc, "dnssec"));
  CAAWATCH_ASSIGN_OR_RETURN(entry.basis, String(doc, "basis"));
  if (!doc["records"].is_array() || !doc["cname_chain"].is_array()) {
    return absl::DataLossError("\"records\" or \"cname_chain\" is not an array");
  }
  for (const Json& record : doc["records"]) {
    CAAWATCH_ASSIGN_OR_RETURN(CaaIndexRecord parsed, ParseRecord(record));
    entry.records.push_back(std::move(parsed));
  }
  for (const Json& name : doc["cname_chain"]) {
    if (!name.is_string()) return absl::DataLossError("a \"cname_chain\" name is no string");
    entry.cname_chain.push_back(name.get<std::string>());
  }
  if (!doc["answer_file"].is_null()) {
    CAAWATCH_ASSIGN_OR_RETURN(entry.answer_file, String(doc, "answer_file"));
    if (entry.answer_file != CaaAnswerFileName(entry.name, entry.first_seen_ms)) {
      return absl::DataLossError(absl::StrCat("the answer of ", entry.name, " seen first at ",
                                              entry.first_seen_ms,
                                              " is not in the file its name "
                                              "gives"));
    }
  }
  return entry;
}

std::vector<std::string> Rendered(absl::Span<const CaaIndexRecord> records) {
  std::vector<std::string> out;
  for (const CaaIndexRecord& record : records) out.push_back(RecordJson(record).dump());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string CaaAnswerFileName(absl::string_view name, int64_t first_seen_ms) {
  std::string safe;
  for (const char c : name) {
    if (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' || c == '-' || c == '_') {
      safe.push_back(c);
    } else {
      absl::StrAppendFormat(&safe, "%%%02X", static_cast<unsigned char>(c));
    }
  }
  return absl::StrCat("caa-", safe, "-", first_seen_ms, ".dns");
}

std::string CaaIndexJson(absl::Span<const CaaIndexEntry> entries) {
  Json list = Json::array();
  for (const CaaIndexEntry& entry : entries) list.push_back(EntryJson(entry));
  return CanonicalJson(Json{{"observations", list}});
}

absl::StatusOr<std::vector<CaaIndexEntry>> ParseCaaIndexJson(absl::string_view text) {
  CAAWATCH_ASSIGN_OR_RETURN(const Json doc, ParseJson(text));
  CAAWATCH_RETURN_IF_ERROR(HasExactly(doc, {"observations"}));
  const Json& list = doc["observations"];
  if (!list.is_array() || list.size() > kMaxCaaObservations) {
    return absl::DataLossError(absl::StrCat("\"observations\" is not an array of at most ",
                                            kMaxCaaObservations, " observations"));
  }
  std::vector<CaaIndexEntry> entries;
  for (const Json& item : list) {
    CAAWATCH_ASSIGN_OR_RETURN(CaaIndexEntry entry, ParseEntry(item));
    entries.push_back(std::move(entry));
  }
  CAAWATCH_RETURN_IF_ERROR(SameAsWritten(text, CaaIndexJson(entries)));
  return entries;
}

absl::StatusOr<DnsAnswerCheck> CheckDnsAnswer(absl::string_view wire, const CaaIndexEntry& entry) {
  if (wire.size() > kMaxDnsAnswerBytes) return absl::DataLossError("larger than a DNS message");
  CAAWATCH_ASSIGN_OR_RETURN(const caa::DnsMessage message, caa::ParseDnsMessage(wire));
  if ((message.flags & 0x8000) == 0) return absl::DataLossError("not a DNS response");
  if (message.questions.size() != 1 || message.questions[0].type != caa::kDnsTypeCaa ||
      message.questions[0].name != absl::AsciiStrToLower(entry.name)) {
    return absl::DataLossError(absl::StrCat("not the answer to a CAA query for ", entry.name));
  }
  if (message.rcode != entry.rcode) {
    return absl::DataLossError(absl::StrCat("its rcode is ", message.rcode, ", ", kCaaIndexFileName,
                                            " says ", entry.rcode));
  }
  // The chain as the answer section holds it, from the question name.
  std::string current = message.questions[0].name;
  std::vector<std::string> chain;
  for (size_t hops = 0; hops < message.answers.size(); ++hops) {
    const auto cname = std::find_if(
        message.answers.begin(), message.answers.end(),
        [&](const auto& rr) { return rr.type == caa::kDnsTypeCname && rr.name == current; });
    if (cname == message.answers.end()) break;
    current = cname->target;
    chain.push_back(current);
  }
  if (chain != entry.cname_chain) {
    return absl::DataLossError(
        absl::StrCat("its CNAME chain is not the one ", kCaaIndexFileName, " gives"));
  }
  DnsAnswerCheck check;
  std::vector<CaaIndexRecord> records;
  for (const caa::DnsResourceRecord& rr : message.answers) {
    if (rr.type == kDnsTypeRrsig) ++check.rrsigs;
    if (rr.type != caa::kDnsTypeCaa || rr.name != current) continue;
    CAAWATCH_ASSIGN_OR_RETURN(
        const caa::CaaRecord record,
        caa::ParseCaaRdata(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(rr.rdata.data()),
                                               rr.rdata.size())));
    records.push_back(CaaIndexRecord{record.flags, record.tag, record.value});
  }
  if (Rendered(records) != Rendered(entry.records)) {
    return absl::DataLossError(absl::StrCat("its CAA RRset (", records.size(),
                                            " records) is not the one ", kCaaIndexFileName,
                                            " gives (", entry.records.size(), ")"));
  }
  return check;
}

}  // namespace caawatch::evidence
