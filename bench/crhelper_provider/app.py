"""The baseline: the same identity-pool custom resource, written the usual way in Python.

crhelper (https://github.com/aws-cloudformation/custom-resource-helper) plus
boto3, run by awslambdaric, is what most hand-written custom resources look
like. For the steps the benchmark drives it leaves the same pools as the Rust
provider, with fewer calls and safeguards: no look-up before a Create (below),
no DescribeIdentityPool before a Delete (BENCHMARKS.md counts each step's calls):

* Create: CreateIdentityPool with the complete configuration and the tags;
* Update: UpdateIdentityPool with the complete configuration (the API resets
  whatever is left out, see docs/design.md#updateidentitypool-replaces-the-whole-configuration), then TagResource / UntagResource for
  the tag diff; a DeveloperProviderName change makes a new pool (replacement);
* Update that changes nothing: no write call;
* Delete: DeleteIdentityPool, an already-deleted pool counting as success.

Answers carry the same ``Data`` (IdentityPoolId, Name, Arn), and Update
compares the template with the live pool (DescribeIdentityPool) rather than
with ``OldResourceProperties``, as the Rust provider does. Create is what a
crhelper script does today: CreateIdentityPool straight away, with no look-up
for a pool an earlier delivery of the same request made (so a redelivered
event makes a second pool), and boto3's default retries (botocore 1.44:
standard mode, 3 attempts, throttling included): a Create still throttled on
its third attempt answers FAILED.
The request tag is still set, so that both leave the same pools behind.

Like a real Lambda, every client is created at init (module import), before
the first poll of the Runtime API: crhelper's own lambda/events/logs clients
and the cognito-identity client. ``sleep_on_delete=0`` switches off crhelper's
deliberate wait for CloudWatch Logs on Delete (up to 120 s), which would
otherwise measure a sleep, not work.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
from crhelper import CfnResource
from crhelper import utils as crhelper_utils

logger = logging.getLogger(__name__)

helper = CfnResource(json_logging=False, log_level="INFO", boto_level="ERROR", sleep_on_delete=0)
cognito = boto3.client("cognito-identity")

POOL_ID = re.compile(r"^[\w-]+:[0-9a-f-]+$")
REQUEST_TAG = "identity-pool-provider:create-request"
CONFIG_LISTS = ("OpenIdConnectProviderARNs", "SamlProviderARNs")


def _bool(value: Any) -> bool:
    """CloudFormation sends every scalar as a string; CDK may send real booleans."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


def _config(props: dict) -> dict:
    """The complete UpdateIdentityPool / CreateIdentityPool configuration."""
    config: dict[str, Any] = {
        "IdentityPoolName": props["IdentityPoolName"],
        "AllowUnauthenticatedIdentities": _bool(props["AllowUnauthenticatedIdentities"]),
        "AllowClassicFlow": _bool(props.get("AllowClassicFlow", False)),
        "SupportedLoginProviders": dict(props.get("SupportedLoginProviders") or {}),
        "CognitoIdentityProviders": [
            {
                "ProviderName": p["ProviderName"],
                "ClientId": p["ClientId"],
                "ServerSideTokenCheck": _bool(p.get("ServerSideTokenCheck", False)),
            }
            for p in props.get("CognitoIdentityProviders") or []
        ],
    }
    for key in CONFIG_LISTS:
        config[key] = list(props.get(key) or [])
    if props.get("DeveloperProviderName"):
        config["DeveloperProviderName"] = props["DeveloperProviderName"]
    return config


def _tags(props: dict) -> dict[str, str]:
    """IdentityPoolTags, a CloudFormation list of {Key, Value}, as the API's map."""
    return {t["Key"]: t["Value"] for t in props.get("IdentityPoolTags") or []}


def _arn(event: dict, pool_id: str) -> str:
    """The pool ARN: partition and account from the stack ARN, region from the pool id."""
    _, partition, _, _, account, _ = event["StackId"].split(":", 5)
    region = pool_id.split(":", 1)[0]
    return f"arn:{partition}:cognito-identity:{region}:{account}:identitypool/{pool_id}"


