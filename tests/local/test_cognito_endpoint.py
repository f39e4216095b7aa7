"""Tests for local/cognito_endpoint.py, driven through boto3 as a real client would.

The endpoint stands in for Amazon Cognito Identity where moto falls short, so
these tests pin the AWS semantics the Lambda depends on (docs/design.md#the-cognito-identity-api)
and the fault-injection admin API the reliability tests use.
"""

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

LOCAL_DIR = Path(__file__).resolve().parents[2] / "local"
sys.path.insert(0, str(LOCAL_DIR))

from aws_model import java_pattern, service_model  # noqa: E402
from clients import LocalCognito, boto3_client  # noqa: E402
from cognito_endpoint import POOL_ID as POOL_ID_SHAPE, CognitoServer, RateLimiter, Settings  # noqa: E402
from tls import ensure_local_ca  # noqa: E402

USER_POOL = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abcdefghi"
USER_POOL_CLIENT = f"{USER_POOL}:clientid123"
OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com"
SAML_ARN = "arn:aws:iam::123456789012:saml-provider/corp"
AUTH_ROLE = "arn:aws:iam::123456789012:role/auth"
UNAUTH_ROLE = "arn:aws:iam::123456789012:role/unauth"


@pytest.fixture(scope="module")
def server():
    """One endpoint for the module: starting it is cheap, but sharing is cheaper."""
    srv = CognitoServer(host="127.0.0.1", port=0).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def admin(server):
    """The endpoint's admin API (local/clients.py)."""
    return LocalCognito(server.url)


@pytest.fixture(autouse=True)
def clean(admin):
    """Every test starts from an empty account with no faults."""
    admin.reset()


def make_client(server, region="us-east-1", service="cognito-identity"):
    """A boto3 client without retries or client-side validation, so the server's answers show."""
    return boto3_client(server.url, service, region=region, parameter_validation=False)


@pytest.fixture
def client(server):
    return make_client(server)


def create_pool(client, name="pool", **extra):
    """Create a pool with the two required members plus ``extra``."""
    return client.create_identity_pool(IdentityPoolName=name, AllowUnauthenticatedIdentities=False, **extra)


