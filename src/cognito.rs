//! The Cognito Identity adapter: the only place that talks to the SDK.
//!
//! It speaks in the provider's own types ([`PoolConfig`], tag maps, [`Pool`]) so
//! the rest of the code never sees a builder, and it writes down every call it
//! starts in the request's [`Journal`]: that is how a deadline Reason can say
//! which step hung, how a cut-off Create knows it already made a pool, and how the
//! summary log line counts the calls a request made.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use aws_sdk_cognitoidentity::Client;
use aws_sdk_cognitoidentity::config::Region;
use aws_sdk_cognitoidentity::config::http::HttpResponse;
use aws_sdk_cognitoidentity::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentity::types::CognitoIdentityProvider;

use crate::properties::{CognitoProvider, PoolConfig};

mod access;
mod create_retry;
mod network;
mod sync;
mod tagging;

pub use network::Unreachable;
use network::{NameTheEndpoint, NoRetryOnQuota};

/// ListIdentityPools' largest page: fewest calls for the idempotency look-up.
const LIST_PAGE_SIZE: i32 = 60;

/// The region a pool lives in: the first part of its id, `REGION:GUID`.
pub fn pool_region(pool_id: &str) -> &str {
    pool_id.split(':').next().unwrap_or_default()
}

/// A pool as Cognito describes it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub id: String,
    pub config: PoolConfig,
    pub tags: BTreeMap<String, String>,
}

/// A failed Cognito call, worded for the CloudFormation console: the operation,
/// the service's error code and its message, or, when the service could not be
/// reached at all, one sentence naming it, its endpoint and the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoError {
    pub operation: &'static str,
    pub code: String,
    pub message: String,
    /// Throttling, a 5xx, a concurrent change or a network failure: the same
    /// call may succeed later.
    pub transient: bool,
}

/// The code of a call that never got an answer from the service.
pub const UNREACHABLE: &str = "Unreachable";

impl std::fmt::Display for CognitoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code.as_str() {
            UNREACHABLE => write!(f, "{} failed: {}", self.operation, self.message),
            code => write!(f, "{} failed: {code}: {}", self.operation, self.message),
        }
    }
}

impl std::error::Error for CognitoError {}

/// Where Cognito's quotas are listed, and how the adjustable ones are raised.
const QUOTAS_HELP: &str = "Adjustable quotas are raised in the Service Quotas console (https://console.aws.amazon.com/servicequotas/home/services/cognito-identity/quotas); all are listed at https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html";

/// What a person can do about a code the service's own message leaves unexplained.
fn advice(operation: &str, code: &str) -> Option<String> {
    match (operation, code) {
        ("CreateIdentityPool", network::QUOTA_CODE) => Some(format!(
            "The account has reached its quota of identity pools in this Region (1,000 per account per Region unless raised): delete pools no longer used, or request a higher quota. {QUOTAS_HELP}"
        )),
        (_, network::QUOTA_CODE) => Some(format!("A Cognito quota was reached. {QUOTAS_HELP}")),
        _ => None,
    }
}

impl CognitoError {
    fn from_sdk<E>(operation: &'static str, error: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        if let Some(unreachable) = unreachable(&error) {
            return CognitoError {
                operation,
                code: UNREACHABLE.to_owned(),
                message: unreachable.to_string(),
                transient: true,
            };
        }
        let code = error.code().unwrap_or("Unknown").to_owned();
        let mut message = match error.message() {
            Some(message) => message.to_owned(),
            None => aws_sdk_cognitoidentity::error::DisplayErrorContext(&error).to_string(),
        };
        if let Some(advice) = advice(operation, &code) {
            message = format!("{}. {advice}", message.trim_end_matches('.'));
        }
        let transient = match &error {
            SdkError::TimeoutError(_)
            | SdkError::DispatchFailure(_)
            | SdkError::ResponseError(_) => true,
            SdkError::ServiceError(service) => {
                service.raw().status().is_server_error()
                    || matches!(
                        code.as_str(),
                        "TooManyRequestsException"
                            | "ThrottlingException"
                            | network::CONCURRENT_CODE
                    )
            }
            _ => false,
        };
        CognitoError {
            operation,
            code,
            message,
            transient,
        }
    }

    fn is_not_found(&self) -> bool {
        self.code == "ResourceNotFoundException"
    }
}

