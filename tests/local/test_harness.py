"""Tests of the local stand-ins (TLS, ResponseURL receiver, Runtime API, process harness)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "local"))

from lambda_harness import LambdaProcess, LocalStack  # noqa: E402
from receiver import Receiver  # noqa: E402
from runtime_api import RuntimeApi  # noqa: E402
from tls import ensure_local_ca  # noqa: E402

BODY = {"Status": "SUCCESS", "PhysicalResourceId": "us-east-1:0000", "Reason": "é ✓"}

# A stand-in bootstrap: keep-alive client of the Runtime API, echoing events back,
# posting to /error when the event asks for it.
FAKE_BOOTSTRAP = """\
    import http.client, json, os, sys
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
    conn = http.client.HTTPConnection(host, int(port))
    print("fake bootstrap up in", os.environ["AWS_LAMBDA_FUNCTION_NAME"], file=sys.stderr)
    while True:
        conn.request("GET", "/2018-06-01/runtime/invocation/next")
        resp = conn.getresponse()
        event = json.loads(resp.read())
        rid = resp.getheader("Lambda-Runtime-Aws-Request-Id")
        echo = {"event": event, "deadline_ms": resp.getheader("Lambda-Runtime-Deadline-Ms"),
                "arn": resp.getheader("Lambda-Runtime-Invoked-Function-Arn"),
                "trace": resp.getheader("Lambda-Runtime-Trace-Id")}
        kind, headers = "response", {}
        if event.get("fail"):
            kind, headers = "error", {"Lambda-Runtime-Function-Error-Type": "unhandled"}
            echo = {"errorType": "Boom", "errorMessage": event["fail"]}
        conn.request("POST", f"/2018-06-01/runtime/invocation/{rid}/{kind}",
                     body=json.dumps(echo), headers=headers)
        answer = conn.getresponse()
        answer.read()
        print("answered", rid, answer.status, flush=True)
