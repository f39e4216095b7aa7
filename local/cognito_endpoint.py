#!/usr/bin/env python3
"""A small, faithful local Amazon Cognito Identity endpoint (API 2014-06-30, awsJson1.1).

Why it exists: moto lacks tags, roles and principal tags for identity pools and
merges on UpdateIdentityPool, so it cannot show the bugs that matter most here
(REFERENCE.md section 2). This endpoint follows the documented AWS semantics and
doubles as the fault-injection tool for reliability tests.

Python 3.11 standard library only.

    python local/cognito_endpoint.py [--host 127.0.0.1] [--port 0]

AWS API: ``POST /`` with ``X-Amz-Target: AWSCognitoIdentityService.<Operation>``.
Signatures are not verified; the region comes from the Authorization header's
credential scope (default us-east-1). Pools are scoped to that region.

Admin API (plain JSON):
    GET  /_admin/pools         every pool with tags, roles, mappings, principal tags
    GET  /_admin/calls         operation names received, in order
    POST /_admin/calls/clear   empty the call log
    GET  /_admin/faults        the pending fault rules
    POST /_admin/faults        replace the fault rules with the posted JSON list
    POST /_admin/reset         clear pools, faults and calls
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import signal
import sys
import threading
import uuid
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
TARGET_PREFIX = "AWSCognitoIdentityService."
AWS_JSON = "application/x-amz-json-1.1"
MAX_POOLS_PER_REGION = 1000
MAX_TAGS = 50
MAX_RULES_PER_MAPPING = 25

CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/")
POOL_ARN = re.compile(r"arn:aws[a-z-]*:cognito-identity:([a-z0-9-]+):(\d{12}):identitypool/(.+)")


class ApiError(Exception):
    """An AWS error answer: the code goes to ``__type`` and ``x-amzn-ErrorType``."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def invalid(message: str) -> ApiError:
    """InvalidParameterException: the service's own (semantic) rejections."""
    return ApiError("InvalidParameterException", message)


# --------------------------------------------------------------------------
# Input shapes: a transcription of the service model's constraints.
# --------------------------------------------------------------------------

def string(min_len=None, max_len=None, pattern=None, enum=None, reserved_prefix=None) -> dict:
    """A string shape; only the constraints given are checked."""
    return {"type": "string", "min": min_len, "max": max_len, "pattern": pattern,
            "enum": enum, "reserved_prefix": reserved_prefix}


def struct(members: dict, required: tuple = ()) -> dict:
    """A structure shape: named members, some required."""
    return {"type": "structure", "members": members, "required": required}


def list_of(member: dict, min_len=None, max_len=None) -> dict:
    """A list shape whose length may be bounded."""
    return {"type": "list", "member": member, "min": min_len, "max": max_len}


def map_of(key: dict, value: dict, max_len=None) -> dict:
    """A map shape whose size may be bounded."""
    return {"type": "map", "key": key, "value": value, "max": max_len}


BOOLEAN = {"type": "boolean"}
POOL_ID = string(1, 55, r"[\w-]+:[0-9a-f-]+")
ARN = string(20, 2048)
PROVIDER_NAME = string(1, 128)
TAG_KEY = string(1, 128, reserved_prefix="aws:")
TAGS = map_of(TAG_KEY, string(0, 256))

POOL_CONFIG = {
    "IdentityPoolName": string(1, 128, r"[\w\s+=,.@-]+"),
    "AllowUnauthenticatedIdentities": BOOLEAN,
    "AllowClassicFlow": BOOLEAN,
    "SupportedLoginProviders": map_of(PROVIDER_NAME, string(1, 128, r"[\w.;_/-]+"), max_len=10),
    "DeveloperProviderName": string(1, 128, r"[\w._-]+"),
    "OpenIdConnectProviderARNs": list_of(ARN),
    "CognitoIdentityProviders": list_of(struct({
        "ProviderName": string(1, 128, r"[\w._:/-]+"),
        "ClientId": string(1, 128, r"[\w_]+"),
        "ServerSideTokenCheck": BOOLEAN,
    })),
    "SamlProviderARNs": list_of(ARN),
    "IdentityPoolTags": TAGS,
}
POOL_REQUIRED = ("IdentityPoolName", "AllowUnauthenticatedIdentities")

