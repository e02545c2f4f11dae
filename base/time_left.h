// How long a catch-up has left, as the progress lines of `run` say it.
#ifndef CAAWATCH_BASE_TIME_LEFT_H_
#define CAAWATCH_BASE_TIME_LEFT_H_

#include <cstdint>
#include <string>

namespace caawatch {

// "about 1h2m3s left" for `entries` at `rate` entries/s (rounded up to the second);
// "time left unknown" when the rate is not positive; "nothing left" for no entries.
std::string TimeLeftText(uint64_t entries, double rate);

}  // namespace caawatch

#endif  // CAAWATCH_BASE_TIME_LEFT_H_