def error_of(call, *args, **kwargs):
    """Run a call that must fail; return (code, message)."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    error = info.value.response["Error"]
    return error["Code"], error["Message"]


def arn_of(pool_id, partition="aws"):
    return f"arn:{partition}:cognito-identity:{pool_id.split(':')[0]}:123456789012:identitypool/{pool_id}"


FULL_CONFIG = {
    "AllowClassicFlow": True,
    "SupportedLoginProviders": {"graph.facebook.com": "1234567890"},
    "DeveloperProviderName": "login.example",
    "OpenIdConnectProviderARNs": [OIDC_ARN],
    "CognitoIdentityProviders": [{"ProviderName": USER_POOL, "ClientId": "clientid123"}],
    "SamlProviderARNs": [SAML_ARN],
}


# ---------------------------------------------------------------- pools


def test_create_describe_round_trip_with_tags(client):
    created = create_pool(client, "my pool", IdentityPoolTags={"team": "id", "env": "dev"}, **FULL_CONFIG)
    pool_id = created["IdentityPoolId"]
    assert pool_id.startswith("us-east-1:")
    described = client.describe_identity_pool(IdentityPoolId=pool_id)
    for output in (created, described):
        output.pop("ResponseMetadata")
    assert created == described
    assert described["IdentityPoolTags"] == {"team": "id", "env": "dev"}
    assert described["CognitoIdentityProviders"] == [
        {"ProviderName": USER_POOL, "ClientId": "clientid123", "ServerSideTokenCheck": False}]
    assert described["SupportedLoginProviders"] == FULL_CONFIG["SupportedLoginProviders"]
    assert described["AllowClassicFlow"] is True


def test_describe_omits_empty_members(client):
    pool_id = create_pool(client)["IdentityPoolId"]
    described = client.describe_identity_pool(IdentityPoolId=pool_id)
    assert "IdentityPoolTags" not in described and "SupportedLoginProviders" not in described
    assert described["AllowClassicFlow"] is False


def test_update_replaces_whole_configuration(client):
    pool_id = create_pool(client, "before", IdentityPoolTags={"keep": "me"}, **FULL_CONFIG)["IdentityPoolId"]
    updated = client.update_identity_pool(IdentityPoolId=pool_id, IdentityPoolName="after",
                                          AllowUnauthenticatedIdentities=True)
    described = client.describe_identity_pool(IdentityPoolId=pool_id)
    for output in (updated, described):
        output.pop("ResponseMetadata")
    assert updated == described == {
        "IdentityPoolId": pool_id,
        "IdentityPoolName": "after",
        "AllowUnauthenticatedIdentities": True,
        "AllowClassicFlow": True,
        "DeveloperProviderName": "login.example",
        "IdentityPoolTags": {"keep": "me"},
    }


def test_update_replaces_tags_only_when_sent(client):
    pool_id = create_pool(client, IdentityPoolTags={"a": "1"})["IdentityPoolId"]
    client.update_identity_pool(IdentityPoolId=pool_id, IdentityPoolName="pool",
                                AllowUnauthenticatedIdentities=False, IdentityPoolTags={"b": "2"})
    assert client.describe_identity_pool(IdentityPoolId=pool_id)["IdentityPoolTags"] == {"b": "2"}


def test_developer_provider_name_cannot_change(client):
    pool_id = create_pool(client, DeveloperProviderName="first")["IdentityPoolId"]
    same = dict(IdentityPoolId=pool_id, IdentityPoolName="pool", AllowUnauthenticatedIdentities=False)
    client.update_identity_pool(**same, DeveloperProviderName="first")
    code, message = error_of(client.update_identity_pool, **same, DeveloperProviderName="second")
    assert code == "InvalidParameterException"
    assert "cannot be changed" in message
    assert client.describe_identity_pool(IdentityPoolId=pool_id)["DeveloperProviderName"] == "first"


def test_developer_provider_name_can_be_set_later(client):
    pool_id = create_pool(client)["IdentityPoolId"]
    client.update_identity_pool(IdentityPoolId=pool_id, IdentityPoolName="pool",
                                AllowUnauthenticatedIdentities=False, DeveloperProviderName="late")
    assert client.describe_identity_pool(IdentityPoolId=pool_id)["DeveloperProviderName"] == "late"


# ---------------------------------------------------------------- the service model's constraints

SOME_POOL = "us-east-1:00000000-0000-0000-0000-000000000000"
PREFIX = "1 validation error detected: "


def rules_mapping(claim="custom:dept", match_type="Equals", value="eng", rules=1):
    """A Rules role mapping with ``rules`` copies of one rule."""
    rule = {"Claim": claim, "MatchType": match_type, "Value": value, "RoleARN": AUTH_ROLE}
    rule = {k: v for k, v in rule.items() if v is not None}
    return {"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": [rule] * rules}}


def roles_request(mappings, roles=None):
    """SetIdentityPoolRoles arguments for SOME_POOL."""
    return {"IdentityPoolId": SOME_POOL, "Roles": roles or {"authenticated": AUTH_ROLE}, "RoleMappings": mappings}


POOL_REQUEST = {"IdentityPoolName": "pool", "AllowUnauthenticatedIdentities": False}

# (operation, request, the whole message AWS answers) for each kind of constraint.
VIOLATIONS = {
    "pattern": ("create_identity_pool", {**POOL_REQUEST, "IdentityPoolName": "bad!"},
                PREFIX + "Value 'bad!' at 'identityPoolName' failed to satisfy constraint: "
                r"Member must satisfy regular expression pattern: [\w\s+=,.@-]+"),
    "pattern, Unicode categories": (
        "set_identity_pool_roles", roles_request({USER_POOL_CLIENT: rules_mapping(claim="dept\u200b")}),
        PREFIX + f"Value 'dept\u200b' at 'roleMappings.{USER_POOL_CLIENT}.member.rulesConfiguration.rules.1.member"
        r".claim' failed to satisfy constraint: Member must satisfy regular expression pattern: "
        r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+"),
    "string too long": ("create_identity_pool", {**POOL_REQUEST, "IdentityPoolName": "x" * 129},
                        PREFIX + f"Value '{'x' * 129}' at 'identityPoolName' failed to satisfy constraint: "
                        "Member must have length less than or equal to 128"),
    "string too short, and its pattern": (
        "create_identity_pool", {**POOL_REQUEST, "DeveloperProviderName": ""},
        "2 validation errors detected: Value '' at 'developerProviderName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; Value '' at 'developerProviderName' failed to "
        r"satisfy constraint: Member must satisfy regular expression pattern: [\w._-]+"),
    "required": ("set_identity_pool_roles", {"IdentityPoolId": SOME_POOL},
                 PREFIX + "Value null at 'roles' failed to satisfy constraint: Member must not be null"),
    "required, nested": (
        "set_identity_pool_roles", roles_request({USER_POOL_CLIENT: rules_mapping(match_type=None)}),
        PREFIX + f"Value null at 'roleMappings.{USER_POOL_CLIENT}.member.rulesConfiguration.rules.1.member"
        ".matchType' failed to satisfy constraint: Member must not be null"),
    "enum": ("set_identity_pool_roles",
             roles_request({USER_POOL_CLIENT: {"Type": "Tokens", "AmbiguousRoleResolution": "Deny"}}),
             PREFIX + f"Value 'Tokens' at 'roleMappings.{USER_POOL_CLIENT}.member.type' failed to satisfy "
             "constraint: Member must satisfy enum value set: [Token, Rules]"),
    "list too short": ("set_identity_pool_roles", roles_request({USER_POOL_CLIENT: rules_mapping(rules=0)}),
                       PREFIX + f"Value '[]' at 'roleMappings.{USER_POOL_CLIENT}.member.rulesConfiguration.rules' "
                       "failed to satisfy constraint: Member must have length greater than or equal to 1"),
    "list member": ("create_identity_pool", {**POOL_REQUEST, "SamlProviderARNs": [SAML_ARN, "arn:short"]},
                    PREFIX + "Value 'arn:short' at 'samlProviderARNs.2.member' failed to satisfy constraint: "
                    "Member must have length greater than or equal to 20"),
    "map too large": ("create_identity_pool",
                      {**POOL_REQUEST, "SupportedLoginProviders": {f"p{i}": "id" for i in range(11)}},
                      PREFIX + "Value '{" + ", ".join(f"p{i}=id" for i in range(11)) + "}' at "
                      "'supportedLoginProviders' failed to satisfy constraint: "
                      "Member must have length less than or equal to 10"),
    "map keys": ("set_identity_pool_roles", roles_request({}, roles={"admin": AUTH_ROLE}),
                 PREFIX + f"Value '{{admin={AUTH_ROLE}}}' at 'roles' failed to satisfy constraint: Map keys must "
                 "satisfy constraint: [Member must satisfy regular expression pattern: (un)?authenticated]"),
    "map values": ("set_principal_tag_attribute_map",
                   {"IdentityPoolId": SOME_POOL, "IdentityProviderName": USER_POOL, "PrincipalTags": {"k": ""}},
                   PREFIX + "Value '{k=}' at 'principalTags' failed to satisfy constraint: Map value must satisfy "
                   "constraint: [Member must have length greater than or equal to 1]"),
    "number too large": ("list_identity_pools", {"MaxResults": 61},
                         PREFIX + "Value '61' at 'maxResults' failed to satisfy constraint: "
                         "Member must have value less than or equal to 60"),
    "number too small": ("list_identity_pools", {"MaxResults": 0},
                         PREFIX + "Value '0' at 'maxResults' failed to satisfy constraint: "
                         "Member must have value greater than or equal to 1"),
    "identity pool id": ("describe_identity_pool", {"IdentityPoolId": "not-a-pool-id"},
                         PREFIX + "Value 'not-a-pool-id' at 'identityPoolId' failed to satisfy constraint: "
                         r"Member must satisfy regular expression pattern: [\w-]+:[0-9a-f-]+"),
}


@pytest.mark.parametrize("operation, request_, expected", VIOLATIONS.values(), ids=VIOLATIONS.keys())
def test_model_violation_is_refused_with_the_services_message(client, operation, request_, expected):
    code, message = error_of(getattr(client, operation), **request_)
    assert (code, message) == ("ValidationException", expected)


def test_validation_answer_on_the_wire(server):
    status, headers, body = raw_call(server, "AWSCognitoIdentityService.ListIdentityPools", b'{"MaxResults": 0}')
    assert status == 400
    assert headers["x-amzn-ErrorType"] == body["__type"] == "ValidationException"


@pytest.mark.parametrize("request_", [
    {**POOL_REQUEST, "AllowUnauthenticatedIdentities": "yes"},
    {**POOL_REQUEST, "IdentityPoolName": 7},
    {**POOL_REQUEST, "SamlProviderARNs": SAML_ARN},
    {**POOL_REQUEST, "IdentityPoolTags": {"k": 1}},
], ids=["boolean", "string", "list", "map value"])
def test_wrong_json_type_is_a_serialization_error(server, admin, request_):
    status, headers, body = raw_call(server, "AWSCognitoIdentityService.CreateIdentityPool",
                                     json.dumps(request_).encode())
    assert (status, body["__type"]) == (400, "SerializationException")
    assert admin.pools() == []


def test_boundary_values_pass(client):
    name = "a" * 128
    pool_id = create_pool(client, name, DeveloperProviderName="d",
                          SupportedLoginProviders={f"p{i}.example": "id" for i in range(10)},
                          IdentityPoolTags={"k" * 128: "", "v": "v" * 256})["IdentityPoolId"]
    assert client.describe_identity_pool(IdentityPoolId=pool_id)["IdentityPoolName"] == name
    for max_results in (1, 60):
        assert len(client.list_identity_pools(MaxResults=max_results)["IdentityPools"]) == 1


def test_unicode_claims_and_the_largest_mappings_pass(client):
    pool_id = create_pool(client, **FULL_CONFIG)["IdentityPoolId"]
    mapping = rules_mapping(claim="ñombre:日本-€", value="v" * 128, rules=25)
    client.set_identity_pool_roles(**{**roles_request({USER_POOL_CLIENT: mapping}), "IdentityPoolId": pool_id})
    assert client.get_identity_pool_roles(IdentityPoolId=pool_id)["RoleMappings"] == {USER_POOL_CLIENT: mapping}
    tags = {f"t{i}": "x" * 256 for i in range(50)}
    client.set_principal_tag_attribute_map(IdentityPoolId=pool_id, IdentityProviderName=USER_POOL, PrincipalTags=tags)


@pytest.mark.parametrize("pattern, value, matches", [
    (r"[\w_]+", "abc_123", True),
    (r"[\w_]+", "é", False),  # Java's \w is ASCII
    (r"[\S]+", "a\u00a0b", True),  # and so is its \s
    (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "é日本€-", True),  # \p{..} is Unicode
    (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "a\ue000", False),  # private use (Co)
    (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "a\u200bb", False),  # zero-width space (Cf)
    (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "e\u0301", True),  # a combining mark (Mn)
    (r"arn:aws:iam::\d+:role/.*", "arn:aws:iam::1:role/a\rb", False),  # Java's . stops at \r
    (r"arn:aws:iam::\d+:role/.*", "arn:aws:iam::1:role/a\u2028b", False),  # and at \u2028
    (r"arn:aws:iam::\d+:role/.*", "arn:aws:iam::1:role/a.b", True),
    (r"arn:aws:iam::\d+:role/.*", "arn:aws:iam::1:role/", True),
    (r"(un)?authenticated", "authenticated2", False),  # the whole value must match
])
def test_java_patterns(pattern, value, matches):
    assert bool(java_pattern(pattern).fullmatch(value)) is matches


@pytest.mark.parametrize("service", ["cognito-identity", "cognito-sync", "resourcegroupstaggingapi"])
def test_every_pattern_of_the_models_compiles(service):
    model = service_model(service)
    patterns = {shape["pattern"] for shape in model.shapes.values() if "pattern" in shape}
    assert patterns and all(java_pattern(p) for p in patterns)


@pytest.mark.parametrize("tags, path", [({"aws:reserved": "x"}, "identityPoolTags"),
                                         ({"AWS:Reserved": "x"}, "identityPoolTags")])
def test_reserved_tag_keys_are_refused(client, tags, path):
    code, message = error_of(create_pool, client, IdentityPoolTags=tags)
    assert code == "ValidationException"
    assert f"at '{path}' failed to satisfy constraint: Map keys must satisfy constraint: " \
           "[Member must not start with 'aws:']" in message


def test_delete_and_not_found(client):
    pool_id = create_pool(client)["IdentityPoolId"]
    client.delete_identity_pool(IdentityPoolId=pool_id)
    for call in (client.describe_identity_pool, client.delete_identity_pool, client.get_identity_pool_roles):
        code, message = error_of(call, IdentityPoolId=pool_id)
        assert code == "ResourceNotFoundException" and pool_id in message
    assert error_of(client.list_tags_for_resource, ResourceArn=arn_of(pool_id))[0] == "ResourceNotFoundException"


def test_too_many_tags_on_create(client):
    tags = {f"k{i}": "v" for i in range(51)}
    assert error_of(create_pool, client, IdentityPoolTags=tags)[0] == "InvalidParameterException"


# ---------------------------------------------------------------- listing and regions


def test_list_pages_with_next_token(client):
    ids = [create_pool(client, f"pool{i}")["IdentityPoolId"] for i in range(5)]
    client.delete_identity_pool(IdentityPoolId=ids.pop(2))
    seen, token, pages = [], None, 0
    while True:
        page = client.list_identity_pools(MaxResults=2, **({"NextToken": token} if token else {}))
        seen += [(p["IdentityPoolId"], p["IdentityPoolName"]) for p in page["IdentityPools"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 2
    assert seen == [(i, f"pool{n}") for i, n in zip(ids, (0, 1, 3, 4))]


def test_list_bad_token(client):
    assert error_of(client.list_identity_pools, MaxResults=5, NextToken="garbage")[0] == "InvalidParameterException"


def test_region_comes_from_credential_scope(server, client):
    west = make_client(server, "us-west-2")
    pool_id = create_pool(west)["IdentityPoolId"]
    assert pool_id.startswith("us-west-2:")
    assert client.list_identity_pools(MaxResults=10)["IdentityPools"] == []
    assert [p["IdentityPoolId"] for p in west.list_identity_pools(MaxResults=10)["IdentityPools"]] == [pool_id]


# ---------------------------------------------------------------- tags


def test_tag_untag_list_tags(client):
    pool_id = create_pool(client, IdentityPoolTags={"a": "1"})["IdentityPoolId"]
    arn = arn_of(pool_id)
    client.tag_resource(ResourceArn=arn, Tags={"b": "2", "a": "one"})
    assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"a": "one", "b": "2"}
    client.untag_resource(ResourceArn=arn, TagKeys=["a", "missing"])
    assert client.list_tags_for_resource(ResourceArn=arn_of(pool_id, "aws-cn"))["Tags"] == {"b": "2"}
    assert client.describe_identity_pool(IdentityPoolId=pool_id)["IdentityPoolTags"] == {"b": "2"}


def test_tag_errors(client):
    pool_id = create_pool(client, IdentityPoolTags={f"k{i}": "v" for i in range(50)})["IdentityPoolId"]
    arn = arn_of(pool_id)
    assert error_of(client.tag_resource, ResourceArn=arn, Tags={"one": "more"})[0] == "InvalidParameterException"
    assert error_of(client.tag_resource, ResourceArn=arn, Tags={"AWS:x": "y"})[0] == "ValidationException"
    code, message = error_of(client.list_tags_for_resource, ResourceArn="arn:aws:s3:::not-a-pool-at-all")
    assert code == "ValidationException" and "'resourceArn'" in message
    unknown = arn_of("us-east-1:00000000-0000-0000-0000-000000000000")
    assert error_of(client.list_tags_for_resource, ResourceArn=unknown)[0] == "ResourceNotFoundException"


# ---------------------------------------------------------------- roles and principal tags


def test_roles_set_get_replace(client):
    pool_id = create_pool(client, **FULL_CONFIG)["IdentityPoolId"]
    assert client.get_identity_pool_roles(IdentityPoolId=pool_id)["IdentityPoolId"] == pool_id
    rules = {"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": [
        {"Claim": "custom:dept", "MatchType": "Equals", "Value": "eng", "RoleARN": AUTH_ROLE}]}}
    client.set_identity_pool_roles(IdentityPoolId=pool_id,
                                   Roles={"authenticated": AUTH_ROLE, "unauthenticated": UNAUTH_ROLE},
                                   RoleMappings={USER_POOL_CLIENT: rules})
    got = client.get_identity_pool_roles(IdentityPoolId=pool_id)
    assert got["Roles"] == {"authenticated": AUTH_ROLE, "unauthenticated": UNAUTH_ROLE}
    assert got["RoleMappings"] == {USER_POOL_CLIENT: rules}

    client.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": AUTH_ROLE})
    got = client.get_identity_pool_roles(IdentityPoolId=pool_id)
    assert got["Roles"] == {"authenticated": AUTH_ROLE}
    assert "RoleMappings" not in got


@pytest.mark.parametrize("mappings, code", [
    ({"accounts.google.com": {"Type": "Token", "AmbiguousRoleResolution": "Deny"}}, "InvalidParameterException"),
    ({USER_POOL: {"Type": "Token", "AmbiguousRoleResolution": "Deny"}}, "InvalidParameterException"),
    ({USER_POOL_CLIENT: {"Type": "Rules", "AmbiguousRoleResolution": "Deny"}}, "InvalidParameterException"),
    ({USER_POOL_CLIENT: {"Type": "Tokens", "AmbiguousRoleResolution": "Deny"}}, "ValidationException"),
])
def test_role_mapping_errors(client, mappings, code):
    pool_id = create_pool(client, **FULL_CONFIG)["IdentityPoolId"]
    assert error_of(client.set_identity_pool_roles, IdentityPoolId=pool_id,
                    Roles={"authenticated": AUTH_ROLE}, RoleMappings=mappings)[0] == code


@pytest.mark.parametrize("provider", ["graph.facebook.com", OIDC_ARN, SAML_ARN, USER_POOL_CLIENT])
def test_role_mapping_accepts_each_configured_provider(client, provider):
    pool_id = create_pool(client, **FULL_CONFIG)["IdentityPoolId"]
    mapping = {provider: {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}}
    client.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": AUTH_ROLE}, RoleMappings=mapping)
    assert client.get_identity_pool_roles(IdentityPoolId=pool_id)["RoleMappings"] == mapping


def test_principal_tags(client):
    pool_id = create_pool(client, **FULL_CONFIG)["IdentityPoolId"]
    key = dict(IdentityPoolId=pool_id, IdentityProviderName=USER_POOL)
    default = client.get_principal_tag_attribute_map(**key)
    assert (default["UseDefaults"], default["PrincipalTags"]) == (True, {})
    echoed = client.set_principal_tag_attribute_map(**key, UseDefaults=False, PrincipalTags={"dept": "custom:dept"})
    stored = client.get_principal_tag_attribute_map(**key)
    for output in (echoed, stored):
        output.pop("ResponseMetadata")
    assert echoed == stored == {**key, "UseDefaults": False, "PrincipalTags": {"dept": "custom:dept"}}
    other = dict(IdentityPoolId=pool_id, IdentityProviderName="accounts.google.com")
    assert error_of(client.get_principal_tag_attribute_map, **other)[0] == "InvalidParameterException"
    assert error_of(client.set_principal_tag_attribute_map, **other, UseDefaults=True)[0] == "InvalidParameterException"


def test_admin_pools_shows_everything(admin, client):
    pool_id = create_pool(client, **FULL_CONFIG)["IdentityPoolId"]
    client.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": AUTH_ROLE})
    client.set_principal_tag_attribute_map(IdentityPoolId=pool_id, IdentityProviderName=USER_POOL,
                                           UseDefaults=True)
    [pool] = admin.pools()
    assert pool["IdentityPoolId"] == pool_id and pool["IdentityPoolTags"] == {}
    assert pool["Roles"] == {"authenticated": AUTH_ROLE} and pool["RoleMappings"] == {}
    assert pool["PrincipalTags"] == {USER_POOL: {"UseDefaults": True, "PrincipalTags": {}}}
    client.delete_identity_pool(IdentityPoolId=pool_id)
    assert admin.pools() == []


# ---------------------------------------------------------------- wire format


def raw_call(server, target, body=b"{}"):
    """POST an awsJson call without an SDK, to see status, headers and body as sent."""
    return raw_request(server, "POST", "/", body, {"X-Amz-Target": target, "Content-Type": "text/plain"})


def raw_request(server, method, path, body=None, headers=None):
    """Any request without an SDK: (status, headers, JSON body)."""
    request = urllib.request.Request(server.url + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_unknown_operation_and_error_wire_format(server):
    status, headers, body = raw_call(server, "AWSCognitoIdentityService.GetId")
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert body["__type"] == "UnknownOperationException" and body["message"]


def test_success_wire_format_accepts_any_content_type(server):
    status, headers, body = raw_call(server, "AWSCognitoIdentityService.ListIdentityPools", b'{"MaxResults": 5}')
    assert (status, body) == (200, {"IdentityPools": []})
    assert headers["Content-Type"] == "application/x-amz-json-1.1"


# ---------------------------------------------------------------- faults and the call log


def test_throttle_count_then_success(admin, client):
    admin.inject({"operation": "CreateIdentityPool", "mode": "throttle", "count": 2})
    for _ in range(2):
        assert error_of(create_pool, client)[0] == "TooManyRequestsException"
    client.list_identity_pools(MaxResults=1)  # other operations are unaffected
    create_pool(client)
    assert len(admin.pools()) == 1
    assert admin.faults() == []


def test_error500(admin, client):
    admin.inject({"operation": "*", "mode": "error500"})
    with pytest.raises(ClientError) as info:
        create_pool(client)
    assert info.value.response["Error"]["Code"] == "InternalErrorException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert admin.pools() == []
    create_pool(client)


def test_fail_after_leaves_the_pool_created(admin, client):
    admin.inject({"operation": "CreateIdentityPool", "mode": "fail-after"})
    assert error_of(create_pool, client, "lost")[0] == "InternalErrorException"
    assert [p["IdentityPoolName"] for p in admin.pools()] == ["lost"]


def test_forever_rule_until_replaced(admin, client):
    admin.inject({"operation": "ListIdentityPools", "mode": "throttle", "count": -1})
    for _ in range(3):
        assert error_of(client.list_identity_pools, MaxResults=1)[0] == "TooManyRequestsException"
    admin.inject()
    client.list_identity_pools(MaxResults=1)


def test_bad_fault_rule_is_refused(admin):
    with pytest.raises(urllib.error.HTTPError) as info:
        admin.inject({"operation": "*", "mode": "explode"})
    assert info.value.code == 400


def test_hang_delays_while_another_request_is_served(server, admin, client):
    """A hanging call holds its own connection only. The bounds are far apart so that a
    slow machine cannot fail it: another call is served within 2 s while the hang (4 s)
    lasts, and the hung call answers no sooner than the hang ends."""
    hang_s = 4.0
    pool_id = create_pool(client)["IdentityPoolId"]
    admin.inject({"operation": "DescribeIdentityPool", "mode": "hang", "seconds": hang_s})
    admin.clear_calls()
    result = {}

    def slow_describe():
        started = time.monotonic()
        result["name"] = make_client(server).describe_identity_pool(IdentityPoolId=pool_id)["IdentityPoolName"]
        result["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=slow_describe)
    thread.start()
    arrived_by = time.monotonic() + 10
    while "DescribeIdentityPool" not in admin.calls():  # received: it hangs from now on
        assert time.monotonic() < arrived_by, "the DescribeIdentityPool never reached the endpoint"
        time.sleep(0.02)
    started = time.monotonic()
    client.list_identity_pools(MaxResults=1)
    assert time.monotonic() - started < 2
    assert "name" not in result  # still hanging
    thread.join(hang_s + 10)
    assert not thread.is_alive(), "the hung call never answered"
    assert result["name"] == "pool" and result["elapsed"] >= hang_s - 0.1


def test_calls_log(admin, client):
    admin.inject({"operation": "CreateIdentityPool", "mode": "throttle"})
    error_of(create_pool, client)
    pool_id = create_pool(client)["IdentityPoolId"]
    client.describe_identity_pool(IdentityPoolId=pool_id)
    error_of(client.describe_identity_pool, IdentityPoolId="bad")
    assert admin.call("/_admin/calls") == {
        "calls": ["CreateIdentityPool", "CreateIdentityPool", "DescribeIdentityPool", "DescribeIdentityPool"],
        "throttled": ["CreateIdentityPool"]}
    assert admin.calls() == ["CreateIdentityPool", "CreateIdentityPool", "DescribeIdentityPool", "DescribeIdentityPool"]
    assert admin.throttled() == ["CreateIdentityPool"]
    admin.clear_calls()
    assert admin.call("/_admin/calls") == {"calls": [], "throttled": []}


# ---------------------------------------------------------------- Cognito Sync

STREAMS = {"StreamName": "sync-stream", "RoleArn": AUTH_ROLE, "StreamingStatus": "ENABLED"}
PUSH_SYNC = {"ApplicationArns": ["arn:aws:sns:us-east-1:123456789012:app/GCM/my-app"], "RoleArn": UNAUTH_ROLE}
SYNC_TRIGGER = "arn:aws:lambda:us-east-1:123456789012:function:on-sync"


@pytest.fixture
def sync(server):
    """A cognito-sync client (restJson1) of the same endpoint, as strict as ``client``."""
    return make_client(server, service="cognito-sync")


def without_metadata(output):
    output.pop("ResponseMetadata")
    return output


def test_sync_configuration_sets_the_parts_named(admin, client, sync):
    pool_id = create_pool(client)["IdentityPoolId"]
    assert without_metadata(sync.get_identity_pool_configuration(IdentityPoolId=pool_id)) == {
        "IdentityPoolId": pool_id}
    set_both = sync.set_identity_pool_configuration(IdentityPoolId=pool_id, CognitoStreams=STREAMS,
                                                    PushSync=PUSH_SYNC)
    assert without_metadata(set_both) == {"IdentityPoolId": pool_id, "CognitoStreams": STREAMS,
                                          "PushSync": PUSH_SYNC}
    disabled = {**STREAMS, "StreamingStatus": "DISABLED"}
    sync.set_identity_pool_configuration(IdentityPoolId=pool_id, CognitoStreams=disabled)
    assert without_metadata(sync.get_identity_pool_configuration(IdentityPoolId=pool_id)) == {
        "IdentityPoolId": pool_id, "CognitoStreams": disabled, "PushSync": PUSH_SYNC}
    [pool] = admin.pools()
    assert (pool["CognitoStreams"], pool["PushSync"]) == (disabled, PUSH_SYNC)


def test_cognito_events_merge_and_an_empty_value_removes(admin, client, sync):
    pool_id = create_pool(client)["IdentityPoolId"]
    assert sync.get_cognito_events(IdentityPoolId=pool_id)["Events"] == {}
    sync.set_cognito_events(IdentityPoolId=pool_id, Events={"SyncTrigger": SYNC_TRIGGER})
    assert sync.get_cognito_events(IdentityPoolId=pool_id)["Events"] == {"SyncTrigger": SYNC_TRIGGER}
    assert admin.pools()[0]["CognitoEvents"] == {"SyncTrigger": SYNC_TRIGGER}
    sync.set_cognito_events(IdentityPoolId=pool_id, Events={"SyncTrigger": ""})
    assert sync.get_cognito_events(IdentityPoolId=pool_id)["Events"] == {}


@pytest.mark.parametrize("kwargs, expected", [
    ({"PushSync": {**PUSH_SYNC, "ApplicationArns": ["arn:aws:sns:us-east-1:123456789012:my-topic"]}},
     "Value 'arn:aws:sns:us-east-1:123456789012:my-topic' at 'pushSync.applicationArns.1.member' failed to "
     r"satisfy constraint: Member must satisfy regular expression pattern: "
     r"arn:aws:sns:[-0-9a-z]+:\d+:app/[A-Z_]+/[a-zA-Z0-9_.-]+"),
    ({"CognitoStreams": {**STREAMS, "RoleArn": "arn:aws-cn:iam::123456789012:role/r"}},
     "Value 'arn:aws-cn:iam::123456789012:role/r' at 'cognitoStreams.roleArn' failed to satisfy constraint: "
     r"Member must satisfy regular expression pattern: arn:aws:iam::\d+:role/.*"),
    ({"CognitoStreams": {**STREAMS, "StreamingStatus": "ON"}},
     "Value 'ON' at 'cognitoStreams.streamingStatus' failed to satisfy constraint: "
     "Member must satisfy enum value set: [ENABLED, DISABLED]"),
], ids=["platform application", "role partition", "streaming status"])
def test_sync_configuration_is_checked_against_the_sync_model(admin, client, sync, kwargs, expected):
    pool_id = create_pool(client)["IdentityPoolId"]
    with pytest.raises(ClientError) as info:
        sync.set_identity_pool_configuration(IdentityPoolId=pool_id, **kwargs)
    response = info.value.response
    assert response["Error"] == {"Code": "ValidationException", "Message": PREFIX + expected}
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "ValidationException"
    assert admin.pools()[0]["CognitoStreams"] is None


def test_cognito_events_hold_one_event(client, sync):
    pool_id = create_pool(client)["IdentityPoolId"]
    code, message = error_of(sync.set_cognito_events, IdentityPoolId=pool_id,
                             Events={"SyncTrigger": SYNC_TRIGGER, "Other": SYNC_TRIGGER})
    assert code == "ValidationException"
    assert "at 'events' failed to satisfy constraint: Member must have length less than or equal to 1" in message


def test_sync_errors_in_rest_json_form(server, sync):
    with pytest.raises(ClientError) as info:
        sync.get_cognito_events(IdentityPoolId=SOME_POOL)
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    status, headers, body = raw_request(server, "GET", "/identitypools/bad%20id/events")
    assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException")
    assert "Value 'bad id' at 'identityPoolId'" in body["message"]
    status, headers, _ = raw_request(server, "GET", "/identitypools")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")


# ---------------------------------------------------------------- the tagging API's GetResources

GET_RESOURCES = "ResourceGroupsTaggingAPI_20170126.GetResources"
POOL_TYPE = ["cognito-identity:identitypool"]


def get_resources(server, **request):
    """GetResources in the awsJson1.1 form the Rust SDK sends; the answer's body."""
    status, _, body = raw_call(server, GET_RESOURCES, json.dumps(request).encode())
    assert status == 200, body
    return body