MAPPING_RULE = struct({
    # The model's \p{L}\p{M}\p{S}\p{N}\p{P} is "printable, no whitespace".
    "Claim": string(1, 64, r"[^\s\x00-\x1f\x7f]+"),
    "MatchType": string(enum=("Equals", "Contains", "StartsWith", "NotEqual")),
    "Value": string(1, 128),
    "RoleARN": ARN,
}, ("Claim", "MatchType", "Value", "RoleARN"))

ROLE_MAPPING = struct({
    "Type": string(enum=("Token", "Rules")),
    "AmbiguousRoleResolution": string(enum=("AuthenticatedRole", "Deny")),
    "RulesConfiguration": struct({"Rules": list_of(MAPPING_RULE, 1, 400)}, ("Rules",)),
}, ("Type",))

INPUTS = {
    "CreateIdentityPool": struct(POOL_CONFIG, POOL_REQUIRED),
    "UpdateIdentityPool": struct({"IdentityPoolId": POOL_ID, **POOL_CONFIG},
                                 ("IdentityPoolId", *POOL_REQUIRED)),
    "DescribeIdentityPool": struct({"IdentityPoolId": POOL_ID}, ("IdentityPoolId",)),
    "DeleteIdentityPool": struct({"IdentityPoolId": POOL_ID}, ("IdentityPoolId",)),
    "ListIdentityPools": struct({
        "MaxResults": {"type": "integer", "min_value": 1, "max_value": 60},
        "NextToken": string(1, 65535, r"\S+"),
    }, ("MaxResults",)),
    "TagResource": struct({"ResourceArn": ARN, "Tags": TAGS}, ("ResourceArn", "Tags")),
    "UntagResource": struct({"ResourceArn": ARN, "TagKeys": list_of(TAG_KEY)},
                            ("ResourceArn", "TagKeys")),
    "ListTagsForResource": struct({"ResourceArn": ARN}, ("ResourceArn",)),
    "SetIdentityPoolRoles": struct({
        "IdentityPoolId": POOL_ID,
        "Roles": map_of(string(1, 128, r"(un)?authenticated"), ARN, max_len=2),
        "RoleMappings": map_of(PROVIDER_NAME, ROLE_MAPPING, max_len=10),
    }, ("IdentityPoolId", "Roles")),
    "GetIdentityPoolRoles": struct({"IdentityPoolId": POOL_ID}, ("IdentityPoolId",)),
    "SetPrincipalTagAttributeMap": struct({
        "IdentityPoolId": POOL_ID,
        "IdentityProviderName": PROVIDER_NAME,
        "UseDefaults": BOOLEAN,
        "PrincipalTags": map_of(string(1, 128), string(1, 256), max_len=50),
    }, ("IdentityPoolId", "IdentityProviderName")),
    "GetPrincipalTagAttributeMap": struct({
        "IdentityPoolId": POOL_ID,
        "IdentityProviderName": PROVIDER_NAME,
    }, ("IdentityPoolId", "IdentityProviderName")),
}


# --------------------------------------------------------------------------
# Validation, with AWS's wording ("1 validation error detected: Value ...").
# --------------------------------------------------------------------------

JSON_TYPES = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "structure": lambda v: isinstance(v, dict),
    "map": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, list),
}

# (shape key, holds(value, limit), message template). Order follows AWS's output.
CONSTRAINTS: tuple[tuple[str, Callable[[Any, Any], bool], str], ...] = (
    ("max", lambda v, n: len(v) <= n, "Member must have length less than or equal to {}"),
    ("min", lambda v, n: len(v) >= n, "Member must have length greater than or equal to {}"),
    ("max_value", lambda v, n: v <= n, "Member must have value less than or equal to {}"),
    ("min_value", lambda v, n: v >= n, "Member must have value greater than or equal to {}"),
    ("pattern", lambda v, p: re.fullmatch(p, v, re.ASCII) is not None,
     "Member must satisfy regular expression pattern: {}"),
    ("enum", lambda v, e: v in e, "Member must satisfy enum value set: [{}]"),
    ("reserved_prefix", lambda v, p: not v.lower().startswith(p), "Member must not start with '{}'"),
)


