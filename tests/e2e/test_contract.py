"""Hold to Cognito's and CloudFormation's real contract, and say plainly what went wrong.

The README's direct-invocation example run as written (under Lambda's and under
cargo-lambda's invocation context), states the service accepts at the tag
limit, Reasons for an unreachable endpoint, an unknown pool id and an answer
that cannot be delivered, and the mode in which CDK's Provider framework, not
the function, answers CloudFormation.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import REPO_ROOT

#: What cargo-lambda's emulator (1.9) sends as the invoked function's ARN.
EMULATOR_FUNCTION_ARN = "function-arn"


def readme_direct_payload() -> dict:
    """The payload of the README's direct-invocation example, exactly as written there."""
    readme = (REPO_ROOT / "README.md").read_text()
    match = re.search(r"aws lambda invoke [^\n]*\\\n\s*--payload '([^']+)'", readme)
    assert match, "the README's direct-invocation example (aws lambda invoke … --payload '…') is gone"
    return json.loads(match.group(1))


@pytest.mark.parametrize("function_arn", [None, EMULATOR_FUNCTION_ARN], ids=["lambda", "cargo-lambda"])
def test_readme_direct_invocation_example_as_written_creates_the_pool(function, cognito, cfn,
                                                                       stack, function_arn):
    """The README's payload (only RequestType, RequestId and ResourceProperties) makes
    one pool, whether the invocation context names the function (Lambda) or not
    (cargo-lambda's emulator); the answer echoes no empty field."""
    if function_arn:
        stack.runtime_api.function_arn = function_arn
    payload = readme_direct_payload()

    invocation, put = function.invoke(payload)

    assert invocation.kind == "response", invocation.body
    answer = invocation.body
    assert answer["Status"] == "SUCCESS", answer
    assert "StackId" not in answer, answer
    pool_id = answer["PhysicalResourceId"]
    assert cfn.is_pool_id(pool_id)
    assert answer["RequestId"] == payload["RequestId"]
    assert answer["Data"]["IdentityPoolId"] == pool_id
    assert answer["Data"]["Name"] == payload["ResourceProperties"]["IdentityPoolName"]
    assert ("Arn" in answer["Data"]) == (function_arn is None), answer["Data"]
    assert [p["IdentityPoolId"] for p in cognito.pools()] == [pool_id]
    assert cognito.calls().count("DeleteIdentityPool") == 0


def test_readme_direct_invocation_with_a_mistake_fails_before_any_write(function, cognito, stack):
    """A failed direct answer is named by the RequestId alone and echoes no empty
    StackId; a property mistake is found before any pool exists."""
    stack.runtime_api.function_arn = EMULATOR_FUNCTION_ARN
    payload = readme_direct_payload()
    payload["ResourceProperties"]["AllowUnauthenticatedIdentitie"] = False

    invocation, _ = function.invoke(payload)

    answer = invocation.body
    assert answer["Status"] == "FAILED", answer
    assert answer["PhysicalResourceId"] == f"CreateFailed/{payload['RequestId']}"
    assert "StackId" not in answer, answer
    assert "CreateIdentityPool" not in cognito.calls()
    assert cognito.pools() == []


def test_update_at_the_tag_limit_renaming_a_key_passes_only_through_accepted_counts(function, cognito,
                                                                                    cfn):
    """49 user tags plus the provider's own make 50, Cognito's limit; renaming one
    key on Update untags before it tags, so the pool never holds 51."""
    tags = {f"tag{i:02}": "v" for i in range(49)}
    create = function.event("create", ResourceProperties=cfn.properties(
        "create", IdentityPoolTags=cfn.tag_list(tags)))
    pool_id = function.request(create)["PhysicalResourceId"]
    renamed = dict(tags)
    renamed["renamed"] = renamed.pop("tag00")
    update = function.event("update", StackId=create["StackId"], PhysicalResourceId=pool_id,
                            ResourceProperties=cfn.properties("create", IdentityPoolTags=cfn.tag_list(renamed)),
                            OldResourceProperties=create["ResourceProperties"])
    cognito.clear_calls()

    function.request(update, physical_resource_id=pool_id)

    assert cfn.user_tags(cognito.pools_by_id()[pool_id]["IdentityPoolTags"]) == renamed
    writes = [call for call in cognito.calls() if call in ("TagResource", "UntagResource")]
    assert writes == ["UntagResource", "TagResource"]


