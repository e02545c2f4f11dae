#include "store/open_failure.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "store/holder.h"

namespace caawatch::store {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// What a store directory holds, by RocksDB's file names.
struct StoreFiles {
  bool readable = false;  // The directory could be listed.
  bool current = false;
  std::string newest_manifest;  // "MANIFEST-000005"; "" if none.
  uint64_t newest_manifest_number = 0;
  int tables = 0;  // *.sst
  int wals = 0;    // *.log (not LOG, RocksDB's info log)
};

StoreFiles ListStoreFiles(const std::string& dir) {
  StoreFiles files;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return files;
  files.readable = true;
  while (const dirent* e = ::readdir(d)) {
    const absl::string_view name(e->d_name);
    uint64_t number = 0;
    if (name == "CURRENT") {
      files.current = true;
    } else if (absl::StartsWith(name, "MANIFEST-") && absl::SimpleAtoi(name.substr(9), &number) &&
               number >= files.newest_manifest_number) {
      files.newest_manifest_number = number;
      files.newest_manifest = std::string(name);
    } else if (absl::EndsWith(name, ".sst")) {
      ++files.tables;
    } else if (absl::EndsWith(name, ".log")) {
      ++files.wals;
    }
  }
  ::closedir(d);
  return files;
}

// "caawatch run" for a caawatch process: argv[0]'s base name and argv[1], escaped and cut short
// (another user's process names are not ours to print at length). "" if /proc does not say.
std::string ProcessName(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/cmdline"), std::ios::binary);
  std::string cmdline(4096, '\0');
  in.read(cmdline.data(), cmdline.size());
  cmdline.resize(in.gcount());
  std::vector<std::string> argv = absl::StrSplit(cmdline, '\0', absl::SkipEmpty());
  if (argv.empty()) return "";
  std::string name = argv[0].substr(argv[0].rfind('/') + 1);
  if (argv.size() > 1 && !absl::StartsWith(argv[1], "-")) absl::StrAppend(&name, " ", argv[1]);
  name = absl::CHexEscape(name);
  if (name.size() > 60) name = absl::StrCat(name.substr(0, 60), "...");
  return name;
}

// The first path the user may not use as a store needs it: the directory (and its parents),
// then its files. "" if none (root, or permissions are not the problem).
std::string DeniedPath(const std::string& dir, bool read_only, std::string* wanted) {
  std::vector<std::string> parents;
  for (size_t pos = dir.find('/', 1); pos != std::string::npos; pos = dir.find('/', pos + 1)) {
    parents.push_back(dir.substr(0, pos));
  }
  for (const std::string& p : parents) {
    if (Exists(p) && ::access(p.c_str(), X_OK) != 0 && errno == EACCES) {
      *wanted = "searchable";
      return p;
    }
  }
  const int dir_mode = read_only ? (R_OK | X_OK) : (R_OK | W_OK | X_OK);
  if (Exists(dir) && ::access(dir.c_str(), dir_mode) != 0 && errno == EACCES) {
    *wanted = read_only ? "readable" : "writable";
    return dir;
  }
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return "";
  std::string denied;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == ".." || name == "LOG" || absl::StartsWith(name, "LOG.old")) continue;
    if (read_only && name == "LOCK") continue;  // Readers do not lock.
    const std::string path = absl::StrCat(dir, "/", name);
    const int mode = !read_only && name == "LOCK" ? (R_OK | W_OK) : R_OK;
    if (::access(path.c_str(), mode) != 0 && errno == EACCES) {
      *wanted = mode & W_OK ? "writable" : "readable";
      denied = path;
      break;
    }
  }
  ::closedir(d);
  return denied;
}

// The nearest existing directory of `dir` (itself, else a parent) is on a read-only mount.
bool OnReadOnlyFileSystem(std::string dir) {
  for (;;) {
    struct statvfs fs;
    if (::statvfs(dir.c_str(), &fs) == 0) return (fs.f_flag & ST_RDONLY) != 0;
    const size_t slash = dir.rfind('/');
    if (slash == std::string::npos || slash == 0) return false;
    dir.resize(slash);
  }
}

// "the store at DIR is locked by PID N (caawatch run), which serves gRPC at ADDR".
std::string HolderMessage(const std::string& dir, pid_t pid) {
  const std::string name = ProcessName(pid);
  std::string out = absl::StrCat("the store at ", dir, " is locked by PID ", pid,
                                 name.empty() ? "" : absl::StrCat(" (", name, ")"));
  if (const std::optional<StoreHolder> record = LiveStoreHolder(dir);
      record && record->pid == pid) {
    absl::StrAppend(&out, ", which serves gRPC at ", record->address);
  }
  return out;
}

absl::Status Locked(const std::string& dir, const std::string& text) {
  const std::optional<pid_t> holder = LockHolder(dir + "/LOCK");
  if (absl::StrContains(text, "lock hold by current process") ||
      (holder && *holder == ::getpid())) {
    return absl::UnavailableError(absl::StrCat(
        "the store at ", dir, " is already open in this process (PID ", ::getpid(), ")"));
  }
  if (!holder) {
    return absl::UnavailableError(
        absl::StrCat("the store at ", dir, " is locked by another process: ", text));
  }
  return absl::UnavailableError(HolderMessage(dir, *holder));
}

}  // namespace

