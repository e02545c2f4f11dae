#include "watch/watchlist_index_file.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "watch/flat_arrays.h"
#include "watch/stable_hash.h"

namespace caawatch::watch {
namespace {

// The format, its version in the magic: a file of another version is not read.
constexpr absl::string_view kMagic = "caawatch watchlist index 2\n";
constexpr uint32_t kByteOrder = 0x01020304;  // Arrays are saved in the machine's order.
constexpr uint64_t kChecksumSeed = 0x5c0ffee5caa1d3a5ULL;

struct Header {
  uint32_t byte_order;
  uint32_t reserved;
  uint64_t key;
  uint64_t payload_size;
  uint64_t payload_checksum;
};

// The GNU build ID of the program (the first object dl_iterate_phdr reports), from its notes.
std::optional<std::string> ProgramBuildId() {
  std::optional<std::string> id;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) -> int {
        auto* out = static_cast<std::optional<std::string>*>(data);
        for (int i = 0; i < info->dlpi_phnum && !out->has_value(); ++i) {
          const ElfW(Phdr)& segment = info->dlpi_phdr[i];
          if (segment.p_type != PT_NOTE) continue;
          const char* p = reinterpret_cast<const char*>(info->dlpi_addr + segment.p_vaddr);
          for (size_t left = segment.p_memsz; left >= sizeof(ElfW(Nhdr));) {
            ElfW(Nhdr) note;
            std::memcpy(&note, p, sizeof note);
            const size_t name_size = (size_t{note.n_namesz} + 3) & ~size_t{3};
            const size_t desc_size = (size_t{note.n_descsz} + 3) & ~size_t{3};
            const size_t total = sizeof note + name_size + desc_size;
            if (total > left) break;
            if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
                std::memcmp(p + sizeof note, "GNU", 4) == 0 && note.n_descsz > 0) {
              out->emplace(p + sizeof note + name_size, note.n_descsz);
              break;
            }
            p += total;
            left -= total;
          }
        }
        return 1;  // The program only, not the libraries after it.
      },
      &id);
  return id;
}

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Reads up to `size` more bytes of `fd` into `out`; fewer only at the end of the file.
absl::Status ReadUpTo(int fd, size_t size, std::string* out, const std::string& path) {
  const size_t start = out->size();
  out->resize(start + size);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = read(fd, out->data() + start + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot read", path);
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  out->resize(start + done);
  return absl::OkStatus();
}

// A file descriptor closed when it goes out of scope.
class OpenFile {
 public:
  explicit OpenFile(int fd) : fd_(fd) {}
  ~OpenFile() {
    if (fd_ >= 0) close(fd_);
  }
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

absl::Status WriteAll(int fd, absl::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write", path);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

std::string WatchlistIndexPath(const std::string& data_dir) {
  return absl::StrCat(data_dir, "/watchlist.index");
}

std::optional<uint64_t> WatchlistIndexKey(absl::Span<const absl::string_view> texts) {
  const std::optional<std::string> build = ProgramBuildId();
  if (!build.has_value()) return std::nullopt;
  uint64_t key = StableHash64(*build, texts.size());
  for (absl::string_view text : texts) key = StableHash64(text, key);
  return key;
}

absl::StatusOr<Watchlist> LoadWatchlistIndex(const std::string& path, uint64_t key) {
  const OpenFile file(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.fd() < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no ", path));
    return Errno("cannot open", path);
  }
  // The header first: an index of another watchlist is not read further.
  std::string bytes;
  CAAWATCH_RETURN_IF_ERROR(ReadUpTo(file.fd(), kMagic.size() + sizeof(Header), &bytes, path));
  absl::string_view rest = bytes;
  if (!absl::ConsumePrefix(&rest, kMagic)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is not a watchlist index of this format"));
  }
  Header header;
  if (rest.size() < sizeof header) {
    return absl::DataLossError(absl::StrCat(path, " is shorter than its header"));
  }
  std::memcpy(&header, rest.data(), sizeof header);
  if (header.byte_order != kByteOrder || header.reserved != 0 || header.key != key) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " was built from another watchlist or by another build of caawatch"));
  }
  struct stat st;
  if (fstat(file.fd(), &st) != 0) return Errno("cannot stat", path);
  const uint64_t file_size = static_cast<uint64_t>(st.st_size);
  if (file_size < bytes.size() || file_size - bytes.size() != header.payload_size) {
    return absl::DataLossError(absl::StrCat(path, " is truncated or has trailing bytes"));
  }
  bytes.clear();
  CAAWATCH_RETURN_IF_ERROR(ReadUpTo(file.fd(), header.payload_size, &bytes, path));
  if (bytes.size() != header.payload_size) {
    return absl::DataLossError(absl::StrCat(path, " shrank while read"));
  }
  rest = bytes;
  if (StableHash64(rest, kChecksumSeed) != header.payload_checksum) {
    return absl::DataLossError(absl::StrCat(path, " is damaged (checksum mismatch)"));
  }
  FlatReader reader(rest);
  absl::StatusOr<Watchlist> list = Watchlist::Decode(&reader);
  if (!list.ok()) return Annotate(list.status(), path);
  if (reader.remaining() != 0) {
    return absl::DataLossError(absl::StrCat(path, " has bytes after the watchlist"));
  }
  return list;
}

absl::Status SaveWatchlistIndex(const std::string& path, uint64_t key, const Watchlist& list) {
  std::string payload;
  payload.reserve(list.MemoryBytes() + 4096);
  FlatWriter writer(&payload);
  list.Encode(&writer);
  const Header header = {kByteOrder, 0, key, payload.size(), StableHash64(payload, kChecksumSeed)};
  const std::string temporary = absl::StrCat(path, ".tmp-", getpid());
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", temporary);
  absl::Status status = WriteAll(fd, kMagic, temporary);
  if (status.ok()) {
    status = WriteAll(fd, absl::string_view(reinterpret_cast<const char*>(&header), sizeof header),
                      temporary);
  }
  if (status.ok()) status = WriteAll(fd, payload, temporary);
  if (close(fd) != 0 && status.ok()) status = Errno("cannot write", temporary);
  if (status.ok() && rename(temporary.c_str(), path.c_str()) != 0) {
    status = Errno("cannot rename over", path);
  }
  if (!status.ok()) unlink(temporary.c_str());
  return status;
}

}  // namespace caawatch::watch
