"""The committed extracts equal what the installed botocore and cfn-lint say.

The Rust tests (src/properties/model_tests.rs) hold the property rules to these files; when a
botocore or cfn-lint update changes a constraint, this fails until `python tests/model/extract.py`
rewrites them, and then the Rust tests show which rule must follow.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extract  # noqa: E402

STALE = "stale: run `.venv/bin/python tests/model/extract.py`, then `cargo test model` and fix the rules it names"


def test_constraints_extract_matches_botocore() -> None:
    assert extract.CONSTRAINTS.read_text() == extract.rendered(extract.constraints()), STALE


def test_native_schema_extract_matches_cfn_lint() -> None:
    assert extract.NATIVE.read_text() == extract.rendered(extract.native()), STALE

