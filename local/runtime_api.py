"""Stand-in for the AWS Lambda Runtime API, so the real ``bootstrap`` runs locally.

The binary (``lambda_runtime`` 1.x) long-polls ``GET /2018-06-01/runtime/invocation/next``
on ``AWS_LAMBDA_RUNTIME_API`` and posts each result back. This server hands out
queued events with the headers the crate reads and records what comes back:
https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

from tls import BodyError, LocalHandler, LocalServer

PREFIX = "/2018-06-01/runtime"
DEFAULT_FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider"
MAX_RESPONSE_BYTES = 6 * 1024 * 1024  # Lambda's synchronous payload limit
ANSWER_GRACE_S = 5.0  # invoke() waits this long past the deadline before giving up
_ANSWER = re.compile(rf"^{PREFIX}/invocation/(?P<id>[^/]+)/(?P<kind>response|error)$")


@dataclass(frozen=True)
class Invocation:
    """A finished invocation: what the function answered, and when (monotonic seconds)."""

    request_id: str
    kind: str  # 'response' | 'error'
    body: Any  # parsed JSON when possible, else text
    raw_body: bytes
    error_type: str | None  # Lambda-Runtime-Function-Error-Type on /error
    queued_at: float
    started_at: float  # handed out by /next
    answered_at: float
    deadline: float  # monotonic equivalent of deadline_ms
    deadline_ms: int  # epoch milliseconds, as sent in Lambda-Runtime-Deadline-Ms

    @property
    def duration(self) -> float:
        """Seconds from hand-out to answer: the function's own run time."""
        return self.answered_at - self.started_at


class PendingInvocation:
    """Handle for a queued event: ``result()`` blocks until the function answers."""

    def __init__(self, event: bytes, timeout_s: float):
        self.request_id = str(uuid.uuid4())
        self.event = event
        self.timeout_s = timeout_s
        self.queued_at = time.monotonic()
        self.deadline = self.queued_at + timeout_s
        self.deadline_ms = int((time.time() + timeout_s) * 1000)
        self.trace_id = _trace_id()
        self.started_at: float | None = None
        self._done = threading.Event()
        self._invocation: Invocation | None = None

    def done(self) -> bool:
        """True once the invocation has its answer."""
        return self._done.is_set()

    def result(self, timeout: float | None = None) -> Invocation:
        """The answered Invocation; AssertionError if none within ``timeout`` (default: deadline + 5 s)."""
        if timeout is None:
            timeout = max(0.0, self.deadline + ANSWER_GRACE_S - time.monotonic())
        if not self._done.wait(timeout):
            state = "never picked up by /next" if self.started_at is None else "picked up, never answered"
            raise AssertionError(
                f"invocation {self.request_id} got no answer within {timeout:.1f}s ({state})"
            )
        assert self._invocation is not None
        return self._invocation

    def _answer(self, kind: str, raw: bytes, error_type: str | None) -> None:
        self._invocation = Invocation(
            request_id=self.request_id, kind=kind, body=_parse(raw), raw_body=raw,
            error_type=error_type, queued_at=self.queued_at,
            started_at=self.started_at if self.started_at is not None else self.queued_at,
            answered_at=time.monotonic(), deadline=self.deadline, deadline_ms=self.deadline_ms,
        )
        self._done.set()


class _RuntimeHandler(LocalHandler):
    def do_GET(self) -> None:
        if self.path == f"{PREFIX}/invocation/next":
            self.app._next(self)
        else:
            self.app._error(self, 404, "InvalidRequest", f"unknown path {self.path}")

    def do_POST(self) -> None:
        try:
            body = self.read_body()
        except BodyError as bad:
            self.app._error(self, 400, "InvalidRequest", str(bad), close=True)
            return
        error_type = self.headers.get("Lambda-Runtime-Function-Error-Type")
        if self.path == f"{PREFIX}/init/error":
            self.app._init_error(self, body, error_type)
        elif match := _ANSWER.match(self.path):
            self.app._answer(self, match["id"], match["kind"], body, error_type)
        else:
            self.app._error(self, 404, "InvalidRequest", f"unknown path {self.path}")


