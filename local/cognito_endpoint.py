#!/usr/bin/env python3
"""A small, faithful local endpoint for Amazon Cognito Identity, Cognito Sync and
the Resource Groups Tagging API, as far as identity pools need them.

Why it exists: moto lacks tags, roles and principal tags for identity pools and
merges on UpdateIdentityPool, so it cannot show the bugs that matter most here
(docs/design.md#the-cognito-identity-api). This endpoint follows the documented AWS semantics and
doubles as the fault-injection and scale-simulation tool for reliability tests
and the benchmark.

Every request is checked against the operation's input shape in the service
model botocore ships (local/aws_model.py), as AWS's front end checks it:
ValidationException for broken constraints, SerializationException for wrong
JSON types. The rules the model cannot express (at most 50 tags, no aws: tag
keys, role mappings only for configured providers, ...) are checked after it.

Python 3.11 with botocore and regex (local/requirements.txt).

    python local/cognito_endpoint.py [--host 127.0.0.1] [--port 0] [--verbose]
        [--latency-ms N] [--rate-limit N] [--tagging-lag-ms N] [--preload N]

It prints one line, ``Cognito endpoint (local Cognito Identity, Cognito Sync,
tagging API) listening on http://HOST:PORT``, and serves until SIGTERM/SIGINT.
As a library: ``CognitoServer(host, port, settings=Settings(...), preload=N)``;
``tls=`` a ``tls.LocalCa`` serves https with its certificate (as AWS's endpoints
are), and ``backend=`` another server's ``backend`` serves the same account on a
second port (the benchmark gives the tagging API a host of its own, as AWS does).

Signatures are not verified; the region comes from the Authorization header's
credential scope (default us-east-1). Pools are scoped to that region; the
account is 123456789012, a pool's ARN
``arn:aws:cognito-identity:<region>:123456789012:identitypool/<id>``.

AWS APIs, all on the same port (point AWS_ENDPOINT_URL_COGNITO_IDENTITY,
AWS_ENDPOINT_URL_COGNITO_SYNC and AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API at it):

* Cognito Identity (awsJson1.1): ``POST /`` with
  ``X-Amz-Target: AWSCognitoIdentityService.<Operation>``: Create/Update/Describe/
  Delete/ListIdentityPools, Tag/Untag/ListTagsForResource, Set/GetIdentityPoolRoles,
  Set/GetPrincipalTagAttributeMap.
* Cognito Sync (restJson1), routed by method and path, errors with an
  ``x-amzn-ErrorType`` header:
  ``POST|GET /identitypools/{IdentityPoolId}/configuration`` (Set/Get
  IdentityPoolConfiguration: CognitoStreams and PushSync; a Set changes the parts
  it names) and ``POST|GET /identitypools/{IdentityPoolId}/events`` (Set/Get
  CognitoEvents; a Set merges, an empty value removes that event).
* Resource Groups Tagging API ``GetResources`` (awsJson1.1, ``POST /`` with
  ``X-Amz-Target: ResourceGroupsTaggingAPI_20170126.GetResources``) for identity
  pools: TagFilters [{Key, Values}] (all filters must match; a filter without
  Values matches any value of its key), ResourceTypeFilters (pools are
  ``cognito-identity:identitypool``; another type alone matches nothing),
  ResourcesPerPage (1-100, default 100), PaginationToken, ResourceARNList. It
  answers ResourceTagMappingList [{ResourceARN, Tags: [{Key, Value}]}] and
  PaginationToken, "" on the last page; as AWS, a pool that had tags and has none
  now is listed with ``Tags: []``, one never tagged is not. Like the real service
  it is eventually consistent: a pool's creation, tag changes and deletion show
  in GetResources only ``tagging_lag_ms`` after they happen (0 by default: at
  once). Only the awsJson1.1 form is served, which the Rust SDK sends; botocore
  1.4x sends rpcv2Cbor.

Scale knobs (command line, or ``POST /_admin/settings``):

* ``latency_ms`` (``--latency-ms``): every AWS call sleeps this long before it is
  answered (0).
* ``rate_limit`` (``--rate-limit``): requests per second per operation for the
  account (all regions), a token bucket with a burst of the same size (at least
  1); a call over it answers HTTP 400 ``TooManyRequestsException`` "Rate
  exceeded". Applies to the Cognito Identity operations and GetResources, not to
  Cognito Sync. 0 (the default) means no limit.
* ``tagging_lag_ms`` (``--tagging-lag-ms``): GetResources' lag, above (0).
* ``--preload N`` / ``POST /_admin/preload``: pools already in the account,
  named ``preloaded-0001``, ``preloaded-0002``... each with a tag or two and
  ids like the service's (``<region>:<uuid>``), visible to GetResources at once.
  Like real pools they count against the quota of 1000 pools per region.

Admin API (plain JSON):
    GET  /_admin/pools         every pool with tags, roles, mappings, principal
                               tags and Cognito Sync settings (CognitoStreams and
                               PushSync, null until set; CognitoEvents)
    GET  /_admin/calls         {"calls": [operation names received, in order],
                                "throttled": [names of the calls answered
                                TooManyRequestsException (rate limit or fault), in order]}
    POST /_admin/calls/clear   empty both lists
    GET  /_admin/faults        the pending fault rules
    POST /_admin/faults        replace the fault rules with the posted JSON list
    GET  /_admin/settings      {"latency_ms": .., "rate_limit": .., "tagging_lag_ms": ..}
    POST /_admin/settings      change the settings named (partial updates), answer all
    POST /_admin/preload       {"count": N, "region": "us-east-1"?}: add N pools,
                               numbered after those already preloaded; answers
                               {"preloaded": [ids]}
    POST /_admin/reset         back to the start: faults, calls and pools cleared,
                               settings and --preload pools as the server started
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import math
import re
import signal
import ssl
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import asdict, dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Callable, Iterable

from aws_model import ApiError, ServiceModel, Violation, service_model, validation_error

if TYPE_CHECKING:
    from tls import LocalCa

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
AWS_JSON = "application/x-amz-json-1.1"
REST_JSON = "application/json"
MAX_POOLS_PER_REGION = 1000
MAX_TAGS = 50
MAX_RULES_PER_MAPPING = 25

CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/")
POOL_ARN = re.compile(r"arn:aws[a-z-]*:cognito-identity:([a-z0-9-]+):(\d{12}):identitypool/(.+)")


def invalid(message: str) -> ApiError:
    """InvalidParameterException: the service's own (semantic) rejections."""
    return ApiError("InvalidParameterException", message)


