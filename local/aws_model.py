"""AWS service models as the source of truth for what a request may contain.

Why it exists: the local endpoint must refuse what Amazon Cognito refuses, or an
end-to-end test passes with a request the real service would reject. Instead of
a hand transcription that drifts, the constraints are read from the service
models that botocore ships (the same ``service-2.json`` files the AWS SDKs are
generated from), and checked the way AWS's front end checks them:

* a JSON value of the wrong type for its member is a ``SerializationException``;
* every broken constraint (required member, length of a string, list or map,
  range of a number, pattern, enum) is one entry of a ``ValidationException``
  whose message reads as the service's does, e.g.
  ``1 validation error detected: Value 'x y' at 'identityPoolName' failed to
  satisfy constraint: Member must satisfy regular expression pattern: [\\w.]+``.

Patterns are Java regular expressions, matched against the whole value (see
https://smithy.io/2.0/spec/constraint-traits.html#pattern-trait): ``\\w``, ``\\d``
and ``\\s`` are ASCII, ``\\p{L}`` and friends are Unicode categories (the
``regex`` module has them), ``.`` stops at any Java line terminator.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import regex
from botocore.loaders import Loader


class ApiError(Exception):
    """An AWS error answer: the code goes to ``__type`` and ``x-amzn-ErrorType``."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


# --------------------------------------------------------------------------
# Java patterns.
# --------------------------------------------------------------------------

# Java's `.` (without DOTALL) matches anything but its line terminators.
JAVA_DOT = "[^\n\r\x85\u2028\u2029]"


@cache
def java_pattern(pattern: str) -> regex.Pattern:
    """Compile a model's Java pattern so that it means in Python what it means in Java.

    Java's ``\\w \\d \\s`` are ASCII while its ``\\p{..}`` classes are Unicode; no
    pattern in the models mixes the two, and one that did is refused here rather
    than matched wrongly.
    """
    unicode_classes = "\\p{" in pattern or "\\P{" in pattern
    if unicode_classes and regex.search(r"\\[wWdDsSbB]", pattern):
        raise NotImplementedError(f"pattern mixes ASCII and Unicode classes: {pattern}")
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "]":
            in_class = False
            out.append(char)
        else:
            out.append(JAVA_DOT if char == "." and not in_class else char)
    flags = regex.V0 | (0 if unicode_classes else regex.ASCII)
    return regex.compile("".join(out), flags)


# --------------------------------------------------------------------------
# Messages, worded as the service words them.
# --------------------------------------------------------------------------

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


@dataclass(frozen=True)
class Violation:
    """One broken constraint: the value, where it sits, and the rule's wording."""

    value: Any
    path: str
    rule: str

    def __str__(self) -> str:
        return f"Value {quoted(self.value)} at '{self.path}' failed to satisfy constraint: {self.rule}"


def validation_error(violations: list[Violation]) -> ApiError:
    """The ValidationException AWS answers for these violations, joined by '; '."""
    count = len(violations)
    return ApiError("ValidationException",
                    f"{count} validation error{'s' if count > 1 else ''} detected: "
                    + "; ".join(map(str, violations)))


# --------------------------------------------------------------------------
# Shapes.
# --------------------------------------------------------------------------

JSON_TYPES = {
    "string": lambda v: isinstance(v, str),
    "blob": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "double": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "timestamp": lambda v: isinstance(v, (int, float, str)) and not isinstance(v, bool),
    "structure": lambda v: isinstance(v, dict),
    "map": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, list),
}
SIZED = ("string", "blob", "list", "map")
NUMERIC = ("integer", "long", "float", "double")


def _member_path(parent: str, member: str) -> str:
    """AWS names members in lowerCamelCase, nested with dots."""
    name = member[:1].lower() + member[1:]
    return f"{parent}.{name}" if parent else name


