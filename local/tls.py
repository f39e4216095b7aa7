"""Local TLS material and the one threaded HTTP(S) server every local stand-in shares.

The Lambda talks HTTPS to CloudFormation's presigned S3 URL and to Cognito, so
the local stand-ins must serve HTTPS with a certificate the Rust client (rustls
with the platform / native roots, pointed at our CA through ``SSL_CERT_FILE``)
accepts. ``ensure_local_ca`` makes that CA and a ``localhost``/``127.0.0.1``
server certificate once per directory. ``LocalServer`` and ``LocalHandler`` are
the small shared base for the receiver, the Runtime API and the Cognito
endpoint: bind 127.0.0.1 on a free port, serve each connection in a daemon
thread (optionally over TLS), speak HTTP/1.1 keep-alive, and never log request
lines (presigned URLs carry secrets).
"""

from __future__ import annotations

import datetime
import fcntl
import ipaddress
import os
import select
import socket
import socketserver
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_COMMON_NAME = "identity-pool-provider local CA"
CA_VALIDITY = datetime.timedelta(days=3650)
SERVER_VALIDITY = datetime.timedelta(days=365)
# Re-issue instead of reusing material that would expire during a test run.
MIN_REMAINING_VALIDITY = datetime.timedelta(days=2)


# --------------------------------------------------------------------------- TLS


@dataclass(frozen=True)
class LocalCa:
    """Paths of the local CA and server certificate, so servers and clients agree on them."""

    ca_file: str
    cert_file: str
    key_file: str

    def server_context(self) -> ssl.SSLContext:
        """A context for serving HTTPS as localhost/127.0.0.1 (HTTP/1.1 only, TLS >= 1.2)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_file, self.key_file)
        context.set_alpn_protocols(["http/1.1"])
        return context

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context trusting only this CA, for Python-side tests and tools."""
        return ssl.create_default_context(cafile=self.ca_file)


def ensure_local_ca(directory: str | os.PathLike[str]) -> LocalCa:
    """Return the CA in ``directory``, creating it (and the server certificate) if needed.

    Existing files are reused when they still form a valid chain, so repeated
    runs keep one CA that a developer may have trusted. Creation is guarded by
    a lock file, so parallel test processes never mix files of two CAs.
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    ca = LocalCa(
        ca_file=str(root / "ca.pem"),
        cert_file=str(root / "server.pem"),
        key_file=str(root / "server-key.pem"),
    )
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _is_usable(ca):
            _write_new_ca(ca)
    return ca


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _is_usable(ca: LocalCa) -> bool:
    """True when the three files exist, chain together, match, and stay valid for a while."""
    try:
        ca_cert = x509.load_pem_x509_certificate(Path(ca.ca_file).read_bytes())
        leaf = x509.load_pem_x509_certificate(Path(ca.cert_file).read_bytes())
        key = serialization.load_pem_private_key(Path(ca.key_file).read_bytes(), password=None)
        leaf.verify_directly_issued_by(ca_cert)
    except (OSError, ValueError, TypeError, InvalidSignature):
        return False
    horizon = _now() + MIN_REMAINING_VALIDITY
    return (
        key.public_key() == leaf.public_key()
        and ca_cert.not_valid_after_utc > horizon
        and leaf.not_valid_after_utc > horizon
    )


def _write_new_ca(ca: LocalCa) -> None:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _ca_certificate(ca_key)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = _server_certificate(server_key, ca_cert, ca_key)
    key_pem = server_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_atomically(ca.key_file, key_pem, mode=0o600)
    _write_atomically(ca.cert_file, server_cert.public_bytes(serialization.Encoding.PEM))
    _write_atomically(ca.ca_file, ca_cert.public_bytes(serialization.Encoding.PEM))
    # The CA key is deliberately not kept: nothing else may ever be signed by it.


def _ca_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_COMMON_NAME)])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    usage = _key_usage(digital_signature=True, key_cert_sign=True, crl_sign=True)
    return (
        _builder(name, name, key.public_key(), CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )


def _server_certificate(
    key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    san = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        _builder(subject, ca_cert.subject, key.public_key(), SERVER_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(san, critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: Any, validity: datetime.timedelta
) -> x509.CertificateBuilder:
    start = _now() - datetime.timedelta(hours=1)  # tolerate small clock skew
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + validity)
    )


def _key_usage(
    digital_signature: bool = False, key_cert_sign: bool = False, crl_sign: bool = False
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _write_atomically(path: str, data: bytes, mode: int = 0o644) -> None:
    tmp = f"{path}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


# ------------------------------------------------------------------ HTTP server


class BodyError(Exception):
    """A request body that does not match its framing; the connection must be closed."""

    def __init__(self, body: bytes, message: str):
        super().__init__(message)
        self.body = body


class LocalHandler(BaseHTTPRequestHandler):
    """Request-handler base: HTTP/1.1 keep-alive, body reading, replies, and no request logging.

    Subclasses reach their service object as ``self.app``.
    """

    protocol_version = "HTTP/1.1"
    server_version = "local-stand-in"
    sys_version = ""
    body_timeout = 5.0  # seconds to wait for a body the client announced
    # Headers and body go out in two writes; with Nagle on, the body would wait
    # for the client's delayed ACK (~40 ms) and distort latency measurements.
    disable_nagle_algorithm = True

    @property
    def app(self) -> Any:
        """The ``LocalServer`` subclass instance this handler serves."""
        return self.server.app  # type: ignore[attr-defined]

    def read_body(self) -> bytes:
        """Read the body by Content-Length or chunked encoding; raise BodyError when it falls short."""
        self.connection.settimeout(self.body_timeout)
        try:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                return self._read_chunked()
            return self._read_exactly(int(self.headers.get("Content-Length") or 0))
        except (TimeoutError, ValueError) as error:
            raise BodyError(b"", f"unreadable body: {error}") from error
        finally:
            self.connection.settimeout(None)

    def _read_exactly(self, length: int) -> bytes:
        body = bytearray()
        try:
            while len(body) < length and (chunk := self.rfile.read1(length - len(body))):
                body += chunk
        except TimeoutError:
            pass
        if len(body) < length:
            raise BodyError(bytes(body), f"body has {len(body)} bytes, Content-Length says {length}")
        return bytes(body)

    def _read_chunked(self) -> bytes:
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0].strip(), 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
            pass
        return b"".join(chunks)

    def has_trailing_bytes(self) -> bool:
        """True when bytes beyond the announced body are already waiting (Content-Length too small)."""
        self.connection.setblocking(False)
        try:
            return bool(self.rfile.peek(1))
        except (BlockingIOError, ssl.SSLWantReadError):
            return False
        finally:
            self.connection.settimeout(None)

    def peer_closed(self) -> bool:
        """True when the client hung up while we still hold its request (e.g. a parked long poll).

        A client waiting for our answer sends nothing, so a readable socket means EOF.
        """
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        if isinstance(self.connection, ssl.SSLSocket):
            return True  # close_notify or EOF; TLS sockets cannot MSG_PEEK
        try:
            return self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True

    def reply(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        close: bool = False,
    ) -> None:
        """Send a complete response with an exact Content-Length."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Stay silent: request lines carry presigned-URL signatures that must never be logged."""


