"""Never leave a stack waiting: every request gets an answer, before the deadline,
whatever the ResponseURL or Cognito does, and no failure leaves a stray pool.

CloudFormation waits up to an hour for an answer that never comes (see
docs/design.md#the-response); Lambda redelivers async events, and CreateIdentityPool has no client
token (docs/design.md#delivery-at-least-once-and-retried, #no-client-token-on-createidentitypool). Faults are injected through the receiver and through our
Cognito endpoint's ``/_admin/faults``.
"""

from __future__ import annotations

import pytest


def delete_leaves_no_pool(function, cognito, cfn, event: dict, physical_resource_id: str) -> None:
    """With the faults cleared, CloudFormation's Delete for ``physical_resource_id``
    (after ``event``) succeeds and no pool is left behind."""
    cognito.inject()
    function.request(cfn.delete_for(event, physical_resource_id), physical_resource_id=physical_resource_id)
    assert cognito.pools() == []


def create_pool(function, cognito) -> str:
    """A created pool to work on, by the sample Create; the call log cleared after it."""
    pool_id = function.request("create")["PhysicalResourceId"]
    cognito.clear_calls()
    return pool_id


def test_response_put_refused_with_503_is_retried_until_accepted(function):
    """S3 answering 503 twice does not lose the answer: the third PUT lands."""
    function.receiver.fail_next(2)
    function.request("create")
    assert [attempt.status for attempt in function.receiver.attempts()] == [503, 503, 200]


def test_throttled_create_is_retried_and_makes_exactly_one_pool(function, cognito, cfn):
    """TooManyRequestsException on CreateIdentityPool is retried, and the retries
    make one pool, not three."""
    cognito.inject({"operation": "CreateIdentityPool", "mode": "throttle", "count": 2})
    created = function.request("create")
    assert [pool["IdentityPoolId"] for pool in cognito.pools()] == [created["PhysicalResourceId"]]


def test_create_whose_answer_is_lost_makes_exactly_one_pool(function, cognito):
    """CreateIdentityPool made the pool but its answer was a 500: a blind retry makes
    a second, orphaned pool. The provider must find its request tag first and
    answer with the pool it already made."""
    cognito.inject({"operation": "CreateIdentityPool", "mode": "fail-after", "count": 1})
    created = function.request("create")
    pools = cognito.pools()
    assert len(pools) == 1, f"{len(pools)} pools for one Create: {[p['IdentityPoolId'] for p in pools]}"
    assert pools[0]["IdentityPoolId"] == created["PhysicalResourceId"]


@pytest.mark.parametrize("operation", ["DescribeIdentityPool", "UpdateIdentityPool"])
def test_update_hanging_in_cognito_answers_failed_before_the_deadline(function, cognito, cfn, operation):
    """A Cognito call that hangs past the Lambda deadline is cut off in time to PUT a
    FAILED whose Reason says it timed out and on which call, keeping the pool's
    id; the same process then serves the next request."""
    pool_id = create_pool(function, cognito)
    cognito.inject({"operation": operation, "mode": "hang", "seconds": 30})
    update = function.event("update", PhysicalResourceId=pool_id)
    failed = function.request(update, status="FAILED", physical_resource_id=pool_id, timeout_s=4)
    assert "timed out" in failed["Reason"].lower() and operation in failed["Reason"]

    delete_leaves_no_pool(function, cognito, cfn, update, pool_id)


def test_persistent_cognito_errors_answer_failed_before_the_deadline_and_rollback_cleans_up(
        function, cognito, cfn):
    """Cognito failing every call with a 500 ends in a FAILED before the deadline
    (the service's error, or the timeout), not in silence; the rollback Delete of
    the id answered then succeeds and leaves no pool."""
    cognito.inject({"operation": "*", "mode": "error500", "count": -1})
    create = function.event("create")
    failed = function.request(create, status="FAILED", timeout_s=6)
    assert "InternalErrorException" in failed["Reason"] or "timed out" in failed["Reason"].lower()

    delete_leaves_no_pool(function, cognito, cfn, create, failed["PhysicalResourceId"])


