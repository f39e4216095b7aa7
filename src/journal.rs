//! What one request has done so far, for the answer when it is cut off and
//! for the summary log line.
//!
//! The AWS adapter ([`crate::cognito`]) writes every call it starts here; the
//! handler reads it when the deadline or a panic cuts the work off: which step
//! hung (the Reason names it), and whether a pool was already made (a cut-off
//! Create answers with it, so that CloudFormation's rollback removes it).

use std::sync::Mutex;

use crate::domain::PoolId;

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
    created_pool: Option<PoolId>,
}

impl Journal {
    pub(crate) fn begin(&self, operation: &'static str) {
        self.lock().calls.push(operation);
    }

    pub(crate) fn record_created(&self, pool_id: &PoolId) {
        self.lock().created_pool = Some(pool_id.clone());
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
    pub fn created_pool(&self) -> Option<PoolId> {
        self.lock().created_pool.clone()
    }
}
