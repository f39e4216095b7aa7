"""Fixtures for the end-to-end tests: the real bootstrap binary, run as Lambda runs it.

Each test gets its own stand-ins: a Lambda Runtime API and an https ResponseURL
receiver (``stack``), our Cognito Identity endpoint with its admin and fault API
(``cognito``), and, for the tests that want it, a moto server (``moto``). The
``provider`` factory starts the binary against one of the endpoints; ``function``
is the usual one, against ``cognito``. ``Function.invoke`` sends an event from
``events/`` (or a dict) the way CloudFormation would and returns the invocation
together with the response body CloudFormation would have received;
``Function.request`` also checks that answer (see ``cfn``: the sample events and
the checks on what CloudFormation needs back).

Every process started here is stopped at teardown; it must not have exited on
its own (Lambda would retry the event), and its logs are checked for the
ResponseURL signatures the receiver issued: a presigned URL is a credential, so
no test, whatever it provokes, may get the function to log one.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import socket
import sys
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "local"))

from clients import REGION, LocalCognito, boto3_client, http_json  # noqa: E402
from cognito_endpoint import CognitoServer  # noqa: E402
from lambda_harness import LambdaProcess, LocalStack  # noqa: E402
from receiver import ReceivedResponse  # noqa: E402
from runtime_api import Invocation  # noqa: E402

DEFAULT_BINARY = REPO_ROOT / "target" / "debug" / "identity-pool-provider"
EVENTS_DIR = REPO_ROOT / "events"
ACCOUNT_ID = "123456789012"
DEFAULT_TIMEOUT_S = 15.0
MAX_BODY_BYTES = 4096
_labels = itertools.count(1)


# --------------------------------------------------------------------------- events


class CloudFormation:
    """What CloudFormation sends (the sample requests in ``events/``, as fresh copies
    tests may change) and what it needs back (``assert_answer``)."""

    # The tag the provider puts on each pool it creates (src/properties.rs).
    REQUEST_TAG_KEY = "identity-pool-provider:create-request"

    def load(self, name: str, **overrides: Any) -> dict:
        """``events/<name>.json`` with top-level ``overrides`` applied (None removes a key)."""
        event = json.loads((EVENTS_DIR / f"{name}.json").read_text())
        return apply_overrides(event, overrides)

    def properties(self, name: str, **changes: Any) -> dict:
        """The ResourceProperties of ``events/<name>.json`` with ``changes`` applied."""
        return apply_overrides(self.load(name)["ResourceProperties"], changes)

    def delete_for(self, event: dict, physical_resource_id: str, **overrides: Any) -> dict:
        """The Delete CloudFormation sends for a resource last requested by ``event``:
        same stack and properties, a fresh RequestId, the given PhysicalResourceId."""
        return self.load(
            "delete",
            StackId=event["StackId"],
            LogicalResourceId=event["LogicalResourceId"],
            ResourceProperties=copy.deepcopy(event["ResourceProperties"]),
            RequestId=str(uuid.uuid4()),
            PhysicalResourceId=physical_resource_id,
            **overrides,
        )

    @staticmethod
    def assert_answer(response: dict | None, event: dict, status: str,
                      physical_resource_id: str | None = None) -> dict:
        """The response to ``event`` has ``status``, echoes StackId/RequestId/LogicalResourceId
        verbatim, carries a non-empty PhysicalResourceId (the given one, if any) and a
        Reason when FAILED. Returns the response for further checks."""
        assert response is not None, "no response was accepted at the ResponseURL"
        assert response["Status"] == status, f"expected {status}, got {response}"
        for field in ("StackId", "RequestId", "LogicalResourceId"):
            assert response[field] == event[field], f"{field} not echoed: {response}"
        assert response["PhysicalResourceId"], "PhysicalResourceId must never be empty"
        if physical_resource_id is not None:
            assert response["PhysicalResourceId"] == physical_resource_id
        if status == "FAILED":
            assert response.get("Reason"), "a FAILED response needs a Reason"
        return response

    @staticmethod
    def pool_data(pool_id: str, name: str) -> dict:
        """The ``Data`` (Fn::GetAtt attributes) a SUCCESS for this pool carries."""
        return {
            "IdentityPoolId": pool_id,
            "Name": name,
            "Arn": f"arn:aws:cognito-identity:{REGION}:{ACCOUNT_ID}:identitypool/{pool_id}",
        }

    @staticmethod
    def is_pool_id(value: str) -> bool:
        """``REGION:GUID``, as Cognito names identity pools."""
        region, _, guid = value.partition(":")
        return region == REGION and len(guid) == 36 and set(guid) <= set("0123456789abcdef-")

    @staticmethod
    def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
        """Tags in the template's ``IdentityPoolTags`` shape: a list of {Key, Value}."""
        return [{"Key": key, "Value": value} for key, value in tags.items()]

    @classmethod
    def user_tags(cls, tags: dict[str, str]) -> dict[str, str]:
        """A pool's tags without the provider's own request tag."""
        return {k: v for k, v in tags.items() if k != cls.REQUEST_TAG_KEY}


