"""A Create in an account that already holds many pools (issue 11).

The idempotency look-up asks the tagging API for the request's tag, one call
at any account size; listing the account's pools (a call per 60) is kept for
when a pool may have been made seconds before, which the tagging index may not
show yet.
"""

from __future__ import annotations

PRELOADED = 999


def test_a_create_in_an_account_of_999_pools_makes_two_calls(function, cognito, cfn):
    """GetResources finds nothing for the new request's tag, CreateIdentityPool
    makes the pool: two calls, however many pools the account holds."""
    cognito.preload(PRELOADED)
    cognito.clear_calls()

    created = function.request(function.event("create"))

    assert cfn.is_pool_id(created["PhysicalResourceId"])
    assert cognito.calls() == ["GetResources", "CreateIdentityPool"]
    assert len(cognito.pools()) == PRELOADED + 1


def test_a_redelivered_create_finds_its_pool_through_the_tagging_index(function, cognito):
    """The same request delivered again, once the index has the pool: found by
    its tag and described, no second pool, still no listing."""
    cognito.preload(300)
    create = function.event("create")
    first = function.request(create)["PhysicalResourceId"]
    cognito.clear_calls()

    again = function.request(create)

    assert again["PhysicalResourceId"] == first
    assert cognito.calls()[:2] == ["GetResources", "DescribeIdentityPool"]
    assert "ListIdentityPools" not in cognito.calls()
    assert len(cognito.pools()) == 301


def test_after_a_lost_create_answer_the_retry_lists_and_finds_the_pool_the_index_does_not_show_yet(
        function, cognito):
    """CreateIdentityPool made the pool and answered 500; the tagging index lags a
    minute behind, so the retry's look-up lists the account (a call per 60 pools)
    and answers the pool made: one pool, not two."""
    cognito.settings(tagging_lag_ms=60_000)
    cognito.preload(130)
    cognito.inject({"operation": "CreateIdentityPool", "mode": "fail-after", "count": 1})
    cognito.clear_calls()

    created = function.request(function.event("create"))

    made = [p["IdentityPoolId"] for p in cognito.pools() if not p["IdentityPoolName"].startswith("preloaded-")]
    assert made == [created["PhysicalResourceId"]]
    calls = cognito.calls()
    assert calls[:2] == ["GetResources", "CreateIdentityPool"]
    assert calls.count("ListIdentityPools") == 3, calls  # 131 pools, 60 a page
    assert calls.count("CreateIdentityPool") == 1, calls
