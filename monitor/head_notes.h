// `caawatch heads`: the command line reaches judge/head_notes.h through monitor/.
#ifndef CAAWATCH_MONITOR_HEAD_NOTES_H_
#define CAAWATCH_MONITOR_HEAD_NOTES_H_

#include "judge/head_notes.h"

namespace caawatch::monitor {

using judge::HeadNote;
using judge::LatestHeadNotes;

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_HEAD_NOTES_H_
