"""Adoption and ownership, end to end: the real binary takes over pools made
outside it (``IdentityPoolId``), keeps them identity for identity, puts a pool
back exactly when an adoption fails, and refuses pools another stack owns.

Each pool "made outside" is made through the endpoint's own API, the way the
native ``AWS::Cognito::IdentityPool`` (with ``IdentityPoolRoleAttachment`` and
``IdentityPoolPrincipalTag``) or a console user would leave it.
"""

from __future__ import annotations

import copy
import uuid

USER_POOL = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
ROLE = "arn:aws:iam::123456789012:role/identity-pool/{}"
OTHER_STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/other-app/7a1d2e30-0000-4000-8000-00000000a11e"


def made_outside(cognito, name: str = "legacy_pool", tags: dict | None = None) -> str:
    """A pool with everything its identities depend on: providers, roles, a rules
    mapping and principal tags, set by calls of its own (not by the provider)."""
    client = cognito.client()
    pool_id = client.create_identity_pool(
        IdentityPoolName=name,
        AllowUnauthenticatedIdentities=True,
        SupportedLoginProviders={"accounts.google.com": "123456789012-abc.apps.googleusercontent.com"},
        CognitoIdentityProviders=[{"ProviderName": USER_POOL, "ClientId": "4example7clientid",
                                   "ServerSideTokenCheck": False}],
        IdentityPoolTags=tags if tags is not None else {"owner": "ops", "env": "prod"},
    )["IdentityPoolId"]
    client.set_identity_pool_roles(
        IdentityPoolId=pool_id,
        Roles={"authenticated": ROLE.format("legacy-auth"), "unauthenticated": ROLE.format("legacy-guest")},
        RoleMappings={f"{USER_POOL}:4example7clientid": {
            "Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
            "RulesConfiguration": {"Rules": [{"Claim": "cognito:groups", "MatchType": "Contains",
                                              "Value": "admins", "RoleARN": ROLE.format("legacy-admin")}]}}},
    )
    client.set_principal_tag_attribute_map(IdentityPoolId=pool_id, IdentityProviderName=USER_POOL,
                                           UseDefaults=False, PrincipalTags={"team": "custom:team"})
    return pool_id


def template(pool_id: str | None, **changes) -> dict:
    """The adopting template: the pool's providers kept (a pool's users sign in
    through them), a new name, tags, roles and principal tags."""
    properties = {
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider",
        "IdentityPoolName": "adopted_pool",
        "AllowUnauthenticatedIdentities": "false",
        "SupportedLoginProviders": {"accounts.google.com": "123456789012-abc.apps.googleusercontent.com"},
        "CognitoIdentityProviders": [{"ProviderName": USER_POOL, "ClientId": "4example7clientid",
                                      "ServerSideTokenCheck": "true"}],
        "IdentityPoolTags": [{"Key": "team", "Value": "identity"}, {"Key": "env", "Value": "prod"}],
        "Roles": {"authenticated": ROLE.format("auth"), "unauthenticated": ROLE.format("guest")},
        "PrincipalTags": {USER_POOL: {"UseDefaults": "false", "PrincipalTags": {"dept": "custom:dept"}}},
    }
    if pool_id:
        properties["IdentityPoolId"] = pool_id
    properties.update(changes)
    return {key: value for key, value in properties.items() if value is not None}


def stack_guid(event: dict) -> str:
    """The stack as the ownership tag names it: the last part of its id."""
    return event["StackId"].rsplit("/", 1)[-1]


def update(function, event: dict, physical_id: str, properties: dict, **kwargs) -> tuple[dict, dict]:
    """The Update CloudFormation sends after ``event``: new properties, the old ones kept."""
    update_event = function.event("update", StackId=event["StackId"], LogicalResourceId=event["LogicalResourceId"],
                                  RequestId=str(uuid.uuid4()), PhysicalResourceId=physical_id,
                                  ResourceProperties=properties,
                                  OldResourceProperties=copy.deepcopy(event["ResourceProperties"]))
    return update_event, function.request(update_event, **kwargs)


