#include "notify/iodef_document.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/hex.h"

namespace caawatch::notify {
namespace {

constexpr size_t kMaxTextBytes = 2048;  // Of one untrusted value in the document.

std::string Xml(absl::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxTextBytes)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    }
  }
  return out;
}

std::string Hex(const std::string& bytes) {
  return HexEncode(
      absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

void Additional(std::string* doc, absl::string_view meaning, absl::string_view value) {
  absl::StrAppend(doc, "    <AdditionalData dtype=\"string\" meaning=\"", meaning, "\">",
                  Xml(value), "</AdditionalData>\n");
}

}  // namespace

std::string BuildIodefDocument(const Notification& n, const IodefReporter& reporter,
                               absl::Time generated) {
  const store::FindingRecord& f = n.finding;
  const std::string issuer =
      f.issuer().ca_owner().empty() ? f.issuer().dn() : f.issuer().ca_owner();
  std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<IODEF-Document version=\"2.00\" xml:lang=\"en\" "
      "xmlns=\"urn:ietf:params:xml:ns:iodef-2.0\">\n"
      "  <Incident purpose=\"reporting\" restriction=\"default\">\n";
  absl::StrAppend(&doc, "    <IncidentID name=\"", Xml(reporter.host), "\">caawatch-", f.seq(),
                  "</IncidentID>\n");
  if (f.recorded_ms() != 0) {
    absl::StrAppend(&doc, "    <DetectTime>", FormatRfc3339(absl::FromUnixMillis(f.recorded_ms())),
                    "</DetectTime>\n");
  }
  absl::StrAppend(&doc, "    <GenerationTime>", FormatRfc3339(generated), "</GenerationTime>\n");
  absl::StrAppend(&doc, "    <Description>Certificate issued by ", Xml(issuer), " for ",
                  Xml(absl::StrJoin(f.names(), ", ")),
                  " although the CAA records in force forbade it (RFC 8659): ", Xml(f.reason()),
                  "</Description>\n");
  doc +=
      "    <Contact type=\"organization\" role=\"creator\">\n"
      "      <ContactName>caawatch, a Certificate Transparency monitor</ContactName>\n";
  if (!reporter.email.empty()) {
    absl::StrAppend(&doc, "      <Email><EmailTo>", Xml(reporter.email), "</EmailTo></Email>\n");
  }
  doc += "    </Contact>\n";
  if (!f.cert_sha256().empty()) Additional(&doc, "certificate-sha256", Hex(f.cert_sha256()));
  if (!f.precert_sha256().empty()) {
    Additional(&doc, "precertificate-sha256", Hex(f.precert_sha256()));
  }
  for (const std::string& name : f.names()) Additional(&doc, "dns-name", name);
  for (const store::EntryRef& e : f.entries()) {
    Additional(&doc, "ct-log-entry",
               absl::StrCat(e.log_url(), " index ", e.index(),
                            e.precert() ? " precertificate" : " certificate"));
  }
  for (const store::CaaNameRecord& name : f.caa()) {
    for (const store::CaaRecordPb& r : name.records()) {
      Additional(&doc, "caa-record",
                 absl::StrCat(name.relevant_name(), " CAA ", r.flags(), " ", r.tag(), " \"",
                              r.value(), "\""));
    }
  }
  doc += "  </Incident>\n</IODEF-Document>\n";
  return doc;
}

}  // namespace caawatch::notify
