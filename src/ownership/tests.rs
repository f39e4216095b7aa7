use super::*;

use crate::test_support::{POOL_ID, STACK_GUID, STACK_ID, string_map};

/// Another stack's guid.
const OTHER: &str = "0c5e2a4b-9d1f-4f8a-b2c3-5e6f7a8b9c0d";

fn tagged(value: &str) -> Tags {
    string_map(&[("team", "identity"), (REQUEST_TAG_KEY, value)])
}

#[test]
fn a_stack_is_named_by_the_last_part_of_its_id_or_by_its_guid_alone() {
    assert_eq!(stack_key(STACK_ID), STACK_GUID);
    assert_eq!(stack_key(STACK_GUID), STACK_GUID);
    assert_eq!(stack_key(""), "");
    let long = "x".repeat(70);
    assert_eq!(stack_key(&long).len(), 64);
}

#[test]
fn the_owner_is_the_stack_before_the_first_slash_of_the_request_tag() {
    assert_eq!(owner(&string_map(&[("team", "identity")])), Owner::Nobody);
    assert_eq!(
        owner(&tagged("direct-request-1")),
        Owner::Stack {
            stack: "",
            provisional: false
        },
        "a direct invocation without StackId tags its pool with its RequestId alone"
    );
    assert_eq!(
        owner(&tagged(&format!("{STACK_GUID}/req-1"))),
        Owner::Stack {
            stack: STACK_GUID,
            provisional: false
        }
    );
    assert_eq!(
        owner(&tagged(&provisional(&format!(
            "{STACK_GUID}/req/with/slashes"
        )))),
        Owner::Stack {
            stack: STACK_GUID,
            provisional: true
        }
    );
}

#[test]
fn a_pool_made_by_a_direct_invocation_without_stack_id_belongs_to_the_empty_stack() {
    let direct = tagged("my-run-1");
    assert_eq!(
        owner(&direct),
        Owner::Stack {
            stack: "",
            provisional: false
        }
    );
    assert_eq!(may_change(POOL_ID, &direct, "", Action::Update), Ok(()));
    assert!(may_change(POOL_ID, &direct, STACK_GUID, Action::Delete).is_err());
    assert!(
        may_change(
            POOL_ID,
            &tagged(&format!("{STACK_GUID}/r")),
            "",
            Action::Delete
        )
        .is_err()
    );
}

#[test]
fn update_and_delete_act_only_on_pools_of_the_requests_stack() {
    let ours = tagged(&format!("{STACK_GUID}/req-1"));
    assert_eq!(
        may_change(POOL_ID, &ours, STACK_GUID, Action::Update),
        Ok(())
    );
    assert_eq!(
        may_change(POOL_ID, &ours, STACK_GUID, Action::Delete),
        Ok(())
    );
    let claimed = tagged(&provisional(&format!("{STACK_GUID}/req-2")));
    assert_eq!(
        may_change(POOL_ID, &claimed, STACK_GUID, Action::Update),
        Ok(())
    );
}

#[test]
fn a_pool_of_another_stack_is_refused_naming_that_stack_and_the_way_out() {
    let theirs = tagged(&format!("{OTHER}/req-9"));
    let update = may_change(POOL_ID, &theirs, STACK_GUID, Action::Update).unwrap_err();
    let text = update.to_string();
    assert!(text.contains(&format!("names stack {OTHER}")), "{text}");
    assert!(
        text.contains(&format!("not this stack ({STACK_GUID})")),
        "{text}"
    );
    assert!(text.contains("was not updated"), "{text}");
    assert!(
        text.contains(&format!(
            "IdentityPoolId: {POOL_ID} with AdoptFromStack: {OTHER}"
        )),
        "{text}"
    );
    let delete = may_change(POOL_ID, &theirs, STACK_GUID, Action::Delete)
        .unwrap_err()
        .to_string();
    assert!(delete.contains("was not deleted"), "{delete}");
    assert!(delete.contains("DeletionPolicy: Retain"), "{delete}");
}