def found(server, **request):
    """{pool id: tags} of every page GetResources answers, following PaginationToken."""
    result, token = {}, None
    while token != "":
        body = get_resources(server, **request, **({"PaginationToken": token} if token else {}))
        for mapping in body["ResourceTagMappingList"]:
            result[mapping["ResourceARN"].split("/", 1)[1]] = {t["Key"]: t["Value"] for t in mapping["Tags"]}
        token = body["PaginationToken"]
    return result


def test_get_resources_filters_pools_by_tag(server, client):
    red = create_pool(client, "red", IdentityPoolTags={"colour": "red", "team": "a"})["IdentityPoolId"]
    blue = create_pool(client, "blue", IdentityPoolTags={"colour": "blue"})["IdentityPoolId"]
    create_pool(client, "untagged")
    assert found(server, ResourceTypeFilters=POOL_TYPE) == {red: {"colour": "red", "team": "a"},
                                                           blue: {"colour": "blue"}}
    assert found(server, TagFilters=[{"Key": "colour", "Values": ["red"]}]) == {red: {"colour": "red", "team": "a"}}
    assert set(found(server, TagFilters=[{"Key": "colour"}])) == {red, blue}
    assert set(found(server, TagFilters=[{"Key": "colour", "Values": ["red", "blue"]}, {"Key": "team"}])) == {red}
    assert found(server, ResourceTypeFilters=["s3"]) == {}
    body = get_resources(server, TagFilters=[{"Key": "colour", "Values": ["blue"]}], ResourceTypeFilters=POOL_TYPE)
    assert body == {"PaginationToken": "", "ResourceTagMappingList": [{
        "ResourceARN": f"arn:aws:cognito-identity:us-east-1:123456789012:identitypool/{blue}",
        "Tags": [{"Key": "colour", "Value": "blue"}]}]}


