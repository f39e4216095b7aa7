"""The references the provider's property rules are held to, extracted into files the Rust tests read.

Two references, neither written by this project:

* botocore's service models of ``cognito-identity`` and ``cognito-sync`` (``service-2.json.gz``): the
  length, pattern and enum of every member of every request the provider sends. Written to
  ``cognito-constraints.json``, with, for each pattern, strings inside and outside it (checked here
  against the pattern, so the Rust test's refusals are the model's, not the provider's own idea).
* CloudFormation's resource schemas as cfn-lint ships them, for ``AWS::Cognito::IdentityPool`` and
  the two resources whose shapes the provider also takes (``…IdentityPoolRoleAttachment``,
  ``…IdentityPoolPrincipalTag``): every property path and the JSON types it allows. Written to
  ``native-schema.json``.

``python tests/model/extract.py`` rewrites both files; ``tests/model/test_extract.py`` fails when
they differ from what the installed botocore and cfn-lint say, so a model update shows up.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import botocore.loaders
import cfnlint

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "local"))

from aws_model import java_pattern  # noqa: E402  (the local endpoint's reading of the models' patterns)

CONSTRAINTS = HERE / "cognito-constraints.json"
NATIVE = HERE / "native-schema.json"

# Every request the provider sends that carries template values.
OPERATIONS = {
    "cognito-identity": [
        "CreateIdentityPool",
        "UpdateIdentityPool",
        "SetIdentityPoolRoles",
        "SetPrincipalTagAttributeMap",
        "TagResource",
        "UntagResource",
    ],
    "cognito-sync": ["SetIdentityPoolConfiguration", "SetCognitoEvents"],
}

# For each pattern of the model: strings inside it and strings outside it. They are checked
# against the pattern with Java's meaning (the services are Java; `\w`, `\d` are ASCII), as
# local/aws_model.py's java_pattern reads it.
PATTERN_PROBES: dict[str, dict[str, list[str]]] = {
    r"[\w\s+=,.@-]+": {
        "inside": ["My pool, v2 @prod", "a+b=c", "tab\there"],
        "outside": ["my/pool", "pool-é", "a:b", "a\u200bb"],
    },
    r"[\w.;_/-]+": {
        "inside": ["123-abc.apps.googleusercontent.com", "a;b/c"],
        "outside": ["123 456", "app:id", "é"],
    },
    r"[\w._-]+": {
        "inside": ["login.mycompany.myapp", "a_b-c"],
        "outside": ["login my app", "login:app", "a/b"],
    },
    r"[\w._:/-]+": {
        "inside": ["cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"],
        "outside": ["cognito idp", "pool#1", "ü"],
    },
    r"[\w_]+": {
        "inside": ["client_1", "ABC123"],
        "outside": ["abc-def", "a.b", "ß"],
    },
    r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+": {
        "inside": ["custom:groups", "é", "e\u0301", "€", "😀", "¿", "名前", "Ⅻ", "＿"],
        "outside": [
            "a b",
            "a\u200bb",  # zero-width space (Cf)
            "a\u00adb",  # soft hyphen (Cf)
            "a\ufeffb",  # byte order mark (Cf)
            "\ue000",  # private use (Co)
            "\U000f0000",  # supplementary private use (Co)
            "a\tb",  # control (Cc)
            "a\u2028b",  # line separator (Zl)
            "a\u3000b",  # ideographic space (Zs)
            "\ufdd0",  # noncharacter (Cn)
        ],
    },
    r"[\w-]+:[0-9a-f-]+": {
        "inside": ["us-east-1:0c5e2a4b-9d1f-4f8a-b2c3-5e6f7a8b9c0d"],
        "outside": ["us-east-1_0c5e2a4b", "us-east-1:XYZ"],
    },
    r"(un)?authenticated": {
        "inside": ["authenticated", "unauthenticated"],
        "outside": ["Authenticated", "guest", "unauthenticatedx"],
    },
    r"arn:aws:iam::\d+:role/.*": {
        "inside": ["arn:aws:iam::123456789012:role/identity-pool/streams"],
        "outside": [
            "arn:aws:iam::123456789012:user/alice",
            "arn:aws:iam::12345678901x:role/r",
            "arn:aws:iam:us-east-1:123456789012:role/r",
            "arn:aws:sts::123456789012:role/r",
            "arn:aws:iam::123456789012:role/a\nb",
        ],
    },
    r"arn:aws:sns:[-0-9a-z]+:\d+:app/[A-Z_]+/[a-zA-Z0-9_.-]+": {
        "inside": [
            "arn:aws:sns:us-east-1:123456789012:app/GCM/my-app",
            "arn:aws:sns:eu-west-1:123456789012:app/APNS_SANDBOX/my.app_2",
        ],
        "outside": [
            "arn:aws:sns:us-east-1:123456789012:my-topic",
            "arn:aws:sns:us-east-1:123456789012:app/gcm/my-app",
            "arn:aws:sns:us-east-1:123456789012:app/GCM/my app",
            "arn:aws:sns:us-east-1:123456789012:app/GCM",
            "arn:aws:sns:US-EAST-1:123456789012:app/GCM/a",
            "arn:aws:sqs:us-east-1:123456789012:app/GCM/a",
        ],
    },
}

def _walk(shapes: dict[str, Any], shape_name: str, path: str, out: list[dict[str, Any]]) -> None:
    shape = shapes[shape_name]
    constraints = {key: shape[key] for key in ("min", "max", "pattern", "enum") if key in shape}
    if constraints:
        out.append({"member": path, "shape": shape_name, "type": shape["type"], **constraints})
    kind = shape["type"]
    if kind == "structure":
        for name, member in shape["members"].items():
            _walk(shapes, member["shape"], f"{path}.{name}", out)
    elif kind == "list":
        _walk(shapes, shape["member"]["shape"], f"{path}[]", out)
    elif kind == "map":
        _walk(shapes, shape["key"]["shape"], f"{path}{{key}}", out)
        _walk(shapes, shape["value"]["shape"], f"{path}{{value}}", out)


def constraints() -> dict[str, Any]:
    """Every constrained member of every request the provider sends, and the pattern probes."""
    loader = botocore.loaders.Loader()
    members: list[dict[str, Any]] = []
    for service, operations in OPERATIONS.items():
        model = loader.load_service_model(service, "service-2")
        for operation in operations:
            input_shape = model["operations"][operation]["input"]["shape"]
            for name, member in model["shapes"][input_shape]["members"].items():
                _walk(model["shapes"], member["shape"], f"{service}:{operation}.{name}", members)
    patterns = sorted({m["pattern"] for m in members if "pattern" in m})
    missing = [p for p in patterns if p not in PATTERN_PROBES]
    if missing:
        raise ValueError(f"no probes for the model's patterns {missing}: add them to PATTERN_PROBES")
    for member in members:
        probes = PATTERN_PROBES.get(member.get("pattern", ""))
        if probes is None:
            continue
        for kind, expected in (("inside", True), ("outside", False)):
            for text in probes[kind]:
                if (java_pattern(member["pattern"]).fullmatch(text) is not None) != expected:
                    raise ValueError(f"{text!r} is not {kind} {member['pattern']}")
                if not member.get("min", 0) <= len(text) <= member.get("max", len(text)):
                    raise ValueError(f"{text!r} breaks the length of {member['member']}")
    return {"members": members, "patterns": {p: PATTERN_PROBES[p] for p in patterns}}


NATIVE_TYPES = [
    "AWS::Cognito::IdentityPool",
    "AWS::Cognito::IdentityPoolRoleAttachment",
    "AWS::Cognito::IdentityPoolPrincipalTag",
]


def _schema(type_name: str) -> dict[str, Any]:
    schemas = Path(cfnlint.__file__).resolve().parent / "data" / "schemas"
    providers = json.loads((schemas / "providers" / "us-east-1.json").read_text())
    return json.loads((schemas / "resources" / f"{providers[type_name]}.json").read_text())


def _types(schema: dict[str, Any], node: dict[str, Any], path: str, out: dict[str, list[str]]) -> None:
    if "$ref" in node:
        node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]
    kinds = node.get("type", "object")
    out[path] = sorted([kinds] if isinstance(kinds, str) else kinds)
    for name, child in node.get("properties", {}).items():
        _types(schema, child, f"{path}.{name}", out)
    for child in node.get("patternProperties", {}).values():
        _types(schema, child, f"{path}{{}}", out)
    if "items" in node:
        _types(schema, node["items"], f"{path}[]", out)


def native() -> dict[str, dict[str, list[str]]]:
    """Each native resource's writable property paths and the JSON types each allows."""
    extract: dict[str, dict[str, list[str]]] = {}
    for type_name in NATIVE_TYPES:
        schema = _schema(type_name)
        read_only = {p.rsplit("/", 1)[1] for p in schema.get("readOnlyProperties", [])}
        paths: dict[str, list[str]] = {}
        for name, node in schema["properties"].items():
            if name not in read_only:
                _types(schema, node, name, paths)
        extract[type_name] = paths
    return extract


def rendered(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=True) + "\n"


if __name__ == "__main__":
    CONSTRAINTS.write_text(rendered(constraints()))
    NATIVE.write_text(rendered(native()))
    sys.stdout.write(f"wrote {CONSTRAINTS} and {NATIVE}\n")
