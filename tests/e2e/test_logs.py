"""What the function logs: never a ResponseURL signature, always whose request it is.

The presigned ResponseURL is a credential anyone holding it can use to answer
for the stack, so no log line may carry its X-Amz-Signature, at any log level
and on any path (including the error paths that like to print URLs). And a
CloudWatch reader must be able to tell which stack, request and resource a
line belongs to: every line logged while handling a request carries them.
"""

from __future__ import annotations

import json
import socket

import pytest

REQUEST_FIELDS = ("stack_id", "request_id", "logical_resource_id", "request_type")


def closed_port() -> int:
    """A local port nothing listens on: PUTs to it are refused at connect."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def exercise_every_answer_path(function, cognito, cfn) -> None:
    """Requests that make the function log what it logs on each path: a PUT retried
    after a 503, a redelivered Create whose PUT cannot connect (transport errors
    like to print the URL), an Update, an event that is no request, and a Delete
    whose PUT is refused with 403 SignatureDoesNotMatch (S3's error body echoes
    the signature), then retried by Lambda."""
    function.receiver.fail_next(1)
    create = function.event("create")
    pool_id = function.request(create)["PhysicalResourceId"]
    unreachable = function.receiver.url_for("unreachable").replace(
        function.receiver.base_url, f"https://127.0.0.1:{closed_port()}")
    assert function.invoke(create, timeout_s=2, ResponseURL=unreachable)[0].kind == "error"
    function.request("update", PhysicalResourceId=pool_id)
    assert function.invoke("create", StackId=None)[0].kind == "error"

    delete = function.event(cfn.delete_for(create, pool_id))
    function.receiver.fail_next(1, status=403)
    refused, _ = function.invoke(delete)
    assert refused.kind == "error", "an answer S3 refused was never delivered: Lambda must retry"
    assert not any(s in refused.raw_body.decode() for s in function.receiver.signatures())
    function.request(delete)  # Lambda's retry of the same event
    assert cognito.pools() == []


@pytest.mark.parametrize("log_env", [{}, {"RUST_LOG": "trace"}], ids=["default-level", "trace"])
def test_logs_never_contain_a_response_url_signature(provider, cognito, cfn, log_env):
    """On every answer path, at the default level and at TRACE, no ResponseURL
    signature the receiver issued appears in the function's output."""
    function = provider(**log_env)
    exercise_every_answer_path(function, cognito, cfn)
    logs = function.stop()
    if log_env:
        assert "TRACE" in logs, "RUST_LOG=trace was not applied: the test proves nothing"
    assert len(function.receiver.signatures()) >= 5
    function.assert_no_signature_logged()


def test_json_log_lines_of_a_request_carry_its_stack_request_resource_and_type(provider, cognito, cfn):
    """With AWS_LAMBDA_LOG_FORMAT=JSON every line is JSON, and every line from
    "request received" to "request answered" (retry warnings and cut-off errors
    included) carries the request's stack_id, request_id, logical_resource_id and
    request_type in its span."""
    function = provider(AWS_LAMBDA_LOG_FORMAT="JSON")
    function.receiver.fail_next(1)
    create = function.event("create")
    pool_id = function.request(create)["PhysicalResourceId"]
    cognito.inject({"operation": "UpdateIdentityPool", "mode": "hang", "seconds": 30})
    update = function.event("update", PhysicalResourceId=pool_id)
    function.request(update, status="FAILED", timeout_s=3)
    cognito.inject()
    delete = function.event(cfn.delete_for(update, pool_id))
    function.request(delete)

    lines = [json.loads(line) for line in function.stop().splitlines() if line.strip()]
    handled = request_lines(lines)
    expected = [identity(event) for event in (create, update, delete)]
    assert [request for request, _ in handled] == expected
    for request, block in handled:
        messages = [line["fields"].get("message") for line in block]
        assert messages[0] == "request received" and messages[-1] == "request answered", messages
        for line in block:
            assert {k: line.get("span", {}).get(k) for k in REQUEST_FIELDS} == request, line
    assert any(line["level"] == "WARN" for _, block in handled for line in block), "no retry logged"
    assert any(line["level"] == "ERROR" for _, block in handled for line in block), "no cut-off logged"


def identity(event: dict) -> dict:
    """The fields that name a request, as the span should carry them."""
    return {"stack_id": event["StackId"], "request_id": event["RequestId"],
            "logical_resource_id": event["LogicalResourceId"], "request_type": event["RequestType"]}


def request_lines(lines: list[dict]) -> list[tuple[dict, list[dict]]]:
    """The log lines of each request, from its "request received" to its "request
    answered", with the identity its "request received" line carries."""
    handled, block = [], None
    for line in lines:
        message = line.get("fields", {}).get("message")
        if message == "request received":
            block = []
            handled.append(({k: line.get("span", {}).get(k) for k in REQUEST_FIELDS}, block))
        if block is not None:
            block.append(line)
        if message == "request answered":
            block = None
    return handled
