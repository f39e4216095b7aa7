// The example app: the provider, a user pool, pool roles and an identity pool
// using each kind of setting. `npm run synth` writes it to cdk.out; with the CDK
// CLI, `npx aws-cdk@2 deploy` (cdk.json runs this file).
import { App, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { IdentityPool } from '../lib/identity-pool';
import { IdentityPoolProvider } from '../lib/identity-pool-provider';

/**
 * Your Google OAuth client id, the app id of the `accounts.google.com` login provider:
 * the GOOGLE_CLIENT_ID environment variable, else a placeholder that synthesizes (and
 * deploys) but signs nobody in.
 */
const GOOGLE_CLIENT_ID = process.env.GOOGLE_CLIENT_ID ?? 'your-client-id.apps.googleusercontent.com';

interface ExampleStackProps extends StackProps {
  /** The cargo-lambda build; tests pass a stand-in so no build is needed. */
  readonly providerCodePath?: string;
}

class IdentityPoolExampleStack extends Stack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);

    const provider = new IdentityPoolProvider(this, 'Provider', { codePath: props.providerCodePath });

    const userPool = new cognito.UserPool(this, 'UserPool', {
      signInAliases: { email: true },
      removalPolicy: RemovalPolicy.DESTROY, // an example: nothing in it to keep
    });
    const client = userPool.addClient('WebClient');

    // Roles the pool hands out, under the provider's assignableRolePath: the only
    // roles it may pass to Cognito. Their trust cannot name the pool's id (`aud`),
    // as the pool takes the roles and so is made after them; `amr` is the condition
    // IAM wants, and other accounts' pools are refused (STS: no `aud`; PassRole:
    // another account's role). Pools of this account could still assume them; to
    // pin `aud`, leave `roles` and `roleMappings` out and attach the roles with an
    // AWS::Cognito::IdentityPoolRoleAttachment naming `pool.poolId`. See README.md.
    const poolRole = (id: string, amr: 'authenticated' | 'unauthenticated') =>
      new iam.Role(this, id, {
        path: provider.assignableRolePath,
        assumedBy: new iam.FederatedPrincipal(
          'cognito-identity.amazonaws.com',
          { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr } },
          'sts:AssumeRoleWithWebIdentity',
        ).withSessionTags(), // principal tags are session tags: sts:TagSession
      });
    const authenticatedRole = poolRole('AuthenticatedRole', 'authenticated');
    const unauthenticatedRole = poolRole('UnauthenticatedRole', 'unauthenticated');
    const adminRole = poolRole('AdminRole', 'authenticated');

    const pool = new IdentityPool(this, 'IdentityPool', {
      provider,
      identityPoolName: `${this.stackName}_pool`,
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      cognitoIdentityProviders: [
        {
          providerName: userPool.userPoolProviderName,
          clientId: client.userPoolClientId,
          serverSideTokenCheck: true,
        },
      ],
      supportedLoginProviders: { 'accounts.google.com': GOOGLE_CLIENT_ID },
      roles: { authenticated: authenticatedRole.roleArn, unauthenticated: unauthenticatedRole.roleArn },
      roleMappings: {
        // The user pool's name is known only at deploy time: a key of our own.
        userPool: {
          identityProvider: `${userPool.userPoolProviderName}:${client.userPoolClientId}`,
          type: 'Rules',
          ambiguousRoleResolution: 'AuthenticatedRole',
          rules: [{ claim: 'cognito:groups', matchType: 'Contains', value: 'admins', roleArn: adminRole.roleArn }],
        },
      },
      // Keyed by the provider's literal name, so a login provider's domain here.
      principalTags: { 'accounts.google.com': { useDefaults: false, tags: { email: 'email', domain: 'hd' } } },
      tags: { team: 'identity', stack: this.stackName },
    });

    new CfnOutput(this, 'IdentityPoolId', { description: 'The pool id (Ref).', value: pool.poolId });
    new CfnOutput(this, 'IdentityPoolName', { description: 'The pool name (Fn::GetAtt Name).', value: pool.poolName });
    new CfnOutput(this, 'IdentityPoolArn', { description: 'The pool ARN (Fn::GetAtt Arn).', value: pool.poolArn });
    new CfnOutput(this, 'ProviderServiceToken', {
      description: 'The ServiceToken for Custom::IdentityPool resources in other stacks.',
      value: provider.serviceToken,
    });
  }
}

// CDK_OUTDIR is set by the CDK CLI and by the tests; without it, cdk.out as the CLI would.
const app = new App({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out' });
new IdentityPoolExampleStack(app, 'IdentityPoolExample', { providerCodePath: process.env.PROVIDER_CODE_PATH });
const assembly = app.synth();
console.log(`Synthesized ${assembly.stacks.map((stack) => stack.stackName).join(', ')} into ${assembly.directory}`);