def _answer_data(event: dict, pool_id: str) -> None:
    helper.Data.update(IdentityPoolId=pool_id, Name=event["ResourceProperties"]["IdentityPoolName"],
                       Arn=_arn(event, pool_id))


def _request_tag(event: dict) -> str:
    return f"{event['StackId'].rsplit('/', 1)[-1]}/{event['RequestId']}"


def _create_pool(event: dict) -> str:
    props = event["ResourceProperties"]
    tags = {**_tags(props), REQUEST_TAG: _request_tag(event)}
    pool_id = cognito.create_identity_pool(**_config(props), IdentityPoolTags=tags)["IdentityPoolId"]
    _answer_data(event, pool_id)
    return pool_id


def _live_config(described: dict, wanted: dict) -> dict:
    """The live pool's configuration, in the shape of ``_config``."""
    empty: dict[str, Any] = {"AllowClassicFlow": False, "SupportedLoginProviders": {},
                             "CognitoIdentityProviders": [], **{key: [] for key in CONFIG_LISTS}}
    live = {key: described.get(key, empty.get(key)) for key in wanted}
    if described.get("DeveloperProviderName"):
        live["DeveloperProviderName"] = described["DeveloperProviderName"]
    return live


@helper.create
def create(event: dict, _context: Any) -> str:
    return _create_pool(event)


@helper.update
def update(event: dict, _context: Any) -> str:
    pool_id = event["PhysicalResourceId"]
    new = event["ResourceProperties"]
    described = cognito.describe_identity_pool(IdentityPoolId=pool_id)
    new_config = _config(new)
    live_config = _live_config(described, new_config)
    live_dev = live_config.get("DeveloperProviderName")
    if live_dev and new_config.get("DeveloperProviderName") != live_dev:
        return _create_pool(event)  # Cognito cannot change it: replacement
    if new_config != live_config:
        cognito.update_identity_pool(IdentityPoolId=pool_id, **new_config)
    new_tags = _tags(new)
    old_tags = {k: v for k, v in described.get("IdentityPoolTags", {}).items() if k != REQUEST_TAG}
    to_set = {k: v for k, v in new_tags.items() if old_tags.get(k) != v}
    to_remove = [k for k in old_tags if k not in new_tags]
    if to_set or to_remove:
        arn = _arn(event, pool_id)
        if to_set:
            cognito.tag_resource(ResourceArn=arn, Tags=to_set)
        if to_remove:
            cognito.untag_resource(ResourceArn=arn, TagKeys=to_remove)
    _answer_data(event, pool_id)
    return pool_id


@helper.delete
def delete(event: dict, _context: Any) -> None:
    pool_id = event["PhysicalResourceId"]
    if not POOL_ID.match(pool_id):
        return  # a failed Create's id names no pool
    try:
        cognito.delete_identity_pool(IdentityPoolId=pool_id)
    except cognito.exceptions.ResourceNotFoundException:
        pass


def _send_response_any_scheme(response_url: str, response_body: dict, ssl_verify: Any = None) -> None:
    """crhelper's PUT, verbatim in what it sends, but over plain HTTP for an http:// URL.

    crhelper always opens an HTTPSConnection (real presigned URLs are https), so
    it cannot talk to the benchmark's plain-http receiver, which exists to show
    what TLS costs. For https URLs crhelper's own function is used unchanged.
    """
    if urlsplit(response_url).scheme != "http":
        crhelper_utils._send_response(response_url, response_body, ssl_verify)
        return
    body = json.dumps(response_body)
    split = urlsplit(response_url)
    connection = http.client.HTTPConnection(split.netloc)
    connection.request("PUT", urlunsplit(("", "", *split[2:])), body=body,
                       headers={"content-type": "", "content-length": str(len(body))})
    logger.info("CloudFormation returned status code: %s", connection.getresponse().reason)


class _Resource(type(helper)):  # type: ignore[misc]
    def _send(self, status=None, reason="", send_response=_send_response_any_scheme):
        super()._send(status, reason, send_response)


helper.__class__ = _Resource


def handler(event: dict, context: Any) -> None:
    helper(event, context)
