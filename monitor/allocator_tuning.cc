#include "monitor/allocator_tuning.h"

#include <malloc.h>

namespace caawatch::monitor {

void TuneAllocatorForLargeBuffers() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

}  // namespace caawatch::monitor