def test_get_resources_pages_and_sees_changes(server, client):
    ids = [create_pool(client, f"p{i}", IdentityPoolTags={"n": str(i)})["IdentityPoolId"] for i in range(5)]
    first = get_resources(server, ResourcesPerPage=2)
    assert len(first["ResourceTagMappingList"]) == 2 and first["PaginationToken"]
    assert list(found(server, ResourcesPerPage=2)) == ids
    client.tag_resource(ResourceArn=arn_of(ids[0]), Tags={"extra": "yes"})
    client.untag_resource(ResourceArn=arn_of(ids[1]), TagKeys=["n"])
    client.delete_identity_pool(IdentityPoolId=ids[2])
    seen = found(server)
    assert seen[ids[0]] == {"n": "0", "extra": "yes"}
    assert seen[ids[1]] == {}  # untagged, but it had tags: shown with none, as AWS does
    assert ids[2] not in seen


def test_get_resources_is_regional_and_checked(server, client):
    create_pool(make_client(server, "us-west-2"), IdentityPoolTags={"k": "v"})
    assert found(server) == {}
    status, _, body = raw_call(server, GET_RESOURCES, json.dumps({"TagFilters": [{"Key": ""}]}).encode())
    assert (status, body["__type"]) == (400, "ValidationException")
    assert "at 'tagFilters.1.member.key' failed to satisfy constraint" in body["message"]
    status, _, body = raw_call(server, GET_RESOURCES, b'{"ResourcesPerPage": 101}')
    assert (status, body["__type"]) == (400, "InvalidParameterException")