def apply_overrides(target: dict, overrides: dict) -> dict:
    """Set each key of ``overrides`` on ``target``; a None value removes the key."""
    for key, value in overrides.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)
    return target


CFN = CloudFormation()


@pytest.fixture(scope="session")
def cfn() -> CloudFormation:
    """Sample requests to send, and the checks on what comes back."""
    return CFN


# --------------------------------------------------------------------------- endpoints


def free_port() -> int:
    """A loopback port nothing listens on now, for a process started later to take."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dead_port() -> Iterator[int]:
    """A loopback port nothing listens on for the whole test: it stays bound (never
    listening), so no other process can take it, and a connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def cognito() -> Iterator[LocalCognito]:
    """A fresh local Cognito Identity endpoint (no pools, no faults, no calls), seen
    through its admin API and boto3."""
    with CognitoServer() as server:
        yield LocalCognito(server.url)


class MotoEndpoint:
    """A moto server (in this process) for the operations moto implements."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url = f"http://{host}:{port}"

    def reset(self) -> None:
        """Forget every pool (``POST /moto-api/reset``)."""
        http_json(f"{self.url}/moto-api/reset", method="POST")

    def client(self) -> Any:
        """A boto3 client of the moto server."""
        return boto3_client(self.url)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoEndpoint]:
    """One moto server for the session: starting it costs more than a reset."""
    endpoint = MotoEndpoint()
    yield endpoint
    endpoint.server.stop()


@pytest.fixture
def moto(moto_server: MotoEndpoint) -> MotoEndpoint:
    """The moto server, emptied for this test."""
    moto_server.reset()
    return moto_server


# --------------------------------------------------------------------------- the function


@pytest.fixture(scope="session")
def binary_path() -> Path:
    """The bootstrap under test: ``$PROVIDER_BINARY``, else the debug build."""
    path = Path(os.environ.get("PROVIDER_BINARY") or DEFAULT_BINARY).resolve()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"provider binary not found or not executable: {path}\n"
            "Build it first: `cargo build --bin identity-pool-provider` (or `make binary`), "
            "or point PROVIDER_BINARY at one.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One local CA for the whole session (making keys is the slow part)."""
    return tmp_path_factory.mktemp("local-ca")


@pytest.fixture
def stack(request: pytest.FixtureRequest, ca_dir: Path) -> Iterator[LocalStack]:
    """Runtime API + ResponseURL receiver; https unless parametrized indirectly with False."""
    with LocalStack(ca_dir, tls=getattr(request, "param", True)) as local:
        yield local


