// AnswerNotify on arbitrary datagrams, as anyone who can reach the NOTIFY listener sends them:
// an outcome for every input, never a crash.
#include <cstddef>
#include <cstdint>

#include "caa/zone_notify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<caawatch::caa::NotifySource>* const kFollowed =
      new std::vector<caawatch::caa::NotifySource>{
          {"example.test",
           {"127.0.0.1"},
           caawatch::caa::TsigKey{"k", "hmac-sha256", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}},
          {"plain.test", {"127.0.0.1"}, std::nullopt}};
  caawatch::caa::AnswerNotify({data, size}, "127.0.0.1", *kFollowed);
  return 0;
}
