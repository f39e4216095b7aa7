import { CustomResource, Duration, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IIdentityPoolProvider } from './identity-pool-provider';

/** A Cognito user pool app client the pool accepts ID tokens from. */
export interface CognitoIdentityProvider {
  /** `cognito-idp.<region>.amazonaws.com/<user pool id>`: a user pool's `userPoolProviderName`. */
  readonly providerName: string;
  /** The app client id. */
  readonly clientId: string;
  /**
   * Whether Cognito checks with the user pool that the token was not revoked
   * (signed out, user disabled) before handing out credentials.
   * @default false
   */
  readonly serverSideTokenCheck?: boolean;
}

/** One rule of a `Rules` role mapping: the first rule whose claim matches picks the role. */
export interface RoleMappingRule {
  /** The token claim compared, e.g. `cognito:groups`. */
  readonly claim: string;
  /** How the claim is compared with `value`. */
  readonly matchType: 'Equals' | 'Contains' | 'StartsWith' | 'NotEqual';
  /** What the claim is compared with. */
  readonly value: string;
  /** The role the user gets when the rule matches; under the provider's `assignableRolePath`. */
  readonly roleArn: string;
}

/** What every role mapping has, whichever its type. */
interface RoleMappingBase {
  /**
   * The provider the mapping is for, when the mapping's key cannot name it:
   * a user pool is `<userPoolProviderName>:<client id>`, known only at deploy
   * time, and CloudFormation map keys must be literal strings.
   * @default the mapping's key
   */
  readonly identityProvider?: string;
  /** What a user gets when no rule matches or the token's role is not usable. */
  readonly ambiguousRoleResolution: 'AuthenticatedRole' | 'Deny';
}

/** The role comes from the token's `cognito:preferred_role` / `cognito:roles` claims. */
export interface TokenRoleMapping extends RoleMappingBase {
  readonly type: 'Token';
}

/** The role comes from the first matching rule. */
export interface RulesRoleMapping extends RoleMappingBase {
  readonly type: 'Rules';
  /** 1 to 25 rules, tried in order. */
  readonly rules: RoleMappingRule[];
}

/** How users of one provider are mapped to roles (`AWS::Cognito::IdentityPoolRoleAttachment`'s shape). */
export type RoleMapping = TokenRoleMapping | RulesRoleMapping;

/** Which token claims become session tags for attribute-based access control. */
export interface PrincipalTagMap {
  /**
   * Use Cognito's default tags (`client` → `aud`, `username` → `sub`) for this provider.
   * @default false, as the provider reads an absent `UseDefaults`
   */
  readonly useDefaults?: boolean;
  /** Session tag name → the token claim whose value it takes. */
  readonly tags?: Record<string, string>;
}

/**
 * Properties of {@link IdentityPool}: those of `AWS::Cognito::IdentityPool`, in
 * camelCase, with the provider's `Roles`, `RoleMappings`, `PrincipalTags` and `Region`.
 * The README's property table has every rule; the provider checks them all and
 * fails the resource with a Reason naming each broken one.
 */
export interface IdentityPoolProps {
  /** The provider that carries out the requests: an `IdentityPoolProvider`, or `{ serviceToken }`. */
  readonly provider: IIdentityPoolProvider;
  /**
   * Renamed in place when changed.
   * @default `<stack name>-<logical id>`, the same for every deploy of the stack
   */
  readonly identityPoolName?: string;
  /** Whether guests without a login get an identity (and the unauthenticated role). */
  readonly allowUnauthenticatedIdentities: boolean;
  /**
   * Whether the basic (classic) flow is allowed, in which the client picks its role.
   * @default false
   */
  readonly allowClassicFlow?: boolean;
  /** Public login providers: domain (e.g. `accounts.google.com`) → app id. */
  readonly supportedLoginProviders?: Record<string, string>;
  /**
   * The name developer-authenticated identities are issued under. Changing or
   * removing it once set **replaces** the pool (its identities do not move).
   */
  readonly developerProviderName?: string;
  /** IAM OIDC identity provider ARNs. */
  readonly openIdConnectProviderArns?: string[];
  /** User pool app clients. */
  readonly cognitoIdentityProviders?: CognitoIdentityProvider[];
  /** IAM SAML provider ARNs. */
  readonly samlProviderArns?: string[];
  /** Tags of the pool (at most 49: the provider keeps one of its own). */
  readonly tags?: Record<string, string>;
  /** Default role ARNs, under the provider's `assignableRolePath`. */
  readonly roles?: { readonly authenticated?: string; readonly unauthenticated?: string };
  /**
   * Role mappings by provider name (or by a free name with `identityProvider`).
   * Keys must be literal strings: CloudFormation cannot compute a map key.
   */
  readonly roleMappings?: Record<string, RoleMapping>;
  /**
   * Principal tag maps by provider name: a `supportedLoginProviders` domain, an
   * OIDC issuer or provider ARN, a SAML provider ARN, or a user pool's
   * `userPoolProviderName`. Keys must be literal strings (see `roleMappings`).
   */
  readonly principalTags?: Record<string, PrincipalTagMap>;
  /**
   * Where the pool is made; changing it **replaces** the pool. The provider's
   * policy covers its own region only: grant the others on `provider.function`.
   * @default the provider's region
   */
  readonly region?: string;
  /**
   * How long CloudFormation waits for an answer before it fails the resource.
   * The provider answers within its 60 s timeout; this bounds the wait when the
   * provider itself is broken (CloudFormation's default is an hour).
   * @default Duration.minutes(5)
   */
  readonly serviceTimeout?: Duration;
}

