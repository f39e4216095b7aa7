//! Which stack a pool belongs to, and what a request may therefore do to it.
//!
//! A pool belongs to the stack named by its request tag
//! (`identity-pool-provider:create-request` = `<stack guid>/<request id>`, or
//! the request id alone for a direct invocation without StackId): the
//! provider puts it on every pool it creates, in the CreateIdentityPool call
//! itself, and on every pool it adopts. Update and Delete act only on pools of
//! the request's own stack; adoption takes a pool of another stack only when the
//! template names that stack (`AdoptFromStack`), so nobody takes over a pool by
//! a mistyped id. Everything here is decided from the tags alone, without a call.

use std::fmt;

use crate::domain::Tags;
use crate::idempotency::REQUEST_TAG_KEY;

/// The value an adoption first puts in the request tag, before the pool is
/// changed: a claim that a failed adoption may take back. The template's IAM
/// policy lets the function remove its own tag only while it has this form, so
/// a finished adoption or a created pool can never lose its tag.
pub const PROVISIONAL_PREFIX: &str = "adopting:";

/// How a stack is named in the request tag: the last part of its StackId (the
/// stack's guid), cut to its last 64 characters so the tag value fits. A guid
/// given alone names itself.
pub fn stack_key(stack_id_or_guid: &str) -> &str {
    let stack = stack_id_or_guid.rsplit('/').next().unwrap_or_default();
    stack
        .char_indices()
        .rev()
        .nth(63)
        .map_or(stack, |(start, _)| &stack[start..])
}

/// The claim an adoption under way puts on a pool for the request `request_tag`.
pub fn provisional(request_tag: &str) -> String {
    format!("{PROVISIONAL_PREFIX}{request_tag}")
}

/// Who a pool belongs to, as its tags say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner<'a> {
    /// No request tag: the provider neither made nor adopted the pool.
    Nobody,
    /// The stack the request tag names; `provisional` while an adoption by it
    /// has not finished (or was cut off).
    Stack { stack: &'a str, provisional: bool },
}

/// The owner the request tag among `tags` names.
pub fn owner(tags: &Tags) -> Owner<'_> {
    match tags.get(REQUEST_TAG_KEY) {
        None => Owner::Nobody,
        Some(value) => {
            let (value, provisional) = match value.strip_prefix(PROVISIONAL_PREFIX) {
                Some(rest) => (rest, true),
                None => (value.as_str(), false),
            };
            // A value without a stack part is a direct invocation's, whose
            // stack is the empty one.
            let stack = value.split_once('/').map_or("", |(stack, _)| stack);
            Owner::Stack { stack, provisional }
        }
    }
}

/// A request that would change or delete a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Update,
    Delete,
}

/// Why the provider will not touch a pool. The text is the Reason: it says who
/// owns the pool and what the user can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "Identity pool {pool_id} belongs to another stack: its tag {REQUEST_TAG_KEY} names stack {owner} (the last part of that stack's id), not this stack ({stack}), so it was not {action}. {}",
        action.foreign_hint(pool_id, owner)
    )]
    Foreign {
        pool_id: String,
        owner: String,
        stack: String,
        action: Action,
    },
    #[error(
        "Identity pool {pool_id} has no {REQUEST_TAG_KEY} tag: this provider neither made nor adopted it, so it was not {action}. {}",
        action.unowned_hint(pool_id)
    )]
    Unowned { pool_id: String, action: Action },
    #[error(
        "IdentityPoolId {pool_id}: the pool belongs to stack {owner}{} (its tag {REQUEST_TAG_KEY} names it), so it is not adopted. To take it over from that stack (which may be gone, its pool retained), add AdoptFromStack: {owner} to the resource; if that stack still has the pool as a resource, first set DeletionPolicy: Retain on it and remove it from that stack",
        if *.unfinished { ", whose adoption of it did not finish" } else { "" }
    )]
    AdoptForeign {
        pool_id: String,
        owner: String,
        unfinished: bool,
    },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Update => "updated",
            Action::Delete => "deleted",
        })
    }
}

