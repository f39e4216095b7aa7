// Synthesizes bin/app.ts offline, as the CDK CLI would run it, checks the template
// with aws-cdk-lib/assertions and lints it with cfn-lint. No AWS account, no
// cargo-lambda build: a stand-in `bootstrap` is the function's code.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { IdentityPool } from '../lib/identity-pool';
import { IdentityPoolProvider } from '../lib/identity-pool-provider';

const EXAMPLE_DIR = path.resolve(__dirname, '..');
const CFN_LINT = process.env.CFN_LINT ?? path.resolve(EXAMPLE_DIR, '../../.venv/bin/cfn-lint');
const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider';

const work = mkdtempSync(path.join(tmpdir(), 'identity-pool-cdk-'));
const codePath = path.join(work, 'code');
mkdirSync(codePath);
writeFileSync(path.join(codePath, 'bootstrap'), '#!/bin/sh\n');
chmodSync(path.join(codePath, 'bootstrap'), 0o755);
after(() => rmSync(work, { recursive: true, force: true }));

/** `{"Fn::GetAtt": [<logical id starting with prefix>, attribute]}`. */
const getAtt = (prefix: string, attribute: string) => ({
  'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}[0-9A-F]{8}$`), attribute],
});
/** `{"Ref": <logical id starting with prefix>}`. */
const ref = (prefix: string) => ({ Ref: Match.stringLikeRegexp(`^${prefix}[0-9A-F]{8}$`) });

/**
 * `value` with each ARN built by `Fn::Join` (CDK's `formatArn`) or `Fn::Sub`
 * (template.yaml) as one text, pseudo parameters as `${AWS::Region}`, and template
 * parameters as their value in `parameters`, so that the two can be compared.
 */
function arnsAsText(value: any, parameters: Record<string, string> = {}): any {
  if (Array.isArray(value)) {
    return value.map((item) => arnsAsText(item, parameters));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if ('Fn::Sub' in value) {
    assert.equal(typeof value['Fn::Sub'], 'string', 'Fn::Sub with a variable map');
    return value['Fn::Sub'].replace(/\$\{(\w+)\}/g, (_whole: string, name: string) => {
      assert.ok(name in parameters, `no value for \${${name}}`);
      return parameters[name];
    });
  }
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'];
    return parts
      .map((part: string | { Ref: string }) => {
        if (typeof part === 'string') {
          return part;
        }
        assert.deepEqual(Object.keys(part), ['Ref'], `an ARN part that is no Ref: ${JSON.stringify(part)}`);
        return `\${${part.Ref}}`;
      })
      .join(separator);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, arnsAsText(item, parameters)]));
}

/**
 * The statements of template.yaml's ProviderFunction policy (read with CfnInclude,
 * which understands its `!Sub` short forms), its ARNs as text, `AssignableRolePath`
 * as given.
 */
function samPolicyStatements(assignableRolePath = '/identity-pool/') {
  const stack = new Stack(new App(), 'Sam');
  new CfnInclude(stack, 'Template', { templateFile: path.resolve(EXAMPLE_DIR, '../../template.yaml') });
  const policies = Template.fromStack(stack).toJSON().Resources.ProviderFunction.Properties.Policies;
  assert.equal(policies.length, 1, 'template.yaml has one policy document');
  return arnsAsText(policies[0].Statement, { AssignableRolePath: assignableRolePath });
}

/** The client id the example takes from its environment (not its placeholder). */
const GOOGLE_CLIENT_ID = '1234-test.apps.googleusercontent.com';

