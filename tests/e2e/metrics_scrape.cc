#include "tests/e2e/metrics_scrape.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

// Last: it includes <netdb.h>, whose NO_DATA macro would rename the API's Verdict NO_DATA.
#include <httplib.h>  // NOLINT(build/include_order)

namespace caawatch::testing {

std::optional<std::string> HttpGet(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  httplib::Result result = client.Get(path.c_str());
  if (!result || result->status != 200) return std::nullopt;
  return result->body;
}

std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    if (space == absl::string_view::npos || !absl::SimpleAtod(line.substr(space + 1), &value)) {
      ADD_FAILURE() << "not a sample line: " << line;
      continue;
    }
    out[std::string(line.substr(0, space))] = value;
  }
  return out;
}

}  // namespace caawatch::testing
