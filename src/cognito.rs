//! The AWS adapter, the only place that talks to the SDK: Cognito Identity for
//! the pool, its roles and principal tags (`access`), Cognito Sync for its sync
//! settings (`sync`), and the Resource Groups Tagging API to find a pool by its
//! request tag (`tagging`).
//!
//! It speaks in the provider's own types ([`crate::domain`]) so the rest of the
//! code never sees a builder, and it writes down every call it starts in the
//! request's [`Journal`]: that is how a deadline Reason can say which step hung,
//! how a cut-off Create knows it already made a pool, and how the summary log
//! line counts the calls a request made.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cognitoidentity::config::http::HttpResponse;
use aws_sdk_cognitoidentity::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentity::types::CognitoIdentityProvider;

use crate::domain::{CognitoProvider, Pool, PoolConfig, PoolId, Tags};
use crate::journal::Journal;

mod access;
mod clients;
mod error;
mod lazy;
mod network;
mod retry_rules;
mod sync;
mod tagging;

pub use clients::{RegionClients, RegionalClients};
pub use error::CognitoError;
pub use lazy::Lazy;
pub use retry_rules::{MAX_ATTEMPTS, sdk_retries};

/// ListIdentityPools' largest page: fewest calls for the idempotency look-up.
const LIST_PAGE_SIZE: i32 = 60;

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

/// Pool ids gathered over a paged list call: `fetch` asks for the page after a
/// token, `read` answers a page's ids and its next token. Only a missing or
/// empty token ends the list (the APIs may answer an empty page with a token).
async fn all_pages<Page, Fetch>(
    mut fetch: impl FnMut(Option<String>) -> Fetch,
    read: impl Fn(&Page) -> (Vec<PoolId>, Option<&str>),
) -> Result<Vec<PoolId>, CognitoError>
where
    Fetch: Future<Output = Result<Page, CognitoError>>,
{
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let page = fetch(token).await?;
        let (page_ids, next) = read(&page);
        ids.extend(page_ids);
        match next {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => return Ok(ids),
        }
    }
}

impl PoolCalls<'_> {
    /// Notes in the journal a pool this request made in an earlier delivery,
    /// found by its request tag.
    pub fn note_created(&self, pool_id: &PoolId) {
        self.journal.record_created(pool_id);
    }

    /// Sends one call, written in the journal first. `send` is the SDK's
    /// `send()` future, which does nothing until it is awaited here.
    async fn send<T, E>(
        &self,
        operation: &'static str,
        send: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<T, CognitoError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.journal.begin(operation);
        send.await
            .map_err(|error| CognitoError::from_sdk(operation, error))
    }

    /// CreateIdentityPool with the whole configuration and the tags, answering the
    /// new pool's id. The tags go in the same call so that a pool never exists
    /// without its request tag. The SDK retries this one call only when it was
    /// throttled (refused before anything was made): a retry after a lost
    /// response would make a second pool, so the provider retries those itself,
    /// looking for the pool by its request tag first.
    pub async fn create(&self, config: &PoolConfig, tags: &Tags) -> Result<PoolId, CognitoError> {
        const OP: &str = "CreateIdentityPool";
        let builder = with_config!(self.clients.identity.create_identity_pool(), config);
        let call = builder
            .set_identity_pool_tags(Some(unsorted(tags)))
            .customize()
            .config_override(
                aws_sdk_cognitoidentity::config::Builder::default()
                    .retry_classifier(retry_rules::RetryRule::CreateIdentityPool),
            );
        let output = self.send(OP, call.send()).await?;
        let id = PoolId::parse(output.identity_pool_id()).ok_or_else(|| CognitoError {
            operation: OP,
            code: "InvalidResponse".to_owned(),
            message: format!(
                "the service answered {:?}, which is not an identity pool id (REGION:GUID)",
                output.identity_pool_id()
            ),
            transient: false,
        })?;
        self.journal.record_created(&id);
        Ok(id)
    }

    /// The pool as it is now, or `None` if no pool has this id.
    pub async fn describe(&self, pool_id: &PoolId) -> Result<Option<Pool>, CognitoError> {
        const OP: &str = "DescribeIdentityPool";
        let call = self.clients.identity.describe_identity_pool();
        let output = match self
            .send(OP, call.identity_pool_id(pool_id.as_str()).send())
            .await
        {
            Ok(output) => output,
            Err(error) if error.is_not_found() => return Ok(None),
            Err(error) => return Err(error),
        };
        Ok(Some(Pool {
            id: PoolId::parse(output.identity_pool_id()).unwrap_or_else(|| pool_id.clone()),
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
    /// out would be reset by the API
    /// (docs/design.md#updateidentitypool-replaces-the-whole-configuration).
    pub async fn update(&self, pool_id: &PoolId, config: &PoolConfig) -> Result<(), CognitoError> {
        const OP: &str = "UpdateIdentityPool";
        let call = self.clients.identity.update_identity_pool();
        let call = with_config!(call.identity_pool_id(pool_id.as_str()), config);
        self.send(OP, call.send()).await?;
        Ok(())
    }

    /// DeleteIdentityPool; `false` when there was no such pool, which for a
    /// Delete is as good as success.
    pub async fn delete(&self, pool_id: &PoolId) -> Result<bool, CognitoError> {
        const OP: &str = "DeleteIdentityPool";
        let call = self.clients.identity.delete_identity_pool();
        match self
            .send(OP, call.identity_pool_id(pool_id.as_str()).send())
            .await
        {
            Ok(_) => Ok(true),
            Err(error) if error.is_not_found() => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Ids of the pools with exactly this name, in pages of 60: the cheap first
    /// half of the idempotency look-up (only these pools' tags are read).
    pub async fn ids_named(&self, name: &str) -> Result<Vec<PoolId>, CognitoError> {
        let list = self.clients.identity.list_identity_pools();
        let list = list.max_results(LIST_PAGE_SIZE);
        let fetch = |token| {
            let page = list.clone().set_next_token(token);
            self.send("ListIdentityPools", page.send())
        };
        all_pages(fetch, |page| {
            let named = page.identity_pools().iter();
            let named = named.filter(|pool| pool.identity_pool_name() == Some(name));
            let ids = named.filter_map(|pool| pool.identity_pool_id().and_then(PoolId::parse));
            (ids.collect(), page.next_token())
        })
        .await
    }

    /// TagResource: adds or overwrites these tags.
    pub async fn tag(&self, pool_arn: &str, tags: &Tags) -> Result<(), CognitoError> {
        let call = self.clients.identity.tag_resource();
        let call = call.resource_arn(pool_arn).set_tags(Some(unsorted(tags)));
        self.send("TagResource", call.send()).await.map(drop)
    }

    /// UntagResource: removes these tag keys.
    pub async fn untag(&self, pool_arn: &str, keys: &[String]) -> Result<(), CognitoError> {
        let call = self.clients.identity.untag_resource();
        let call = call
            .resource_arn(pool_arn)
            .set_tag_keys(Some(keys.to_vec()));
        self.send("UntagResource", call.send()).await.map(drop)
    }
}
