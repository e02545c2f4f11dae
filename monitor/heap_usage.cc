#include "monitor/heap_usage.h"

#include <malloc.h>

#include <cstddef>

// gperftools' C entry point (gperftools/malloc_extension_c.h), weak as in
// release_free_memory.cc: it resolves only in a program linked with tcmalloc.
extern "C" int MallocExtension_GetNumericProperty(const char* property, size_t* value)
    __attribute__((weak));

namespace caawatch::monitor {
namespace {

std::optional<HeapUsage> TcmallocUsage() {
  size_t in_use = 0, central = 0, transfer = 0, thread = 0, page_free = 0, unmapped = 0;
  const bool read =
      MallocExtension_GetNumericProperty("generic.current_allocated_bytes", &in_use) &&
      MallocExtension_GetNumericProperty("tcmalloc.central_cache_free_bytes", &central) &&
      MallocExtension_GetNumericProperty("tcmalloc.transfer_cache_free_bytes", &transfer) &&
      MallocExtension_GetNumericProperty("tcmalloc.thread_cache_free_bytes", &thread) &&
      MallocExtension_GetNumericProperty("tcmalloc.pageheap_free_bytes", &page_free) &&
      MallocExtension_GetNumericProperty("tcmalloc.pageheap_unmapped_bytes", &unmapped);
  if (!read) return std::nullopt;
  return HeapUsage{.in_use = in_use,
                   .free_small = central + transfer + thread,
                   .free_pages = page_free,
                   .released = unmapped};
}

}  // namespace

std::optional<HeapUsage> ReadHeapUsage() {
  if (MallocExtension_GetNumericProperty != nullptr) return TcmallocUsage();
  const struct mallinfo2 info = mallinfo2();
  // glibc: arena and mmapped bytes in use; the free chunks in the arenas, of which only the
  // top can be trimmed.
  return HeapUsage{.in_use = info.uordblks + info.hblkhd,
                   .free_small = info.fordblks,
                   .free_pages = 0,
                   .released = 0};
}

}  // namespace caawatch::monitor