describe('the example app', () => {
  let templateFile: string;
  let template: Template;
  let synthOutput: string;
  const outdir = path.join(work, 'cdk.out');

  before(() => {
    synthOutput = execFileSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: EXAMPLE_DIR,
      env: { ...process.env, CDK_OUTDIR: outdir, PROVIDER_CODE_PATH: codePath, GOOGLE_CLIENT_ID },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    templateFile = path.join(outdir, 'IdentityPoolExample.template.json');
    template = Template.fromJSON(JSON.parse(readFileSync(templateFile, 'utf8')));
  });

  test('synth says what it wrote', () => {
    assert.equal(synthOutput.trim(), `Synthesized IdentityPoolExample into ${outdir}`);
  });

  test('the pool has the README property names, scalars as CloudFormation passes them', () => {
    const userPoolClient = { Ref: Match.stringLikeRegexp('^UserPoolWebClient[0-9A-F]{8}$') };
    template.hasResourceProperties(
      'Custom::IdentityPool',
      Match.objectEquals({
        ServiceToken: getAtt('ProviderFunction', 'Arn'),
        ServiceTimeout: '300',
        IdentityPoolName: 'IdentityPoolExample_pool',
        AllowUnauthenticatedIdentities: 'false',
        AllowClassicFlow: 'false',
        SupportedLoginProviders: { 'accounts.google.com': GOOGLE_CLIENT_ID },
        CognitoIdentityProviders: [
          { ProviderName: getAtt('UserPool', 'ProviderName'), ClientId: userPoolClient, ServerSideTokenCheck: 'true' },
        ],
        IdentityPoolTags: [
          { Key: 'team', Value: 'identity' },
          { Key: 'stack', Value: 'IdentityPoolExample' },
        ],
        Roles: {
          authenticated: getAtt('AuthenticatedRole', 'Arn'),
          unauthenticated: getAtt('UnauthenticatedRole', 'Arn'),
        },
        RoleMappings: {
          userPool: {
            IdentityProvider: { 'Fn::Join': ['', [getAtt('UserPool', 'ProviderName'), ':', userPoolClient]] },
            Type: 'Rules',
            AmbiguousRoleResolution: 'AuthenticatedRole',
            RulesConfiguration: {
              Rules: [
                {
                  Claim: 'cognito:groups',
                  MatchType: 'Contains',
                  Value: 'admins',
                  RoleARN: getAtt('AdminRole', 'Arn'),
                },
              ],
            },
          },
        },
        PrincipalTags: {
          'accounts.google.com': { UseDefaults: 'false', PrincipalTags: { email: 'email', domain: 'hd' } },
        },
      }),
    );
  });

  test('the outputs are the pool id (Ref), name and ARN (GetAtt)', () => {
    template.hasOutput('IdentityPoolId', { Value: ref('IdentityPool') });
    template.hasOutput('IdentityPoolName', { Value: getAtt('IdentityPool', 'Name') });
    template.hasOutput('IdentityPoolArn', { Value: getAtt('IdentityPool', 'Arn') });
  });

  test("the function has template.yaml's settings", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'bootstrap',
      Runtime: 'provided.al2023',
      Architectures: ['arm64'],
      MemorySize: 128,
      Timeout: 60,
      ReservedConcurrentExecutions: 5,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: ref('ProviderLogGroup') },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test("the function's policy is template.yaml's, statement for statement", () => {
    const [policy, ...others] = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [ref('ProviderFunctionServiceRole')] },
      }),
    );
    assert.equal(others.length, 0, 'one policy on the function role');
    template.hasResourceProperties('AWS::IAM::Policy', Match.objectEquals({
      PolicyName: Match.anyValue(),
      Roles: [ref('ProviderFunctionServiceRole')],
      PolicyDocument: { Version: '2012-10-17', Statement: Match.anyValue() },
    }));
    const statements = arnsAsText(policy.Properties.PolicyDocument.Statement);
    assert.deepEqual(statements, samPolicyStatements());
    // The comparison reads both sides' ARNs as text: PassRole under /identity-pool/ only.
    const passRole = statements.find((statement: { Sid: string }) => statement.Sid === 'PassPoolRoles');
    assert.equal(passRole.Resource, 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/identity-pool/*');
  });

  test('the pool roles are under the assignable path and trust Cognito identity pools', () => {
    template.resourcePropertiesCountIs(
      'AWS::IAM::Role',
      {
        Path: '/identity-pool/',
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: 'cognito-identity.amazonaws.com' },
              Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
              Condition: { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': Match.anyValue() } },
            },
          ],
        },
      },
      3,
    );
  });

  test('cfn-lint reports no findings', () => {
    const lint = spawnSync(CFN_LINT, ['--', templateFile], { encoding: 'utf8' });
    assert.ifError(
      lint.error && new Error(`cannot run ${CFN_LINT} (${lint.error.message}): run "make venv" or set CFN_LINT`),
    );
    assert.equal(lint.status, 0, `cfn-lint exited ${lint.status}:\n${lint.stdout}${lint.stderr}`);
    assert.equal(lint.stdout + lint.stderr, '');
  });
});

describe('IdentityPool', () => {
  /** The properties of the one Custom::IdentityPool of a stack made by `build`. */
  const poolProperties = (build: (stack: Stack) => void) => {
    const stack = new Stack(new App(), 'Test');
    build(stack);
    const [pool] = Object.values(Template.fromStack(stack).findResources('Custom::IdentityPool'));
    return pool.Properties;
  };

  test('leaves out what is not set, so the provider applies its defaults', () => {
    const properties = poolProperties((stack) => {
      new IdentityPool(stack, 'Pool', {
        provider: { serviceToken: SERVICE_TOKEN },
        allowUnauthenticatedIdentities: true,
        serviceTimeout: Duration.minutes(2),
      });
    });
    assert.deepEqual(properties, {
      ServiceToken: SERVICE_TOKEN,
      ServiceTimeout: '120',
      AllowUnauthenticatedIdentities: 'true',
    });
  });

  test('a Token role mapping has no RulesConfiguration', () => {
    const properties = poolProperties((stack) => {
      new IdentityPool(stack, 'Pool', {
        provider: { serviceToken: SERVICE_TOKEN },
        allowUnauthenticatedIdentities: false,
        supportedLoginProviders: { 'www.amazon.com': 'amzn1.application.example' },
        roleMappings: { 'www.amazon.com': { type: 'Token', ambiguousRoleResolution: 'Deny' } },
      });
    });
    assert.deepEqual(properties.RoleMappings, {
      'www.amazon.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' },
    });
  });

  test('a map key known only at deploy time is refused with the way out', () => {
    assert.throws(
      () =>
        poolProperties((stack) => {
          new IdentityPool(stack, 'Pool', {
            provider: { serviceToken: SERVICE_TOKEN },
            allowUnauthenticatedIdentities: false,
            principalTags: { [stack.region]: { useDefaults: true } },
          });
        }),
      /principalTags: the key .* must be literal strings/,
    );
  });
});

