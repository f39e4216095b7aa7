"""`make run`'s output, as a reader new to custom resources sees it: the request
each step sends (a Create's properties, an Update's changes), and a closing
function log of short text lines rather than raw JSON with trace ids."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT
from run_lifecycle import LOG_WIDTH


def test_make_run_shows_each_request_and_a_readable_log(binary_path: Path) -> None:
    run = subprocess.run([sys.executable, str(REPO_ROOT / "local" / "run_lifecycle.py"), "--binary", str(binary_path)],
                         capture_output=True, text=True, timeout=120)

    assert run.returncode == 0, run.stdout + run.stderr
    steps, log = run.stdout.split("\n=== function log (JSON lines, shown as text) ===\n")
    assert 'CloudFormation sends the properties:\n  IdentityPoolName: "identity_demo_pool"\n' in steps
    assert '  IdentityPoolName: "identity_demo_pool" → "identity_demo_pool_renamed"\n' in steps
    assert '  DeveloperProviderName: "login.identity-demo" → "login.identity-demo.v2"\n' in steps
    assert "and the properties changed from the last deploy:" in steps
    assert "[Create IdentityPool 0d9f1c52-1111-4a8e-9a41-6f0e1c2b3a01] request answered  status=SUCCESS" in log
    assert "xrayTraceId" not in log and '{"level"' not in log
    assert max(len(line) for line in log.splitlines()) <= LOG_WIDTH
