"""The lifecycle of one custom resource, as CloudFormation drives it (docs/design.md#the-custom-resource-protocol).

The real binary runs under a local Lambda Runtime API, answers at an https
ResponseURL that behaves like a presigned S3 URL, and talks to our Cognito
Identity endpoint (full-replace updates, tags, call log) or to moto.
"""

from __future__ import annotations

import json

import pytest

CREATED_NAME = "identity_demo_pool"
RENAMED = "identity_demo_pool_renamed"
# The in-place update: env retagged, cost-center added, team removed.
UPDATED_TAGS = {"env": "prod", "cost-center": "4711"}


def test_lifecycle_create_update_in_place_replace_and_delete_against_local_endpoint(function, cognito, cfn):
    """Create → rename/retag in place → replacement → Delete old → Delete new: each
    answer echoes the request and names the right pool, and after each step the
    endpoint holds exactly the pools CloudFormation believes exist."""
    create = function.event("create")
    created = function.request(create)
    first = created["PhysicalResourceId"]
    assert cfn.is_pool_id(first)
    assert created["Data"] == cfn.pool_data(first, CREATED_NAME)
    pools = cognito.pools_by_id()
    assert list(pools) == [first]
    pool = pools[first]
    assert pool["IdentityPoolName"] == CREATED_NAME
    assert cfn.user_tags(pool["IdentityPoolTags"]) == {"team": "identity", "env": "dev"}
    assert pool["DeveloperProviderName"] == "login.identity-demo"

    cognito.clear_calls()
    update = function.event("update", PhysicalResourceId=first, ResourceProperties=cfn.properties(
        "update", IdentityPoolTags=cfn.tag_list(UPDATED_TAGS)))
    updated = function.request(update, physical_resource_id=first)
    assert updated["Data"] == cfn.pool_data(first, RENAMED)
    calls = cognito.calls()
    assert {"UpdateIdentityPool", "TagResource", "UntagResource"} <= set(calls), calls
    assert not {"CreateIdentityPool", "DeleteIdentityPool"} & set(calls), calls
    pools = cognito.pools_by_id()
    assert list(pools) == [first]
    pool = pools[first]
    assert pool["IdentityPoolName"] == RENAMED
    assert pool["AllowUnauthenticatedIdentities"] is True
    assert cfn.user_tags(pool["IdentityPoolTags"]) == UPDATED_TAGS
    # UpdateIdentityPool resets what it is not sent: the providers must have been sent.
    assert pool["SupportedLoginProviders"] == cfn.properties("create")["SupportedLoginProviders"]
    assert pool["CognitoIdentityProviders"][0]["ClientId"] == "4example7clientid"

    replaced = function.request("update-replace", PhysicalResourceId=first)
    second = replaced["PhysicalResourceId"]
    assert cfn.is_pool_id(second) and second != first
    assert replaced["Data"] == cfn.pool_data(second, RENAMED)
    pools = cognito.pools_by_id()
    assert set(pools) == {first, second}
    assert pools[first] == pool, "the old pool must stay untouched until CloudFormation deletes it"
    assert pools[second]["DeveloperProviderName"] == "login.identity-demo.v2"

    function.request(cfn.delete_for(update, first), physical_resource_id=first)
    assert list(cognito.pools_by_id()) == [second]

    function.request(cfn.delete_for(update, second), physical_resource_id=second)
    assert cognito.pools() == []


def test_lifecycle_against_moto_create_update_without_tag_change_and_delete(provider, moto, cfn):
    """moto implements only the pool operations (no TagResource): a Create, an Update
    of AllowUnauthenticatedIdentities that leaves tags alone (so must not call
    TagResource, which moto would refuse), and a Delete all succeed there too."""
    function = provider(endpoint_url=moto.url)
    client = moto.client()
    create = function.event("create")
    pool_id = function.request(create)["PhysicalResourceId"]
    assert cfn.is_pool_id(pool_id)
    described = client.describe_identity_pool(IdentityPoolId=pool_id)
    assert described["IdentityPoolName"] == CREATED_NAME
    assert described["AllowUnauthenticatedIdentities"] is False
    tags_after_create = described["IdentityPoolTags"]

    update = function.event(
        "update", PhysicalResourceId=pool_id, OldResourceProperties=create["ResourceProperties"],
        ResourceProperties=cfn.properties("create", AllowUnauthenticatedIdentities="true"))
    updated = function.request(update, physical_resource_id=pool_id)
    assert updated["Data"] == cfn.pool_data(pool_id, CREATED_NAME)
    described = client.describe_identity_pool(IdentityPoolId=pool_id)
    assert described["AllowUnauthenticatedIdentities"] is True
    assert described["IdentityPoolTags"] == tags_after_create

    function.request(cfn.delete_for(update, pool_id), physical_resource_id=pool_id)
    assert client.list_identity_pools(MaxResults=60)["IdentityPools"] == []


def test_failed_create_answers_a_placeholder_id_and_its_rollback_delete_touches_nothing(function, cognito, cfn):
    """Invalid properties fail the Create with a Reason naming every bad field and a
    PhysicalResourceId that is no pool id (an empty one would hide the Reason);
    CloudFormation's rollback Delete for that id must succeed without a single
    Cognito call, since no pool was ever made."""
    create = function.event("create-invalid")
    failed = function.request(create, status="FAILED")
    assert "AllowClasicFlow" in failed["Reason"]
    assert "AllowUnauthenticatedIdentities" in failed["Reason"]
    placeholder = failed["PhysicalResourceId"]
    assert not cfn.is_pool_id(placeholder)

    function.request(cfn.delete_for(create, placeholder), physical_resource_id=placeholder)
    assert cognito.calls() == []
    assert cognito.pools() == []


