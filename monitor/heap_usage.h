// How the process's heap is split between what the program holds and what the allocator keeps
// free for reuse: RSS alone cannot tell a leak from a cache (caawatch_heap_bytes, SPEC §7).
#ifndef CAAWATCH_MONITOR_HEAP_USAGE_H_
#define CAAWATCH_MONITOR_HEAP_USAGE_H_

#include <cstdint>
#include <optional>

namespace caawatch::monitor {

struct HeapUsage {
  uint64_t in_use = 0;      // Allocated by the program and not freed.
  uint64_t free_small = 0;  // Freed small objects the allocator caches (tcmalloc's central,
                            // transfer and per-thread free lists); resident, reused first.
  uint64_t free_pages = 0;  // Free pages kept mapped (resident) until ReleaseFreeMemory.
  uint64_t released = 0;    // Free pages given back to the system (not resident).
};

// The allocator's own figures: tcmalloc's where the program links it (caawatch), else glibc's
// mallinfo2 (free_small is then its free chunks, released 0). nullopt if neither answers.
// Thread-safe; costs a lock of the allocator, as a scrape may.
std::optional<HeapUsage> ReadHeapUsage();

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_HEAP_USAGE_H_
