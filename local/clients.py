"""Clients of the local stand-ins, for the tests and `make run`: a boto3 client of
a local endpoint (ours or moto), and the local Cognito endpoint seen through its
admin API (``/_admin/...``, documented in cognito_endpoint.py).

The admin calls raise ``urllib.error.HTTPError`` when the endpoint refuses them
(400 for a bad fault rule, setting or preload), so tests of the admin API itself
can use them too; ``LocalCognito.call`` sends any payload as it is.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"


def boto3_client(endpoint_url: str, service: str = "cognito-identity", *, region: str = REGION,
                 parameter_validation: bool = True, verify: str | None = None) -> Any:
    """A boto3 client of a local endpoint, with throwaway credentials and no retries,
    so that what the endpoint answers shows (botocore's ``max_attempts`` counts
    retries only; ``total_max_attempts`` counts the first try). Without
    ``parameter_validation``, botocore sends what it would refuse, so that the
    server's own checks answer. ``verify`` names a CA bundle for an https endpoint."""
    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        verify=verify,
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=parameter_validation),
    )


def http_json(url: str, payload: Any = None, method: str | None = None, timeout: float = 5.0) -> Any:
    """One plain-JSON call to a local stand-in: a POST when there is a payload (or
    ``method`` says so), else a GET; the answer's JSON (None for an empty body)."""
    method = method or ("GET" if payload is None else "POST")
    data = None if method == "GET" else (b"" if payload is None else json.dumps(payload).encode())
    request = urllib.request.Request(url, data=data, method=method)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


class LocalCognito:
    """The local Cognito endpoint (cognito_endpoint.py), seen through its admin API and boto3."""

    def __init__(self, url: str):
        self.url = url

    def call(self, path: str, payload: Any = None, method: str | None = None) -> Any:
        """Any admin call, e.g. ``call("/_admin/settings", [1])``: see ``http_json``."""
        return http_json(self.url + path, payload, method)

    def pools(self) -> list[dict]:
        """Every pool the endpoint holds, with tags, roles and settings (``GET /_admin/pools``)."""
        return self.call("/_admin/pools")["pools"]

    def pools_by_id(self) -> dict[str, dict]:
        """The pools keyed by IdentityPoolId."""
        return {pool["IdentityPoolId"]: pool for pool in self.pools()}

    def wait_for_pools(self, count: int, timeout: float = 10.0) -> list[dict]:
        """Poll until the endpoint holds ``count`` pools; AssertionError otherwise."""
        deadline = time.monotonic() + timeout
        while len(pools := self.pools()) != count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} pool(s) within {timeout}s, have {pools}")
            time.sleep(0.1)
        return pools

    def calls(self) -> list[str]:
        """Operation names received since the last clear, in order (``GET /_admin/calls``)."""
        return self.call("/_admin/calls")["calls"]

    def throttled(self) -> list[str]:
        """The calls answered TooManyRequestsException since the last clear."""
        return self.call("/_admin/calls")["throttled"]

    def clear_calls(self) -> None:
        """Forget the calls so far, so that a test sees only those of what comes next."""
        self.call("/_admin/calls/clear", method="POST")

    def faults(self) -> list[dict]:
        """The fault rules not yet used up (``GET /_admin/faults``)."""
        return self.call("/_admin/faults")["faults"]

    def inject(self, *rules: dict) -> list[dict]:
        """Replace the fault plan (``POST /_admin/faults``); no rules clears it. Returns the plan."""
        return self.call("/_admin/faults", list(rules))["faults"]

    def settings(self, **changes: float) -> dict:
        """The scale settings, after changing those named (``/_admin/settings``):
        ``latency_ms``, ``rate_limit``, ``tagging_lag_ms``."""
        return self.call("/_admin/settings", changes) if changes else self.call("/_admin/settings")

    def preload(self, count: int, region: str | None = None) -> list[str]:
        """Add ``count`` pools to the account (of ``region``, default us-east-1); their ids."""
        payload: dict[str, Any] = {"count": count} | ({"region": region} if region else {})
        return self.call("/_admin/preload", payload)["preloaded"]

    def reset(self) -> None:
        """Back to the start: no faults, calls or pools but those preloaded at start-up,
        and the start-up settings (``POST /_admin/reset``)."""
        self.call("/_admin/reset", method="POST")

    def client(self, service: str = "cognito-identity", **options: Any) -> Any:
        """A boto3 client of this endpoint: see ``boto3_client``."""
        return boto3_client(self.url, service, **options)
