// Reading `caawatch run --metrics-listen` from a test: the body of GET /metrics over plain
// HTTP, and its samples by series.
#ifndef CAAWATCH_TESTS_E2E_METRICS_SCRAPE_H_
#define CAAWATCH_TESTS_E2E_METRICS_SCRAPE_H_

#include <map>
#include <optional>
#include <string>

namespace caawatch::testing {

// GET http://127.0.0.1:PORT/PATH: the body of a 200, nullopt otherwise.
std::optional<std::string> HttpGet(int port, const std::string& path);

// The samples of an exposition by their name and labels as written ("name{a=\"b\"}"). A line
// that is not a sample is a test failure.
std::map<std::string, double> Samples(const std::string& text);

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_E2E_METRICS_SCRAPE_H_