def test_update_that_changes_nothing_makes_no_write_call(function, cognito, cfn):
    """An Update whose properties match the pool (say, only the stack's other
    resources changed) reads the pool once and writes nothing."""
    create = function.event("create")
    pool_id = function.request(create)["PhysicalResourceId"]
    before = cognito.pools()
    cognito.clear_calls()

    function.request("update", PhysicalResourceId=pool_id, ResourceProperties=create["ResourceProperties"],
                     OldResourceProperties=create["ResourceProperties"], physical_resource_id=pool_id)
    assert cognito.calls() == ["DescribeIdentityPool"]
    assert cognito.pools() == before


def test_response_put_sends_no_content_type_and_a_byte_exact_content_length(function, cfn):
    """The receiver answers a Content-Type with 403 (as S3 does for a URL signed
    without one) and a wrong Content-Length with 400, so an accepted answer proves
    both right; a non-ASCII Reason makes bytes and characters differ."""
    odd_property = "Beschreibung_é✓"
    failed = function.request("create", status="FAILED",
                              ResourceProperties=cfn.properties("create", **{odd_property: "x"}))
    assert odd_property in failed["Reason"]
    put = function.last_put
    assert [a.status for a in function.receiver.attempts()] == [200], "accepted at the first attempt"
    assert not put.headers.get("content-type", "").strip()
    assert int(put.headers["content-length"]) == len(put.body_bytes) > len(put.body_bytes.decode())


@pytest.mark.parametrize("stack", [False], ids=["http"], indirect=True)
def test_plain_http_response_url_is_answered(function, cfn):
    """A plain-http ResponseURL (no TLS, no local CA) is answered like an https one."""
    created = function.request("create")
    assert cfn.is_pool_id(created["PhysicalResourceId"])
    assert function.last_put is not None


def test_event_that_is_no_custom_resource_request_is_an_invocation_error_and_the_process_goes_on(
        function, cfn):
    """An event that is no request (no RequestType), or a CloudFormation request
    without the StackId its answer must echo, fails the invocation with a message
    saying what is missing, never the URL or its signature; the same process then
    serves a valid Create."""
    cases = [
        {"hello": "world"},
        function.event("create", StackId=None),
    ]
    for event, missing in zip(cases, ("RequestType", "StackId")):
        invocation, response = function.invoke(event)
        assert invocation.kind == "error", invocation.body
        message = invocation.raw_body.decode()
        assert missing in message, message
        assert "X-Amz-Signature" not in message and "cfn-responses" not in message
        assert not any(signature in message for signature in function.receiver.signatures())
        assert response is None
    assert function.receiver.attempts() == []

    created = function.request("create")
    assert cfn.is_pool_id(created["PhysicalResourceId"])


def test_direct_invocation_without_response_url_returns_the_answer_as_the_result(function, cfn):
    """A script or state machine invokes the function with no ResponseURL: the
    request is carried out the same way and the response object is the
    invocation's result; nothing is PUT anywhere."""
    invocation, put = function.invoke("create", ResponseURL=None, StackId=None, RequestId=None)
    assert invocation.kind == "response", invocation.body
    assert put is None and function.receiver.attempts() == []
    created = invocation.body
    assert created["Status"] == "SUCCESS", created
    assert cfn.is_pool_id(created["PhysicalResourceId"])
    assert created["Data"]["Arn"].startswith("arn:aws:cognito-identity:us-east-1:")

    invocation, _ = function.invoke("delete", ResponseURL=None, StackId=None,
                                    PhysicalResourceId=created["PhysicalResourceId"])
    assert invocation.kind == "response" and invocation.body["Status"] == "SUCCESS", invocation.body


def test_sns_backed_create_and_delete_against_moto_are_answered_like_direct_ones(provider, moto, cfn):
    """An SNS-backed custom resource: the request arrives as the message of an SNS
    record, and is answered at its ResponseURL exactly like a direct one; here
    against moto, the third-party endpoint."""
    function = provider(endpoint_url=moto.url)
    client = moto.client()

    def via_sns(event):
        return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                             "Sns": {"Type": "Notification", "Message": json.dumps(event)}}]}

    create = function.event("create")
    invocation, _ = function.invoke(via_sns(create))
    assert invocation.kind == "response", invocation.body
    created = function.receiver.wait_for(1, timeout=5)[-1].json
    cfn.assert_answer(created, create, "SUCCESS", None)
    pool_id = created["PhysicalResourceId"]
    pools = client.list_identity_pools(MaxResults=60)["IdentityPools"]
    assert [p["IdentityPoolId"] for p in pools] == [pool_id]

    delete = function.event("delete", PhysicalResourceId=pool_id)
    invocation, _ = function.invoke(via_sns(delete))
    assert invocation.kind == "response", invocation.body
    deleted = function.receiver.wait_for(2, timeout=5)[-1].json
    cfn.assert_answer(deleted, delete, "SUCCESS", pool_id)
    assert client.list_identity_pools(MaxResults=60)["IdentityPools"] == []


@pytest.mark.parametrize("concurrency", ["1", "2"])
def test_lambda_max_concurrency_is_accepted_without_a_warning(provider, concurrency: str) -> None:
    """`cargo lambda watch` sets AWS_LAMBDA_MAX_CONCURRENCY=1 (Lambda Managed Instances
    set more): the function serves a Create and a Delete under it and does not warn
    that it is set. Whether more than one request is served at a time is not checked."""
    function = provider(AWS_LAMBDA_MAX_CONCURRENCY=concurrency)

    created = function.request("create")
    function.request("delete", physical_resource_id=created["PhysicalResourceId"],
                     PhysicalResourceId=created["PhysicalResourceId"])

    assert "AWS_LAMBDA_MAX_CONCURRENCY" not in function.process.logs()
