"""The README's "Layout" section is the map a new maintainer reads first: every
module under src/ must be on it, and every module it names must exist, so that
a module added, renamed or removed without the map failing here cannot happen."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

#: Files under src/ that are no stop of a request: the crate root and the tests' harness.
NOT_ON_THE_MAP = {"src/lib.rs", "src/test_support.rs"}


def layout_rows() -> list[str]:
    """The rows of the Layout table that name paths under src/."""
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme[readme.index("## Layout") :]
    section = section[: section.index("\n## ", 1)] if "\n## " in section[1:] else section
    return [line for line in section.splitlines() if line.startswith("| `src/")]


def modules() -> list[str]:
    """Every module file under src/, tests apart."""
    paths = sorted(p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "src").rglob("*.rs"))
    return [
        path
        for path in paths
        if path not in NOT_ON_THE_MAP
        and not path.endswith("tests.rs")
        and "/tests/" not in path
    ]


def on_the_map(module: str, rows: list[str]) -> bool:
    """A top-level module is named by its path; a submodule `src/d/m.rs` by a
    row about `src/d/` that names `m` (as `m` in its text or in `{a,m}`)."""
    if f"`{module}`" in rows_text(rows):
        return True
    directory, stem = module.rsplit("/", 1)
    stem = stem.removesuffix(".rs")
    for row in rows:
        path_cell = row.split("|")[1]
        if f"{directory}/" not in path_cell:
            continue
        braces = re.findall(r"\{([^}]*)\}", path_cell)
        if any(stem in group.split(",") for group in braces) or f"`{stem}`" in row:
            return True
    return False


def rows_text(rows: list[str]) -> str:
    return "\n".join(rows)


def test_every_module_under_src_is_on_the_layout_map():
    rows = layout_rows()
    missing = [module for module in modules() if not on_the_map(module, rows)]
    assert not missing, f"modules missing from the README's Layout: {missing}"


def test_every_path_the_layout_names_exists():
    named = re.findall(r"`(src/[\w/]+\.rs)`", rows_text(layout_rows()))
    assert named, "the Layout names no source file"
    gone = [path for path in named if not (REPO_ROOT / path).is_file()]
    assert not gone, f"the README's Layout names files that do not exist: {gone}"


def test_every_submodule_the_layout_names_exists():
    for row in layout_rows():
        path_cell = row.split("|")[1]
        for directory, group in re.findall(r"(src/[\w/]+)/\{([^}]*)\}", path_cell):
            for stem in group.split(","):
                assert (REPO_ROOT / directory / f"{stem}.rs").is_file(), f"{directory}/{stem}.rs"