/// The [`Unreachable`] that [`NameTheEndpoint`] put into a failed call, if any.
fn unreachable<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a Unreachable> {
    let mut current = Some(error);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<Unreachable>() {
            return Some(found);
        }
        current = err.source();
    }
    None
}

/// What one request has done so far: the calls it started, in order, and the
/// pool it created, if any. Shared with the handler, which reads it when the
/// deadline cuts the work off.
#[derive(Debug, Default)]
pub struct Journal {
    state: Mutex<JournalState>,
}

#[derive(Debug, Default, Clone)]
struct JournalState {
    calls: Vec<&'static str>,
    created_pool: Option<String>,
}

impl Journal {
    fn begin(&self, operation: &'static str) {
        self.lock().calls.push(operation);
    }

    fn record_created(&self, pool_id: &str) {
        self.lock().created_pool = Some(pool_id.to_owned());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, JournalState> {
        // A panic while the lock was held leaves the journal readable, and the
        // journal is exactly what the panic's FAILED answer needs.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every Cognito operation started, in order.
    pub fn calls(&self) -> Vec<&'static str> {
        self.lock().calls.clone()
    }

    /// The step that was under way last: what a timed-out request was waiting on.
    pub fn current_step(&self) -> &'static str {
        self.lock()
            .calls
            .last()
            .copied()
            .unwrap_or("validating the request")
    }

    /// The pool this request created, so a request cut off after
    /// CreateIdentityPool can still answer with it or remove it.
    pub fn created_pool(&self) -> Option<String> {
        self.lock().created_pool.clone()
    }
}

/// The clients for one region: Cognito Identity for the pool, Cognito Sync for
/// its sync settings, the Resource Groups Tagging API to find a pool by its
/// tags. Cheap to clone (each is a handle to shared state).
#[derive(Debug, Clone)]
pub struct RegionClients {
    pub identity: Client,
    pub sync: aws_sdk_cognitosync::Client,
    pub tagging: aws_sdk_resourcegroupstagging::Client,
}

impl RegionClients {
    /// These clients, with failures worded for a person and quotas never
    /// retried (see [`network`]); every region's clients copy this.
    fn refined(self) -> Self {
        RegionClients {
            identity: Client::from_conf(
                self.identity
                    .config()
                    .to_builder()
                    .interceptor(NameTheEndpoint {
                        service: "Cognito Identity",
                    })
                    .retry_classifier(NoRetryOnQuota)
                    .build(),
            ),
            sync: aws_sdk_cognitosync::Client::from_conf(
                self.sync
                    .config()
                    .to_builder()
                    .interceptor(NameTheEndpoint {
                        service: "Cognito Sync",
                    })
                    .retry_classifier(NoRetryOnQuota)
                    .build(),
            ),
            tagging: self.tagging,
        }
    }

    /// The same configuration (credentials, endpoints, retries) in another region.
    fn in_region(&self, region: &str) -> Self {
        let region = Region::new(region.to_owned());
        RegionClients {
            identity: Client::from_conf(
                self.identity
                    .config()
                    .to_builder()
                    .region(region.clone())
                    .build(),
            ),
            sync: aws_sdk_cognitosync::Client::from_conf(
                self.sync
                    .config()
                    .to_builder()
                    .region(region.clone())
                    .build(),
            ),
            tagging: aws_sdk_resourcegroupstagging::Client::from_conf(
                self.tagging.config().to_builder().region(region).build(),
            ),
        }
    }
}

/// The clients shared by every request: those for the function's own region,
/// built at start-up, and those for each other region a pool lives in, built
/// the first time it is needed and kept.
#[derive(Debug)]
pub struct IdentityPools {
    home: RegionClients,
    home_region: String,
    elsewhere: Mutex<HashMap<String, RegionClients>>,
}

/// The clients seen by one request, writing its calls into that request's journal.
pub struct PoolCalls<'a> {
    clients: RegionClients,
    journal: &'a Journal,
}