def test_adopt_takes_the_pool_over_without_creating_one(function, cognito, cfn):
    """Create with IdentityPoolId answers that pool's id; the pool now has the
    template's configuration, tags, roles and principal tags, and the ownership
    tag naming this stack; no pool was created and none was deleted."""
    pool_id = made_outside(cognito)
    cognito.clear_calls()
    event = function.event("create", ResourceProperties=template(pool_id))

    answer = function.request(event, physical_resource_id=pool_id)

    assert answer["Data"] == cfn.pool_data(pool_id, "adopted_pool")
    calls = cognito.calls()
    assert "CreateIdentityPool" not in calls and "DeleteIdentityPool" not in calls, calls
    assert calls[:2] == ["DescribeIdentityPool", "GetIdentityPoolRoles"], calls
    assert calls[-1] == "TagResource", calls
    [pool] = cognito.pools()
    assert pool["IdentityPoolId"] == pool_id
    assert pool["IdentityPoolName"] == "adopted_pool"
    assert pool["AllowUnauthenticatedIdentities"] is False
    assert pool["CognitoIdentityProviders"][0]["ServerSideTokenCheck"] is True
    assert pool["IdentityPoolTags"] == {"team": "identity", "env": "prod",
                                        cfn.REQUEST_TAG_KEY: f"{stack_guid(event)}/{event['RequestId']}"}
    assert pool["Roles"] == {"authenticated": ROLE.format("auth"), "unauthenticated": ROLE.format("guest")}
    assert pool["PrincipalTags"] == {USER_POOL: {"UseDefaults": False, "PrincipalTags": {"dept": "custom:dept"}}}
    # Roles and RoleMappings are one setting (SetIdentityPoolRoles replaces both):
    # a template that sets Roles without RoleMappings leaves the pool none.
    assert pool["RoleMappings"] == {}

    cognito.clear_calls()
    again = function.request(event, physical_resource_id=pool_id)
    assert again["Data"] == answer["Data"]
    assert not {"UpdateIdentityPool", "TagResource", "UntagResource", "SetIdentityPoolRoles",
                "SetPrincipalTagAttributeMap", "CreateIdentityPool"} & set(cognito.calls()), \
        "a redelivered adoption changes nothing"


def test_update_of_an_adopted_pool_is_in_place(function, cognito, cfn):
    pool_id = made_outside(cognito)
    event = function.event("create", ResourceProperties=template(pool_id))
    function.request(event, physical_resource_id=pool_id)

    _, answer = update(function, event, pool_id, template(pool_id, IdentityPoolName="renamed_pool",
                                                          IdentityPoolTags=[{"Key": "team", "Value": "platform"}]),
                       physical_resource_id=pool_id)

    assert answer["Data"]["Name"] == "renamed_pool"
    [pool] = cognito.pools()
    assert pool["IdentityPoolName"] == "renamed_pool"
    assert cfn.user_tags(pool["IdentityPoolTags"]) == {"team": "platform"}
    assert pool["IdentityPoolTags"][cfn.REQUEST_TAG_KEY].startswith(stack_guid(event) + "/")


def test_changing_identity_pool_id_adopts_the_other_pool_and_the_clean_up_keeps_the_first(function, cognito, cfn):
    first = made_outside(cognito, "first_pool")
    second = made_outside(cognito, "second_pool")
    event = function.event("create", ResourceProperties=template(first))
    function.request(event, physical_resource_id=first)

    moved, answer = update(function, event, first, template(second))

    assert answer["PhysicalResourceId"] == second
    pools = cognito.pools_by_id()
    assert pools[second]["IdentityPoolName"] == "adopted_pool"
    assert pools[second]["IdentityPoolTags"][cfn.REQUEST_TAG_KEY] == f"{stack_guid(event)}/{moved['RequestId']}"
    # CloudFormation's clean-up Delete of the old id carries the old properties,
    # which name it by IdentityPoolId: the pool is kept.
    cleanup = cfn.delete_for(event, first)
    function.request(cleanup, physical_resource_id=first)
    assert set(cognito.pools_by_id()) == {first, second}