IDENTITY = service_model("cognito-identity")
SYNC = service_model("cognito-sync")
TAGGING = service_model("resourcegroupstaggingapi")
POOL_ID = IDENTITY.pattern_of("IdentityPoolId")
RESERVED_TAG_PREFIX = "aws:"


def check_tag_keys(keys: list[str], value: Any, path: str) -> None:
    """Tag keys may not start with aws: (any case), a rule the model cannot express."""
    if any(key.lower().startswith(RESERVED_TAG_PREFIX) for key in keys):
        rule = f"Member must not start with '{RESERVED_TAG_PREFIX}'"
        if isinstance(value, dict):
            rule = f"Map keys must satisfy constraint: [{rule}]"
        raise validation_error([Violation(value, path, rule)])


# --------------------------------------------------------------------------
# The pool store.
# --------------------------------------------------------------------------

# Members CreateIdentityPool and UpdateIdentityPool both require.
POOL_REQUIRED = ("IdentityPoolName", "AllowUnauthenticatedIdentities")
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
    sync: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """The pool's ARN, as the tagging API names it."""
        return f"arn:aws:cognito-identity:{self.region}:{ACCOUNT_ID}:identitypool/{self.pool_id}"

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


def check_tags(tags: dict, path: str) -> None:
    """The tags a pool is created or updated with: no reserved keys, at most 50."""
    check_tag_keys(list(tags), tags, path)
    check_tag_count(tags)


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
    """An opaque page token: the creation sequence number of the last pool returned."""
    return base64.urlsafe_b64encode(json.dumps({"after": seq}).encode()).decode()


def decode_token(token: str, member: str) -> int:
    """Read a page token back; anything we did not issue is an invalid parameter."""
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["after"])
    except (ValueError, KeyError, TypeError):
        raise invalid(f"Invalid {member}.") from None