def _limit_text(limit: Any) -> str:
    """Render a constraint's limit the way the message shows it."""
    return ", ".join(limit) if isinstance(limit, tuple) else str(limit)


def own_violations(shape: dict, value: Any) -> list[str]:
    """Messages for the constraints on the value itself (type first, then limits)."""
    if not JSON_TYPES[shape["type"]](value):
        return [f"Member must be of type {shape['type']}"]
    return [template.format(_limit_text(shape[key]))
            for key, holds, template in CONSTRAINTS
            if shape.get(key) is not None and not holds(value, shape[key])]


def _member_path(parent: str, member: str) -> str:
    """AWS names members in lowerCamelCase, nested with dots."""
    name = member[:1].lower() + member[1:]
    return f"{parent}.{name}" if parent else name


def _map_entry_violations(shape: dict, value: dict) -> list[str]:
    """Key and value problems of a map, folded the way AWS reports them."""
    found = []
    for part, label, items in (("key", "Map keys", value.keys()), ("value", "Map value", value.values())):
        messages: list[str] = []
        for item in items:
            messages += [m for m in own_violations(shape[part], item) if m not in messages]
        if messages:
            found.append(f"{label} must satisfy constraint: [{', '.join(messages)}]")
    return found


def collect_violations(shape: dict, value: Any, path: str, out: list) -> None:
    """Walk ``value`` against ``shape``, appending (value, path, message) tuples."""
    out += [(value, path, message) for message in own_violations(shape, value)]
    kind = shape["type"]
    if not JSON_TYPES[kind](value):
        return
    if kind == "structure":
        for name in shape["required"]:
            if value.get(name) is None:
                out.append((None, _member_path(path, name), "Member must not be null"))
        for name, member_shape in shape["members"].items():
            if value.get(name) is not None:
                collect_violations(member_shape, value[name], _member_path(path, name), out)
    elif kind == "list":
        for index, item in enumerate(value, start=1):
            collect_violations(shape["member"], item, f"{path}.{index}.member", out)
    elif kind == "map":
        out += [(value, path, message) for message in _map_entry_violations(shape, value)]
        if shape["value"]["type"] == "structure":  # scalar values were folded in above
            for key, item in value.items():
                collect_violations(shape["value"], item, f"{path}.{key}.member", out)


