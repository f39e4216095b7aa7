"""Run the real ``bootstrap`` binary locally, as Lambda would, against local stand-ins.

``LambdaProcess`` starts the binary with the environment Lambda gives a
``provided.al2023`` function (and nothing from the developer's shell, so no
stray AWS profile or proxy leaks in) and captures its output. ``LocalStack``
brings up the Runtime API and the ResponseURL receiver the binary talks to.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import threading
import time
from pathlib import Path
from typing import IO

from receiver import Receiver
from runtime_api import RuntimeApi
from tls import LocalCa, ensure_local_ca

FUNCTION_NAME = "identity-pool-provider"
STOP_GRACE_S = 5.0


def lambda_environment(
    runtime_api: RuntimeApi, extra: dict[str, str | None] | None = None
) -> dict[str, str]:
    """The environment Lambda sets for the function, plus ``extra`` (a None value removes a key)."""
    env = {
        "AWS_LAMBDA_RUNTIME_API": runtime_api.address,
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_STREAM_NAME": f"{time.strftime('%Y/%m/%d')}/[$LATEST]{secrets.token_hex(16)}",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{FUNCTION_NAME}",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "AKIALOCALTESTKEY0000",
        "AWS_SECRET_ACCESS_KEY": "local-test-secret-access-key-not-real",
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
    }
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


class LambdaProcess:
    """A running bootstrap: spawned on construction, output captured, stopped on exit.

    ``logs()`` returns everything it printed so far (stdout and stderr
    interleaved); ``spawned_at`` is the monotonic spawn time, to measure cold
    start against ``runtime_api.first_poll_at``. When the process dies, its
    in-flight invocations are failed with Runtime.ExitError, as Lambda does.
    """

    def __init__(self, binary_path: str | os.PathLike[str], runtime_api: RuntimeApi,
                 env: dict[str, str | None] | None = None):
        self.binary_path = Path(binary_path)
        self.runtime_api = runtime_api
        self.env = lambda_environment(runtime_api, env)
        self._chunks: list[bytes] = []
        self._output = threading.Condition()
        self.spawned_at = time.monotonic()
        self._process = subprocess.Popen(
            [str(self.binary_path)],
            env=self.env,
            cwd=self.binary_path.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._reader = threading.Thread(target=self._pump, args=(self._process.stdout,),
                                        name="bootstrap-output", daemon=True)
        self._reader.start()

    def _pump(self, stream: IO[bytes]) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            with self._output:
                self._chunks.append(chunk)
                self._output.notify_all()
        self.runtime_api.runtime_exited(self._process.wait())

    def logs(self) -> str:
        """Everything the process wrote so far, decoded leniently."""
        with self._output:
            return b"".join(self._chunks).decode("utf-8", "replace")

    def wait_for_log(self, text: str, timeout: float = 10.0) -> str:
        """Block until ``text`` appears in the output; AssertionError (with the logs) otherwise."""
        deadline = time.monotonic() + timeout
        with self._output:
            while text not in (logs := b"".join(self._chunks).decode("utf-8", "replace")):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{text!r} not logged within {timeout}s; logs:\n{logs}")
                self._output.wait(remaining)
        return logs

    @property
    def pid(self) -> int:
        """The process id."""
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """Exit status once it ended (negative: killed by that signal), else None."""
        return self._process.poll()

    def alive(self) -> bool:
        """True while the process runs."""
        return self._process.poll() is None

    def stop(self) -> int:
        """SIGTERM, wait up to 5 s, then SIGKILL; returns the exit status."""
        if self.alive():
            self._process.terminate()
            try:
                self._process.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._reader.join(timeout=STOP_GRACE_S)
        return self._process.returncode

    def __enter__(self) -> LambdaProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LocalStack:
    """Runtime API plus ResponseURL receiver (HTTPS with the CA in ``ca_dir`` unless tls=False).

    ``with LocalStack(tmp) as stack:`` gives ``stack.runtime_api``,
    ``stack.receiver`` and ``stack.ca``; ``stack.lambda_env()`` is the env the
    bootstrap needs to trust the local CA.
    """

    def __init__(self, ca_dir: str | os.PathLike[str], tls: bool = True):
        self.ca: LocalCa | None = ensure_local_ca(ca_dir) if tls else None
        self.runtime_api = RuntimeApi()
        self.receiver = Receiver(self.ca)

    def lambda_env(self) -> dict[str, str]:
        """``SSL_CERT_FILE`` pointing at the local CA (empty without TLS)."""
        return {"SSL_CERT_FILE": self.ca.ca_file} if self.ca else {}

    def __enter__(self) -> LocalStack:
        self.runtime_api.start()
        self.receiver.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.receiver.stop()
        self.runtime_api.stop()
