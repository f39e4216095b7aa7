//! Logs: JSON when Lambda's advanced logging controls ask for it
//! (`AWS_LAMBDA_LOG_FORMAT=JSON`), readable text otherwise; the level from
//! `AWS_LAMBDA_LOG_LEVEL`, then `RUST_LOG`, then INFO.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// Modules capped below TRACE whatever the level asked for: the runtime logs the
/// raw event there (and with it the ResponseURL's signature), and the HTTP
/// stacks may log the URLs they fetch.
const CAPPED: [&str; 5] = [
    "lambda_runtime::layers::api_response=debug",
    "reqwest=info",
    "hyper=info",
    "hyper_util=info",
    "rustls=info",
];

/// Installs the global subscriber; call once, first thing in `main`.
pub fn init() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_default();
    let mut filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .parse_lossy(level.to_ascii_lowercase());
    for directive in CAPPED {
        if let Ok(directive) = directive.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .without_time();
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    if json {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init();
    } else {
        builder.init();
    }
}
