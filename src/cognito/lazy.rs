//! A client built at its first use.

use std::ops::Deref;
use std::sync::{Arc, LazyLock};

/// An SDK client built the first time a request uses it, then shared by all
/// (clones share one client). Building a client is not free: the SDK parses
/// its service's endpoint tables then. Most requests never call Cognito Sync
/// (only those setting CognitoStreams, PushSync or CognitoEvents, and
/// adoptions that read them), so that client waits for such a request instead
/// of lengthening every cold start.
#[derive(Debug, Clone)]
pub struct Lazy<C>(Arc<LazyLock<C, Build<C>>>);

/// How a [`Lazy`] client is made.
type Build<C> = Box<dyn FnOnce() -> C + Send>;

impl<C> Lazy<C> {
    /// A client that `build` makes when it is first used.
    pub fn new(build: impl FnOnce() -> C + Send + 'static) -> Self {
        Lazy(Arc::new(LazyLock::new(Box::new(build))))
    }
}

impl<C: Send + Sync + 'static> Lazy<C> {
    /// A client made from this one by `derive` (another configuration of the
    /// same service), both built when the new one is first used.
    pub fn map<D: 'static>(&self, derive: impl FnOnce(&C) -> D + Send + 'static) -> Lazy<D> {
        let source = Lazy(Arc::clone(&self.0));
        Lazy::new(move || derive(&source))
    }
}

/// A client built already, as tests hand the mocked ones in.
impl<C: Send + 'static> From<C> for Lazy<C> {
    fn from(client: C) -> Self {
        Lazy::new(move || client)
    }
}

impl<C> Deref for Lazy<C> {
    type Target = C;

    fn deref(&self) -> &C {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Lazy;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    /// A `Lazy` string that counts how often it is built.
    fn counted(builds: &Arc<AtomicUsize>) -> Lazy<String> {
        let builds = Arc::clone(builds);
        Lazy::new(move || {
            builds.fetch_add(1, SeqCst);
            "client".to_owned()
        })
    }

    #[test]
    fn a_client_is_built_at_its_first_use_once_for_all_its_clones() {
        let builds = Arc::new(AtomicUsize::new(0));
        let client = counted(&builds);
        let clone = client.clone();
        assert_eq!(builds.load(SeqCst), 0);
        assert_eq!(*clone, "client");
        assert_eq!(*client, "client");
        assert_eq!(builds.load(SeqCst), 1);
    }

    #[test]
    fn a_derived_client_builds_its_source_only_when_it_is_used() {
        let builds = Arc::new(AtomicUsize::new(0));
        let home = counted(&builds);
        let elsewhere = home.map(|client| format!("{client} in eu-west-1"));
        assert_eq!(builds.load(SeqCst), 0);
        assert_eq!(*elsewhere, "client in eu-west-1");
        assert_eq!(*home, "client");
        assert_eq!(builds.load(SeqCst), 1);
    }
}
