// The exposition text of /metrics: families, samples, and label values from untrusted text (a
// log list's descriptions and URLs, sink ids, zone names) that can neither break a line nor
// make the text invalid UTF-8.
#include "metrics/exposition.h"

#include <string>

#include "gtest/gtest.h"

namespace caawatch::metrics {
namespace {

TEST(ExpositionTest, WritesFamiliesAndSamplesInTheTextFormat) {
  Exposition out;
  out.Family("caawatch_log_position", MetricType::kGauge, "Entries\nprocessed \\ committed.");
  out.Sample("caawatch_log_position", {{"log", "https://ct.example/a/"}}, 1200);
  out.Family("caawatch_caa_lookups_total", MetricType::kCounter, "Lookups.");
  out.Sample("caawatch_caa_lookups_total", {{"result", "noerror"}, {"dnssec", "off"}}, 3);
  out.Sample("caawatch_caa_lookups_total", 0.25);
  EXPECT_EQ(out.text(),
            "# HELP caawatch_log_position Entries\\nprocessed \\\\ committed.\n"
            "# TYPE caawatch_log_position gauge\n"
            "caawatch_log_position{log=\"https://ct.example/a/\"} 1200\n"
            "# HELP caawatch_caa_lookups_total Lookups.\n"
            "# TYPE caawatch_caa_lookups_total counter\n"
            "caawatch_caa_lookups_total{result=\"noerror\",dnssec=\"off\"} 3\n"
            "caawatch_caa_lookups_total 0.25\n");
}

TEST(ExpositionTest, LargeCountsAreWrittenWholeAndSpecialValuesAsTheFormatSpellsThem) {
  Exposition out;
  out.Sample("a", 4000000000.0);
  out.Sample("b", 1.0 / 0.0);
  out.Sample("c", 0.0 / 0.0);
  EXPECT_EQ(out.text(), "a 4000000000\nb +Inf\nc NaN\n");
}

TEST(ExpositionTest, HostileLabelValuesAreEscapedReplacedAndCut) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(EscapeLabelValue(std::string("x\x1b[2Jy\0z", 8)), "x\xEF\xBF\xBD[2Jy\xEF\xBF\xBDz");
  EXPECT_EQ(EscapeLabelValue("bad \xff\xfe utf-8, good \xc3\xa9"),
            "bad \xEF\xBF\xBD\xEF\xBF\xBD utf-8, good \xc3\xa9");
  const std::string cut = EscapeLabelValue(std::string(10000, 'a'));
  EXPECT_EQ(cut, std::string(kMaxLabelValueBytes, 'a'));
}

}  // namespace
}  // namespace caawatch::metrics
