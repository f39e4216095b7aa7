//! Logs: JSON when Lambda's advanced logging controls ask for it
//! (`AWS_LAMBDA_LOG_FORMAT=JSON`), readable text otherwise; the level from
//! `AWS_LAMBDA_LOG_LEVEL`, then `RUST_LOG`, then INFO.

use std::io::IsTerminal;

use tracing::Level;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Modules capped whatever the level asked for: the runtime logs the raw event
/// at TRACE (and with it the ResponseURL's signature), and the HTTP stacks may
/// log the URLs they fetch. The runtime's per-invocation span (Lambda's request
/// id and X-Ray trace id) is left out too: in text logs, as `cargo lambda watch`
/// prints them, it put ~300 characters in front of every line, and the
/// provider's own `request` span already names the request.
const CAPPED: [(&str, LevelFilter); 6] = [
    ("lambda_runtime::layers::api_response", LevelFilter::DEBUG),
    ("lambda_runtime::layers::trace", LevelFilter::WARN),
    ("reqwest", LevelFilter::INFO),
    ("hyper", LevelFilter::INFO),
    ("hyper_util", LevelFilter::INFO),
    ("rustls", LevelFilter::INFO),
];

/// `AWS_LAMBDA_LOG_LEVEL` (`TRACE` … `FATAL`), else `RUST_LOG` (`info`,
/// `warn,identity_pool_provider=debug`, …), else INFO; then the caps.
fn filter(asked: &str) -> Targets {
    let asked = asked.trim().to_ascii_lowercase().replace("fatal", "error");
    // An empty string parses as ERROR; nothing asked for means INFO.
    let mut targets: Targets = match asked.as_str() {
        "" => Targets::new(),
        _ => asked.parse().unwrap_or_default(),
    };
    if targets.default_level().is_none() {
        targets = targets.with_default(LevelFilter::INFO);
    }
    for (target, cap) in CAPPED {
        let most_verbose = [
            Level::TRACE,
            Level::DEBUG,
            Level::INFO,
            Level::WARN,
            Level::ERROR,
        ]
        .into_iter()
        .find(|level| targets.would_enable(target, level))
        .map_or(LevelFilter::OFF, LevelFilter::from_level);
        targets = targets.with_target(target, most_verbose.min(cap));
    }
    targets
}

/// Installs the global subscriber; call once, first thing in `main`.
pub fn init() {
    let asked = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_default();
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let format = tracing_subscriber::fmt::layer()
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .without_time();
    let registry = tracing_subscriber::registry().with(filter(&asked));
    if json {
        registry
            .with(format.json().with_current_span(true).with_span_list(false))
            .init();
    } else {
        registry.with(format).init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled(asked: &str, target: &str, level: Level) -> bool {
        filter(asked).would_enable(target, &level)
    }

    #[test]
    fn the_level_asked_for_applies_and_info_is_the_default() {
        assert!(enabled("", "identity_pool_provider", Level::INFO));
        assert!(!enabled("", "identity_pool_provider", Level::DEBUG));
        assert!(enabled("DEBUG", "identity_pool_provider", Level::DEBUG));
        assert!(!enabled("WARN", "identity_pool_provider", Level::INFO));
        assert!(enabled("FATAL", "identity_pool_provider", Level::ERROR));
        assert!(enabled(
            "warn,identity_pool_provider=trace",
            "identity_pool_provider",
            Level::TRACE
        ));
    }

    #[test]
    fn the_runtime_never_logs_the_raw_event_and_http_stacks_no_urls() {
        assert!(!enabled(
            "trace",
            "lambda_runtime::layers::api_response",
            Level::TRACE
        ));
        assert!(enabled(
            "trace",
            "lambda_runtime::layers::api_response",
            Level::DEBUG
        ));
        assert!(!enabled("trace", "reqwest::connect", Level::DEBUG));
        assert!(
            !enabled("", "lambda_runtime::layers::trace", Level::INFO),
            "the runtime's invocation span stays out of every line"
        );
        assert!(
            !enabled("warn", "reqwest", Level::INFO),
            "a cap never raises a level"
        );
    }
}