class Function:
    """One running bootstrap and the way to send it CloudFormation requests."""

    def __init__(self, process: LambdaProcess, stack: LocalStack):
        self.process = process
        self.stack = stack
        self.receiver = stack.receiver
        self.last_put: ReceivedResponse | None = None
        self.stopped = False

    def event(self, event: str | dict, **overrides: Any) -> dict:
        """The event to send: loaded by name (or copied), ``overrides`` applied, and its
        ResponseURL pointed at the receiver, unless it already is (a redelivered
        event carries the same URL) or was given in ``overrides``. An event without
        a ResponseURL gets none."""
        event = CFN.load(event) if isinstance(event, str) else copy.deepcopy(event)
        apply_overrides(event, overrides)
        url = event.get("ResponseURL")
        if url and "ResponseURL" not in overrides and not url.startswith(self.receiver.base_url + "/"):
            label = f"{event.get('RequestType', 'event')}-{next(_labels)}"
            event["ResponseURL"] = self.receiver.url_for(label)
        return event

    def invoke(self, event: str | dict, timeout_s: float = DEFAULT_TIMEOUT_S,
               **overrides: Any) -> tuple[Invocation, dict | None]:
        """Invoke with a deadline ``timeout_s`` away; return the invocation and the
        response body the ResponseURL accepted for it (None when none was)."""
        event = self.event(event, **overrides)
        invocation = self.stack.runtime_api.invoke(event, timeout_s=timeout_s)
        self.last_put = self._accepted_put(event.get("ResponseURL"), invocation)
        return invocation, (self.last_put.json if self.last_put else None)

    def request(self, event: str | dict, status: str = "SUCCESS",
                physical_resource_id: str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
                **overrides: Any) -> dict:
        """Invoke, and check that the invocation returned normally and that
        CloudFormation received a well-formed ``status`` answer before the Lambda
        deadline (after it, the function is killed); returns that answer."""
        event = self.event(event, **overrides)
        invocation, response = self.invoke(event, timeout_s=timeout_s)
        assert invocation.kind == "response", f"invocation failed: {invocation.body}"
        CFN.assert_answer(response, event, status, physical_resource_id)
        late = self.last_put.received_at - invocation.deadline
        assert late < 0, f"answered {late:.2f}s after the deadline"
        return response

    def _accepted_put(self, url: str | None, invocation: Invocation) -> ReceivedResponse | None:
        """The answer accepted at ``url`` during ``invocation`` (the function PUTs
        before it returns). Exactly one may be: CloudFormation takes the first."""
        if not url:
            return None
        path = url.split("?", 1)[0].removeprefix(self.receiver.base_url)
        accepted = [r for r in self.receiver.responses()
                    if r.path == path and r.received_at >= invocation.started_at]
        assert len(accepted) <= 1, f"{len(accepted)} answers accepted for one request: {accepted}"
        if not accepted:
            return None
        assert len(accepted[0].body_bytes) <= MAX_BODY_BYTES, "response body over 4096 bytes"
        return accepted[0]

    def logs(self) -> str:
        """Everything the function printed so far."""
        return self.process.logs()

    def stop(self) -> str:
        """Stop the process (SIGTERM) and return all it printed, flushed to the end."""
        self.stopped = True
        self.process.stop()
        return self.logs()

    def assert_no_signature_logged(self) -> None:
        """A presigned URL's X-Amz-Signature is a credential: it must never be logged."""
        logs = self.logs()
        leaked = [s for s in self.receiver.signatures() if s in logs]
        assert not leaked, f"{len(leaked)} ResponseURL signature(s) appear in the function's logs"


@pytest.fixture
def provider(binary_path: Path, stack: LocalStack,
             cognito: LocalCognito) -> Iterator[Callable[..., Function]]:
    """``provider(endpoint_url=None, **env)`` starts the binary against ``endpoint_url``
    (default: our Cognito endpoint) for Cognito Identity, Cognito Sync and the tagging
    API, trusting the local CA, with extra environment."""
    started: list[Function] = []

    def start(endpoint_url: str | None = None, **env: str) -> Function:
        url = endpoint_url or cognito.url
        environment = stack.lambda_env() | {
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY": url,
            "AWS_ENDPOINT_URL_COGNITO_SYNC": url,
            "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": url} | env
        started.append(Function(LambdaProcess(binary_path, stack.runtime_api, environment), stack))
        return started[-1]

    yield start
    crashed = [running.process.returncode for running in started
               if not (running.stopped or running.process.alive())]
    for running in started:
        running.process.stop()
    for running in started:
        running.assert_no_signature_logged()
    assert not crashed, f"the bootstrap exited during the test with {crashed}: Lambda retries the event"


@pytest.fixture
def function(provider: Callable[..., Function]) -> Function:
    """The binary against our Cognito endpoint, with Lambda's default environment."""
    return provider()
