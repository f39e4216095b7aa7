//! The TLS roots, read once for both HTTP clients (the SDK's and the response
//! PUT's), on a thread of their own so that the cold start does not wait on them.
//!
//! Deployed on `provided.al2023` no `SSL_CERT_FILE` is set, so each client would
//! read and parse the operating system's whole CA bundle on its own, both on the
//! cold path. Here the bundle is read once (rustls-native-certs: `SSL_CERT_FILE`
//! and `SSL_CERT_DIR` when set, the OS store otherwise), starting as the process
//! starts. The SDK's client waits for it at its first call, whatever the
//! scheme (it builds its one connector, for http and https alike, then); the
//! response PUT's at its first TLS handshake, so a plain-http PUT never does.
//! Either waits only if the read has not finished by then.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

use aws_smithy_http_client::HttpClientError;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

/// The trusted root certificates of the process, as read.
#[derive(Debug, Clone)]
pub struct TrustRoots {
    /// The certificates rustls accepts as trust anchors.
    accepted: Vec<CertificateDer<'static>>,
    store: Arc<RootCertStore>,
}

impl TrustRoots {
    /// Reads the roots where OpenSSL would (`SSL_CERT_FILE`, `SSL_CERT_DIR`, or
    /// the OS store).
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
    fn sdk_tls_context(&self) -> Result<TlsContext, HttpClientError> {
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
}

/// The roots being read on their own thread, shared by both clients.
#[derive(Debug, Clone)]
pub struct Roots(Arc<Reading>);

#[derive(Debug)]
struct Reading {
    read: OnceLock<TrustRoots>,
    reader: Mutex<Option<JoinHandle<TrustRoots>>>,
}

impl Roots {
    /// Starts reading the roots ([`TrustRoots::load`]) on a thread of its own.
    pub fn read_in_background() -> Self {
        let reader = std::thread::Builder::new()
            .name("trust-roots".to_owned())
            .spawn(TrustRoots::load)
            .ok();
        Self::reading(reader)
    }

    /// Roots that are already known (tests).
    #[cfg(test)]
    pub(crate) fn of(roots: TrustRoots) -> Self {
        let known = Self::reading(None);
        known.0.read.get_or_init(|| roots);
        known
    }

    fn reading(reader: Option<JoinHandle<TrustRoots>>) -> Self {
        Roots(Arc::new(Reading {
            read: OnceLock::new(),
            reader: Mutex::new(reader),
        }))
    }

    /// The roots, waiting for the read to finish if it has not.
    fn get(&self) -> &TrustRoots {
        self.0.read.get_or_init(|| {
            let reader = self
                .0
                .reader
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            match reader.map(JoinHandle::join) {
                Some(Ok(roots)) => roots,
                // The thread could not start, or panicked: read here instead.
                _ => TrustRoots::load(),
            }
        })
    }

    /// The SDK's HTTP client: rustls with ring (as the response PUT's), over
    /// these roots, built when the first call needs it.
    pub fn sdk_http_client(&self) -> SharedHttpClient {
        SharedHttpClient::new(SdkHttpClient {
            roots: self.clone(),
            client: OnceLock::new(),
        })
    }

    /// The response PUT's rustls configuration: ring, and a certificate
    /// verifier over these roots that waits for them at the first handshake.
    pub fn rustls_config(&self) -> Result<rustls::ClientConfig, rustls::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Ok(
            rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()?
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(RootsVerifier {
                    roots: self.clone(),
                    provider,
                    webpki: OnceLock::new(),
                }))
                .with_no_client_auth(),
        )
    }
}

/// The SDK's client, built at the first call from the roots read.
#[derive(Debug)]
struct SdkHttpClient {
    roots: Roots,
    client: OnceLock<SharedHttpClient>,
}

impl HttpClient for SdkHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.client
            .get_or_init(|| {
                let builder = aws_smithy_http_client::Builder::new().tls_provider(
                    tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring),
                );
                match self.roots.get().sdk_tls_context() {
                    Ok(context) => builder.tls_context(context).build_https(),
                    Err(error) => {
                        tracing::error!(%error, "the trusted roots read could not be given to the SDK's client; it reads the system's own");
                        builder.build_https()
                    }
                }
            })
            .http_connector(settings, components)
    }
}

/// Web PKI verification over the roots read, which it waits for at the first
/// certificate to verify. Signatures need no roots and are checked at once.
#[derive(Debug)]
struct RootsVerifier {
    roots: Roots,
    provider: Arc<CryptoProvider>,
    webpki: OnceLock<Result<Arc<WebPkiServerVerifier>, rustls::Error>>,
}

impl RootsVerifier {
    fn webpki(&self) -> Result<&Arc<WebPkiServerVerifier>, rustls::Error> {
        self.webpki
            .get_or_init(|| {
                WebPkiServerVerifier::builder_with_provider(
                    self.roots.get().store.clone(),
                    self.provider.clone(),
                )
                .build()
                .map_err(|error| rustls::Error::General(error.to_string()))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// A `ServerCertVerifier` signature check handed to rustls' function of the
/// same name with the provider's algorithms: TLS 1.2 and 1.3 differ only in
/// which function checks, so one definition serves both.
macro_rules! delegate_signature_check {
    ($check:ident) => {
        fn $check(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            let algorithms = &self.provider.signature_verification_algorithms;
            rustls::crypto::$check(message, cert, dss, algorithms)
        }
    };
}

impl ServerCertVerifier for RootsVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.webpki()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    delegate_signature_check!(verify_tls12_signature);
    delegate_signature_check!(verify_tls13_signature);

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_that_is_no_trust_anchor_is_left_out_and_both_clients_still_build() {
        let roots = TrustRoots::from_certs(vec![CertificateDer::from(vec![
            0x30, 0x03, 0x02, 0x01, 0x00,
        ])]);

        assert!(roots.accepted.is_empty());
        assert!(roots.sdk_tls_context().is_ok());
        assert!(Roots::of(roots).rustls_config().is_ok());
    }

    #[test]
    fn roots_read_in_the_background_are_the_ones_read_in_place() {
        let background = Roots::read_in_background();
        let in_place = TrustRoots::load();

        assert_eq!(background.get().accepted, in_place.accepted);
    }
}
