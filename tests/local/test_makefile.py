"""The Makefile explains itself: a bare `make` prints the help, and the help has
one line for every target a user can run."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def make(*args: str) -> str:
    return subprocess.run(["make", "-s", "--no-print-directory", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=True, timeout=30).stdout


def phony_targets() -> set[str]:
    makefile = (REPO_ROOT / "Makefile").read_text()
    return {name for line in re.findall(r"^\.PHONY:(.*)$", makefile, re.M) for name in line.split()}


def test_bare_make_prints_the_help() -> None:
    assert make() == make("help")


def test_help_has_one_line_for_every_target() -> None:
    listed = {}
    for line in make("help").splitlines()[1:]:
        name, description = line.split(maxsplit=1)
        listed[name] = description

    assert set(listed) == phony_targets()
    assert all(description.strip() for description in listed.values())
