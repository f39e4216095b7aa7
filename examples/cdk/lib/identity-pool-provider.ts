import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * What an `IdentityPool` needs from its provider: the ARN CloudFormation invokes.
 *
 * An `IdentityPoolProvider` in the same app is one; a provider deployed elsewhere
 * (e.g. the SAM template's `ProviderFunctionArn` output) is `{ serviceToken: arn }`.
 */
export interface IIdentityPoolProvider {
  /** The `ServiceToken` of `Custom::IdentityPool` resources: the function's ARN. */
  readonly serviceToken: string;
}

/** Properties of {@link IdentityPoolProvider}. */
export interface IdentityPoolProviderProps {
  /**
   * Where the cargo-lambda build is: a directory holding `bootstrap`
   * (`cargo lambda build --release --arm64`) or `bootstrap.zip` (`make build`).
   * Overridable so that tests and CI can synthesize without building the function.
   * @default `target/lambda/identity-pool-provider` of this repository
   */
  readonly codePath?: string;

  /**
   * IAM path of the roles the provider may pass to identity pools (`Roles`,
   * `RoleMappings`). `iam:PassRole` is granted on this path only, so a template
   * cannot hand a pool an arbitrary role of the account.
   * @default '/identity-pool/'
   */
  readonly assignableRolePath?: string;

  /**
   * How long the provider's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The repository's cargo-lambda output directory, from `examples/cdk/lib`. */
const DEFAULT_CODE_PATH = path.resolve(__dirname, '../../../target/lambda/identity-pool-provider');

/**
 * The tag every pool the provider makes or adopts carries, its ownership
 * (`REQUEST_TAG_KEY` in src/idempotency.rs); the policy's conditions are on it.
 */
const OWNERSHIP_TAG = 'identity-pool-provider:create-request';

/** An IAM path: `/`, or `/` followed by `/`-terminated segments (as template.yaml's AllowedPattern). */
const ROLE_PATH = /^\/([\w+=,.@-]+\/)*$/;

/**
 * The `Custom::IdentityPool` provider: the Rust function of this repository with
 * the settings and the least-privilege policy of `template.yaml`, statement for
 * statement (the ownership-tag conditions and the Deny on removing the tag included;
 * test/synth.test.ts compares them).
 *
 * One provider serves every identity pool of an account and region; deploy it once
 * and pass it (or its `serviceToken`) to each `IdentityPool`.
 */
export class IdentityPoolProvider extends Construct implements IIdentityPoolProvider {
  /** The function's ARN, the `ServiceToken` of `Custom::IdentityPool` resources. */
  public readonly serviceToken: string;

  /** The function, for alarms, or permissions beyond the stack's own region. */
  public readonly function: lambda.Function;

  /** The IAM path roles must be under to be passed to a pool; create pool roles with it. */
  public readonly assignableRolePath: string;

  constructor(scope: Construct, id: string, props: IdentityPoolProviderProps = {}) {
    super(scope, id);
    this.assignableRolePath = props.assignableRolePath ?? '/identity-pool/';
    // A literal, not a token: it is part of the PassRole ARN and of role definitions.
    if (!ROLE_PATH.test(this.assignableRolePath)) {
      throw new Error(
        `assignableRolePath must be an IAM path such as /identity-pool/, got "${this.assignableRolePath}"`,
      );
    }

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    this.function = new lambda.Function(this, 'Function', {
      description: 'CloudFormation custom resource provider for Cognito identity pools (Custom::IdentityPool)',
      code: providerCode(props.codePath ?? DEFAULT_CODE_PATH),
      handler: 'bootstrap',
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 128,
      // The handler keeps a third of the time left (at most 5 s) to deliver its
      // answer, so a hung Cognito call still ends in a FAILED response.
      timeout: Duration.seconds(60),
      // Stacks deploy a few resources at a time; this bounds a runaway loop of
      // requests and keeps TagResource under its 5 requests/s account quota.
      reservedConcurrentExecutions: 5,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup,
    });

    const stack = Stack.of(this);
    const ownRegionPools = (service: string) =>
      stack.formatArn({ service, resource: 'identitypool', resourceName: '*' });
    const identityPools = ownRegionPools('cognito-identity');
    const requestSetsTheTag = { Null: { [`aws:RequestTag/${OWNERSHIP_TAG}`]: 'false' } };
    // The statements of template.yaml's ProviderFunction policy, in its order
    // (test/synth.test.ts compares the two). Ownership: every pool the provider
    // makes or adopts carries the tag OWNERSHIP_TAG (<stack guid>/<request id>).
    const statements = [
      // Neither ListIdentityPools nor CreateIdentityPool names an existing pool, so
      // neither supports a resource ARN; a pool can only be created with the tag.
      new iam.PolicyStatement({
        sid: 'FindPools',
        actions: ['cognito-identity:ListIdentityPools'],
        resources: ['*'],
      }),
      // The idempotency look-up finds a request's pool by its tag in one call at any
      // account size. GetResources supports no resource-level scope.
      new iam.PolicyStatement({
        sid: 'FindPoolsByTag',
        actions: ['tag:GetResources'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'CreateOnlyTaggedPools',
        actions: ['cognito-identity:CreateIdentityPool'],
        resources: ['*'],
        conditions: requestSetsTheTag,
      }),
      // Reading is harmless, and adoption reads a pool before claiming it.
      new iam.PolicyStatement({
        sid: 'ReadOwnRegionPools',
        actions: ['DescribeIdentityPool', 'GetIdentityPoolRoles', 'GetPrincipalTagAttributeMap'].map(
          (action) => `cognito-identity:${action}`,
        ),
        resources: [identityPools],
      }),
      // Changing or deleting a pool needs the ownership tag on it.
      new iam.PolicyStatement({
        sid: 'ChangeOnlyTaggedPools',
        actions: [
          'UpdateIdentityPool',
          'DeleteIdentityPool',
          'TagResource',
          'UntagResource',
          'SetIdentityPoolRoles',
          'SetPrincipalTagAttributeMap',
        ].map((action) => `cognito-identity:${action}`),
        resources: [identityPools],
        conditions: { Null: { [`aws:ResourceTag/${OWNERSHIP_TAG}`]: 'false' } },
      }),
      // Adoption claims a pool that has no tag yet: tagging is allowed when the call
      // sets the ownership tag.
      new iam.PolicyStatement({
        sid: 'ClaimPoolsByTagging',
        actions: ['cognito-identity:TagResource'],
        resources: [identityPools],
        conditions: requestSetsTheTag,
      }),
      // The ownership tag is never removed, except a provisional claim ("adopting:…")
      // that a failed adoption takes back.
      new iam.PolicyStatement({
        sid: 'NeverRemoveTheOwnershipTag',
        effect: iam.Effect.DENY,
        actions: ['cognito-identity:UntagResource'],
        resources: ['*'],
        conditions: {
          'ForAnyValue:StringEquals': { 'aws:TagKeys': OWNERSHIP_TAG },
          StringNotLike: { [`aws:ResourceTag/${OWNERSHIP_TAG}`]: 'adopting:*' },
        },
      }),
      // CognitoStreams, PushSync and CognitoEvents live in the Cognito Sync API. An
      // adoption reads them first, to put them back if it fails.
      new iam.PolicyStatement({
        sid: 'ManageOwnRegionSyncSettings',
        actions: [
          'SetIdentityPoolConfiguration',
          'SetCognitoEvents',
          'GetIdentityPoolConfiguration',
          'GetCognitoEvents',
        ].map((action) => `cognito-sync:${action}`),
        resources: [ownRegionPools('cognito-sync')],
      }),
      // SetIdentityPoolRoles (and the stream and push-sync settings) pass roles
      // to Cognito: only those under the path.
      new iam.PolicyStatement({
        sid: 'PassPoolRoles',
        actions: ['iam:PassRole'],
        resources: [
          stack.formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName: `${this.assignableRolePath.slice(1)}*`,
          }),
        ],
        conditions: {
          StringEquals: {
            'iam:PassedToService': ['cognito-identity.amazonaws.com', 'cognito-sync.amazonaws.com'],
          },
        },
      }),
    ];
    statements.forEach((statement) => this.function.addToRolePolicy(statement));
    // lambda.Function makes its resource depend on the whole role construct, so that
    // the policy above exists before the first request; the role's own DependsOn entry
    // repeats the Role GetAtt, which cfn-lint reports (W3005). Silenced on this resource only.
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', {
      config: { ignore_checks: ['W3005'] },
    });

    this.serviceToken = this.function.functionArn;
  }
}

/**
 * The function's code from a cargo-lambda build: the directory when it holds
 * `bootstrap`, else its `bootstrap.zip` as it is. Checked here so that a missing
 * build says how to make one rather than "Cannot find asset".
 */
function providerCode(codePath: string): lambda.Code {
  if (existsSync(path.join(codePath, 'bootstrap'))) {
    return lambda.Code.fromAsset(codePath);
  }
  const zip = path.join(codePath, 'bootstrap.zip');
  if (existsSync(zip)) {
    return lambda.Code.fromAsset(zip);
  }
  throw new Error(
    `No bootstrap or bootstrap.zip in ${codePath}: build the function with "make build" in the ` +
      'repository root, or point PROVIDER_CODE_PATH (or the codePath prop) at a cargo-lambda build.',
  );
}