def java_text(value: Any) -> str:
    """Render a value as AWS's Java service does inside validation messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={java_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java_text(v) for v in value) + "]"
    return "null" if value is None else str(value)


def quoted(value: Any) -> str:
    """A value as the message shows it: 'text', or a bare null."""
    return "null" if value is None else f"'{java_text(value)}'"


def validate(operation: str, request: dict) -> None:
    """Reject a request that breaks the model's constraints, as AWS's front end does."""
    found: list = []
    collect_violations(INPUTS[operation], request, "", found)
    if not found:
        return
    count = len(found)
    parts = [f"Value {quoted(v)} at '{p}' failed to satisfy constraint: {m}" for v, p, m in found]
    raise ApiError("ValidationException",
                   f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(parts))


# --------------------------------------------------------------------------
# The pool store.
# --------------------------------------------------------------------------

# Reset to empty when an UpdateIdentityPool request leaves them out.
REPLACED_ON_UPDATE = ("SupportedLoginProviders", "OpenIdConnectProviderARNs",
                      "CognitoIdentityProviders", "SamlProviderARNs")
# Keep their value when an UpdateIdentityPool request leaves them out.
KEPT_WHEN_OMITTED = ("AllowClassicFlow", "DeveloperProviderName")
DESCRIPTION_ORDER = ("IdentityPoolName", "AllowUnauthenticatedIdentities", "AllowClassicFlow",
                     "SupportedLoginProviders", "DeveloperProviderName",
                     "OpenIdConnectProviderARNs", "CognitoIdentityProviders", "SamlProviderARNs")


@dataclass
class Pool:
    """One identity pool and everything AWS keeps beside it."""

    pool_id: str
    region: str
    seq: int
    config: dict
    tags: dict = field(default_factory=dict)
    roles: dict = field(default_factory=dict)
    role_mappings: dict = field(default_factory=dict)
    principal_tags: dict = field(default_factory=dict)

    def describe(self) -> dict:
        """The IdentityPool output shape; empty collections are left out, as AWS does."""
        out = {"IdentityPoolId": self.pool_id}
        out.update((k, self.config[k]) for k in DESCRIPTION_ORDER if self.config.get(k) not in (None, {}, []))
        if self.tags:
            out["IdentityPoolTags"] = dict(self.tags)
        return out

    def mapping_providers(self) -> set[str]:
        """Provider names a role mapping may be keyed by: only those configured on the pool."""
        names = set(self.config.get("SupportedLoginProviders", {}))
        for arn in self.config.get("OpenIdConnectProviderARNs", []):
            names |= {arn, arn.split(":oidc-provider/", 1)[-1]}
        names |= set(self.config.get("SamlProviderARNs", []))
        names |= {f"{p['ProviderName']}:{p['ClientId']}" for p in self.config.get("CognitoIdentityProviders", [])}
        return names

    def tag_providers(self) -> set[str]:
        """Provider names principal tags may be set for: mapping keys plus bare user pools."""
        user_pools = {p["ProviderName"] for p in self.config.get("CognitoIdentityProviders", [])}
        return self.mapping_providers() | user_pools


def _cognito_providers(providers: list) -> list:
    """Cognito providers with ServerSideTokenCheck defaulted to false, as AWS stores them."""
    for provider in providers:
        if not provider.get("ProviderName") or not provider.get("ClientId"):
            raise invalid("CognitoIdentityProvider requires ProviderName and ClientId.")
    return [{"ProviderName": p["ProviderName"], "ClientId": p["ClientId"],
             "ServerSideTokenCheck": bool(p.get("ServerSideTokenCheck", False))} for p in providers]


def build_config(request: dict, previous: dict | None) -> dict:
    """The configuration a Create or Update leaves behind.

    UpdateIdentityPool replaces the whole configuration: omitted providers are
    wiped. Only AllowClassicFlow and DeveloperProviderName survive omission, and
    a DeveloperProviderName, once set, cannot change.
    """
    previous = previous or {"AllowClassicFlow": False}
    old_dev, new_dev = previous.get("DeveloperProviderName"), request.get("DeveloperProviderName")
    if old_dev and new_dev and old_dev != new_dev:
        raise invalid(f"DeveloperProviderName cannot be changed once it is set (current: {old_dev}).")
    config = {k: request[k] for k in POOL_REQUIRED}
    config.update((k, request[k] if request.get(k) is not None else previous.get(k))
                  for k in KEPT_WHEN_OMITTED)
    config.update((k, request[k]) for k in REPLACED_ON_UPDATE if request.get(k))
    if "CognitoIdentityProviders" in config:
        config["CognitoIdentityProviders"] = _cognito_providers(config["CognitoIdentityProviders"])
    return {k: v for k, v in config.items() if v is not None}


def check_tag_count(tags: dict) -> None:
    """AWS allows at most 50 tags on a pool."""
    if len(tags) > MAX_TAGS:
        raise invalid(f"Too many tags: a resource can have at most {MAX_TAGS} tags.")


def check_role_mappings(pool: Pool, mappings: dict) -> None:
    """Reject mappings AWS rejects: unknown providers, Rules without rules, too many rules."""
    known = pool.mapping_providers()
    for provider, mapping in mappings.items():
        if provider not in known:
            raise invalid(f"Provider {provider} is not configured for identity pool {pool.pool_id}.")
        if not mapping.get("AmbiguousRoleResolution"):
            raise invalid(f"AmbiguousRoleResolution must be specified for provider {provider}.")
        rules = (mapping.get("RulesConfiguration") or {}).get("Rules")
        if mapping["Type"] == "Rules" and not rules:
            raise invalid(f"RulesConfiguration is required when Type is Rules (provider {provider}).")
        if rules and len(rules) > MAX_RULES_PER_MAPPING:
            raise invalid(f"At most {MAX_RULES_PER_MAPPING} rules are allowed per role mapping.")


def encode_token(seq: int) -> str:
    """An opaque NextToken: the creation sequence number of the last pool returned."""
    return base64.urlsafe_b64encode(json.dumps({"after": seq}).encode()).decode()


def decode_token(token: str) -> int:
    """Read a NextToken back; anything we did not issue is an invalid parameter."""
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["after"])
    except (ValueError, KeyError, TypeError):
        raise invalid("Invalid NextToken.") from None


class Backend:
    """The account's state, the call log and the fault plan, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pools: dict[str, Pool] = {}
        self.calls: list[str] = []
        self.faults: list[FaultRule] = []
        self.next_seq = 1
        self.handlers: dict[str, Callable[[dict, str], dict]] = {
            "CreateIdentityPool": self.create_identity_pool,
            "UpdateIdentityPool": self.update_identity_pool,
            "DescribeIdentityPool": self.describe_identity_pool,
            "DeleteIdentityPool": self.delete_identity_pool,
            "ListIdentityPools": self.list_identity_pools,
            "TagResource": self.tag_resource,
            "UntagResource": self.untag_resource,
            "ListTagsForResource": self.list_tags_for_resource,
            "SetIdentityPoolRoles": self.set_identity_pool_roles,
            "GetIdentityPoolRoles": self.get_identity_pool_roles,
            "SetPrincipalTagAttributeMap": self.set_principal_tag_attribute_map,
            "GetPrincipalTagAttributeMap": self.get_principal_tag_attribute_map,
        }

    # -- plumbing --------------------------------------------------------

    def reset(self) -> None:
        """Forget everything, so each test starts from an empty account."""
        with self.lock:
            self.pools.clear()
            self.calls.clear()
            self.faults.clear()

    def record_call(self, operation: str) -> FaultRule | None:
        """Log the call and consume the first fault rule that applies to it."""
        with self.lock:
            self.calls.append(operation)
            for rule in self.faults:
                if rule.operation in ("*", operation):
                    if rule.count > 0:
                        rule.count -= 1
                    if rule.count == 0:
                        self.faults.remove(rule)
                    return rule
        return None

    def invoke(self, operation: str, request: Any, region: str) -> dict:
        """Validate then run one operation atomically."""
        if operation not in self.handlers:
            raise ApiError("UnknownOperationException", f"Unknown operation {operation!r}.")
        if not isinstance(request, dict):
            raise ApiError("SerializationException", "The request body must be a JSON object.")
        validate(operation, request)
        with self.lock:
            return self.handlers[operation](request, region)

    def pool(self, pool_id: str, region: str) -> Pool:
        """Look a pool up in the caller's region, as a regional endpoint does."""
        found = self.pools.get(pool_id)
        if found is None or found.region != region:
            raise ApiError("ResourceNotFoundException", f"IdentityPool '{pool_id}' not found.")
        return found

    def pool_by_arn(self, arn: str, region: str) -> Pool:
        """Resolve an identity pool ARN; a malformed ARN is a validation error."""
        match = POOL_ARN.fullmatch(arn)
        if not match or not re.fullmatch(POOL_ID["pattern"], match.group(3), re.ASCII):
            raise ApiError("ValidationException",
                           f"1 validation error detected: Value '{arn}' at 'resourceArn' failed to satisfy "
                           "constraint: Member must be an identity pool ARN "
                           "(arn:<partition>:cognito-identity:<region>:<account>:identitypool/<id>)")
        return self.pool(match.group(3), region)

    def admin_pools(self) -> list[dict]:
        """Every pool with all it carries, for tests to inspect."""
        with self.lock:
            return [{**p.describe(), "IdentityPoolTags": dict(p.tags), "Roles": p.roles,
                     "RoleMappings": p.role_mappings, "PrincipalTags": p.principal_tags}
                    for p in self.pools.values()]

    # -- operations ------------------------------------------------------

    def create_identity_pool(self, req: dict, region: str) -> dict:
        """CreateIdentityPool: no client token, so every call makes a new pool."""
        if sum(p.region == region for p in self.pools.values()) >= MAX_POOLS_PER_REGION:
            raise ApiError("LimitExceededException", f"Limit of {MAX_POOLS_PER_REGION} identity pools reached.")
        tags = req.get("IdentityPoolTags") or {}
        check_tag_count(tags)
        pool = Pool(f"{region}:{uuid.uuid4()}", region, self.next_seq, build_config(req, None), dict(tags))
        self.next_seq += 1
        self.pools[pool.pool_id] = pool
        return pool.describe()

    def update_identity_pool(self, req: dict, region: str) -> dict:
        """UpdateIdentityPool: replaces the whole configuration; tags only when sent."""
        pool = self.pool(req["IdentityPoolId"], region)
        config = build_config(req, pool.config)
        if req.get("IdentityPoolTags") is not None:
            check_tag_count(req["IdentityPoolTags"])
            pool.tags = dict(req["IdentityPoolTags"])
        pool.config = config
        return pool.describe()

    def describe_identity_pool(self, req: dict, region: str) -> dict:
        """DescribeIdentityPool: the configuration plus IdentityPoolTags."""
        return self.pool(req["IdentityPoolId"], region).describe()

    def delete_identity_pool(self, req: dict, region: str) -> dict:
        """DeleteIdentityPool: the pool goes with its tags, roles and principal tags."""
        del self.pools[self.pool(req["IdentityPoolId"], region).pool_id]
        return {}

    def list_identity_pools(self, req: dict, region: str) -> dict:
        """ListIdentityPools: creation order, paged by an opaque NextToken."""
        after = decode_token(req["NextToken"]) if req.get("NextToken") else 0
        remaining = [p for p in self.pools.values() if p.region == region and p.seq > after]
        page = remaining[:req["MaxResults"]]
        out: dict = {"IdentityPools": [{"IdentityPoolId": p.pool_id,
                                        "IdentityPoolName": p.config["IdentityPoolName"]} for p in page]}
        if len(remaining) > len(page):
            out["NextToken"] = encode_token(page[-1].seq)
        return out

    def tag_resource(self, req: dict, region: str) -> dict:
        """TagResource: adds or overwrites tags, within the 50-tag limit."""
        pool = self.pool_by_arn(req["ResourceArn"], region)
        merged = {**pool.tags, **req["Tags"]}
        check_tag_count(merged)
        pool.tags = merged
        return {}

    def untag_resource(self, req: dict, region: str) -> dict:
        """UntagResource: removes the keys given; absent keys are ignored."""
        pool = self.pool_by_arn(req["ResourceArn"], region)
        pool.tags = {k: v for k, v in pool.tags.items() if k not in req["TagKeys"]}
        return {}

    def list_tags_for_resource(self, req: dict, region: str) -> dict:
        """ListTagsForResource: the pool's tags."""
        return {"Tags": dict(self.pool_by_arn(req["ResourceArn"], region).tags)}

    def set_identity_pool_roles(self, req: dict, region: str) -> dict:
        """SetIdentityPoolRoles: replaces roles and role mappings entirely."""
        pool = self.pool(req["IdentityPoolId"], region)
        mappings = req.get("RoleMappings") or {}
        check_role_mappings(pool, mappings)
        pool.roles, pool.role_mappings = dict(req["Roles"]), json.loads(json.dumps(mappings))
        return {}

    def get_identity_pool_roles(self, req: dict, region: str) -> dict:
        """GetIdentityPoolRoles: empty members are left out."""
        pool = self.pool(req["IdentityPoolId"], region)
        out = {"IdentityPoolId": pool.pool_id, "Roles": pool.roles, "RoleMappings": pool.role_mappings}
        return {k: v for k, v in out.items() if v}

    def _tag_provider(self, req: dict, region: str) -> tuple[Pool, str]:
        """The pool and provider of a principal-tag call; the provider must be configured."""
        pool, provider = self.pool(req["IdentityPoolId"], region), req["IdentityProviderName"]
        if provider not in pool.tag_providers():
            raise invalid(f"Provider {provider} is not configured for identity pool {pool.pool_id}.")
        return pool, provider

    def set_principal_tag_attribute_map(self, req: dict, region: str) -> dict:
        """SetPrincipalTagAttributeMap: stores and echoes the provider's map."""
        pool, provider = self._tag_provider(req, region)
        pool.principal_tags[provider] = {"UseDefaults": bool(req.get("UseDefaults", False)),
                                         "PrincipalTags": dict(req.get("PrincipalTags") or {})}
        return {"IdentityPoolId": pool.pool_id, "IdentityProviderName": provider, **pool.principal_tags[provider]}

    def get_principal_tag_attribute_map(self, req: dict, region: str) -> dict:
        """GetPrincipalTagAttributeMap: the stored map, else the defaults."""
        pool, provider = self._tag_provider(req, region)
        stored = pool.principal_tags.get(provider, {"UseDefaults": True, "PrincipalTags": {}})
        return {"IdentityPoolId": pool.pool_id, "IdentityProviderName": provider, **stored}