# --------------------------------------------------------------------------
# Scale simulation: settings, rate limits, the tagging API's lag.
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """The scale knobs; 0 turns each off."""

    latency_ms: float = 0
    rate_limit: float = 0
    tagging_lag_ms: float = 0

    def updated(self, changes: Any) -> Settings:
        """These settings with the admin API's partial update applied."""
        if not isinstance(changes, dict):
            raise ValueError("POST a JSON object of settings")
        unknown = set(changes) - set(asdict(self))
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}; known: {sorted(asdict(self))}")
        for name, value in changes.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a non-negative number")
        return replace(self, **changes)


class RateLimiter:
    """One token bucket per operation: ``rate`` calls a second, bursts of ``rate`` (at least 1)."""

    def __init__(self, rate: float):
        self.rate = rate
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, operation: str, now: float) -> bool:
        """Take a token for this call if there is one; no rate means no limit."""
        if not self.rate:
            return True
        burst = max(self.rate, 1)
        tokens, last = self.buckets.get(operation, (burst, now))
        tokens = min(burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        self.buckets[operation] = (tokens - allowed, now)
        return allowed


@dataclass
class TagHistory:
    """A pool's tags over time, as the tagging API learns of them (None: deleted)."""

    seq: int
    region: str
    states: list[tuple[float, dict | None]] = field(default_factory=list)

    def seen_at(self, moment: float) -> tuple[bool, dict | None]:
        """(ever tagged by then, tags then); None when not yet known or deleted."""
        known = [tags for at, tags in self.states if at <= moment]
        return any(known), (known[-1] if known else None)


def matches_filters(tags: dict, filters: list[dict]) -> bool:
    """Every TagFilter holds: the key is present and, when Values are given, has one of them."""
    return all(f["Key"] in tags and (not f.get("Values") or tags[f["Key"]] in f["Values"]) for f in filters)


POOL_RESOURCE_TYPES = ("cognito-identity", "cognito-identity:identitypool")
MAX_RESOURCES_PER_PAGE = 100


# --------------------------------------------------------------------------
# The account.
# --------------------------------------------------------------------------

SYNC_PARTS = ("CognitoStreams", "PushSync")


class Backend:
    """The account's state, the call log, the fault plan and the settings, behind one lock."""

    def __init__(self, settings: Settings = Settings(), preload: int = 0) -> None:
        self.lock = threading.Lock()
        self.start_settings, self.start_preload = settings, preload
        self.apis = {
            "identity": Api(IDENTITY, rest=False, rate_limited=True, handlers={
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
            }),
            "sync": Api(SYNC, rest=True, rate_limited=False, handlers={
                "SetIdentityPoolConfiguration": self.set_identity_pool_configuration,
                "GetIdentityPoolConfiguration": self.get_identity_pool_configuration,
                "SetCognitoEvents": self.set_cognito_events,
                "GetCognitoEvents": self.get_cognito_events,
            }),
            "tagging": Api(TAGGING, rest=False, rate_limited=True, handlers={
                "GetResources": self.get_resources,
            }),
        }
        self.reset()

    # -- plumbing --------------------------------------------------------

    def reset(self) -> None:
        """Back to the start: the account as the server began, no faults, no calls."""
        with self.lock:
            self.pools: dict[str, Pool] = {}
            self.tag_histories: dict[str, TagHistory] = {}
            self.calls: list[str] = []
            self.throttled: list[str] = []
            self.faults: list[FaultRule] = []
            self.next_seq, self.preloaded = 1, 0
            self._apply(self.start_settings)
        self.preload(self.start_preload, DEFAULT_REGION)

    def _apply(self, settings: Settings) -> None:
        """Take new settings; the rate limiter starts with full buckets."""
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit)

    def update_settings(self, changes: Any) -> Settings:
        """The admin API's partial update."""
        with self.lock:
            self._apply(self.settings.updated(changes))
            return self.settings

    def admit(self, api: Api, operation: str) -> ApiError | FaultRule | None:
        """Log the call, then apply the rate limit and the first fault rule for it.

        Returns the error that refuses the call, the fault rule to apply, or None.
        """
        with self.lock:
            self.calls.append(operation)
            if api.rate_limited and not self.limiter.allow(operation, time.monotonic()):
                self.throttled.append(operation)
                return RATE_EXCEEDED
            for rule in self.faults:
                if rule.operation in ("*", operation):
                    if rule.count > 0:
                        rule.count -= 1
                    if rule.count == 0:
                        self.faults.remove(rule)
                    if rule.mode == "throttle":
                        self.throttled.append(operation)
                    return rule
        return None

    def invoke(self, api: Api, operation: str, request: Any, region: str) -> dict:
        """Validate then run one operation atomically."""
        if operation not in api.handlers:
            raise ApiError("UnknownOperationException", f"Unknown operation {operation!r}.")
        if not isinstance(request, dict):
            raise ApiError("SerializationException", "The request body must be a JSON object.")
        api.model.check(operation, request)
        with self.lock:
            return api.handlers[operation](request, region)

    def pool(self, pool_id: str, region: str) -> Pool:
        """Look a pool up in the caller's region, as a regional endpoint does."""
        found = self.pools.get(pool_id)
        if found is None or found.region != region:
            raise ApiError("ResourceNotFoundException", f"IdentityPool '{pool_id}' not found.")
        return found

    def pool_by_arn(self, arn: str, region: str) -> Pool:
        """Resolve an identity pool ARN; a malformed ARN is a validation error."""
        match = POOL_ARN.fullmatch(arn)
        if not match or not POOL_ID.fullmatch(match.group(3)):
            raise ApiError("ValidationException",
                           f"1 validation error detected: Value '{arn}' at 'resourceArn' failed to satisfy "
                           "constraint: Member must be an identity pool ARN "
                           "(arn:<partition>:cognito-identity:<region>:<account>:identitypool/<id>)")
        return self.pool(match.group(3), region)

    def _add_pool(self, region: str, config: dict, tags: dict, known_since: float | None) -> Pool:
        """A new pool, known to the tagging API from ``known_since`` on."""
        if sum(p.region == region for p in self.pools.values()) >= MAX_POOLS_PER_REGION:
            raise ApiError("LimitExceededException", f"Limit of {MAX_POOLS_PER_REGION} identity pools reached.")
        pool = Pool(f"{region}:{uuid.uuid4()}", region, self.next_seq, config, dict(tags))
        self.next_seq += 1
        self.pools[pool.pool_id] = pool
        self.tag_histories[pool.arn] = TagHistory(pool.seq, region)
        self._tags_changed(pool, known_since)
        return pool

    def _tags_changed(self, pool: Pool, at: float | None = None) -> None:
        """Tell the tagging API of the pool's tags (or its deletion) as of now."""
        state = dict(pool.tags) if pool.pool_id in self.pools else None
        self.tag_histories[pool.arn].states.append((time.monotonic() if at is None else at, state))

    def preload(self, count: int, region: str) -> list[str]:
        """Add ``count`` pools as an account in use would hold: distinct names, a tag or two."""
        made = []
        with self.lock:
            room = MAX_POOLS_PER_REGION - sum(p.region == region for p in self.pools.values())
            if count > room:
                raise ValueError(f"{region} has room for {room} more pools (the quota is {MAX_POOLS_PER_REGION})")
            for _ in range(count):
                self.preloaded += 1
                number = self.preloaded
                tags = {"team": f"team-{number % 7}"} | ({"env": "prod"} if number % 2 else {})
                config = build_config({"IdentityPoolName": f"preloaded-{number:04d}",
                                       "AllowUnauthenticatedIdentities": False}, None)
                made.append(self._add_pool(region, config, tags, known_since=-math.inf).pool_id)
        return made

    def admin_pools(self) -> list[dict]:
        """Every pool with all it carries, for tests to inspect."""
        with self.lock:
            return [{**p.describe(), "IdentityPoolTags": dict(p.tags), "Roles": p.roles,
                     "RoleMappings": p.role_mappings, "PrincipalTags": p.principal_tags,
                     **{part: p.sync.get(part) for part in SYNC_PARTS}, "CognitoEvents": dict(p.events)}
                    for p in self.pools.values()]

    # -- Cognito Identity ------------------------------------------------

    def create_identity_pool(self, req: dict, region: str) -> dict:
        """CreateIdentityPool: no client token, so every call makes a new pool."""
        tags = req.get("IdentityPoolTags") or {}
        check_tags(tags, "identityPoolTags")
        return self._add_pool(region, build_config(req, None), tags, known_since=None).describe()

    def update_identity_pool(self, req: dict, region: str) -> dict:
        """UpdateIdentityPool: replaces the whole configuration; tags only when sent."""
        pool = self.pool(req["IdentityPoolId"], region)
        config = build_config(req, pool.config)
        if req.get("IdentityPoolTags") is not None:
            check_tags(req["IdentityPoolTags"], "identityPoolTags")
            pool.tags = dict(req["IdentityPoolTags"])
            self._tags_changed(pool)
        pool.config = config
        return pool.describe()

    def describe_identity_pool(self, req: dict, region: str) -> dict:
        """DescribeIdentityPool: the configuration plus IdentityPoolTags."""
        return self.pool(req["IdentityPoolId"], region).describe()

    def delete_identity_pool(self, req: dict, region: str) -> dict:
        """DeleteIdentityPool: the pool goes with its tags, roles, principal tags and sync settings."""
        pool = self.pool(req["IdentityPoolId"], region)
        del self.pools[pool.pool_id]
        self._tags_changed(pool)
        return {}

    def list_identity_pools(self, req: dict, region: str) -> dict:
        """ListIdentityPools: creation order, paged by an opaque NextToken."""
        after = decode_token(req["NextToken"], "NextToken") if req.get("NextToken") else 0
        remaining = [p for p in self.pools.values() if p.region == region and p.seq > after]
        page = remaining[:req["MaxResults"]]
        out: dict = {"IdentityPools": [{"IdentityPoolId": p.pool_id,
                                        "IdentityPoolName": p.config["IdentityPoolName"]} for p in page]}
        if len(remaining) > len(page):
            out["NextToken"] = encode_token(page[-1].seq)
        return out

    def tag_resource(self, req: dict, region: str) -> dict:
        """TagResource: adds or overwrites tags, within the 50-tag limit."""
        check_tag_keys(list(req["Tags"]), req["Tags"], "tags")
        pool = self.pool_by_arn(req["ResourceArn"], region)
        merged = {**pool.tags, **req["Tags"]}
        check_tag_count(merged)
        pool.tags = merged
        self._tags_changed(pool)
        return {}

    def untag_resource(self, req: dict, region: str) -> dict:
        """UntagResource: removes the keys given; absent keys are ignored."""
        for index, key in enumerate(req["TagKeys"], start=1):
            check_tag_keys([key], key, f"tagKeys.{index}.member")
        pool = self.pool_by_arn(req["ResourceArn"], region)
        pool.tags = {k: v for k, v in pool.tags.items() if k not in req["TagKeys"]}
        self._tags_changed(pool)
        return {}

    def list_tags_for_resource(self, req: dict, region: str) -> dict:
        """ListTagsForResource: the pool's tags."""
        return {"Tags": dict(self.pool_by_arn(req["ResourceArn"], region).tags)}

    def set_identity_pool_roles(self, req: dict, region: str) -> dict:
        """SetIdentityPoolRoles: replaces roles and role mappings entirely."""
        pool = self.pool(req["IdentityPoolId"], region)
        mappings = req.get("RoleMappings") or {}
        check_role_mappings(pool, mappings)
        pool.roles, pool.role_mappings = dict(req["Roles"]), copy.deepcopy(mappings)
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

    # -- Cognito Sync ----------------------------------------------------

    def set_identity_pool_configuration(self, req: dict, region: str) -> dict:
        """SetIdentityPoolConfiguration: the parts named (streams, push sync) are set, others kept."""
        pool = self.pool(req["IdentityPoolId"], region)
        pool.sync.update((part, copy.deepcopy(req[part])) for part in SYNC_PARTS if req.get(part) is not None)
        return self.get_identity_pool_configuration(req, region)

    def get_identity_pool_configuration(self, req: dict, region: str) -> dict:
        """GetIdentityPoolConfiguration: the parts set so far."""
        pool = self.pool(req["IdentityPoolId"], region)
        return {"IdentityPoolId": pool.pool_id, **copy.deepcopy(pool.sync)}

    def set_cognito_events(self, req: dict, region: str) -> dict:
        """SetCognitoEvents merges: each event named is set, or removed by an empty value."""
        pool = self.pool(req["IdentityPoolId"], region)
        for event, function_arn in req["Events"].items():
            if function_arn:
                pool.events[event] = function_arn
            else:
                pool.events.pop(event, None)
        return {}

    def get_cognito_events(self, req: dict, region: str) -> dict:
        """GetCognitoEvents: the events set."""
        return {"Events": dict(self.pool(req["IdentityPoolId"], region).events)}

    # -- Resource Groups Tagging API -------------------------------------

    def get_resources(self, req: dict, region: str) -> dict:
        """GetResources for identity pools, as the tagging API saw them ``tagging_lag_ms`` ago."""
        per_page = req.get("ResourcesPerPage", MAX_RESOURCES_PER_PAGE)
        if not 1 <= per_page <= MAX_RESOURCES_PER_PAGE:
            raise invalid(f"ResourcesPerPage must be between 1 and {MAX_RESOURCES_PER_PAGE}.")
        if req.get("TagFilters") and req.get("ResourceARNList"):
            raise invalid("You can't specify both TagFilters and ResourceARNList in the same request.")
        types = req.get("ResourceTypeFilters")
        if types and not set(types) & set(POOL_RESOURCE_TYPES):
            return {"PaginationToken": "", "ResourceTagMappingList": []}
        after = decode_token(req["PaginationToken"], "PaginationToken") if req.get("PaginationToken") else 0
        moment = time.monotonic() - self.settings.tagging_lag_ms / 1000
        found = []
        for arn, history in self.tag_histories.items():
            ever_tagged, tags = history.seen_at(moment)
            if (history.region == region and history.seq > after and ever_tagged and tags is not None
                    and matches_filters(tags, req.get("TagFilters") or [])
                    and arn in req.get("ResourceARNList", [arn])):
                found.append((history.seq, arn, tags))
        page = found[:per_page]
        return {"PaginationToken": encode_token(page[-1][0]) if len(found) > len(page) else "",
                "ResourceTagMappingList": [{"ResourceARN": arn, "Tags": [{"Key": k, "Value": v}
                                                                          for k, v in tags.items()]}
                                           for _, arn, tags in page]}