class ServiceModel:
    """One service's API model as botocore ships it, and the checks it implies."""

    def __init__(self, service_name: str):
        spec = Loader().load_service_model(service_name, "service-2")
        self.name = service_name
        self.metadata = spec["metadata"]
        self.operations: dict[str, dict] = spec["operations"]
        self.shapes: dict[str, dict] = spec["shapes"]

    def shape(self, name: str) -> dict:
        """A shape by name."""
        return self.shapes[name]

    def input_shape(self, operation: str) -> dict | None:
        """The operation's input shape, None when it takes no input."""
        ref = self.operations[operation].get("input")
        return self.shape(ref["shape"]) if ref else None

    def pattern_of(self, shape_name: str) -> regex.Pattern:
        """A string shape's compiled pattern, for semantic checks that reuse it."""
        return java_pattern(self.shape(shape_name)["pattern"])

    def check(self, operation: str, request: dict) -> None:
        """Refuse ``request`` as AWS would: wrong types first, then all violations at once."""
        shape = self.input_shape(operation) or {"type": "structure", "members": {}}
        mistyped: list[str] = []
        violations: list[Violation] = []
        self._walk(shape, request, "", mistyped, violations)
        if mistyped:
            raise ApiError("SerializationException", mistyped[0])
        if violations:
            raise validation_error(violations)

    # -- the walk --------------------------------------------------------

    def _walk(self, shape: dict, value: Any, path: str, mistyped: list, out: list) -> None:
        """Check ``value`` against ``shape`` and everything nested in it."""
        if not JSON_TYPES[shape["type"]](value):
            mistyped.append(f"Value {quoted(value)} at '{path or 'request'}' cannot be read as "
                            f"{shape['type']}.")
            return
        out += [Violation(value, path, rule) for rule in self._rules_broken(shape, value)]
        kind = shape["type"]
        if kind == "structure":
            required = shape.get("required", ())
            for name, ref in shape.get("members", {}).items():
                member_path = _member_path(path, name)
                if value.get(name) is not None:
                    self._walk(self.shape(ref["shape"]), value[name], member_path, mistyped, out)
                elif name in required:
                    out.append(Violation(None, member_path, "Member must not be null"))
        elif kind == "list":
            member = self.shape(shape["member"]["shape"])
            for index, item in enumerate(value, start=1):
                self._walk(member, item, f"{path}.{index}.member", mistyped, out)
        elif kind == "map":
            self._walk_map(shape, value, path, mistyped, out)

    def _walk_map(self, shape: dict, value: dict, path: str, mistyped: list, out: list) -> None:
        """Keys, and scalar values, are reported folded on the map; nested values by key."""
        key_shape, value_shape = self.shape(shape["key"]["shape"]), self.shape(shape["value"]["shape"])
        nested = value_shape["type"] in ("structure", "list", "map")
        parts = [("Map keys", key_shape, list(value.keys()))]
        if not nested:
            parts.append(("Map value", value_shape, list(value.values())))
        for label, part_shape, items in parts:
            rules: list[str] = []
            for item in items:
                if not JSON_TYPES[part_shape["type"]](item):
                    mistyped.append(f"Value {quoted(item)} in '{path}' cannot be read as {part_shape['type']}.")
                    return
                rules += [r for r in self._rules_broken(part_shape, item) if r not in rules]
            if rules:
                out.append(Violation(value, path, f"{label} must satisfy constraint: [{', '.join(rules)}]"))
        if nested:
            for key, item in value.items():
                self._walk(value_shape, item, f"{path}.{key}.member", mistyped, out)

    @staticmethod
    def _rules_broken(shape: dict, value: Any) -> list[str]:
        """The wording of each constraint on ``value`` itself that it breaks, in AWS's order."""
        kind, broken = shape["type"], []
        if kind in SIZED:
            if "max" in shape and len(value) > shape["max"]:
                broken.append(f"Member must have length less than or equal to {shape['max']}")
            if "min" in shape and len(value) < shape["min"]:
                broken.append(f"Member must have length greater than or equal to {shape['min']}")
        if kind in NUMERIC:
            if "max" in shape and value > shape["max"]:
                broken.append(f"Member must have value less than or equal to {shape['max']}")
            if "min" in shape and value < shape["min"]:
                broken.append(f"Member must have value greater than or equal to {shape['min']}")
        if kind == "string" and "pattern" in shape and not java_pattern(shape["pattern"]).fullmatch(value):
            broken.append(f"Member must satisfy regular expression pattern: {shape['pattern']}")
        if kind == "string" and "enum" in shape and value not in shape["enum"]:
            broken.append(f"Member must satisfy enum value set: [{', '.join(shape['enum'])}]")
        return broken


@cache
def service_model(name: str) -> ServiceModel:
    """Each model is read once per process (botocore's files are gzipped JSON)."""
    return ServiceModel(name)