impl Action {
    fn foreign_hint(&self, pool_id: &str, owner: &str) -> String {
        match self {
            Action::Update => format!(
                "To manage it from this stack, adopt it explicitly: IdentityPoolId: {pool_id} with AdoptFromStack: {owner}"
            ),
            Action::Delete => retain_hint(),
        }
    }

    fn unowned_hint(&self, pool_id: &str) -> String {
        match self {
            Action::Update => format!(
                "To manage it, adopt it explicitly: set IdentityPoolId: {pool_id} on the resource"
            ),
            Action::Delete => retain_hint(),
        }
    }
}

fn retain_hint() -> String {
    "To let the stack go on without deleting it, set DeletionPolicy: Retain on the resource (or choose to retain it when you retry the stack deletion); delete the pool yourself if that was meant".to_owned()
}

/// Update and Delete: only a pool of the request's own stack (`stack`, as
/// [`stack_key`] names it) may be changed or deleted. A provisional claim of this
/// stack counts: it is the stack's own adoption under way.
pub fn may_change(pool_id: &str, tags: &Tags, stack: &str, action: Action) -> Result<(), Refusal> {
    match owner(tags) {
        Owner::Stack { stack: owner, .. } if owner == stack => Ok(()),
        Owner::Stack { stack: owner, .. } => Err(Refusal::Foreign {
            pool_id: pool_id.to_owned(),
            owner: owner.to_owned(),
            stack: stack.to_owned(),
            action,
        }),
        Owner::Nobody => Err(Refusal::Unowned {
            pool_id: pool_id.to_owned(),
            action,
        }),
    }
}

/// What an adoption does with the pool's request tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This stack already owns the pool (a redelivered Create, or a pool it
    /// adopted before): the tag stays as it is.
    AlreadyOurs,
    /// The tag is set, first provisionally, then for good; `previous` is its
    /// value before (none: the pool had no tag), which a failed adoption puts back.
    Take { previous: Option<String> },
}

/// How the log line of an adoption words the claim: for a person reading the
/// function's log, not the type's debug form.
impl std::fmt::Display for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Claim::AlreadyOurs => f.write_str("already this stack's"),
            Claim::Take { previous: None } => f.write_str("taken (the pool had no owner)"),
            Claim::Take {
                previous: Some(tag),
            } => write!(f, "taken over from the owner tag {tag:?}"),
        }
    }
}

/// Adoption: a pool nobody owns may be adopted, one of this stack is already
/// its own, and one of another stack only when `adopt_from` (the template's
/// `AdoptFromStack`) names that very stack.
pub fn may_adopt(
    pool_id: &str,
    tags: &Tags,
    stack: &str,
    adopt_from: Option<&str>,
) -> Result<Claim, Refusal> {
    let previous = tags.get(REQUEST_TAG_KEY).cloned();
    match owner(tags) {
        Owner::Nobody => Ok(Claim::Take { previous }),
        Owner::Stack {
            stack: owner,
            provisional: false,
        } if owner == stack => Ok(Claim::AlreadyOurs),
        Owner::Stack { stack: owner, .. }
            if owner == stack || adopt_from.map(stack_key) == Some(owner) =>
        {
            Ok(Claim::Take { previous })
        }
        Owner::Stack {
            stack: owner,
            provisional,
        } => Err(Refusal::AdoptForeign {
            pool_id: pool_id.to_owned(),
            owner: owner.to_owned(),
            unfinished: provisional,
        }),
    }
}

/// Delete keeps a pool the template names in `IdentityPoolId`: it existed before
/// the resource and outlives it, so neither a rollback of the adopting deploy
/// nor deleting the stack deletes it. Removing `IdentityPoolId` from the
/// template (an in-place Update) makes the pool the resource's own, to delete.
pub fn kept_on_delete(pool_id: &str, adopted: Option<&str>) -> bool {
    adopted == Some(pool_id)
}

#[cfg(test)]
mod tests;
