"""Stand-in for CloudFormation's presigned S3 ResponseURL.

The Lambda's only way to report success or failure is one PUT to that URL, and
real S3 is strict about it (docs/design.md#the-response): a Content-Type on a URL signed
without one is a 403 SignatureDoesNotMatch, and Content-Length must count
bytes. This receiver enforces the same rules, records every PUT, and can inject
5xx answers so retry behaviour can be tested.

Run on its own: ``python local/receiver.py [--tls-dir DIR] [--port N]``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from tls import BodyError, LocalCa, LocalHandler, LocalServer, ensure_local_ca

ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"

S3_ERRORS = {
    400: ("BadRequest", "An error occurred when parsing the HTTP request."),
    403: ("AccessDenied", "Access Denied"),
    404: ("NoSuchKey", "The specified key does not exist."),
    411: ("MissingContentLength", "You must provide the Content-Length HTTP header."),
    500: ("InternalError", "We encountered an internal error. Please try again."),
    503: ("SlowDown", "Please reduce your request rate."),
}
SIGNATURE_DOES_NOT_MATCH = ("SignatureDoesNotMatch", "The request signature we calculated does not "
                            "match the signature you provided. Check your key and signing method.")
INCOMPLETE_BODY = ("IncompleteBody", "You did not provide the number of bytes specified by the "
                   "Content-Length HTTP header.")


@dataclass(frozen=True)
class ReceivedResponse:
    """One PUT as the receiver saw it; ``status`` is what the receiver answered."""

    path: str  # raw, still percent-encoded, as sent on the request line
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    body_bytes: bytes
    json: Any  # the parsed body, or None when it is not JSON
    received_at: float  # time.monotonic()
    status: int = 200


class _ReceiverHandler(LocalHandler):
    server_version = "AmazonS3"

    def do_PUT(self) -> None:
        self.app._handle_put(self)

    def _reject_method(self) -> None:
        self.reply(405, s3_error_xml("MethodNotAllowed", "The specified method is not allowed."),
                   "application/xml")

    do_GET = do_POST = do_DELETE = do_PATCH = do_HEAD = _reject_method


class Receiver(LocalServer):
    """Records the custom-resource responses PUT to it, answering like S3 would.

    Rules, checked in this order: a body shorter or longer than Content-Length
    gets 400 (``IncompleteBody`` / ``BadRequest``), a missing Content-Length
    411; a pending ``fail_next`` fault its status; a non-empty Content-Type 403
    ``SignatureDoesNotMatch``. Everything else is 200 and counts as accepted.
    """

    handler_class = _ReceiverHandler

    def __init__(
        self,
        tls: LocalCa | None = None,
        port: int = 0,
        on_response: Callable[[ReceivedResponse], None] | None = None,
    ):
        super().__init__(tls, port)
        self._on_response = on_response
        self._cond = threading.Condition()
        self._attempts: list[ReceivedResponse] = []
        self._faults: list[int] = []
        self._signatures: list[str] = []

    # -- URLs -----------------------------------------------------------------

    def url_for(self, name: str) -> str:
        """A presigned-looking ResponseURL for ``name``; its X-Amz-Signature is a fresh secret."""
        now = datetime.datetime.now(datetime.timezone.utc)
        signature = secrets.token_hex(32)
        with self._cond:
            self._signatures.append(signature)
        query = urlencode({
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Date": now.strftime("%Y%m%dT%H%M%SZ"),
            "X-Amz-SignedHeaders": "host",
            "X-Amz-Expires": "7200",
            "X-Amz-Credential": f"{ACCESS_KEY_ID}/{now:%Y%m%d}/us-east-1/s3/aws4_request",
            "X-Amz-Signature": signature,
        })
        return f"{self.base_url}/cfn-responses/{quote(name, safe='/')}?{query}"

    def signatures(self) -> list[str]:
        """Every signature issued by url_for: secrets that must never show up in logs."""
        with self._cond:
            return list(self._signatures)

    # -- faults and records ---------------------------------------------------

    def fail_next(self, n: int, status: int = 503) -> None:
        """Answer the next ``n`` PUTs with ``status`` (an S3-style error) instead of accepting them."""
        with self._cond:
            self._faults.extend([status] * n)

    def attempts(self) -> list[ReceivedResponse]:
        """Every PUT received, including rejected and fault-injected ones."""
        with self._cond:
            return list(self._attempts)

    def responses(self) -> list[ReceivedResponse]:
        """The accepted PUTs (answered 200): what CloudFormation would actually have seen."""
        return [r for r in self.attempts() if r.status == 200]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedResponse]:
        """Block until ``count`` responses were accepted; AssertionError with what did arrive."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                accepted = [r for r in self._attempts if r.status == 200]
                remaining = deadline - time.monotonic()
                if len(accepted) >= count or remaining <= 0:
                    break
                self._cond.wait(remaining)
            attempts = [(r.status, r.path) for r in self._attempts]
        if len(accepted) >= count:
            return accepted
        raise AssertionError(
            f"expected {count} accepted response(s) within {timeout}s, got {len(accepted)}; "
            f"all PUT attempts (status, path): {attempts}"
        )

    def clear(self) -> None:
        """Forget recorded attempts and pending faults (issued URLs stay valid)."""
        with self._cond:
            self._attempts.clear()
            self._faults.clear()

    # -- request handling -----------------------------------------------------

    def _handle_put(self, handler: LocalHandler) -> None:
        body, status, error = _read_put(handler)
        received_at = time.monotonic()
        with self._cond:
            if status == 200:
                status, error = self._judge(handler.headers)
            record = _record(handler.path, handler.headers, body, received_at, status)
            self._attempts.append(record)
            self._cond.notify_all()
        if error is None:
            handler.reply(200, headers=_s3_headers() | {"ETag": f'"{uuid.uuid4().hex}"'})
            if self._on_response:
                self._on_response(record)
            return
        extra = {"SignatureProvided": record.query.get("X-Amz-Signature", "")} if status == 403 else {}
        handler.reply(status, s3_error_xml(*error, **extra), "application/xml", _s3_headers(),
                      close=status == 400)  # a mis-framed body leaves the stream out of sync

    def _judge(self, headers: Any) -> tuple[int, tuple[str, str] | None]:
        """S3's verdict on a well-framed PUT (call with the lock held: consumes faults)."""
        if headers.get("Content-Length") is None:
            return 411, S3_ERRORS[411]
        if self._faults:
            status = self._faults.pop(0)
            return status, S3_ERRORS.get(status, S3_ERRORS[500])
        if headers.get("Content-Type", "").strip():
            return 403, SIGNATURE_DOES_NOT_MATCH
        return 200, None


