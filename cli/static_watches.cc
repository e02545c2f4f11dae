#include "cli/static_watches.h"

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace caawatch::cli {

absl::StatusOr<monitor::Watchlist> StaticWatches(const monitor::MonitorConfig& config) {
  std::string text;
  for (const std::string& w : config.watch) absl::StrAppend(&text, w, "\n");
  monitor::Watchlist::Builder builder;
  CAAWATCH_RETURN_IF_ERROR(Annotate(builder.AddText(text), "--watch"));
  if (!config.watchlist_file.empty()) {
    std::ifstream in(config.watchlist_file);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", config.watchlist_file));
    std::ostringstream file;
    file << in.rdbuf();
    // The text is released when this scope ends, before the caller builds anything else.
    const std::string_view view = file.view();
    CAAWATCH_RETURN_IF_ERROR(Annotate(builder.AddText(absl::string_view(view.data(), view.size())),
                                      config.watchlist_file));
  }
  return std::move(builder).Build();
}

}  // namespace caawatch::cli