def test_get_resources_lags_by_the_setting(server, admin, client):
    admin.preload(2)
    admin.settings(tagging_lag_ms=3_600_000)
    new = create_pool(client, IdentityPoolTags={"k": "v"})["IdentityPoolId"]
    preloaded = found(server)
    assert len(preloaded) == 2 and new not in preloaded  # preloaded pools were there all along
    client.delete_identity_pool(IdentityPoolId=next(iter(preloaded)))
    assert found(server) == preloaded  # the deletion is not seen yet either
    admin.settings(tagging_lag_ms=0)
    assert new in found(server) and len(found(server)) == 2


# ---------------------------------------------------------------- scale knobs


def test_settings_partial_update_and_reset(admin):
    assert admin.settings() == {"latency_ms": 0, "rate_limit": 0, "tagging_lag_ms": 0}
    assert admin.settings(rate_limit=5) == {"latency_ms": 0, "rate_limit": 5,
                                                                    "tagging_lag_ms": 0}
    assert admin.settings(latency_ms=1.5)["rate_limit"] == 5
    admin.reset()
    assert admin.settings() == {"latency_ms": 0, "rate_limit": 0, "tagging_lag_ms": 0}


@pytest.mark.parametrize("payload", [{"latency": 5}, {"rate_limit": -1}, {"tagging_lag_ms": "5"}, [1]])
def test_bad_settings_are_refused(admin, payload):
    with pytest.raises(urllib.error.HTTPError) as info:
        admin.call("/_admin/settings", payload)
    assert info.value.code == 400