@dataclass
class Api:
    """One AWS API the endpoint serves: its model, wire protocol and operations."""

    model: ServiceModel
    rest: bool
    rate_limited: bool
    handlers: dict[str, Callable[[dict, str], dict]]

    def error_status(self, error: ApiError) -> int:
        """restJson1 answers with the status the model gives the error; awsJson1.1 with the error's own."""
        if not self.rest:
            return error.status
        shape = self.model.shapes.get(error.code, {})
        return shape.get("error", {}).get("httpStatusCode", error.status)


# --------------------------------------------------------------------------
# Fault injection.
# --------------------------------------------------------------------------

FAULT_MODES = ("throttle", "error500", "hang", "fail-after")
THROTTLED = ApiError("TooManyRequestsException", "Rate exceeded (injected fault).")
RATE_EXCEEDED = ApiError("TooManyRequestsException", "Rate exceeded")
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


def rest_routes(model: ServiceModel, operations: Iterable[str]) -> list[tuple[str, re.Pattern, str]]:
    """(method, path pattern, operation) for restJson operations, from the model's requestUri."""
    routes = []
    for operation in operations:
        http = model.operations[operation]["http"]
        path = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(http["requestUri"]))
        routes.append((http["method"], re.compile(path), operation))
    return routes


@dataclass
class Call:
    """One AWS request, routed: which API and operation, and its input."""

    api: Api
    operation: str
    request: Any


