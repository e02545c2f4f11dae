// Gives the heap's free pages back to the system, whichever malloc the program runs on.
#ifndef CAAWATCH_MONITOR_RELEASE_FREE_MEMORY_H_
#define CAAWATCH_MONITOR_RELEASE_FREE_MEMORY_H_

namespace caawatch::monitor {

// Returns the free pages the allocator keeps for reuse to the system, so that memory a burst
// used (a thousand gRPC streams that ended, oversized log responses) leaves the process's RSS.
// tcmalloc (what caawatch links) keeps freed spans until then; glibc is trimmed instead. Costs
// a walk of the free lists and an madvise per span: call it after bursts, not per allocation.
// Thread-safe.
void ReleaseFreeMemory();

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_RELEASE_FREE_MEMORY_H_