def test_rate_limit_throttles_each_operation_apart(server, admin, client, sync):
    # 0.01/s: the burst is one call, and the next token is 100 s away.
    admin.settings(rate_limit=0.01)
    pool_id = create_pool(client)["IdentityPoolId"]
    client.list_identity_pools(MaxResults=1)
    get_resources(server)
    assert error_of(client.list_identity_pools, MaxResults=1) == ("TooManyRequestsException", "Rate exceeded")
    assert error_of(create_pool, client)[0] == "TooManyRequestsException"
    assert raw_call(server, GET_RESOURCES)[2]["__type"] == "TooManyRequestsException"
    for _ in range(2):  # Cognito Sync is not limited
        sync.get_cognito_events(IdentityPoolId=pool_id)
    assert admin.throttled() == ["ListIdentityPools", "CreateIdentityPool", "GetResources"]
    assert admin.calls().count("ListIdentityPools") == 2 and len(admin.pools()) == 1


def test_rate_limiter_refills_at_its_rate():
    limiter = RateLimiter(5)
    assert [limiter.allow("Op", 0.0) for _ in range(6)] == [True] * 5 + [False]
    assert limiter.allow("Other", 0.0)
    assert limiter.allow("Op", 0.2) and not limiter.allow("Op", 0.2)  # one token per 1/5 s
    assert [limiter.allow("Op", 10.0) for _ in range(6)] == [True] * 5 + [False]  # the burst caps the refill