class Handler(BaseHTTPRequestHandler):
    """Routes ``/_admin/...`` to the admin API and everything else to the AWS APIs."""

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
        """Admin reads, or Cognito Sync reads."""
        self._dispatch("GET", b"")

    def do_POST(self) -> None:
        """AWS operations, or admin writes."""
        self._dispatch("POST", self._read_body())

    def _dispatch(self, method: str, body: bytes) -> None:
        """The admin API by its prefix; the AWS APIs by target header or path."""
        if self.path.startswith("/_admin/"):
            self._admin(method, body)
            return
        call = self._route(method, body)
        if isinstance(call, tuple):
            api, error = call
            self._send_error(api, error)
        else:
            self._serve(call)

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

    def _route(self, method: str, body: bytes) -> Call | tuple[Api, ApiError]:
        """The call this request makes, or the error that refuses it unread."""
        backend = self.server.backend
        target = self.headers.get("X-Amz-Target")
        if method == "POST" and target is not None:
            prefix, _, operation = target.rpartition(".")
            api = next((a for a in backend.apis.values() if a.model.metadata.get("targetPrefix") == prefix),
                       backend.apis["identity"])
            return Call(api, operation, self._json(body))
        path, _, _query = self.path.partition("?")
        sync = backend.apis["sync"]
        for route_method, pattern, operation in SYNC_ROUTES:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                request = self._json(body)
                if isinstance(request, dict):
                    request.update((k, urllib.parse.unquote(v)) for k, v in match.groupdict().items())
                return Call(sync, operation, request)
        return sync, ApiError("UnknownOperationException", f"No operation at {method} {path}.", 404)

    @staticmethod
    def _json(body: bytes) -> Any:
        """The JSON request, or the SerializationException AWS answers for a body it cannot read."""
        try:
            return json.loads(body or b"{}")
        except ValueError:
            return ApiError("SerializationException", "The request body is not valid JSON.")

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

    def _send_error(self, api: Api, error: ApiError) -> None:
        """An AWS error in the form the API's protocol has the SDKs parse."""
        body = {"message": error.message} if api.rest else {"__type": error.code, "message": error.message}
        self._send(api.error_status(error), body, REST_JSON if api.rest else AWS_JSON,
                   {"x-amzn-ErrorType": error.code})

    def _serve(self, call: Call) -> None:
        """Log the call; apply the rate limit, latency and any fault; run it; answer."""
        backend = self.server.backend
        admitted = backend.admit(call.api, call.operation)
        self.server.stopping.wait(backend.settings.latency_ms / 1000)
        if isinstance(admitted, ApiError):
            return self._send_error(call.api, admitted)
        if admitted and admitted.mode in ("throttle", "error500"):
            return self._send_error(call.api, THROTTLED if admitted.mode == "throttle" else INTERNAL)
        if admitted and admitted.mode == "hang":
            self.server.stopping.wait(admitted.seconds)
        result = self._run(call)
        if admitted and admitted.mode == "fail-after":
            result = INTERNAL
        if isinstance(result, ApiError):
            return self._send_error(call.api, result)
        self._send(200, result, REST_JSON if call.api.rest else AWS_JSON)

    def _run(self, call: Call) -> dict | ApiError:
        """The operation's output, or the error AWS would answer with."""
        if isinstance(call.request, ApiError):
            return call.request
        try:
            return self.server.backend.invoke(call.api, call.operation, call.request,
                                              region_of(self.headers.get("Authorization")))
        except ApiError as error:
            return error
        except Exception as error:  # the endpoint must answer, whatever happened
            return ApiError("InternalErrorException", f"{type(error).__name__}: {error}", 500)

    def _admin(self, method: str, body: bytes = b"") -> None:
        """The test/admin API: inspect state, the call log, and set faults and settings."""
        route = ADMIN_ROUTES.get((method, self.path.rstrip("/")))
        if route is None:
            return self._send(404, {"error": f"no route {method} {self.path}"}, "application/json")
        try:
            payload = json.loads(body) if body.strip() else None
            self._send(200, route(self.server.backend, payload), "application/json")
        except (ValueError, ApiError) as error:
            self._send(400, {"error": str(error)}, "application/json")


