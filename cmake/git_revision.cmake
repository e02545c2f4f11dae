# Writes OUTPUT, a header defining CAAWATCH_GIT_REVISION: the commit SOURCE_DIR is checked out
# at (12 hex digits, "-dirty" when a tracked file differs from it), or "unknown" outside a git
# checkout (a release tarball) or without git. Run at every build (cli/CMakeLists.txt), not only
# at configure time, so that `caawatch --version` names the commit it was built from; the file
# is rewritten only when the revision changes, so an unchanged tree recompiles nothing.
#   cmake -DSOURCE_DIR=DIR -DOUTPUT=FILE -P git_revision.cmake
set(revision "unknown")
find_program(GIT_PROGRAM git)
if(GIT_PROGRAM)
  execute_process(COMMAND ${GIT_PROGRAM} -C ${SOURCE_DIR} rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE head RESULT_VARIABLE head_result
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(head_result EQUAL 0 AND head MATCHES "^[0-9a-f]+$")
    set(revision ${head})
    execute_process(COMMAND ${GIT_PROGRAM} -C ${SOURCE_DIR} status --porcelain
                            --untracked-files=no
                    OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(NOT changes STREQUAL "")
      string(APPEND revision "-dirty")
    endif()
  endif()
endif()
set(content "#define CAAWATCH_GIT_REVISION \"${revision}\"\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT old STREQUAL content)
  file(WRITE ${OUTPUT} "${content}")
endif()
