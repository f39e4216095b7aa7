"""The README's cargo-lambda workflow, as a user runs it: `make local-endpoint`,
`make watch`, then `make invoke` for Create, Update (the remembered pool id and
POOL_ID), replacement and Delete, checking what the user reads: the labelled
answers, the exit status, the remembered pool id and the receiver's labels.

`make watch` runs `cargo lambda watch`, which starts the function with `cargo
run` (already built by `make binary`, which `make e2e` runs first). It is started
once for this module, on loopback ports of its own, and stopped at the end.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest
from conftest import REPO_ROOT, free_port

START_TIMEOUT_S = 120.0
INVOKE_TIMEOUT_S = 300.0
CREATE_ID = "0d9f1c52-1111-4a8e-9a41-6f0e1c2b3a01"
POOL_ID = re.compile(r"us-east-1:[0-9a-f-]{36}")


class Background:
    """A `make` target left running in its own process group, its output in a file."""

    def __init__(self, target: str, variables: list[str], log: Path):
        self.log = log
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            ["make", "-s", "--no-print-directory", target, *variables],
            cwd=REPO_ROOT, stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, text: str) -> None:
        """Until ``text`` is in the output; fails with the output when the process ends
        or START_TIMEOUT_S passes first."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while text not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{self.process.args} never printed {text!r}:\n{self.output()}")
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM to the whole group (make, its shell and what they started), then SIGKILL."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
        self._out.close()


class Workflow:
    """The ports the three terminals agree on, and `make invoke` with them."""

    def __init__(self, scratch: Path):
        self.pool_id_file = scratch / "pool-id"
        self.ports = {"ENDPOINT_PORT": free_port(), "RECEIVER_PORT": free_port(),
                      "WATCH_PORT": free_port()}

    def variables(self) -> list[str]:
        return [f"{name}={port}" for name, port in self.ports.items()] + \
            [f"POOL_ID_FILE={self.pool_id_file}"]

    def invoke(self, event: str, pool_id: str | None = None) -> subprocess.CompletedProcess:
        extra = [f"POOL_ID={pool_id}"] if pool_id else []
        return subprocess.run(
            ["make", "-s", "--no-print-directory", "invoke", f"EVENT=events/{event}.json",
             *self.variables(), *extra],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=INVOKE_TIMEOUT_S,
        )

    def remembered(self) -> str | None:
        return self.pool_id_file.read_text().strip() if self.pool_id_file.exists() else None


@pytest.fixture
def workflow(tmp_path: Path) -> Workflow:
    return Workflow(tmp_path)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workflow, Background, Background]]:
    """`make local-endpoint` and `make watch`, up and answering, for the module."""
    scratch = tmp_path_factory.mktemp("cargo-lambda")
    workflow = Workflow(scratch)
    endpoint = Background("local-endpoint", workflow.variables(), scratch / "local-endpoint.log")
    watch = Background("watch", workflow.variables(), scratch / "watch.log")
    try:
        endpoint.wait_for(f"listening on http://127.0.0.1:{workflow.ports['RECEIVER_PORT']}")
        endpoint.wait_for(f"127.0.0.1:{workflow.ports['ENDPOINT_PORT']}")
        watch.wait_for(f"runtime_addr=127.0.0.1:{workflow.ports['WATCH_PORT']}")
        yield workflow, endpoint, watch
    finally:
        watch.stop()
        endpoint.stop()


def answered(result: subprocess.CompletedProcess, request: str, status: str) -> None:
    """`make invoke` printed the labelled answer for ``request`` (e.g. "Create IdentityPool")."""
    assert f"=== The function answered {request} (RequestId " in result.stdout, result.stdout + result.stderr
    assert f"): {status} ===" in result.stdout, result.stdout + result.stderr
    assert f'\n  "Status": "{status}"' in result.stdout, "the answer is pretty-printed"


def test_invoke_names_what_to_start_when_nothing_answers(workflow: Workflow) -> None:
    result = workflow.invoke("create")

    assert result.returncode != 0
    assert result.stdout == ""
    for what, command in [("the function, cargo lambda watch", "make watch"),
                          ("the local Cognito endpoint", "make local-endpoint"),
                          ("the receiver of the ResponseURL", "make local-endpoint")]:
        assert f"({what}): start `{command}` in another terminal" in result.stderr


def test_update_without_a_pool_id_says_where_one_comes_from(workflow: Workflow) -> None:
    result = workflow.invoke("update")

    assert result.returncode != 0
    assert "run `make invoke EVENT=events/create.json` first" in result.stderr
    assert "or pass POOL_ID=<pool id>" in result.stderr


def test_the_readme_workflow(running: tuple[Workflow, Background, Background]) -> None:
    workflow, endpoint, watch = running

    created = workflow.invoke("create")
    assert created.returncode == 0, created.stderr
    answered(created, "Create IdentityPool", "SUCCESS")
    first = workflow.remembered()
    assert first is not None and POOL_ID.fullmatch(first)
    assert f"Remembered pool id {first} in {workflow.pool_id_file}" in created.stdout

    updated = workflow.invoke("update")
    assert updated.returncode == 0, updated.stderr
    assert f"PhysicalResourceId {first} (remembered in {workflow.pool_id_file})" in updated.stdout
    answered(updated, "Update IdentityPool", "SUCCESS")
    assert workflow.remembered() == first

    replaced = workflow.invoke("update-replace", pool_id=first)
    assert replaced.returncode == 0, replaced.stderr
    assert f"PhysicalResourceId {first} (POOL_ID)" in replaced.stdout
    answered(replaced, "Update IdentityPool", "SUCCESS")
    second = workflow.remembered()
    assert second is not None and POOL_ID.fullmatch(second) and second != first
    assert f"(it replaces {first}; delete that one with POOL_ID=…)" in replaced.stdout

    old_deleted = workflow.invoke("delete", pool_id=first)
    assert old_deleted.returncode == 0, old_deleted.stderr
    answered(old_deleted, "Delete IdentityPool", "SUCCESS")
    assert workflow.remembered() == second

    deleted = workflow.invoke("delete")
    assert deleted.returncode == 0, deleted.stderr
    assert f"PhysicalResourceId {second} (remembered in" in deleted.stdout
    assert f"Forgot pool id {second}" in deleted.stdout
    assert workflow.remembered() is None

    invalid = workflow.invoke("create-invalid")
    assert invalid.returncode != 0
    answered(invalid, "Create IdentityPool", "FAILED")
    assert "FAILED: Invalid properties: " in invalid.stderr

    received = endpoint.output()
    assert (f"=== CloudFormation received the answer to create (LogicalResourceId IdentityPool, "
            f"RequestId {CREATE_ID}): SUCCESS ===") in received
    for request, status in [("update", "SUCCESS"), ("update-replace", "SUCCESS"),
                            ("delete", "SUCCESS"), ("create-invalid", "FAILED")]:
        assert re.search(rf"=== CloudFormation received the answer to {request} "
                         rf"\(LogicalResourceId IdentityPool, RequestId [0-9a-f-]+\): {status} ===",
                         received), received
    assert "AWS_LAMBDA_MAX_CONCURRENCY" not in watch.output()

