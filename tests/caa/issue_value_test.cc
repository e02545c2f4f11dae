#include "caa/issue_value.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace caawatch::caa {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// RFC 8659 §4.2 grammar (caa-rules.md §2.3) and Boulder's
// TestExtractIssuerDomainAndParameters rows, minus Boulder's stricter tag rule.
TEST(ParseIssueValueTest, AcceptsEveryFormTheAbnfAllows) {
  struct Case {
    const char* name;
    std::string value;
    std::string issuer;
    Params params;
  };
  const std::vector<Case> kCases = {
      {"plain issuer", "letsencrypt.org", "letsencrypt.org", {}},
      {"issuer lowercased", "LetsEncrypt.ORG", "letsencrypt.org", {}},
      {"empty value authorises nobody", "", "", {}},
      {"lone semicolon", ";", "", {}},
      {"semicolon in whitespace", " ; ", "", {}},
      {"whitespace only", " \t ", "", {}},
      {"trailing semicolon without parameters", "letsencrypt.org;", "letsencrypt.org", {}},
      {"trailing semicolon then space", "letsencrypt.org; ", "letsencrypt.org", {}},
      {"spaces and tabs around issuer", " \t letsencrypt.org \t ", "letsencrypt.org", {}},
      {"one parameter", "ca.example; a=b", "ca.example", {{"a", "b"}}},
      {"Boulder present-with-parameter",
       "  letsencrypt.org  ;foo=bar;baz=bar",
       "letsencrypt.org",
       {{"foo", "bar"}, {"baz", "bar"}}},
      {"WSP around '=' and ';'",
       "ca.example ;\ta = b ;\tc\t=d \t",
       "ca.example",
       {{"a", "b"}, {"c", "d"}}},
      {"empty parameter value", "ca.example; foo=", "ca.example", {{"foo", ""}}},
      {"'=' inside a value", "ca.example; a=b=c", "ca.example", {{"a", "b=c"}}},
      {"',' inside a value",
       "letsencrypt.org; validationmethods=http-01,dns-01",
       "letsencrypt.org",
       {{"validationmethods", "http-01,dns-01"}}},
      {"hyphenated parameter tag (Boulder rejects)",
       "ca.example; my-param=1",
       "ca.example",
       {{"my-param", "1"}}},
      {"parameters without issuer", "; a=b", "", {{"a", "b"}}},
      {"accounturi with URI characters",
       "letsencrypt.org; accounturi=https://x.example/acct/1",
       "letsencrypt.org",
       {{"accounturi", "https://x.example/acct/1"}}},
      {"digits-only and hyphenated labels", "1.a--b.example", "1.a--b.example", {}},
      {"parameter tag keeps its case",
       "ca.example; AccountURI=x:y",
       "ca.example",
       {{"AccountURI", "x:y"}}},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<IssueValue> v = ParseIssueValue(c.value);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(v->issuer_domain, c.issuer);
    EXPECT_EQ(v->parameters, c.params);
  }
}

TEST(ParseIssueValueTest, RejectsEveryFormTheAbnfForbids) {
  struct Case {
    const char* name;
    std::string value;
  };
  const std::vector<Case> kCases = {
      {"RFC 8659 example %%%%%", "%%%%%"},
      {"separator after the last parameter", "ca.example; a=b;"},
      {"separator after the last parameter and space", "ca.example; a=b; "},
      {"parameter without '='", "ca.example; a"},
      {"space inside a value (Boulder present-with-invalid-value)", "letsencrypt.org; ab=1 2 3"},
      {"underscore in tag (Boulder present-with-invalid-tag)", "letsencrypt.org; a_b=123"},
      {"missing ';' between parameters", "ca.example; a=b c=d"},
      {"non-ASCII in value", "ca.example; a=\xc3\xa9"},
      {"control character in value", "ca.example; a=b\x01"},
      {"trailing dot on issuer", "ca.example."},
      {"underscore in issuer", "ca_example.org"},
      {"leading hyphen in label", "-ca.example"},
      {"trailing hyphen in label", "ca-.example"},
      {"empty label", "ca..example"},
      {"U-label issuer", "\xc3\xa9xample.org"},
      {"script tag (caatestsuite xss)", "<script>alert(1)</script>"},
      {"two issuers", "ca.example other.example"},
      {"double semicolon", "ca.example;;"},
      {"parameter tag with trailing hyphen", "ca.example; a-=b"},
      {"quote characters from presentation format", "\"ca.example\""},
      // The ABNF has no lengths, but an issuer-domain-name is a DNS name (RFC 8659 §4.2).
      {"issuer label over 63 octets", std::string(64, 'a') + ".example"},
      {"issuer over 253 octets", std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                                     std::string(63, 'c') + "." + std::string(63, 'd') +
                                     ".example"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ParseIssueValue(c.value).status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace caawatch::caa