/// Sets every field of UpdateIdentityPool or CreateIdentityPool from a config:
/// the two builders share no trait, and both must always receive the whole
/// configuration, because an Update resets whatever it leaves out.
macro_rules! with_config {
    ($builder:expr, $config:expr) => {{
        let config: &PoolConfig = $config;
        $builder
            .identity_pool_name(&config.name)
            .allow_unauthenticated_identities(config.allow_unauthenticated_identities)
            .allow_classic_flow(config.allow_classic_flow)
            .set_supported_login_providers(Some(unsorted(&config.supported_login_providers)))
            .set_developer_provider_name(config.developer_provider_name.clone())
            .set_open_id_connect_provider_arns(Some(config.open_id_connect_provider_arns.clone()))
            .set_cognito_identity_providers(Some(
                config
                    .cognito_identity_providers
                    .iter()
                    .map(to_sdk_provider)
                    .collect(),
            ))
            .set_saml_provider_arns(Some(config.saml_provider_arns.clone()))
    }};
}

fn to_sdk_provider(provider: &CognitoProvider) -> CognitoIdentityProvider {
    CognitoIdentityProvider::builder()
        .provider_name(&provider.provider_name)
        .client_id(&provider.client_id)
        .server_side_token_check(provider.server_side_token_check)
        .build()
}

fn from_sdk_provider(provider: &CognitoIdentityProvider) -> CognitoProvider {
    CognitoProvider {
        provider_name: provider.provider_name().unwrap_or_default().to_owned(),
        client_id: provider.client_id().unwrap_or_default().to_owned(),
        server_side_token_check: provider.server_side_token_check().unwrap_or(false),
    }
}

/// A string map from the SDK, in the order the provider compares maps in.
fn sorted(map: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    map.map(|m| m.clone().into_iter().collect())
        .unwrap_or_default()
}

/// A string map as the SDK's builders take it.
fn unsorted(map: &BTreeMap<String, String>) -> HashMap<String, String> {
    map.clone().into_iter().collect()
}

impl IdentityPools {
    /// `home` are the clients for the function's own region, configured from
    /// the environment; other regions' clients copy their configuration.
    pub fn new(home: RegionClients) -> Self {
        let home = home.refined();
        let home_region = home
            .identity
            .config()
            .region()
            .map(ToString::to_string)
            .unwrap_or_default();
        IdentityPools {
            home,
            home_region,
            elsewhere: Mutex::new(HashMap::new()),
        }
    }

    /// The region pools are created in when the template names none.
    pub fn home_region(&self) -> &str {
        &self.home_region
    }

    /// The clients for `region`, recording into one request's journal.
    pub fn for_request<'a>(&self, region: &str, journal: &'a Journal) -> PoolCalls<'a> {
        let clients = if region == self.home_region || region.is_empty() {
            self.home.clone()
        } else {
            let mut elsewhere = self
                .elsewhere
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            elsewhere
                .entry(region.to_owned())
                .or_insert_with(|| self.home.in_region(region))
                .clone()
        };
        PoolCalls { clients, journal }
    }
}

