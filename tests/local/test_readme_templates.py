"""The README's migration guide gives templates a user pastes into a stack: each
must be one CloudFormation accepts and cfn-lint finds nothing in, with the
resources the guide assumes the stack already has (a user pool, its client and
the authenticated role) standing in for the rest of the user's template."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from cfnlint.decode import cfn_yaml

REPO_ROOT = Path(__file__).resolve().parents[2]

#: What the guide's snippets refer to and leave to the user's own template.
STACK_RESOURCES = """\
  UserPool:
    Type: AWS::Cognito::UserPool
  UserPoolClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref UserPool
  AuthenticatedRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Federated: cognito-identity.amazonaws.com}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              ForAnyValue:StringLike: {"cognito-identity.amazonaws.com:amr": authenticated}
"""


def migration_snippets() -> list[str]:
    """The YAML blocks of the README's "Migrating from AWS::Cognito::IdentityPool"."""
    readme = (REPO_ROOT / "README.md").read_text()
    start = readme.index("### Migrating from `AWS::Cognito::IdentityPool`")
    end = readme.index("\n## ", start)
    return re.findall(r"```yaml\n(.*?)```", readme[start:end], re.S)


def as_template(snippet: str) -> str:
    """A whole template: a snippet of resources goes under `Resources:`, a snippet
    with sections of its own gets the stand-ins added to its `Resources:`."""
    if re.search(r"^Resources:$", snippet, re.M):
        body = snippet.replace("Resources:\n", "Resources:\n" + STACK_RESOURCES, 1)
    else:
        indented = "\n".join(f"  {line}" if line else line for line in snippet.splitlines())
        body = "Resources:\n" + STACK_RESOURCES + indented + "\n"
    return 'AWSTemplateFormatVersion: "2010-09-09"\n' + body


def test_the_migration_guide_shows_the_native_and_the_custom_template() -> None:
    snippets = migration_snippets()
    assert len(snippets) == 2, snippets
    assert "Type: AWS::Cognito::IdentityPool" in snippets[0]
    assert "Type: Custom::IdentityPool" in snippets[1]


def test_every_migration_template_lints_clean(tmp_path: Path) -> None:
    """cfn-lint (with its warnings) finds nothing: e.g. a retained resource without
    UpdateReplacePolicy (W3011), or a reference to nothing."""
    paths = []
    for number, snippet in enumerate(migration_snippets(), start=1):
        path = tmp_path / f"step{number}.yaml"
        path.write_text(as_template(snippet))
        paths.append(str(path))

    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    linted = subprocess.run([str(cfn_lint), *paths], capture_output=True, text=True, timeout=120)

    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_custom_template_takes_its_service_token_from_nothing_template_yaml_lacks() -> None:
    """The Custom::IdentityPool's ServiceToken is a `!Ref` to a parameter the snippet
    declares (filled from template.yaml's output of the function's ARN), or an
    `!ImportValue` of an export template.yaml declares; nothing else."""
    custom = cfn_yaml.loads(as_template(migration_snippets()[1]))
    [pool] = [r for r in custom["Resources"].values() if r["Type"] == "Custom::IdentityPool"]
    token = pool["Properties"].get("ServiceToken")
    provider_template = cfn_yaml.loads((REPO_ROOT / "template.yaml").read_text())
    outputs = provider_template.get("Outputs", {}).values()

    assert isinstance(token, dict) and len(token) == 1, f"ServiceToken is {token!r}, not a !Ref or !ImportValue"
    if "Ref" in token:
        parameter = custom.get("Parameters", {}).get(token["Ref"])
        assert parameter is not None, f"!Ref {token['Ref']} names no Parameter of the snippet"
        assert parameter["Type"] == "String", parameter
        function_arn = {"Fn::GetAtt": ["ProviderFunction", "Arn"]}
        assert any(output["Value"] == function_arn for output in outputs), "template.yaml outputs no function ARN"
    else:
        assert "Fn::ImportValue" in token, f"ServiceToken is {token!r}, not a !Ref or !ImportValue"
        exports = [output["Export"]["Name"] for output in outputs if "Export" in output]
        assert token["Fn::ImportValue"] in exports, f"template.yaml exports {exports}, not {token['Fn::ImportValue']!r}"
