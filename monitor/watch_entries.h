// The watchlist types and the one check of a watch entry, as the command line uses them
// (`watch add` checks a name before it stores it, `run` warns about its static entries):
// watch/watchlist.h's, offered here because cli/ reaches the layers below only through monitor/.
#ifndef CAAWATCH_MONITOR_WATCH_ENTRIES_H_
#define CAAWATCH_MONITOR_WATCH_ENTRIES_H_

#include "watch/watchlist.h"

namespace caawatch::monitor {

using watch::ParseWatchEntry;
using watch::WatchEntry;
using watch::WatchItem;
using watch::Watchlist;

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_WATCH_ENTRIES_H_
