"""The function behind CDK's Provider framework, run with the framework's own code.

aws-cdk-lib's ``onEvent`` handler (``tests/e2e/cdk_framework.js`` runs it under
Node) receives CloudFormation's request, invokes the real bootstrap through the
AWS SDK's Lambda client and a local Invoke API (``local/invoke_api.py``, in
front of the local Runtime API), and PUTs the answer to the ResponseURL itself.
In this framework version the user function sees the real ResponseURL; it knows
the framework answers because the ServiceToken names the framework's function.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Iterator

import pytest
from conftest import REPO_ROOT

from invoke_api import InvokeApi

CDK_EXAMPLE_DIR = REPO_ROOT / "examples" / "cdk"
DRIVER = REPO_ROOT / "tests" / "e2e" / "cdk_framework.js"
#: The framework's own function: CloudFormation's ServiceToken for the pool.
FRAMEWORK_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:IdentityPoolExample-FrameworkonEvent-Ab12Cd34"
#: The function the framework invokes (the Runtime API's own ARN).
PROVIDER_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider"
#: What the framework answers for a Create that failed, so that its Delete is ignored.
CREATE_FAILED_MARKER = "AWSCDK::CustomResourceProviderFramework::CREATE_FAILED"


@pytest.fixture
def invoke_api(stack) -> Iterator[InvokeApi]:
    """The Lambda Invoke API in front of this test's Runtime API."""
    with InvokeApi(stack.runtime_api) as api:
        yield api


def through_framework(event: dict, stack, invoke_api: InvokeApi) -> dict:
    """Run the framework's onEvent on ``event``; return the one answer it PUT."""
    node = shutil.which("node")
    assert node, "node is needed (the CDK example's toolchain)"
    event = dict(event, ServiceToken=FRAMEWORK_FUNCTION,
                 ResourceProperties=dict(event["ResourceProperties"], ServiceToken=FRAMEWORK_FUNCTION))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "CDK_EXAMPLE_DIR": str(CDK_EXAMPLE_DIR),
        "USER_ON_EVENT_FUNCTION_ARN": PROVIDER_FUNCTION,
        "AWS_ENDPOINT_URL_LAMBDA": invoke_api.base_url,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "NODE_EXTRA_CA_CERTS": stack.ca.ca_file,
    }
    run = subprocess.run([node, str(DRIVER)], input=json.dumps(event).encode(), env=env,
                         capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr.decode() + run.stdout.decode()
    path = event["ResponseURL"].split("?", 1)[0].removeprefix(stack.receiver.base_url)
    answers = [r.json for r in stack.receiver.responses() if r.path == path]
    assert len(answers) == 1, f"{len(answers)} answers PUT: {answers}"
    return answers[0]


def test_a_create_through_the_framework_answers_the_pool(function, cognito, stack, invoke_api):
    """The framework reads the returned value: SUCCESS with the pool's id and attributes."""
    answer = through_framework(function.event("create"), stack, invoke_api)

    assert answer["Status"] == "SUCCESS", answer
    pools = cognito.pools()
    assert [p["IdentityPoolId"] for p in pools] == [answer["PhysicalResourceId"]]
    assert answer["Data"]["IdentityPoolId"] == answer["PhysicalResourceId"]
    assert answer["Data"]["Name"] == pools[0]["IdentityPoolName"]


def test_a_failed_create_through_the_framework_reports_our_reason_and_leaves_no_pool(
        function, cognito, stack, invoke_api):
    """SetIdentityPoolRoles keeps failing after the pool was made: the framework
    reports FAILED with the provider's Reason and its own marker id (whose Delete
    never reaches the function), and the pool is already gone."""
    cognito.inject({"operation": "SetIdentityPoolRoles", "mode": "error500", "count": -1})

    answer = through_framework(function.event("create-full"), stack, invoke_api)

    assert answer["Status"] == "FAILED", answer
    # The framework words a thrown error as "Error: <message>", then the log group.
    assert answer["Reason"].startswith("Error: SetIdentityPoolRoles failed: InternalErrorException"), answer
    assert answer["PhysicalResourceId"] == CREATE_FAILED_MARKER
    assert "CreateIdentityPool" in cognito.calls()
    assert cognito.pools() == []