def test_latency_delays_every_aws_call(admin, client):
    admin.settings(latency_ms=300)
    started = time.monotonic()
    client.list_identity_pools(MaxResults=1)
    assert time.monotonic() - started >= 0.3
    # The admin API is not delayed: under a latency of 10 s, an admin call that
    # waited for it could not answer within 2 s, however slow the machine.
    admin.settings(latency_ms=10_000)
    started = time.monotonic()
    admin.pools()
    assert time.monotonic() - started < 2


def test_preload_makes_an_account_in_use(admin, client):
    first = admin.preload(3)
    west = admin.preload(1, region="us-west-2")
    assert all(POOL_ID_SHAPE.fullmatch(pool_id) for pool_id in first + west)
    assert west[0].startswith("us-west-2:")
    listed = client.list_identity_pools(MaxResults=60)["IdentityPools"]
    assert [(p["IdentityPoolId"], p["IdentityPoolName"]) for p in listed] == list(
        zip(first, ["preloaded-0001", "preloaded-0002", "preloaded-0003"]))
    tags = [client.list_tags_for_resource(ResourceArn=arn_of(pool_id))["Tags"] for pool_id in first]
    assert all(1 <= len(t) <= 2 for t in tags) and len({json.dumps(t) for t in tags}) > 1
    with pytest.raises(urllib.error.HTTPError) as info:
        admin.call("/_admin/preload", {"count": "many"})
    assert info.value.code == 400