# --------------------------------------------------------------------------
# Fault injection.
# --------------------------------------------------------------------------

FAULT_MODES = ("throttle", "error500", "hang", "fail-after")
THROTTLED = ApiError("TooManyRequestsException", "Rate exceeded (injected fault).")
INTERNAL = ApiError("InternalErrorException", "Internal server error (injected fault).", 500)


@dataclass
class FaultRule:
    """Apply ``mode`` to the next ``count`` calls of ``operation`` (-1 = forever)."""

    operation: str
    mode: str
    count: int = 1
    seconds: float = 30.0

    @classmethod
    def parse(cls, raw: Any) -> FaultRule:
        """Build a rule from admin JSON, refusing anything that would silently do nothing."""
        if not isinstance(raw, dict) or not isinstance(raw.get("operation"), str):
            raise ValueError("each rule needs an 'operation' string")
        rule = cls(raw["operation"], raw.get("mode"), raw.get("count", 1), raw.get("seconds", 30.0))
        if rule.mode not in FAULT_MODES:
            raise ValueError(f"mode must be one of {', '.join(FAULT_MODES)}")
        if not isinstance(rule.count, int) or rule.count == 0 or rule.count < -1:
            raise ValueError("count must be a positive integer or -1")
        if not isinstance(rule.seconds, (int, float)) or rule.seconds < 0:
            raise ValueError("seconds must be a non-negative number")
        return rule


