//! The SDK clients: one set per region, built once and shared by every request.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_sdk_cognitoidentity::Client;
use aws_sdk_cognitoidentity::config::Region;

use super::network::NameTheEndpoint;
use super::retry_rules::RetryRule;
use super::{Lazy, PoolCalls};
use crate::journal::Journal;

/// The clients for one region: Cognito Identity for the pool, Cognito Sync for
/// its sync settings (built at its first use, see [`Lazy`]), the Resource
/// Groups Tagging API to find a pool by its tags. Cheap to clone (each is a
/// handle to shared state).
#[derive(Debug, Clone)]
pub struct RegionClients {
    pub identity: Client,
    pub sync: Lazy<aws_sdk_cognitosync::Client>,
    pub tagging: aws_sdk_resourcegroupstagging::Client,
}

/// A client of the SDK crate `$sdk` configured as `$client`, with `$change`
/// applied to its configuration builder.
macro_rules! rebuilt {
    ($sdk:ident, $client:expr, |$builder:ident| $change:expr) => {{
        let $builder = $client.config().to_builder();
        $sdk::Client::from_conf($change.build())
    }};
}

/// `$client` with its failures worded for a person (naming `$service`) and
/// Cognito's retry rules.
macro_rules! refined {
    ($sdk:ident, $client:expr, $service:expr) => {
        rebuilt!($sdk, $client, |config| config
            .interceptor(NameTheEndpoint { service: $service })
            .retry_classifier(RetryRule::EveryCall))
    };
}

impl RegionClients {
    /// These clients, with failures worded for a person and Cognito's
    /// retry rules (see [`super::network`] and [`super::retry_rules`]); every
    /// region's clients copy this.
    fn refined(self) -> Self {
        RegionClients {
            identity: refined!(aws_sdk_cognitoidentity, self.identity, "Cognito Identity"),
            sync: self
                .sync
                .map(|sync| refined!(aws_sdk_cognitosync, sync, "Cognito Sync")),
            tagging: refined!(
                aws_sdk_resourcegroupstagging,
                self.tagging,
                "the Resource Groups Tagging API"
            ),
        }
    }

    /// The same configuration (credentials, endpoints, retries) in another region.
    fn in_region(&self, region: &str) -> Self {
        let region = Region::new(region.to_owned());
        RegionClients {
            identity: rebuilt!(aws_sdk_cognitoidentity, self.identity, |config| config
                .region(region.clone())),
            sync: {
                let region = region.clone();
                self.sync.map(move |sync| {
                    rebuilt!(aws_sdk_cognitosync, sync, |config| config.region(region))
                })
            },
            tagging: rebuilt!(aws_sdk_resourcegroupstagging, self.tagging, |config| config
                .region(region)),
        }
    }
}

/// A cache of regional clients, shared by every request: those for the
/// function's own region, built at start-up, and those for each other region a
/// pool lives in, built the first time it is needed and kept.
#[derive(Debug)]
pub struct RegionalClients {
    home: RegionClients,
    home_region: String,
    elsewhere: Mutex<HashMap<String, RegionClients>>,
}

impl RegionalClients {
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
        RegionalClients {
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