describe('IdentityPoolProvider', () => {
  test('a missing build says how to make one', () => {
    const stack = new Stack(new App(), 'Test');
    assert.throws(
      () => new IdentityPoolProvider(stack, 'Provider', { codePath: path.join(work, 'nothing-here') }),
      /No bootstrap or bootstrap.zip in .*"make build" in the repository root, or point PROVIDER_CODE_PATH/,
    );
  });

  test("another assignable role path is template.yaml's policy with that AssignableRolePath", () => {
    const stack = new Stack(new App(), 'Test');
    new IdentityPoolProvider(stack, 'Provider', { codePath, assignableRolePath: '/pools/team-a/' });
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    assert.deepEqual(
      arnsAsText(policy.Properties.PolicyDocument.Statement),
      samPolicyStatements('/pools/team-a/'),
    );
  });

  test('only an IAM path is an assignable role path', () => {
    const stack = new Stack(new App(), 'Test');
    assert.throws(
      () => new IdentityPoolProvider(stack, 'Provider', { codePath, assignableRolePath: 'identity-pool' }),
      /assignableRolePath must be an IAM path/,
    );
  });
});

describe("behind CDK's Provider framework", () => {
  test("the pool's ServiceToken is the framework's, which invokes the provider", async () => {
    const { Provider } = await import('aws-cdk-lib/custom-resources');
    const stack = new Stack(new App(), 'Framework');
    const provider = new IdentityPoolProvider(stack, 'Provider', { codePath });
    const framework = new Provider(stack, 'Framework', { onEventHandler: provider.function });
    new IdentityPool(stack, 'Pool', {
      provider: { serviceToken: framework.serviceToken },
      allowUnauthenticatedIdentities: false,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::IdentityPool', {
      ServiceToken: getAtt('FrameworkframeworkonEvent', 'Arn'),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { USER_ON_EVENT_FUNCTION_ARN: getAtt('ProviderFunction', 'Arn') } },
    });
  });
});
