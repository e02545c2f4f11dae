#include "evidence/report_escape.h"

#include "absl/strings/str_format.h"
#include "base/utf8.h"

namespace caawatch::evidence {

std::string PlainTextLine(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (const size_t n = Utf8SequenceLength(s.substr(i)); n > 0) {
        out.append(s.data() + i, n);
        i += n;
        continue;
      }
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else if (c < 0x20 || c == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out.push_back(static_cast<char>(c));
    }
    ++i;
  }
  return out;
}

std::string HtmlText(absl::string_view s) {
  std::string out;
  for (const char c : PlainTextLine(s)) {
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
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace caawatch::evidence
