// The Prometheus text exposition format (version 0.0.4), written one metric family at a time:
// what caawatch's /metrics serves. Pure: no threads, no I/O; the caller gathers the values.
#ifndef CAAWATCH_METRICS_EXPOSITION_H_
#define CAAWATCH_METRICS_EXPOSITION_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace caawatch::metrics {

// Label name (a constant of the caller's, [a-zA-Z_][a-zA-Z0-9_]*) and value (any bytes: it is
// escaped, invalid UTF-8 replaced and cut at kMaxLabelValueBytes).
using Labels = std::vector<std::pair<std::string, std::string>>;
inline constexpr size_t kMaxLabelValueBytes = 256;

enum class MetricType { kCounter, kGauge };

class Exposition {
 public:
  // Starts a family: its # HELP and # TYPE lines. Every sample until the next Family is of it;
  // a family's name is given once (the format allows no second block of the same family).
  void Family(absl::string_view name, MetricType type, absl::string_view help);
  // One sample of the current family: `name` is the family's name (or the family's name with a
  // suffix the type allows). Integral values are written exactly; NaN and infinities as the
  // format spells them.
  void Sample(absl::string_view name, const Labels& labels, double value);
  void Sample(absl::string_view name, double value) { Sample(name, {}, value); }

  // The text so far; ends with a newline when not empty.
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// `value` as a label value between the quotes: \\, \" and \n escaped, invalid UTF-8 bytes and
// other control characters as U+FFFD, at most kMaxLabelValueBytes bytes of input.
std::string EscapeLabelValue(absl::string_view value);

}  // namespace caawatch::metrics

#endif  // CAAWATCH_METRICS_EXPOSITION_H_
