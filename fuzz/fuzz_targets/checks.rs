//! Invariants both fuzz targets check.

use identity_pool_provider::properties::PropertyError;

/// A rejection lists at least one error, and each names its property first:
/// the Reason a user reads must say which property to fix.
pub fn check_property_errors(errors: &[PropertyError]) {
    assert!(!errors.is_empty(), "from_properties failed without an error");
    for error in errors {
        let text = error.to_string();
        assert!(!error.field.is_empty(), "PropertyError with an empty field: {text:?}");
        assert!(
            text.starts_with(&error.field),
            "PropertyError text {text:?} does not start with its field {:?}",
            error.field
        );
    }
}