def _read_put(handler: LocalHandler) -> tuple[bytes, int, tuple[str, str] | None]:
    """The body, and 400 with S3's error when it does not match Content-Length."""
    try:
        body = handler.read_body()
    except BodyError as bad:
        return bad.body, 400, INCOMPLETE_BODY
    if handler.has_trailing_bytes():
        return body, 400, S3_ERRORS[400]
    return body, 200, None


def _record(raw_path: str, headers: Any, body: bytes, received_at: float,
            status: int) -> ReceivedResponse:
    parts = urlsplit(raw_path)
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    return ReceivedResponse(
        path=parts.path,
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        headers={k.lower(): v for k, v in headers.items()},
        body_bytes=body,
        json=parsed,
        received_at=received_at,
        status=status,
    )


def describe(record: ReceivedResponse) -> str:
    """A label for an accepted response: which request it answers (the ResponseURL's
    name, e.g. ``update`` for events/update.json, the LogicalResourceId and the
    RequestId) and its Status."""
    body = record.json if isinstance(record.json, dict) else {}
    request = record.path.rsplit("/", 1)[-1]
    return (f"CloudFormation received the answer to {request} "
            f"(LogicalResourceId {body.get('LogicalResourceId', '?')}, "
            f"RequestId {body.get('RequestId', '?')}): {body.get('Status', 'no Status')}")


def _s3_headers() -> dict[str, str]:
    return {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
            "x-amz-id-2": secrets.token_urlsafe(48)}


def s3_error_xml(code: str, message: str, **fields: str) -> bytes:
    """An S3 error document. Like real S3, a SignatureDoesNotMatch echoes SignatureProvided,
    so a Lambda that logs S3 error bodies verbatim leaks the presigned signature."""
    extra = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>{extra}"
        f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
    ).encode()


def main(argv: list[str] | None = None) -> None:
    """CLI: serve until Ctrl-C, printing each accepted body as pretty JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tls-dir", help="serve HTTPS with the local CA kept in this directory")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    tls = ensure_local_ca(args.tls_dir) if args.tls_dir else None

    def show(record: ReceivedResponse) -> None:
        shown = record.json if record.json is not None else record.body_bytes.decode("utf-8", "replace")
        print(f"=== {describe(record)} ===", flush=True)
        print(json.dumps(shown, indent=2, ensure_ascii=False), flush=True)

    receiver = Receiver(tls, args.port, on_response=show).start()
    print(f"response receiver (the events' ResponseURL) listening on {receiver.base_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        receiver.stop()


if __name__ == "__main__":
    main()
