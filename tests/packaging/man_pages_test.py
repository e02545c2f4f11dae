#!/usr/bin/env python3
"""The manual pages render without a warning, and caawatch(1) documents every command and every
option that the built program's --help shows, in that command's own section.

  man_pages_test.py build/cli/caawatch build/packaging
"""
import os
import re
import subprocess
import sys


def help_text(binary, command):
    result = subprocess.run([binary, *command, "--help"], capture_output=True, text=True,
                            timeout=30, check=True)
    return result.stdout


def section_lines(text, title):
    """The lines of a help text's section ("Options:", "Subcommands:") up to the next one."""
    lines, inside = [], False
    for line in text.splitlines():
        if line == title:
            inside = True
        elif inside and line and not line.startswith(" "):
            break
        elif inside and line.strip():
            lines.append(line)
    return lines


def left_column(line):
    """'  --watch NAME ...    watch NAME' -> '--watch NAME ...' (the option, not its text).

    CLI11 pads the option to 30 columns and starts its text there (after a single space when
    the option takes 29), or gives an option that does not fit a line of its own."""
    if len(line) > 30 and line[29] == " ":
        return line[:30].strip()
    return line.strip()


def commands(binary):
    """Every command path with its help text, walking the "Subcommands:" lists."""
    out, queue = [], [[]]
    while queue:
        command = queue.pop(0)
        text = help_text(binary, command)
        out.append((command, text))
        queue[0:0] = [command + [left_column(line)]
                      for line in section_lines(text, "Subcommands:") if line.startswith("  ")
                      and not line.startswith("   ")]
    return out


def render(page):
    """The page as man prints it to a pipe, 80 columns, plain ASCII; and its warnings."""
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C", MAN_KEEP_FORMATTING="")
    result = subprocess.run(["man", "--warnings", "-P", "cat", "-l", page], capture_output=True,
                            text=True, env=env, timeout=60)
    if result.returncode != 0:
        sys.exit(f"man -l {page}: exit {result.returncode}: {result.stderr.strip()}")
    return result.stdout, result.stderr.strip()


def man_sections(rendered):
    """caawatch(1)'s command sections: heading ("caawatch caa check") -> its text."""
    sections, heading = {}, None
    for line in rendered.splitlines():
        if re.match(r"^   caawatch( [a-z-]+)*$", line):
            heading = line.strip()
            sections[heading] = ""
        elif line and not line.startswith(" "):
            heading = None
        elif heading:
            sections[heading] += " ".join(line.split()) + "\n"
    return sections


def main(binary, docs):
    failures = []
    pages = [os.path.join(docs, name) for name in ("caawatch.1.gz", "caawatch-config.5.gz")]
    rendered = {}
    for page in pages:
        rendered[page], warnings = render(page)
        if warnings:
            failures.append(f"{page}: man warns:\n{warnings}")
        if len(rendered[page].splitlines()) < 20:
            failures.append(f"{page}: renders to almost nothing")
    sections = man_sections(rendered[pages[0]])
    for command, text in commands(binary):
        if not command:
            continue  # The program itself: its options are every command's, its commands below.
        path = " ".join(["caawatch", *command])
        if path not in sections:
            failures.append(f"caawatch(1) has no section for `{path}`")
            continue
        for title in ("Options:", "Positionals:"):
            for line in section_lines(text, title):
                if not line.startswith("  ") or line.startswith("   "):
                    continue  # A description continued on its own line.
                option = left_column(line)
                if option not in sections[path]:
                    failures.append(f"`{path}`: --help shows {option!r}, its man section does not")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
