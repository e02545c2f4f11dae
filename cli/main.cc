// caawatch: a Certificate Transparency monitor that cross-checks CAA at issuance time.
#include "cli/command_line.h"
#include "monitor/process_init.h"

int main(int argc, char** argv) {
  // Process-wide set-up, once, before any thread exists. (malloc needs none: it is tcmalloc's,
  // linked in by cli/CMakeLists.txt.)
  const caawatch::monitor::ProcessInit process;
  return caawatch::cli::ParseAndRun(argc, argv);
}
