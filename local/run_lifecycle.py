"""`make run`: one custom resource's whole life, played locally against the real binary.

It starts the project's local Cognito Identity endpoint (the one with tags and the
documented full-replace Update), an https receiver standing in for CloudFormation's
presigned ResponseURL (trusted through a local CA in SSL_CERT_FILE), and a Lambda
Runtime API; runs the bootstrap under it; and replays the requests in `events/` as
CloudFormation would send them:

    Create → Update in place (rename, retag) → Update with replacement
    (DeveloperProviderName changed) → Delete of the old pool → Delete

and then adoption: a pool made outside the provider is taken over by a Create
with IdentityPoolId (same id, the template's settings) and kept by its Delete.

After each step it prints the response CloudFormation would have received and the
pool as the endpoint describes it. It stops everything it started and exits 0 only
if every step answered as CloudFormation needs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clients import boto3_client  # noqa: E402
from cognito_endpoint import CognitoServer  # noqa: E402
from lambda_harness import LambdaProcess, LocalStack  # noqa: E402

EVENTS = Path(__file__).resolve().parent.parent / "events"


class Lifecycle:
    """Sends the events of `events/` through the function and checks each answer."""

    def __init__(self, stack: LocalStack, endpoint_url: str):
        self.stack = stack
        self.cognito = boto3_client(endpoint_url)
        self.failures: list[str] = []

    def send(self, name: str, title: str, **overrides: object) -> dict:
        """Invokes the function with events/<name>.json, addressed to the local receiver."""
        event = json.loads((EVENTS / f"{name}.json").read_text())
        event.update(overrides, ResponseURL=self.stack.receiver.url_for(name))
        before = len(self.stack.receiver.responses())
        print(f"\n=== {title} ({event['RequestType']}) ===")
        for line in describe_request(event):
            print(textwrap.fill(line, LOG_WIDTH, subsequent_indent="      ", break_on_hyphens=False))
        self.stack.runtime_api.invoke(event, timeout_s=30)
        response = self.stack.receiver.wait_for(before + 1, timeout=5)[-1].json
        print("CloudFormation received:")
        print(json.dumps(response, indent=2, sort_keys=True))
        if response["Status"] != "SUCCESS":
            self.failures.append(f"{title}: {response.get('Reason')}")
        return response

    def show_pool(self, pool_id: str) -> dict | None:
        """Prints the pool as the endpoint describes it (or that it is gone)."""
        try:
            pool = self.cognito.describe_identity_pool(IdentityPoolId=pool_id)
        except self.cognito.exceptions.ResourceNotFoundException:
            print(f"Pool {pool_id}: gone")
            return None
        pool.pop("ResponseMetadata", None)
        print(f"Pool {pool_id} as the endpoint describes it:")
        print(json.dumps(pool, indent=2, sort_keys=True))
        return pool

    def expect(self, condition: bool, what: str) -> None:
        if not condition:
            self.failures.append(what)

    def run(self) -> None:
        created = self.send("create", "Create the pool")
        first = created["PhysicalResourceId"]
        self.show_pool(first)

        updated = self.send("update", "Rename and retag in place", PhysicalResourceId=first)
        self.expect(updated["PhysicalResourceId"] == first, "the in-place update kept the same id")
        pool = self.show_pool(first)
        self.expect(bool(pool) and pool["IdentityPoolName"] == "identity_demo_pool_renamed", "the pool was renamed")

        replaced = self.send("update-replace", "Change DeveloperProviderName: replacement", PhysicalResourceId=first)
        second = replaced["PhysicalResourceId"]
        self.expect(second != first, "the replacement answered a new pool id")
        self.show_pool(second)

        old_properties = json.loads((EVENTS / "update.json").read_text())["ResourceProperties"]
        self.send("delete", "CloudFormation cleans up the old pool", PhysicalResourceId=first,
                  ResourceProperties=old_properties)
        self.expect(self.show_pool(first) is None, "the old pool was deleted")

        self.send("delete", "Delete the stack", PhysicalResourceId=second,
                  RequestId="0d9f1c52-6666-4a8e-9a41-6f0e1c2b3a06")
        self.expect(self.show_pool(second) is None, "the new pool was deleted")

        self.adopt()

    def adopt(self) -> None:
        """A pool made outside the provider is adopted, then kept by the Delete."""
        outside = self.cognito.create_identity_pool(
            IdentityPoolName="made_by_hand", AllowUnauthenticatedIdentities=True,
            IdentityPoolTags={"owner": "ops"})["IdentityPoolId"]
        print("\n=== A pool made outside the provider, with settings of its own ===")
        self.show_pool(outside)

        properties = json.loads((EVENTS / "create.json").read_text())["ResourceProperties"]
        properties["IdentityPoolId"] = outside
        adopting = {"ResourceProperties": properties, "LogicalResourceId": "AdoptedPool"}
        adopted = self.send("create", "Adopt it with IdentityPoolId: no new pool, the same id, "
                            "the template's settings", RequestId="0d9f1c52-7777-4a8e-9a41-6f0e1c2b3a07", **adopting)
        self.expect(adopted["PhysicalResourceId"] == outside, "the adoption answered the existing pool's id")
        pool = self.show_pool(outside)
        self.expect(bool(pool) and pool["IdentityPoolName"] == properties["IdentityPoolName"],
                    "the adopted pool took the template's name")

        self.send("delete", "Delete the resource: the pool it adopted is kept", PhysicalResourceId=outside,
                  RequestId="0d9f1c52-8888-4a8e-9a41-6f0e1c2b3a08", **adopting)
        self.expect(self.show_pool(outside) is not None, "the adopted pool was kept")
        self.cognito.delete_identity_pool(IdentityPoolId=outside)
        print(f"Pool {outside}: deleted by hand, as it was made")


# Properties CloudFormation adds to every request; not the template's settings.
CLOUDFORMATION_PROPERTIES = ("ServiceToken", "ServiceTimeout")


def shown(value: object) -> str:
    """A property value on one line, as JSON."""
    return json.dumps(value, ensure_ascii=False)


def describe_request(event: dict) -> list[str]:
    """What a request asks for, in a few lines: a Create's properties, an Update's
    changes from OldResourceProperties, the pool a Delete removes."""
    properties = {k: v for k, v in event["ResourceProperties"].items() if k not in CLOUDFORMATION_PROPERTIES}
    if event["RequestType"] == "Create":
        return ["CloudFormation sends the properties:"] + [f"  {k}: {shown(v)}" for k, v in properties.items()]
    lines = [f"CloudFormation sends PhysicalResourceId {event['PhysicalResourceId']}"]
    if event["RequestType"] == "Delete":
        return lines
    old = {k: v for k, v in event["OldResourceProperties"].items() if k not in CLOUDFORMATION_PROPERTIES}
    changes = [f"  {k}: {shown(old[k]) if k in old else '(absent)'} → "
               f"{shown(properties[k]) if k in properties else '(absent)'}"
               for k in sorted(old.keys() | properties.keys()) if old.get(k) != properties.get(k)]
    return lines + ["and the properties changed from the last deploy:"] + (changes or ["  (none)"])


# Log fields every line of a request repeats, or that only Lambda's tooling reads.
LOG_NOISE = ("stack_id", "name", "xrayTraceId", "requestId")
LOG_WIDTH = 110


def readable_log(logs: str) -> str:
    """The function's JSON log lines as short wrapped text: level, the request
    (type, resource, RequestId), message, then the other fields as key=value."""
    out = []
    for line in logs.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            out.extend(textwrap.wrap(line, LOG_WIDTH, subsequent_indent="      ") or [""])
            continue
        fields = dict(entry.get("fields", {}))
        span = {k: v for k, v in entry.get("span", {}).items() if k not in LOG_NOISE}
        who = " ".join(str(span.pop(k)) for k in ("request_type", "logical_resource_id", "request_id") if k in span)
        head = f"{entry.get('level', ''):5} " + (f"[{who}] " if who else "") + str(fields.pop("message", ""))
        rest = " ".join(f"{k}={v}" for k, v in (span | fields).items() if k not in LOG_NOISE)
        out.extend(textwrap.wrap(f"{head}  {rest}" if rest else head, LOG_WIDTH, subsequent_indent="      ",
                                 break_on_hyphens=False))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the bootstrap binary to run")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="identity-pool-provider-") as scratch, \
            CognitoServer() as endpoint, LocalStack(scratch) as stack:
        env = stack.lambda_env() | {"AWS_ENDPOINT_URL": endpoint.url, "AWS_LAMBDA_LOG_FORMAT": "JSON"}
        print(f"local Cognito Identity endpoint: {endpoint.url}")
        print(f"response receiver:               {stack.receiver.base_url} (CA {stack.ca.ca_file})")
        with LambdaProcess(Path(args.binary).resolve(), stack.runtime_api, env) as function:
            lifecycle = Lifecycle(stack, endpoint.url)
            try:
                lifecycle.run()
            finally:
                function.stop()
            print("\n=== function log (JSON lines, shown as text) ===")
            print(readable_log(function.logs()))
    if lifecycle.failures:
        print("\nFAILED:\n  " + "\n  ".join(lifecycle.failures), file=sys.stderr)
        return 1
    print("\nLifecycle complete: every request answered SUCCESS, no pool left behind.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