/**
 * A Cognito identity pool managed by the `Custom::IdentityPool` provider.
 *
 * Converts the typed props to the properties the provider reads, in the shape
 * CloudFormation delivers them: booleans as `"true"`/`"false"`, tags as a list of
 * `{Key, Value}`, rules under `RulesConfiguration.Rules`. A prop left out is left
 * out of the template, so the provider applies its default.
 */
export class IdentityPool extends Construct {
  /** The pool id (`Ref`), `REGION:GUID`: what clients and role trust policies use. */
  public readonly poolId: string;
  /** The pool name (`Fn::GetAtt Name`), the given one or the provider's default. */
  public readonly poolName: string;
  /** The pool ARN (`Fn::GetAtt Arn`), for IAM policies on the pool. */
  public readonly poolArn: string;
  /** The custom resource, for dependencies and removal policies. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: IdentityPoolProps) {
    super(scope, id);
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: 'Custom::IdentityPool',
      serviceToken: props.provider.serviceToken,
      serviceTimeout: props.serviceTimeout ?? Duration.minutes(5),
      properties: identityPoolProperties(props),
    });
    this.poolId = this.resource.ref;
    this.poolName = this.resource.getAttString('Name');
    this.poolArn = this.resource.getAttString('Arn');
  }
}

/** The README's properties for the props; `undefined` values are dropped at synthesis. */
function identityPoolProperties(props: IdentityPoolProps): Record<string, unknown> {
  return {
    IdentityPoolName: props.identityPoolName,
    AllowUnauthenticatedIdentities: flag(props.allowUnauthenticatedIdentities),
    AllowClassicFlow: flag(props.allowClassicFlow),
    SupportedLoginProviders: literalKeys('supportedLoginProviders', props.supportedLoginProviders),
    DeveloperProviderName: props.developerProviderName,
    OpenIdConnectProviderARNs: props.openIdConnectProviderArns,
    CognitoIdentityProviders: props.cognitoIdentityProviders?.map((provider) => ({
      ProviderName: provider.providerName,
      ClientId: provider.clientId,
      ServerSideTokenCheck: flag(provider.serverSideTokenCheck),
    })),
    SamlProviderARNs: props.samlProviderArns,
    IdentityPoolTags: props.tags && Object.entries(props.tags).map(([Key, Value]) => ({ Key, Value })),
    Roles: props.roles,
    RoleMappings: mapValues(literalKeys('roleMappings', props.roleMappings), (mapping) => ({
      IdentityProvider: mapping.identityProvider,
      Type: mapping.type,
      AmbiguousRoleResolution: mapping.ambiguousRoleResolution,
      RulesConfiguration:
        mapping.type === 'Rules'
          ? {
              Rules: mapping.rules.map((rule) => ({
                Claim: rule.claim,
                MatchType: rule.matchType,
                Value: rule.value,
                RoleARN: rule.roleArn,
              })),
            }
          : undefined,
    })),
    PrincipalTags: mapValues(literalKeys('principalTags', props.principalTags), (map) => ({
      UseDefaults: flag(map.useDefaults),
      PrincipalTags: map.tags,
    })),
    Region: props.region,
  };
}

/** A boolean as CloudFormation passes every scalar to a custom resource: a string. */
function flag(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** `record` with `f` applied to each value; `undefined` stays `undefined`. */
function mapValues<T, U>(record: Record<string, T> | undefined, f: (value: T) => U): Record<string, U> | undefined {
  return record && Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]));
}

/**
 * `record`, once every key is known to be a literal. A token key (a user pool's
 * provider name, say) cannot be a CloudFormation map key; say so here, with the
 * way out, instead of failing later at synthesis.
 */
function literalKeys<T>(prop: string, record: Record<string, T> | undefined): Record<string, T> | undefined {
  const token = Object.keys(record ?? {}).find((key) => Token.isUnresolved(key));
  if (token !== undefined) {
    throw new Error(
      `${prop}: the key "${token}" is resolved only at deploy time, and CloudFormation map keys must be ` +
        'literal strings. Name the provider literally (a role mapping may also use a name of your own ' +
        'and set identityProvider).',
    );
  }
  return record;
}