class RuntimeApi(LocalServer):
    """The Runtime API endpoint a bootstrap polls; tests ``invoke`` events through it.

    Attributes for cold-start checks: ``first_poll_at`` (monotonic time of the
    first GET /next, None before), ``polls`` (GET /next count) and
    ``init_errors`` (bodies posted to /init/error, as dicts with ``error_type``
    and ``body``).

    A parked /next whose client hung up never takes an event, so a bootstrap
    started after another one was stopped gets the next invocation.
    """

    handler_class = _RuntimeHandler

    def __init__(self, function_arn: str = DEFAULT_FUNCTION_ARN, port: int = 0):
        super().__init__(None, port)
        self.function_arn = function_arn
        self.first_poll_at: float | None = None
        self.polls = 0
        self.init_errors: list[dict[str, Any]] = []
        self._queued: deque[PendingInvocation] = deque()
        self._in_flight: dict[str, PendingInvocation] = {}
        self._cond = threading.Condition()
        self._stopping = threading.Event()

    def invoke_async(self, event: dict | bytes, timeout_s: float = 30.0) -> PendingInvocation:
        """Queue ``event`` (deadline = now + timeout_s) and return at once."""
        payload = event if isinstance(event, bytes) else json.dumps(event).encode()
        pending = PendingInvocation(payload, timeout_s)
        with self._cond:
            self._queued.append(pending)
            self._cond.notify_all()
        return pending

    def invoke(self, event: dict | bytes, timeout_s: float = 30.0) -> Invocation:
        """Queue ``event`` and block until the function answers (AssertionError after deadline + 5 s)."""
        return self.invoke_async(event, timeout_s).result()

    def start(self) -> RuntimeApi:
        """Start serving (a stopped RuntimeApi may be started again)."""
        self._stopping.clear()
        super().start()
        return self

    def stop(self) -> None:
        """Release parked /next polls, then stop serving."""
        self._stopping.set()
        super().stop()

    def runtime_exited(self, returncode: int | None) -> None:
        """Fail the in-flight invocations of a bootstrap that died, as Lambda does (Runtime.ExitError)."""
        with self._cond:
            orphans = list(self._in_flight.values())
            self._in_flight.clear()
        for pending in orphans:
            message = (f"RequestId: {pending.request_id} Error: Runtime exited with error: "
                       f"exit status {returncode}")
            raw = json.dumps({"errorType": "Runtime.ExitError", "errorMessage": message}).encode()
            pending._answer("error", raw, "Runtime.ExitError")

    # -- request handling -----------------------------------------------------

    def _next(self, handler: LocalHandler) -> None:
        with self._cond:
            self.polls += 1
            if self.first_poll_at is None:
                self.first_poll_at = time.monotonic()
        pending = self._take(handler)
        if pending is None:  # stopping, or the client left: just drop the connection
            handler.close_connection = True
            return
        headers = {
            "Lambda-Runtime-Aws-Request-Id": pending.request_id,
            "Lambda-Runtime-Deadline-Ms": str(pending.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": self.function_arn,
            "Lambda-Runtime-Trace-Id": pending.trace_id,
        }
        handler.reply(200, pending.event, "application/json", headers)

    def _take(self, handler: LocalHandler) -> PendingInvocation | None:
        """Wait, with no server-side timeout, for the next event; None on stop or client hang-up."""
        with self._cond:
            while not (self._stopping.is_set() or handler.peer_closed()):
                if self._queued:
                    pending = self._queued.popleft()
                    pending.started_at = time.monotonic()
                    self._in_flight[pending.request_id] = pending
                    return pending
                self._cond.wait(0.2)
        return None

    def _answer(self, handler: LocalHandler, request_id: str, kind: str, body: bytes,
                error_type: str | None) -> None:
        if kind == "response" and len(body) > MAX_RESPONSE_BYTES:
            self._error(handler, 413, "RequestEntityTooLarge", "response payload too large")
            return
        with self._cond:
            pending = self._in_flight.pop(request_id, None)
        if pending is None:
            self._error(handler, 400, "InvalidRequestID", f"unknown or answered id {request_id}")
            return
        pending._answer(kind, body, error_type)
        handler.reply(202, b'{"status":"OK"}', "application/json")

    def _init_error(self, handler: LocalHandler, body: bytes, error_type: str | None) -> None:
        with self._cond:
            self.init_errors.append({"error_type": error_type, "body": _parse(body)})
            doomed = list(self._queued)  # as in Lambda, waiting invokes get the init error
            self._queued.clear()
        handler.reply(202, b'{"status":"OK"}', "application/json")
        for pending in doomed:
            pending._answer("error", body, error_type or "Runtime.InitError")

    @staticmethod
    def _error(handler: LocalHandler, status: int, error_type: str, message: str,
               close: bool = False) -> None:
        body = json.dumps({"errorMessage": message, "errorType": error_type}).encode()
        handler.reply(status, body, "application/json", close=close)


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _trace_id() -> str:
    return (f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};"
            f"Parent={secrets.token_hex(8)};Sampled=0")
