#!/usr/bin/env python3
"""Runs a command with a pseudo-terminal as its stdin, stdout and stderr, as a user's terminal
would be, and writes everything it printed there to a file.

Usage: run_in_pty.py OUTPUT_FILE COMMAND [ARG...]; exits with the command's exit status.
"""
import os
import pty
import sys


def main() -> int:
    out_path, argv = sys.argv[1], sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    data = bytearray()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its end.
            break
        if not chunk:
            break
        data += chunk
    _, status = os.waitpid(pid, 0)
    with open(out_path, "wb") as out:
        out.write(data)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
