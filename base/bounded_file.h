// Whole-file reads with a size cap, for every file a user names (configuration, watchlist, log
// list, tokens, PEM files): a device such as /dev/zero, a FIFO or a huge file ends with a clear
// error instead of a hang or an allocation without bound.
#ifndef CAAWATCH_BASE_BOUNDED_FILE_H_
#define CAAWATCH_BASE_BOUNDED_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch {

// The bytes of the regular file at `path` when it holds at most `max_bytes`. `what` names the
// file in messages ("watchlist", "log list"). kInvalidArgument, with the path quoted
// (QuoteInput), for a path that is empty or holds a NUL byte (it would name another file), a
// file that cannot be opened or read, one that is not a regular file (a device, a FIFO, a
// directory: never waited on), or one larger than `max_bytes` (the message says the cap). The
// file is never read past max_bytes + 1 bytes, even if it grows meanwhile.
[[nodiscard]] absl::StatusOr<std::string> ReadBoundedFile(absl::string_view path, size_t max_bytes,
                                                          absl::string_view what);

// "256 MiB", "4 KiB", "100 bytes": a cap as messages say it.
std::string FormatByteCount(size_t bytes);

}  // namespace caawatch

#endif  // CAAWATCH_BASE_BOUNDED_FILE_H_