# --------------------------------------------------------------------------
# HTTP.
# --------------------------------------------------------------------------

def region_of(authorization: str | None) -> str:
    """The signing region from the credential scope, else us-east-1."""
    match = CREDENTIAL_SCOPE.search(authorization or "")
    return match.group(1) if match else DEFAULT_REGION


class Handler(BaseHTTPRequestHandler):
    """Routes ``/_admin/...`` to the admin API and everything else to the AWS API."""

    protocol_version = "HTTP/1.1"
    # Headers and body are written separately: without this, Nagle holds the
    # body back for the client's delayed ACK (~40 ms a call).
    disable_nagle_algorithm = True
    server: _HttpServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib name)
        """Quiet unless --verbose: test output stays readable."""
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        """Admin reads."""
        self._admin("GET")

    def do_POST(self) -> None:
        """AWS operations, or admin writes."""
        body = self._read_body()
        if self.path.startswith("/_admin/"):
            self._admin("POST", body)
        else:
            self._aws(body)

    def _read_body(self) -> bytes:
        """The request body, by Content-Length or chunked transfer coding."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline().strip():
                pass
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(self, status: int, payload: Any, content_type: str, extra: dict | None = None) -> None:
        """Write one complete response; a client that gave up is not an error."""
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send_error(self, error: ApiError) -> None:
        """An AWS error in the awsJson1.1 form the SDKs parse."""
        self._send(error.status, {"__type": error.code, "message": error.message}, AWS_JSON,
                   {"x-amzn-ErrorType": error.code})

    def _aws(self, body: bytes) -> None:
        """Log the call, apply any fault, run the operation, answer."""
        target = self.headers.get("X-Amz-Target", "")
        operation = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else target
        rule = self.server.backend.record_call(operation)
        if rule and rule.mode in ("throttle", "error500"):
            return self._send_error(THROTTLED if rule.mode == "throttle" else INTERNAL)
        if rule and rule.mode == "hang":
            self.server.stopping.wait(rule.seconds)
        result = self._run(operation, body)
        if rule and rule.mode == "fail-after":
            result = INTERNAL
        if isinstance(result, ApiError):
            return self._send_error(result)
        self._send(200, result, AWS_JSON)

    def _run(self, operation: str, body: bytes) -> dict | ApiError:
        """The operation's output, or the error AWS would answer with."""
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return ApiError("SerializationException", "The request body is not valid JSON.")
        try:
            return self.server.backend.invoke(operation, request, region_of(self.headers.get("Authorization")))
        except ApiError as error:
            return error
        except Exception as error:  # the endpoint must answer, whatever happened
            return ApiError("InternalErrorException", f"{type(error).__name__}: {error}", 500)

    def _admin(self, method: str, body: bytes = b"") -> None:
        """The test/admin API: inspect state, the call log, and set faults."""
        route = ADMIN_ROUTES.get((method, self.path.rstrip("/")))
        if route is None:
            return self._send(404, {"error": f"no route {method} {self.path}"}, "application/json")
        try:
            payload = json.loads(body) if body.strip() else None
            self._send(200, route(self.server.backend, payload), "application/json")
        except ValueError as error:
            self._send(400, {"error": str(error)}, "application/json")