class _ThreadingServer(ThreadingHTTPServer):
    """Thread per connection; TLS handshake in that thread; tracks sockets to cut them on stop."""

    daemon_threads = True
    block_on_close = False  # a parked /next long poll must not block stop()

    def __init__(self, app: LocalServer, handler: type[LocalHandler], port: int,
                 context: ssl.SSLContext | None):
        self.app = app
        self.ssl_context = context
        self.live: set[socket.socket] = set()
        self.live_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn), slow in sandboxes.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "localhost", self.server_address[1]

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            if self.ssl_context is not None:
                request = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # failed handshake (e.g. client distrusts our CA): nothing to serve
        with self.live_lock:
            self.live.add(request)
        try:
            super().finish_request(request, client_address)
        except (ConnectionError, ssl.SSLError, TimeoutError):
            pass  # client went away mid-request
        finally:
            with self.live_lock:
                self.live.discard(request)
            request.close()

    def cut_connections(self) -> None:
        with self.live_lock:
            live = list(self.live)
        for conn in live:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class LocalServer:
    """Base of every local stand-in: serves ``handler_class`` on 127.0.0.1 in a daemon thread.

    ``port=0`` picks a free port; ``tls`` (a LocalCa) switches to HTTPS.
    """

    handler_class: type[LocalHandler] = LocalHandler

    def __init__(self, tls: LocalCa | None = None, port: int = 0):
        self.tls = tls
        self._requested_port = port
        self._server: _ThreadingServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> LocalServer:
        """Bind and serve in the background; returns self so ``x = Svc().start()`` reads well."""
        if self._server is None:
            context = self.tls.server_context() if self.tls else None
            self._server = _ThreadingServer(self, self.handler_class, self._requested_port, context)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"{type(self).__name__}-server",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, cut open keep-alive connections, release the port."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.cut_connections()
            server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        """The bound port (valid after start)."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._server.server_address[1]

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``, the form AWS_LAMBDA_RUNTIME_API wants."""
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """``https://127.0.0.1:PORT`` (or ``http://`` without TLS), no trailing slash."""
        return f"{'https' if self.tls else 'http'}://{self.address}"

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