impl PoolCalls<'_> {
    /// CreateIdentityPool with the whole configuration and the tags, answering the
    /// new pool's id. The tags go in the same call so that a pool never exists
    /// without its request tag. The SDK retries this one call only when it was
    /// throttled (refused before anything was made): a retry after a lost
    /// response would make a second pool, so the provider retries those itself,
    /// looking for the pool by its request tag first.
    pub async fn create(
        &self,
        config: &PoolConfig,
        tags: &BTreeMap<String, String>,
    ) -> Result<String, CognitoError> {
        const OP: &str = "CreateIdentityPool";
        self.journal.begin(OP);
        let builder = with_config!(self.clients.identity.create_identity_pool(), config);
        let output = builder
            .set_identity_pool_tags(Some(unsorted(tags)))
            .customize()
            .config_override(
                aws_sdk_cognitoidentity::config::Builder::default()
                    .retry_classifier(create_retry::OnlyWhenThrottled),
            )
            .send()
            .await
            .map_err(|e| CognitoError::from_sdk(OP, e))?;
        let id = output.identity_pool_id().to_owned();
        self.journal.record_created(&id);
        Ok(id)
    }

    /// The pool as it is now, or `None` if no pool has this id.
    pub async fn describe(&self, pool_id: &str) -> Result<Option<Pool>, CognitoError> {
        const OP: &str = "DescribeIdentityPool";
        self.journal.begin(OP);
        let output = match self
            .clients
            .identity
            .describe_identity_pool()
            .identity_pool_id(pool_id)
            .send()
            .await
        {
            Ok(output) => output,
            Err(e) => {
                let error = CognitoError::from_sdk(OP, e);
                return if error.is_not_found() {
                    Ok(None)
                } else {
                    Err(error)
                };
            }
        };
        Ok(Some(Pool {
            id: output.identity_pool_id().to_owned(),
            config: PoolConfig {
                name: output.identity_pool_name().to_owned(),
                allow_unauthenticated_identities: output.allow_unauthenticated_identities(),
                allow_classic_flow: output.allow_classic_flow().unwrap_or(false),
                supported_login_providers: sorted(output.supported_login_providers()),
                developer_provider_name: output.developer_provider_name().map(str::to_owned),
                open_id_connect_provider_arns: output.open_id_connect_provider_arns().to_vec(),
                cognito_identity_providers: output
                    .cognito_identity_providers()
                    .iter()
                    .map(from_sdk_provider)
                    .collect(),
                saml_provider_arns: output.saml_provider_arns().to_vec(),
            },
            tags: sorted(output.identity_pool_tags()),
        }))
    }

    /// UpdateIdentityPool with the complete desired configuration: anything left
    /// out would be reset by the API (REFERENCE §2.3).
    pub async fn update(&self, pool_id: &str, config: &PoolConfig) -> Result<(), CognitoError> {
        const OP: &str = "UpdateIdentityPool";
        self.journal.begin(OP);
        with_config!(
            self.clients
                .identity
                .update_identity_pool()
                .identity_pool_id(pool_id),
            config
        )
        .send()
        .await
        .map_err(|e| CognitoError::from_sdk(OP, e))?;
        Ok(())
    }

    /// DeleteIdentityPool; `false` when there was no such pool, which for a
    /// Delete is as good as success.
    pub async fn delete(&self, pool_id: &str) -> Result<bool, CognitoError> {
        const OP: &str = "DeleteIdentityPool";
        self.journal.begin(OP);
        match self
            .clients
            .identity
            .delete_identity_pool()
            .identity_pool_id(pool_id)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => {
                let error = CognitoError::from_sdk(OP, e);
                if error.is_not_found() {
                    Ok(false)
                } else {
                    Err(error)
                }
            }
        }
    }

    /// Ids of the pools with exactly this name, in pages of 60: the cheap first
    /// half of the idempotency look-up (only these pools' tags are read).
    pub async fn ids_named(&self, name: &str) -> Result<Vec<String>, CognitoError> {
        const OP: &str = "ListIdentityPools";
        let mut ids = Vec::new();
        let mut next_token = None;
        loop {
            self.journal.begin(OP);
            let page = self
                .clients
                .identity
                .list_identity_pools()
                .max_results(LIST_PAGE_SIZE)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(|e| CognitoError::from_sdk(OP, e))?;
            ids.extend(
                page.identity_pools()
                    .iter()
                    .filter(|pool| pool.identity_pool_name() == Some(name))
                    .filter_map(|pool| pool.identity_pool_id().map(str::to_owned)),
            );
            match page.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_owned()),
                _ => return Ok(ids),
            }
        }
    }

    /// TagResource: adds or overwrites these tags.
    pub async fn tag(
        &self,
        pool_arn: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<(), CognitoError> {
        const OP: &str = "TagResource";
        self.journal.begin(OP);
        self.clients
            .identity
            .tag_resource()
            .resource_arn(pool_arn)
            .set_tags(Some(unsorted(tags)))
            .send()
            .await
            .map_err(|e| CognitoError::from_sdk(OP, e))?;
        Ok(())
    }

    /// UntagResource: removes these tag keys.
    pub async fn untag(&self, pool_arn: &str, keys: &[String]) -> Result<(), CognitoError> {
        const OP: &str = "UntagResource";
        self.journal.begin(OP);
        self.clients
            .identity
            .untag_resource()
            .resource_arn(pool_arn)
            .set_tag_keys(Some(keys.to_vec()))
            .send()
            .await
            .map_err(|e| CognitoError::from_sdk(OP, e))?;
        Ok(())
    }
}