def test_create_cut_off_by_the_deadline_is_cleaned_up_by_its_rollback_delete(function, cognito, cfn):
    """A CreateIdentityPool still hanging at the deadline is answered FAILED with a
    placeholder id; the pool the call makes afterwards is found (by its request
    tag) and deleted by the rollback Delete that carries that placeholder."""
    cognito.inject({"operation": "CreateIdentityPool", "mode": "hang", "seconds": 6})
    create = function.event("create")
    placeholder = function.request(create, status="FAILED", timeout_s=3)["PhysicalResourceId"]
    assert not cfn.is_pool_id(placeholder)

    late_pool, = cognito.wait_for_pools(1, timeout=10)
    assert placeholder.endswith(late_pool["IdentityPoolTags"][cfn.REQUEST_TAG_KEY])
    delete_leaves_no_pool(function, cognito, cfn, create, placeholder)


def test_redelivered_create_answers_the_same_pool_and_creates_once(function, cognito):
    """Lambda may deliver the same Create (same StackId and RequestId) twice: both
    answers name one pool, and CreateIdentityPool is called once."""
    create = function.event("create")
    first = function.request(create)
    second = function.request(create)
    assert second["PhysicalResourceId"] == first["PhysicalResourceId"]
    assert second["Data"] == first["Data"]
    assert len(cognito.pools()) == 1
    assert cognito.calls().count("CreateIdentityPool") == 1


def test_update_of_pool_deleted_out_of_band_fails_without_creating_one(function, cognito, cfn):
    """A pool deleted outside CloudFormation is reported, not silently recreated
    under a stack that thinks it still has the old one; the Delete of the gone
    pool then succeeds."""
    pool_id = create_pool(function, cognito)
    cognito.client().delete_identity_pool(IdentityPoolId=pool_id)
    update = function.event("update", PhysicalResourceId=pool_id)
    failed = function.request(update, status="FAILED", physical_resource_id=pool_id)
    assert "deleted outside CloudFormation" in failed["Reason"]
    assert "CreateIdentityPool" not in cognito.calls()
    assert cognito.pools() == []

    delete_leaves_no_pool(function, cognito, cfn, update, pool_id)


def test_create_whose_later_step_fails_leaves_no_pool_after_the_rollback(function, cognito, cfn):
    """CreateIdentityPool succeeds but SetIdentityPoolRoles, the step after it, keeps
    failing: the answer is FAILED, and once CloudFormation's rollback Delete has run
    no pool is left (the provider removes the pool itself before answering)."""
    cognito.inject({"operation": "SetIdentityPoolRoles", "mode": "error500", "count": -1})
    create = function.event("create-full")
    failed = function.request(create, status="FAILED", timeout_s=20)
    assert "SetIdentityPoolRoles" in failed["Reason"], failed["Reason"]
    assert "CreateIdentityPool" in cognito.calls()

    delete_leaves_no_pool(function, cognito, cfn, create, failed["PhysicalResourceId"])


def test_replacement_whose_later_step_fails_removes_the_new_pool_and_keeps_the_old(
        function, cognito, cfn):
    """A replacement (DeveloperProviderName changed) whose SetIdentityPoolRoles keeps
    failing answers FAILED with the OLD id: the new pool is gone, the old one is
    untouched and still answers to CloudFormation."""
    old_id = create_pool(function, cognito)
    full = cfn.properties("create-full")
    replaced = dict(full, DeveloperProviderName="login.identity-demo.v2")
    cognito.inject({"operation": "SetIdentityPoolRoles", "mode": "error500", "count": -1})
    update = function.event("update", PhysicalResourceId=old_id,
                            ResourceProperties=replaced,
                            OldResourceProperties=cfn.properties("create"))

    failed = function.request(update, status="FAILED", physical_resource_id=old_id, timeout_s=20)

    assert "SetIdentityPoolRoles" in failed["Reason"], failed["Reason"]
    assert cognito.calls().count("CreateIdentityPool") == 1
    assert list(cognito.pools_by_id()) == [old_id], "only the old pool is left"
    assert cognito.pools_by_id()[old_id]["DeveloperProviderName"] == "login.identity-demo"