def test_a_failed_adoption_puts_the_pool_back_exactly_and_answers_the_placeholder(function, cognito, cfn):
    """The last write of the adoption fails (five 500s: every attempt the SDK makes);
    every change is undone, the claim included, and the rollback Delete of the
    placeholder touches nothing."""
    pool_id = made_outside(cognito)
    before = cognito.pools_by_id()[pool_id]
    cognito.inject({"operation": "SetPrincipalTagAttributeMap", "mode": "error500", "count": 5})
    cognito.clear_calls()
    event = function.event("create", ResourceProperties=template(pool_id))

    answer = function.request(event, status="FAILED", timeout_s=40)

    assert answer["PhysicalResourceId"] != pool_id
    assert answer["PhysicalResourceId"].startswith("CreateFailed/")
    assert answer["Reason"].startswith(f"Adopting identity pool {pool_id} failed, and everything it changed "
                                       "was put back")
    assert "What failed: SetPrincipalTagAttributeMap failed" in answer["Reason"]
    assert cognito.pools_by_id()[pool_id] == before, "the pool is exactly as it was"
    calls = cognito.calls()
    assert "CreateIdentityPool" not in calls and "DeleteIdentityPool" not in calls, calls
    assert calls[-1] == "UntagResource", "the claim is taken back last"

    cognito.clear_calls()
    function.request(cfn.delete_for(event, answer["PhysicalResourceId"]))
    assert cognito.calls() == [], "the rollback Delete of the placeholder makes no call"
    assert cognito.pools_by_id()[pool_id] == before


def test_a_failed_adoption_puts_cognito_sync_back_too(function, cognito, cfn):
    """The pool streams to a Kinesis stream and has a sync trigger; the template
    sets others, and its last write (SetCognitoEvents) fails: the settings read
    before the claim are written back, and the pool is exactly as it was."""
    pool_id = made_outside(cognito)
    sync = cognito.client("cognito-sync")
    sync.set_identity_pool_configuration(IdentityPoolId=pool_id, CognitoStreams={
        "StreamName": "legacy-stream", "RoleArn": ROLE.format("streams"), "StreamingStatus": "ENABLED"})
    sync.set_cognito_events(IdentityPoolId=pool_id,
                            Events={"SyncTrigger": "arn:aws:lambda:us-east-1:123456789012:function:legacy"})
    before = cognito.pools_by_id()[pool_id]
    cognito.inject({"operation": "SetCognitoEvents", "mode": "error500", "count": 5})
    properties = template(pool_id, CognitoStreams={"StreamName": "events", "RoleArn": ROLE.format("streams"),
                                                   "StreamingStatus": "ENABLED"},
                          CognitoEvents={"SyncTrigger": "arn:aws:lambda:us-east-1:123456789012:function:new"})
    cognito.clear_calls()

    answer = function.request(function.event("create", ResourceProperties=properties), status="FAILED",
                              timeout_s=40)

    assert "everything it changed was put back" in answer["Reason"], answer["Reason"]
    assert cognito.pools_by_id()[pool_id] == before
    calls = cognito.calls()
    assert calls.index("GetIdentityPoolConfiguration") < calls.index("TagResource"), "read before the claim"


def test_a_pool_of_another_stack_is_refused_until_adopt_from_stack_names_it(function, cognito, cfn):
    """Another stack created the pool: this stack's adoption is refused with a
    Reason naming that stack; with AdoptFromStack it is taken over; after that,
    the other stack's Update and Delete are refused and delete nothing."""
    theirs = function.event("create", StackId=OTHER_STACK, RequestId=str(uuid.uuid4()))
    pool_id = function.request(theirs)["PhysicalResourceId"]
    other_guid = stack_guid(theirs)
    # The other stack's pool has a DeveloperProviderName: an adopting template keeps it.
    mine = template(pool_id, DeveloperProviderName="login.identity-demo")
    event = function.event("create", ResourceProperties=mine, RequestId=str(uuid.uuid4()))
    cognito.clear_calls()

    refused = function.request(event, status="FAILED")
    assert f"belongs to stack {other_guid}" in refused["Reason"]
    assert f"AdoptFromStack: {other_guid}" in refused["Reason"]
    assert cognito.calls() == ["DescribeIdentityPool"]
    assert cognito.pools_by_id()[pool_id]["IdentityPoolTags"][cfn.REQUEST_TAG_KEY].startswith(other_guid + "/")

    taken = function.event("create", ResourceProperties=dict(mine, AdoptFromStack=OTHER_STACK),
                           RequestId=str(uuid.uuid4()))
    function.request(taken, physical_resource_id=pool_id)
    assert cognito.pools_by_id()[pool_id]["IdentityPoolTags"][cfn.REQUEST_TAG_KEY].startswith(stack_guid(taken) + "/")

    their_update = function.event("update", StackId=OTHER_STACK, PhysicalResourceId=pool_id)
    refused_update = function.request(their_update, status="FAILED", physical_resource_id=pool_id)
    assert f"names stack {stack_guid(taken)}" in refused_update["Reason"]
    refused_delete = function.request(cfn.delete_for(theirs, pool_id), status="FAILED", physical_resource_id=pool_id)
    assert "DeletionPolicy: Retain" in refused_delete["Reason"]
    assert pool_id in cognito.pools_by_id()