def test_preload_stops_at_the_pool_quota(admin):
    admin.preload(1000)
    with pytest.raises(urllib.error.HTTPError) as info:
        admin.preload(1)
    assert info.value.code == 400
    assert len(admin.pools()) == 1000


def test_reset_restores_the_start_settings_and_preloaded_pools():
    with CognitoServer(settings=Settings(rate_limit=5), preload=2) as srv:
        own = LocalCognito(srv.url)
        own.settings(rate_limit=0, latency_ms=10)
        own.preload(3)
        own.reset()
        assert own.settings() == {"latency_ms": 0, "rate_limit": 5, "tagging_lag_ms": 0}
        assert [p["IdentityPoolName"] for p in own.pools()] == [
            "preloaded-0001", "preloaded-0002"]


def test_https_and_a_second_port_on_the_same_account(tmp_path):
    """``tls=`` serves https with the local CA's certificate (a client trusting only
    another store is refused, and the server keeps serving); ``backend=`` serves
    the same account, calls and settings on a second port."""
    ca = ensure_local_ca(tmp_path)
    with CognitoServer(tls=ca) as https, CognitoServer(backend=https.backend) as second:
        assert https.url.startswith("https://127.0.0.1:") and second.url.startswith("http://")
        client = boto3_client(https.url, verify=ca.ca_file)
        pool_id = create_pool(client)["IdentityPoolId"]
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(https.url + "/_admin/calls", timeout=5)  # the system store alone
        with urllib.request.urlopen(https.url + "/_admin/calls", timeout=5,
                                    context=ca.client_context()) as response:
            assert json.loads(response.read())["calls"] == ["CreateIdentityPool"]
        assert [p["IdentityPoolId"] for p in LocalCognito(second.url).pools()] == [pool_id]
        assert LocalCognito(second.url).calls() == ["CreateIdentityPool"]


# ---------------------------------------------------------------- CLI


def readline_within(stream, timeout):
    """The stream's next line; AssertionError when none comes within ``timeout`` seconds
    (the reader thread ends when the stream is closed)."""
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError(f"no line within {timeout} s") from None


def test_cli_announces_itself_applies_its_knobs_and_exits_cleanly_on_sigterm():
    process = subprocess.Popen([sys.executable, str(LOCAL_DIR / "cognito_endpoint.py"), "--port", "0",
                                "--latency-ms", "5", "--rate-limit", "3", "--tagging-lag-ms", "250",
                                "--preload", "2"],
                               stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = readline_within(process.stdout, timeout=30).strip()
        name = "Cognito endpoint (local Cognito Identity, Cognito Sync, tagging API) listening on "
        assert line.startswith(name + "http://127.0.0.1:")
        started = LocalCognito(line.removeprefix(name))
        assert started.call("/_admin/calls") == {"calls": [], "throttled": []}
        assert started.settings() == {"latency_ms": 5, "rate_limit": 3, "tagging_lag_ms": 250}
        assert [p["IdentityPoolName"] for p in started.pools()] == ["preloaded-0001", "preloaded-0002"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        process.kill()