"""


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return ensure_local_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def receiver(ca):
    with Receiver(ca) as server:
        yield server


def put(url: str, body: bytes, ca, headers: dict[str, str] | None = None) -> int:
    # urllib adds Content-Type: application/x-www-form-urlencoded unless told otherwise.
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": ""} | (headers or {}))
    try:
        with urllib.request.urlopen(request, context=ca.client_context(), timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as error:
        return error.code


# -- TLS ----------------------------------------------------------------------


def test_certificates_verify_with_openssl_and_are_reused(ca):
    result = subprocess.run(["openssl", "verify", "-CAfile", ca.ca_file, ca.cert_file],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    text = subprocess.run(["openssl", "x509", "-in", ca.cert_file, "-noout", "-text"],
                          capture_output=True, text=True, check=True).stdout
    assert "IP Address:127.0.0.1" in text and "DNS:localhost" in text
    assert "TLS Web Server Authentication" in text and "CA:FALSE" in text
    before = Path(ca.ca_file).read_bytes()
    assert ensure_local_ca(Path(ca.ca_file).parent) == ca
    assert Path(ca.ca_file).read_bytes() == before


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")
def test_curl_trusts_the_local_ca(receiver, ca):
    url = receiver.url_for("curl")
    result = subprocess.run(
        ["curl", "-sS", "--fail", "--cacert", ca.ca_file, "-X", "PUT", "-H", "Content-Type:",
         "--data-binary", json.dumps(BODY), url],
        capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode == 0, result.stderr
    assert receiver.wait_for(1, timeout=2)[0].json == BODY


# -- Receiver -----------------------------------------------------------------


def test_https_put_is_recorded(receiver, ca):
    url = receiver.url_for("arn:aws:cloudformation:us-east-1:123456789012:stack/s/1|Pool|r1")
    assert url.startswith(f"https://127.0.0.1:{receiver.port}/cfn-responses/arn%3Aaws")
    body = json.dumps(BODY, ensure_ascii=False).encode()
    assert put(url, body, ca) == 200
    [got] = receiver.wait_for(1, timeout=2)
    assert got.body_bytes == body and got.json == BODY
    assert got.path == url.split("?")[0].removeprefix(receiver.base_url)
    assert got.query["X-Amz-Signature"] in receiver.signatures()
    assert len(got.query["X-Amz-Signature"]) == 64
    assert got.received_at <= time.monotonic()


def test_content_type_is_rejected_like_s3(receiver, ca):
    url = receiver.url_for("typed")
    request = urllib.request.Request(url, data=b"{}", method="PUT",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, context=ca.client_context(), timeout=5)
    assert caught.value.code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in caught.value.read()
    assert receiver.responses() == []
    assert [a.status for a in receiver.attempts()] == [403]
    with pytest.raises(AssertionError, match="403"):
        receiver.wait_for(1, timeout=0.2)


def test_content_length_must_count_bytes(ca):
    with Receiver() as plain:
        body = json.dumps(BODY, ensure_ascii=False)  # non-ASCII: chars != bytes
        with socket.create_connection(("127.0.0.1", plain.port), timeout=5) as sock:
            sock.sendall(f"PUT /cfn-responses/x HTTP/1.1\r\nHost: h\r\n"
                         f"Content-Length: {len(body)}\r\n\r\n".encode() + body.encode())
            assert sock.recv(100).startswith(b"HTTP/1.1 400")
        assert plain.responses() == [] and [a.status for a in plain.attempts()] == [400]


def test_fail_next_injects_faults_then_accepts(receiver, ca):
    receiver.fail_next(2)
    url = receiver.url_for("retry")
    assert [put(url, b'{"n":1}', ca) for _ in range(3)] == [503, 503, 200]
    assert [a.status for a in receiver.attempts()] == [503, 503, 200]
    assert len(receiver.responses()) == 1
    receiver.clear()
    assert receiver.attempts() == []


# -- Runtime API and process harness --------------------------------------------


@pytest.fixture
def fake_bootstrap(tmp_path):
    return executable(tmp_path / "bootstrap", FAKE_BOOTSTRAP)


def test_runtime_api_round_trip_with_fake_bootstrap(fake_bootstrap, tmp_path):
    with LocalStack(tmp_path / "ca") as stack, \
            LambdaProcess(fake_bootstrap, stack.runtime_api, stack.lambda_env()) as proc:
        assert stack.receiver.base_url.startswith("https://")
        assert proc.env["SSL_CERT_FILE"] == stack.ca.ca_file
        before_ms = time.time() * 1000
        ok = stack.runtime_api.invoke({"RequestType": "Create"}, timeout_s=20)
        assert ok.kind == "response"
        assert ok.body["event"] == {"RequestType": "Create"}
        assert ok.body["arn"].endswith(":function:identity-pool-provider")
        assert ok.body["trace"].startswith("Root=1-")
        assert abs(int(ok.body["deadline_ms"]) - (before_ms + 20_000)) < 1000
        assert ok.queued_at <= ok.started_at <= ok.answered_at < ok.deadline

        failed = stack.runtime_api.invoke({"fail": "kaput"}, timeout_s=5)
        assert failed.kind == "error" and failed.error_type == "unhandled"
        assert failed.body == {"errorType": "Boom", "errorMessage": "kaput"}

        api = stack.runtime_api
        assert proc.spawned_at < api.first_poll_at and api.polls >= 2
        assert api.init_errors == []
        proc.wait_for_log("answered", timeout=2)
        assert "fake bootstrap up in identity-pool-provider" in proc.logs()
    assert not proc.alive() and proc.returncode is not None


def test_a_new_bootstrap_gets_the_event_a_stopped_one_was_polling_for(fake_bootstrap):
    with RuntimeApi() as api:
        with LambdaProcess(fake_bootstrap, api):
            assert api.invoke({"n": 1}, timeout_s=5).body["event"] == {"n": 1}
            deadline = time.monotonic() + 5
            while api.polls < 2 and time.monotonic() < deadline:  # parked on its second /next
                time.sleep(0.01)
        with LambdaProcess(fake_bootstrap, api):  # the first one's /next is still parked
            assert api.invoke({"n": 2}, timeout_s=5).body["event"] == {"n": 2}


def executable(path: Path, *code: str) -> Path:
    path.write_text(f"#!{sys.executable} -u\n" + "".join(map(textwrap.dedent, code)))
    path.chmod(0o755)
    return path


CONNECT = """\
    import http.client, os, sys
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
    conn = http.client.HTTPConnection(host, int(port))
"""


def test_init_error_answers_waiting_invocations(tmp_path):
    script = executable(tmp_path / "bootstrap", CONNECT, """\
        conn.request("POST", "/2018-06-01/runtime/init/error", body='{"errorType":"Init"}',
                     headers={"Lambda-Runtime-Function-Error-Type": "Runtime.InitError"})
        sys.exit(conn.getresponse().status != 202)
    """)
    with RuntimeApi() as api:
        pending = api.invoke_async({"x": 1}, timeout_s=30)
        with LambdaProcess(script, api) as proc:
            result = pending.result(timeout=5)
        assert result.kind == "error" and result.error_type == "Runtime.InitError"
        assert api.init_errors == [{"error_type": "Runtime.InitError", "body": {"errorType": "Init"}}]
    assert not proc.alive()


def test_bootstrap_dying_mid_invocation_fails_it_fast(tmp_path):
    script = executable(tmp_path / "bootstrap", CONNECT, """\
        conn.request("GET", "/2018-06-01/runtime/invocation/next")
        conn.getresponse().read()
        sys.exit(3)
    """)
    with RuntimeApi() as api:
        pending = api.invoke_async({"x": 1}, timeout_s=30)
        with LambdaProcess(script, api) as proc:
            result = pending.result(timeout=5)
        assert result.kind == "error" and result.error_type == "Runtime.ExitError"
        assert "exit status 3" in result.body["errorMessage"]
    assert proc.returncode == 3


def test_unanswered_invocation_raises(tmp_path):
    with RuntimeApi() as api:
        with pytest.raises(AssertionError, match="never picked up"):
            api.invoke_async({"x": 1}, timeout_s=0.1).result(timeout=0.2)