def test_delete_keeps_an_adopted_pool_until_the_template_stops_naming_it(function, cognito, cfn):
    """While the template names the pool by IdentityPoolId, Delete (a stack
    deletion, or the rollback of the deploy that adopted it) keeps the pool; once
    an Update removed IdentityPoolId, the pool is the resource's own and a Delete
    deletes it."""
    pool_id = made_outside(cognito)
    event = function.event("create", ResourceProperties=template(pool_id))
    function.request(event, physical_resource_id=pool_id)

    cognito.clear_calls()
    function.request(cfn.delete_for(event, pool_id), physical_resource_id=pool_id)
    assert cognito.calls() == []
    assert pool_id in cognito.pools_by_id()

    owned, _ = update(function, event, pool_id, template(None), physical_resource_id=pool_id)
    assert pool_id in cognito.pools_by_id(), "removing IdentityPoolId keeps the pool"
    function.request(cfn.delete_for(owned, pool_id), physical_resource_id=pool_id)
    assert cognito.pools() == []


def test_a_delete_of_a_pool_nobody_owns_is_refused(function, cognito, cfn):
    """A pool made by hand and named by a mistyped id is not deleted."""
    pool_id = made_outside(cognito)
    answer = function.request("delete", status="FAILED", PhysicalResourceId=pool_id)
    assert "neither made nor adopted" in answer["Reason"]
    assert pool_id in cognito.pools_by_id()


def test_migration_from_the_native_resource_keeps_the_pool_and_its_identities(function, cognito, cfn):
    """The README's migration guide, played: a pool the native resource made (and
    retained) with roles attached by IdentityPoolRoleAttachment; the template
    switches to Custom::IdentityPool with the same properties plus IdentityPoolId;
    the pool id (Ref) stays, nothing the template leaves out is touched, later
    Updates are in place, and the stack deletes the pool once the template stops
    naming it."""
    native_id = made_outside(cognito, "orders_pool", tags={"app": "orders"})
    roles_before = {k: cognito.pools_by_id()[native_id][k] for k in ("Roles", "RoleMappings", "PrincipalTags")}
    # Step 3 of the guide: the native properties, with IdentityPoolTags in its list form.
    migrated = {
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider",
        "IdentityPoolId": native_id,
        "IdentityPoolName": "orders_pool",
        "AllowUnauthenticatedIdentities": "true",
        "SupportedLoginProviders": {"accounts.google.com": "123456789012-abc.apps.googleusercontent.com"},
        "CognitoIdentityProviders": [{"ProviderName": USER_POOL, "ClientId": "4example7clientid",
                                      "ServerSideTokenCheck": "false"}],
        "IdentityPoolTags": [{"Key": "app", "Value": "orders"}],
    }
    cognito.clear_calls()
    event = function.event("create", ResourceProperties=migrated)
    answer = function.request(event, physical_resource_id=native_id)
    assert answer["Data"] == cfn.pool_data(native_id, "orders_pool"), "Ref and GetAtt consumers see the same pool"
    assert "UpdateIdentityPool" not in cognito.calls(), "the configuration already was the template's"
    pool = cognito.pools_by_id()[native_id]
    assert {k: pool[k] for k in roles_before} == roles_before, "roles attached elsewhere stay"

    changed = dict(migrated, AllowUnauthenticatedIdentities="false",
                   IdentityPoolTags=[{"Key": "app", "Value": "orders"}, {"Key": "migrated", "Value": "yes"}])
    step, _ = update(function, event, native_id, changed, physical_resource_id=native_id)
    pool = cognito.pools_by_id()[native_id]
    assert pool["AllowUnauthenticatedIdentities"] is False
    assert cfn.user_tags(pool["IdentityPoolTags"]) == {"app": "orders", "migrated": "yes"}

    no_longer_named = {k: v for k, v in changed.items() if k != "IdentityPoolId"}
    owned, _ = update(function, step, native_id, no_longer_named, physical_resource_id=native_id)
    function.request(cfn.delete_for(owned, native_id), physical_resource_id=native_id)
    assert cognito.pools() == []
