#include "monitor/release_free_memory.h"

#include <malloc.h>

// gperftools' C entry point (gperftools/malloc_extension_c.h), declared weak so that the
// libraries do not depend on tcmalloc: it resolves only in a program linked with it (caawatch;
// not the sanitizer builds, tests or benchmarks on glibc).
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

namespace caawatch::monitor {

void ReleaseFreeMemory() {
  if (MallocExtension_ReleaseFreeMemory != nullptr) {
    MallocExtension_ReleaseFreeMemory();
    return;
  }
  malloc_trim(0);
}

}  // namespace caawatch::monitor