SYNC_ROUTES = rest_routes(SYNC, ("SetIdentityPoolConfiguration", "GetIdentityPoolConfiguration",
                                 "SetCognitoEvents", "GetCognitoEvents"))


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
        backend.throttled.clear()
    return {"calls": [], "throttled": []}


def _list_calls(backend: Backend, _payload: Any) -> dict:
    """The operation names received, in order, and those throttled."""
    with backend.lock:
        return {"calls": list(backend.calls), "throttled": list(backend.throttled)}


def _list_faults(backend: Backend, _payload: Any) -> dict:
    """The fault rules still pending."""
    with backend.lock:
        return {"faults": [asdict(r) for r in backend.faults]}


def _preload(backend: Backend, payload: Any) -> dict:
    """Add pools to the account: {"count": N, "region": ...}."""
    if not isinstance(payload, dict) or isinstance(payload.get("count"), bool) \
            or not isinstance(payload.get("count"), int) or payload["count"] < 0:
        raise ValueError('POST {"count": N} with N a non-negative integer, and optionally "region"')
    return {"preloaded": backend.preload(payload["count"], payload.get("region", DEFAULT_REGION))}


ADMIN_ROUTES: dict[tuple[str, str], Callable[[Backend, Any], dict]] = {
    ("GET", "/_admin/pools"): lambda backend, _: {"pools": backend.admin_pools()},
    ("GET", "/_admin/calls"): _list_calls,
    ("POST", "/_admin/calls/clear"): _clear_calls,
    ("GET", "/_admin/faults"): _list_faults,
    ("POST", "/_admin/faults"): _set_faults,
    ("GET", "/_admin/settings"): lambda backend, _: asdict(backend.settings),
    ("POST", "/_admin/settings"): lambda backend, payload: asdict(backend.update_settings(payload)),
    ("POST", "/_admin/preload"): _preload,
    ("POST", "/_admin/reset"): lambda backend, _: backend.reset() or {"reset": True},
}