def _set_faults(backend: Backend, payload: Any) -> dict:
    """Replace the fault plan; rules are consumed in order."""
    if not isinstance(payload, list):
        raise ValueError("POST a JSON list of fault rules")
    rules = [FaultRule.parse(raw) for raw in payload]
    with backend.lock:
        backend.faults = rules
    return {"faults": [asdict(r) for r in rules]}


def _clear_calls(backend: Backend, _payload: Any) -> dict:
    """Empty the call log."""
    with backend.lock:
        backend.calls.clear()
    return {"calls": []}


def _list_calls(backend: Backend, _payload: Any) -> dict:
    """The operation names received, in order."""
    with backend.lock:
        return {"calls": list(backend.calls)}


def _list_faults(backend: Backend, _payload: Any) -> dict:
    """The fault rules still pending."""
    with backend.lock:
        return {"faults": [asdict(r) for r in backend.faults]}


ADMIN_ROUTES: dict[tuple[str, str], Callable[[Backend, Any], dict]] = {
    ("GET", "/_admin/pools"): lambda backend, _: {"pools": backend.admin_pools()},
    ("GET", "/_admin/calls"): _list_calls,
    ("POST", "/_admin/calls/clear"): _clear_calls,
    ("GET", "/_admin/faults"): _list_faults,
    ("POST", "/_admin/faults"): _set_faults,
    ("POST", "/_admin/reset"): lambda backend, _: backend.reset() or {"reset": True},
}


class _HttpServer(ThreadingHTTPServer):
    """One thread per connection, so a hanging request never blocks the others."""

    daemon_threads = True
    block_on_close = False  # stop() must not wait for a hanging request

    def __init__(self, address: tuple[str, int], verbose: bool):
        super().__init__(address, Handler)
        self.backend = Backend()
        self.stopping = threading.Event()
        self.verbose = verbose


class CognitoServer:
    """The endpoint as a library: ``start()`` serves in a daemon thread, ``stop()`` ends it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, verbose: bool = False):
        self.httpd = _HttpServer((host, port), verbose)
        self.host, self.port = self.httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.backend = self.httpd.backend
        self._thread: threading.Thread | None = None

    def start(self) -> CognitoServer:
        """Serve in the background so tests and the CLI keep their main thread."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="cognito-endpoint", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; hanging requests are woken and finish on their own."""
        self.httpd.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join()

    def __enter__(self) -> CognitoServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """CLI: serve until SIGTERM or SIGINT, announcing the URL on one stdout line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    server = CognitoServer(args.host, args.port, args.verbose).start()
    print(f"listening on {server.url}", flush=True)
    while not done.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