absl::Status CheckStoreFiles(const std::string& dir, bool read_only) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 && errno == ENOENT) {
    if (!read_only) return absl::OkStatus();  // Created by the open.
    return absl::NotFoundError(
        absl::StrCat("no store at ", dir, " (run `caawatch run` first, or pass --data-dir)"));
  }
  const StoreFiles files = ListStoreFiles(dir);
  if (!files.readable || files.current) return absl::OkStatus();  // The open says more.
  if (files.tables == 0 && files.wals == 0) {
    // Nothing was ever stored (at most a creation cut short before CURRENT): a writer
    // creates the store, a reader finds none.
    if (!read_only) return absl::OkStatus();
    return absl::NotFoundError(
        absl::StrCat("no store at ", dir, " (run `caawatch run` first, or pass --data-dir)"));
  }
  const std::string held =
      absl::StrFormat("%d table file%s and %d write-ahead log%s", files.tables,
                      files.tables == 1 ? "" : "s", files.wals, files.wals == 1 ? "" : "s");
  if (files.newest_manifest.empty()) {
    return absl::DataLossError(
        absl::StrCat("the store at ", dir,
                     " is damaged: its CURRENT and MANIFEST files are missing, though ", held,
                     " are there; caawatch will not create a new store over them: restore the "
                     "directory from a backup, or move it aside"));
  }
  return absl::DataLossError(absl::StrCat(
      "the store at ", dir,
      " is damaged: its CURRENT file is missing, though its other files are "
      "there (",
      held, ", newest manifest ", files.newest_manifest,
      "); caawatch will not create a new store over them. CURRENT holds the name of the newest "
      "manifest: a file ",
      dir, "/CURRENT containing the line ", files.newest_manifest,
      " restores it, if nothing else is damaged"));
}

absl::Status DescribeOpenFailure(const std::string& dir, const rocksdb::Status& s, bool read_only,
                                 bool wal_only) {
  const std::string text = s.ToString();
  if (s.IsCorruption()) {
    if (wal_only) {
      return absl::DataLossError(absl::StrCat(
          "the store at ", dir, " is damaged: its write-ahead log is corrupt (", text,
          "). What was written before the damage is intact: `caawatch run` keeps it, says what "
          "was lost, and reads the CT logs again from there to restore it"));
    }
    return absl::DataLossError(absl::StrCat(
        "the store at ", dir, " is damaged (corrupt): ", text,
        "; caawatch cannot repair it: restore it from a backup, or move it aside and let "
        "`caawatch run` start a new one"));
  }
  if (!read_only &&
      (absl::StrContains(text, "While lock file") || absl::StrContains(text, "lock hold by"))) {
    return Locked(dir, text);
  }
  if (!read_only && OnReadOnlyFileSystem(dir)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the store at ", dir,
                     " is on a read-only file system, and this command writes to it (", text, ")"));
  }
  std::string wanted;
  if (const std::string denied = DeniedPath(dir, read_only, &wanted); !denied.empty()) {
    struct stat st;
    std::string owner;
    if (::stat(denied.c_str(), &st) == 0) {
      owner = absl::StrFormat(" (owner uid %d, mode %04o)", st.st_uid, st.st_mode & 07777);
    }
    return absl::FailedPreconditionError(absl::StrCat("permission denied: ", denied, owner,
                                                      " is not ", wanted, " by this user (uid ",
                                                      ::geteuid(), "): ", text));
  }
  return absl::FailedPreconditionError(absl::StrCat("cannot open the store at ", dir, ": ", text));
}

std::optional<pid_t> LockHolder(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  std::ifstream locks("/proc/locks");
  std::optional<pid_t> same_device;
  std::vector<pid_t> same_inode;  // On any device: overlay file systems report another one.
  for (std::string line; std::getline(locks, line);) {
    // "1: POSIX  ADVISORY  WRITE 3262 fd:01:1578 0 EOF"; waiters have "->" after the id.
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() < 6 || f[1] != "POSIX") continue;
    std::vector<absl::string_view> id = absl::StrSplit(f[5], ':');
    uint64_t inode = 0;
    uint32_t major_dev = 0, minor_dev = 0;
    pid_t pid = 0;
    if (id.size() != 3 || !absl::SimpleAtoi(id[2], &inode) || inode != st.st_ino ||
        !absl::SimpleAtoi(f[4], &pid) || pid <= 0) {
      continue;
    }
    same_inode.push_back(pid);
    if (absl::SimpleHexAtoi(id[0], &major_dev) && absl::SimpleHexAtoi(id[1], &minor_dev) &&
        major_dev == major(st.st_dev) && minor_dev == minor(st.st_dev)) {
      same_device = pid;
    }
  }
  if (same_device) return same_device;
  if (same_inode.size() == 1) return same_inode.front();
  return std::nullopt;
}

std::optional<std::string> DescribeLockHolder(const std::string& dir) {
  const std::optional<pid_t> holder = LockHolder(dir + "/LOCK");
  if (!holder || *holder == ::getpid()) return std::nullopt;
  return HolderMessage(dir, *holder);
}

}  // namespace caawatch::store