class _HttpServer(ThreadingHTTPServer):
    """One thread per connection, so a hanging request never blocks the others.

    With an SSL context, each connection's TLS handshake runs in its own thread
    (as ``tls.LocalServer`` does it), never in the accepting one.
    """

    daemon_threads = True
    block_on_close = False  # stop() must not wait for a hanging request

    def __init__(self, address: tuple[str, int], verbose: bool, backend: Backend,
                 context: ssl.SSLContext | None = None):
        super().__init__(address, Handler)
        self.backend = backend
        self.stopping = threading.Event()
        self.verbose = verbose
        self.ssl_context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.ssl_context is not None:
            try:
                request = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return  # a failed handshake (a client that distrusts the CA): nothing to serve
        try:
            super().finish_request(request, client_address)
        except (ConnectionError, ssl.SSLError, TimeoutError):
            pass  # the client went away mid-request
        finally:
            if self.ssl_context is not None:
                request.close()  # the mixin's shutdown_request only sees the raw socket, detached by the wrap


class CognitoServer:
    """The endpoint as a library: ``start()`` serves in a daemon thread, ``stop()`` ends it.

    ``tls`` (a ``tls.LocalCa``) serves https; ``backend`` shares another
    server's account, call log and settings (its own ``settings`` and
    ``preload`` are then ignored).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, verbose: bool = False,
                 settings: Settings = Settings(), preload: int = 0, tls: LocalCa | None = None,
                 backend: Backend | None = None):
        self.backend = backend if backend is not None else Backend(settings, preload)
        self.httpd = _HttpServer((host, port), verbose, self.backend, tls.server_context() if tls else None)
        self.host, self.port = self.httpd.server_address[:2]
        self.url = f"{'https' if tls else 'http'}://{self.host}:{self.port}"
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


def non_negative(text: str) -> float:
    """argparse type for the scale knobs."""
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def main(argv: list[str] | None = None) -> int:
    """CLI: serve until SIGTERM or SIGINT, announcing the URL on one stdout line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    parser.add_argument("--latency-ms", type=non_negative, default=0, help="sleep this long in each AWS call")
    parser.add_argument("--rate-limit", type=non_negative, default=0,
                        help="requests/s per operation (burst of the same); 0: no limit")
    parser.add_argument("--tagging-lag-ms", type=non_negative, default=0,
                        help="how late GetResources sees a pool's creation and tag changes")
    parser.add_argument("--preload", type=int, default=0, help="pools already in the account")
    args = parser.parse_args(argv)
    if not 0 <= args.preload <= MAX_POOLS_PER_REGION:
        parser.error(f"--preload must be 0 to {MAX_POOLS_PER_REGION} (the pool quota of a region)")
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    settings = Settings(args.latency_ms, args.rate_limit, args.tagging_lag_ms)
    server = CognitoServer(args.host, args.port, args.verbose, settings, args.preload).start()
    print(f"Cognito endpoint (local Cognito Identity, Cognito Sync, tagging API) listening on {server.url}",
          flush=True)
    while not done.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