#[test]
fn a_pool_without_the_tag_is_neither_updated_nor_deleted() {
    let untagged = string_map(&[("team", "identity")]);
    let update = may_change(POOL_ID, &untagged, STACK_GUID, Action::Update).unwrap_err();
    assert_eq!(
        update,
        Refusal::Unowned {
            pool_id: POOL_ID.to_owned(),
            action: Action::Update
        }
    );
    assert!(
        update
            .to_string()
            .contains(&format!("set IdentityPoolId: {POOL_ID}"))
    );
    let delete = may_change(POOL_ID, &untagged, STACK_GUID, Action::Delete)
        .unwrap_err()
        .to_string();
    assert!(delete.contains("neither made nor adopted it, so it was not deleted"));
    assert!(delete.contains("DeletionPolicy: Retain"));
}

#[test]
fn adoption_takes_an_untagged_pool_and_remembers_it_had_no_tag() {
    assert_eq!(
        may_adopt(
            POOL_ID,
            &string_map(&[("team", "identity")]),
            STACK_GUID,
            None
        ),
        Ok(Claim::Take { previous: None })
    );
}

#[test]
fn adopting_a_pool_this_stack_owns_is_idempotent() {
    let ours = tagged(&format!("{STACK_GUID}/req-1"));
    assert_eq!(
        may_adopt(POOL_ID, &ours, STACK_GUID, None),
        Ok(Claim::AlreadyOurs)
    );
}

#[test]
fn an_unfinished_adoption_of_this_stack_is_taken_again() {
    let value = provisional(&format!("{STACK_GUID}/req-1"));
    assert_eq!(
        may_adopt(POOL_ID, &tagged(&value), STACK_GUID, None),
        Ok(Claim::Take {
            previous: Some(value)
        })
    );
}

#[test]
fn a_pool_of_another_stack_is_adopted_only_when_adopt_from_stack_names_it() {
    let value = format!("{OTHER}/req-9");
    let theirs = tagged(&value);
    let refused = may_adopt(POOL_ID, &theirs, STACK_GUID, None).unwrap_err();
    assert_eq!(
        refused,
        Refusal::AdoptForeign {
            pool_id: POOL_ID.to_owned(),
            owner: OTHER.to_owned(),
            unfinished: false
        }
    );
    assert!(
        refused
            .to_string()
            .contains(&format!("add AdoptFromStack: {OTHER}"))
    );
    let by_arn = format!("arn:aws:cloudformation:us-east-1:123456789012:stack/old/{OTHER}");
    for named in [OTHER, by_arn.as_str()] {
        assert_eq!(
            may_adopt(POOL_ID, &theirs, STACK_GUID, Some(named)),
            Ok(Claim::Take {
                previous: Some(value.clone())
            })
        );
    }
    assert!(may_adopt(POOL_ID, &theirs, STACK_GUID, Some("some-third-stack")).is_err());
}

#[test]
fn an_unfinished_adoption_by_another_stack_says_so() {
    let theirs = tagged(&provisional(&format!("{OTHER}/req-9")));
    let text = may_adopt(POOL_ID, &theirs, STACK_GUID, None)
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("whose adoption of it did not finish"),
        "{text}"
    );
}

#[test]
fn delete_keeps_only_the_pool_the_template_adopts_by_id() {
    assert!(kept_on_delete(POOL_ID, Some(POOL_ID)));
    assert!(!kept_on_delete(POOL_ID, None));
    assert!(!kept_on_delete(
        POOL_ID,
        Some("us-east-1:99999999-8888-7777-6666-555555555555")
    ));
}

#[test]
fn a_claim_reads_as_words_in_the_log() {
    assert_eq!(Claim::AlreadyOurs.to_string(), "already this stack's");
    assert_eq!(
        Claim::Take { previous: None }.to_string(),
        "taken (the pool had no owner)"
    );
    assert_eq!(
        Claim::Take {
            previous: Some("other-guid/req-1".to_owned())
        }
        .to_string(),
        "taken over from the owner tag \"other-guid/req-1\""
    );
}
