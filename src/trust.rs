//! The TLS roots, read once for both HTTP clients: the SDK's and the response PUT's.
//!
//! Deployed on `provided.al2023` no `SSL_CERT_FILE` is set, so each client would
//! read and parse the operating system's whole CA bundle on its own, both on the
//! cold path. Here the bundle is read once (rustls-native-certs: `SSL_CERT_FILE`
//! and `SSL_CERT_DIR` when set, the OS store otherwise) and both clients are
//! given the certificates that were read.

use std::sync::Arc;

use aws_smithy_http_client::HttpClientError;
use aws_smithy_http_client::tls::{TlsContext, TrustStore};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;

/// The trusted root certificates of the process.
#[derive(Debug, Clone)]
pub struct TrustRoots {
    /// The certificates rustls accepts as trust anchors, as read.
    accepted: Vec<CertificateDer<'static>>,
    store: Arc<RootCertStore>,
}

impl TrustRoots {
    /// Reads the roots where OpenSSL would (`SSL_CERT_FILE`, `SSL_CERT_DIR`, or
    /// the OS store): the one read of the process.
    pub fn load() -> Self {
        let loaded = rustls_native_certs::load_native_certs();
        if !loaded.errors.is_empty() {
            tracing::warn!(errors = ?loaded.errors, "some trusted root certificates could not be read");
        }
        let roots = Self::from_certs(loaded.certs);
        if roots.accepted.is_empty() {
            tracing::warn!("no trusted root certificates found: https calls will fail");
        }
        roots
    }

    /// Keeps the certificates that parse as trust anchors: the SDK's client
    /// refuses (panics on) one that does not, so it never sees one.
    pub fn from_certs(certs: Vec<CertificateDer<'static>>) -> Self {
        let mut store = RootCertStore::empty();
        let accepted = certs
            .into_iter()
            .filter(|cert| store.add(cert.clone()).is_ok())
            .collect();
        TrustRoots {
            accepted,
            store: Arc::new(store),
        }
    }

    /// The SDK client's TLS context: these roots only, so that it does not read
    /// the OS store a second time. Its trust store takes PEM alone.
    pub fn sdk_tls_context(&self) -> Result<TlsContext, HttpClientError> {
        let mut pem = String::new();
        for cert in &self.accepted {
            pem.push_str("-----BEGIN CERTIFICATE-----\n");
            pem.push_str(&STANDARD.encode(cert.as_ref()));
            pem.push_str("\n-----END CERTIFICATE-----\n");
        }
        TlsContext::builder()
            .with_trust_store(TrustStore::empty().with_pem_certificate(pem))
            .build()
    }

    /// The response PUT's rustls configuration over these roots, with ring, as
    /// the SDK's client uses.
    pub fn rustls_config(&self) -> Result<rustls::ClientConfig, rustls::Error> {
        Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(self.store.clone())
        .with_no_client_auth())
    }
}
