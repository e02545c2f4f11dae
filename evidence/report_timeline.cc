#include "evidence/report_timeline.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "evidence/report_escape.h"
#include "evidence/report_wording.h"

namespace caawatch::evidence {
namespace {

constexpr double kWidth = 900;
constexpr double kLeft = 20;
constexpr double kRight = 880;
constexpr double kBandHeight = 34;
constexpr double kTop = 66;  // Below the verdict line and the window labels.
constexpr const char* kStateColours[] = {"#4e79a7", "#59a14f", "#b07aa1", "#9c755f",
                                         "#76b7b2", "#edc948", "#ff9da7", "#bab0ac"};

// Maps times in [lo, hi] to x in [kLeft, kRight]; times outside are clamped.
struct Axis {
  int64_t lo;
  int64_t hi;
  double X(int64_t ms) const {
    const int64_t t = std::clamp(ms, lo, hi);
    return kLeft + (kRight - kLeft) * static_cast<double>(t - lo) / static_cast<double>(hi - lo);
  }
};

Axis AxisFor(const ReportName& name, const std::vector<ReportLogEntry>& entries) {
  int64_t lo = name.wide_window_start_ms != 0 ? name.wide_window_start_ms : name.window_start_ms;
  int64_t hi = name.window_end_ms;
  for (const ReportLogEntry& e : entries) hi = std::max(hi, e.timestamp_ms);
  if (hi <= lo) hi = lo + 3'600'000;
  const int64_t pad = (hi - lo) / 12 + 60'000;
  return {lo - pad, hi + pad};
}

// One band per distinct answer: the query name, what it answered and its records.
std::string StateLabel(const ReportObservation& o) {
  std::string answer = o.records.empty() ? absl::StrCat("(", o.outcome, ", no CAA)")
                                         : absl::StrJoin(o.records, " | ");
  return absl::StrCat(o.query_name, ": ", answer, " [DNSSEC ", o.dnssec, "]");
}

std::string F(double v) { return absl::StrFormat("%.1f", v); }

}  // namespace

std::string TimelineSvg(const ReportName& name, const std::vector<ReportLogEntry>& entries) {
  const Axis axis = AxisFor(name, entries);
  std::map<std::string, std::vector<const ReportObservation*>> bands;
  std::vector<std::string> order;
  for (const ReportObservation& o : name.observations) {
    const std::string label = StateLabel(o);
    if (!bands.contains(label)) order.push_back(label);
    bands[label].push_back(&o);
  }
  const double plot_bottom = kTop + kBandHeight * std::max<size_t>(order.size(), 1);
  const double height = plot_bottom + 40;
  std::string svg = absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"", F(kWidth),
      "\" height=\"", F(height), "\" viewBox=\"0 0 ", F(kWidth), " ", F(height),
      "\" role=\"img\" aria-label=\"CAA timeline of ", HtmlText(name.name), "\">\n");
  absl::StrAppend(&svg, "<text class=\"verdict verdict-", HtmlText(name.verdict), "\" x=\"",
                  F(kLeft), "\" y=\"16\">", HtmlText(name.name), ": ", HtmlText(name.verdict),
                  "</text>\n");
  // The windows behind everything: wide, then narrow over it.
  const auto window = [&](const char* cls, int64_t start, const char* label, double label_y) {
    const double x0 = axis.X(start);
    const double x1 = axis.X(name.window_end_ms);
    absl::StrAppend(&svg, "<rect class=\"", cls, "\" x=\"", F(x0), "\" y=\"", F(kTop - 14),
                    "\" width=\"", F(std::max(1.0, x1 - x0)), "\" height=\"",
                    F(plot_bottom - kTop + 14), "\"><title>", label, ": ", ReportTime(start),
                    " to ", ReportTime(name.window_end_ms), "</title></rect>\n");
    absl::StrAppend(&svg, "<text class=\"window-label\" x=\"", F(x0 + 2), "\" y=\"", F(label_y),
                    "\">", label, "</text>\n");
  };
  if (name.wide_window_start_ms != 0) {
    window("window-wide", name.wide_window_start_ms, "wide window", kTop - 32);
  }
  window("window-narrow", name.window_start_ms, "narrow window", kTop - 18);
  for (size_t i = 0; i < order.size(); ++i) {
    const double y = kTop + kBandHeight * static_cast<double>(i);
    // A faint lane shows the band where the state was not observed.
    absl::StrAppend(&svg, "<g class=\"caa-state\" data-state=\"", i,
                    "\">\n<rect class=\"lane\" x=\"", F(kLeft), "\" y=\"", F(y + 15), "\" width=\"",
                    F(kRight - kLeft), "\" height=\"14\"/>\n<text x=\"", F(kLeft), "\" y=\"",
                    F(y + 11), "\">", HtmlText(order[i]), "</text>\n");
    for (const ReportObservation* o : bands[order[i]]) {
      const double x0 = axis.X(o->first_seen_ms);
      const double x1 = axis.X(o->last_seen_ms);
      absl::StrAppend(&svg, "<rect class=\"observed\" x=\"", F(x0), "\" y=\"", F(y + 15),
                      "\" width=\"", F(std::max(4.0, x1 - x0)), "\" height=\"14\" fill=\"",
                      kStateColours[i % std::size(kStateColours)], "\"><title>observed ",
                      ReportTime(o->first_seen_ms), " to ", ReportTime(o->last_seen_ms),
                      "</title></rect>\n");
    }
    absl::StrAppend(&svg, "</g>\n");
  }
  for (const ReportLogEntry& e : entries) {
    const double x = axis.X(e.timestamp_ms);
    absl::StrAppend(&svg, "<line class=\"log-entry\" x1=\"", F(x), "\" x2=\"", F(x), "\" y1=\"",
                    F(kTop - 14), "\" y2=\"", F(plot_bottom), "\"><title>", HtmlText(e.log),
                    " entry ", e.index, " at ", ReportTime(e.timestamp_ms), "</title></line>\n");
  }
  absl::StrAppend(&svg, "<line class=\"axis\" x1=\"", F(kLeft), "\" x2=\"", F(kRight), "\" y1=\"",
                  F(plot_bottom + 4), "\" y2=\"", F(plot_bottom + 4), "\"/>\n");
  absl::StrAppend(&svg, "<text class=\"tick\" x=\"", F(kLeft), "\" y=\"", F(plot_bottom + 20),
                  "\">", ReportTime(axis.lo), "</text>\n");
  absl::StrAppend(&svg, "<text class=\"tick\" text-anchor=\"end\" x=\"", F(kRight), "\" y=\"",
                  F(plot_bottom + 20), "\">", ReportTime(axis.hi), "</text>\n</svg>\n");
  return svg;
}

}  // namespace caawatch::evidence
