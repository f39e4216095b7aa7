//! The character class of a role-mapping rule's `Claim`, `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`
//! in the API model: letters, marks, symbols, numbers and punctuation, i.e. every
//! character except separators (Z) and the "other" categories (C).
//!
//! Rust's standard library has no general-category lookup, and the project keeps
//! Unicode tables out of the binary, so the class is computed as its complement:
//! - separators (Zs, Zl, Zp) and controls (Cc): exactly the characters that are
//!   `char::is_whitespace` or `char::is_control` (White_Space is Z plus some Cc);
//! - format characters (Cf, e.g. the zero-width space and the byte order mark):
//!   the table below, Unicode 15.1's, a short list that rarely grows;
//! - private use (Co): three fixed ranges, stable by Unicode policy;
//! - surrogates (Cs) cannot occur in a Rust string;
//! - unassigned code points (Cn): only the 66 noncharacters, which are
//!   permanently unassigned, are refused. Other code points not yet assigned are
//!   accepted here, although Cognito refuses them: this is the one approximation.

/// Unicode 15.1's format characters (general category Cf).
const FORMAT: [(u32, u32); 21] = [
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// Private use (Co).
const PRIVATE_USE: [(u32, u32); 3] = [(0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD)];

fn in_ranges(c: char, ranges: &[(u32, u32)]) -> bool {
    let code = u32::from(c);
    ranges
        .iter()
        .any(|&(low, high)| (low..=high).contains(&code))
}

/// U+FDD0..U+FDEF and the last two code points of every plane.
fn noncharacter(c: char) -> bool {
    let code = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

/// Whether `c` is a letter, mark, symbol, number or punctuation (see the module
/// documentation for the one approximation).
pub(super) fn claim_char(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || in_ranges(c, &FORMAT)
        || in_ranges(c, &PRIVATE_USE)
        || noncharacter(c))
}

#[cfg(test)]
mod tests {
    use super::claim_char;

    #[test]
    fn letters_marks_symbols_numbers_and_punctuation_are_claim_characters() {
        for c in [
            'a', 'Z', 'é', '名', 'ß', '\u{0301}', '\u{0903}', '€', '+', '😀', '©', '7', 'Ⅻ', '½',
            '٣', ':', '-', '_', '¿', '「', '＿',
        ] {
            assert!(
                claim_char(c),
                "{c:?} (U+{:04X}) is L, M, S, N or P",
                u32::from(c)
            );
        }
    }

    #[test]
    fn separators_controls_format_private_use_and_noncharacters_are_not() {
        for c in [
            ' ',
            '\u{00A0}',
            '\u{3000}',
            '\u{2028}',
            '\u{2029}',
            '\t',
            '\n',
            '\u{0000}',
            '\u{007F}',
            '\u{0085}',
            '\u{200B}',
            '\u{200D}',
            '\u{00AD}',
            '\u{FEFF}',
            '\u{E0001}',
            '\u{E000}',
            '\u{F8FF}',
            '\u{F0000}',
            '\u{10FFFD}',
            '\u{FDD0}',
            '\u{FFFE}',
            '\u{1FFFF}',
        ] {
            assert!(!claim_char(c), "{c:?} (U+{:04X}) is Z or C", u32::from(c));
        }
    }
}