def test_update_of_an_unknown_pool_id_says_what_is_known_and_the_likely_causes(function, cfn):
    """A mistyped id is not reported as 'deleted outside CloudFormation' only."""
    unknown = "us-east-1:00000000-0000-0000-0000-000000000000"
    failed = function.request("update", status="FAILED", physical_resource_id=unknown,
                              PhysicalResourceId=unknown)
    reason = failed["Reason"]
    assert reason.startswith(f"There is no identity pool {unknown} in us-east-1"), reason
    assert "mistyped" in reason and "another account or Region" in reason, reason


def test_unreachable_endpoint_is_one_sentence_naming_service_endpoint_and_cause(provider, dead_port):
    """No Rust debug dump: the Reason names Cognito Identity, the endpoint and the cause."""
    endpoint = f"http://127.0.0.1:{dead_port}"
    function = provider(endpoint_url=endpoint)

    # The SDK retries a refused connection (5 attempts, jittered pauses of up to 1, 2,
    # 4, 4 s) for GetResources and then for the listing: up to 22 s of pauses before
    # the Reason. A 20 s deadline made this fail now and then with "Timed out before
    # the Lambda deadline"; 60 s leaves room for the worst case.
    failed = function.request("create", status="FAILED", timeout_s=60)

    reason = failed["Reason"]
    assert re.fullmatch(
        rf"\w+ failed: Cognito Identity at {re.escape(endpoint)} could not be reached: "
        r"Connection refused \(os error 111\)", reason), reason


def test_an_answer_that_cannot_be_delivered_names_the_last_error(function, cognito, dead_port):
    """A dead ResponseURL: the invocation fails (Lambda retries it) and both its
    error and the final log line say why the answer was not delivered."""
    dead = f"http://127.0.0.1:{dead_port}/response?X-Amz-Signature=dead"

    invocation, _ = function.invoke("create", timeout_s=6, ResponseURL=dead)

    assert invocation.kind == "error" and invocation.body["errorType"] == "AnswerNotDelivered", invocation.body
    message = invocation.body["errorMessage"]
    assert message.startswith("the answer could not be delivered: "), message
    assert "Connection refused" in message, message
    logs = function.process.wait_for_log("ANSWER NOT DELIVERED")
    final = [line for line in logs.splitlines() if "ANSWER NOT DELIVERED" in line]
    assert len(final) == 1 and "Connection refused" in final[0], final
    failures = [line for line in logs.splitlines() if "response PUT failed" in line]
    assert len(failures) == 1, "the first failure is logged, the rest summed up"


# --------------------------------------------------------------------------- CDK's Provider framework


#: The ResponseURL CDK's Provider framework (in versions that hide it) passes on.
FRAMEWORK_URL = "..."


def test_under_cdk_provider_framework_a_create_returns_the_pool_and_puts_nothing(function, cognito,
                                                                                 cfn):
    """The framework PUTs the answer itself: the function returns {PhysicalResourceId,
    Data} and sends nothing to the (placeholder) ResponseURL."""
    invocation, _ = function.invoke("create", ResponseURL=FRAMEWORK_URL)

    assert invocation.kind == "response", invocation.body
    assert set(invocation.body) == {"PhysicalResourceId", "Data"}, invocation.body
    pool_id = invocation.body["PhysicalResourceId"]
    assert [p["IdentityPoolId"] for p in cognito.pools()] == [pool_id]
    assert invocation.body["Data"]["IdentityPoolId"] == pool_id
    assert function.receiver.attempts() == []


def test_under_cdk_provider_framework_a_failed_create_fails_the_invocation_and_leaves_no_pool(
        function, cognito, cfn):
    """A Create whose step after CreateIdentityPool keeps failing: the pool is removed
    before the invocation fails with the Reason as its message (the framework's
    rollback Delete never reaches the function, so nothing else would remove it)."""
    cognito.inject({"operation": "SetIdentityPoolRoles", "mode": "error500", "count": -1})

    invocation, _ = function.invoke("create-full", timeout_s=20, ResponseURL=FRAMEWORK_URL)

    assert invocation.kind == "error", invocation.body
    assert invocation.body["errorType"] == "CustomResourceFailed"
    assert invocation.body["errorMessage"].startswith("SetIdentityPoolRoles failed: "), invocation.body
    assert "CreateIdentityPool" in cognito.calls()
    assert cognito.pools() == []
