//! Signing and verifying 電子処方箋 documents: XAdES-BES enveloped in
//! `<PrescriptionSign>` ([`xades`]), made with a key on a PKCS#11 token
//! ([`pkcs11`]: an HPKI card through its vendor's module, SoftHSM2 in tests)
//! and verified in Rust ([`verify`]) the way `xmlsec1` does. Exclusive C14N
//! in [`c14n`], certificates in [`cert`].
//!
//! No `unsafe` here: `cryptoki` keeps the FFI to the PKCS#11 module.

pub mod c14n;
pub mod cert;
pub mod pkcs11;
pub mod verify;
pub mod xades;

pub use cert::{Cert, CertSummary};
pub use pkcs11::{PinState, Token, TokenConfig};
pub use verify::{Verified, verify};
pub use xades::{RawSigner, sign_csv};

/// Namespace and algorithm URIs.
pub mod ns {
    /// XML-DSig.
    pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    /// XAdES 1.3.2.
    pub const XADES: &str = "http://uri.etsi.org/01903/v1.3.2#";
    /// Exclusive C14N 1.0 without comments.
    pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    /// RSA PKCS#1 v1.5 with SHA-256.
    pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    /// SHA-256.
    pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
    /// The `Type` of a reference to XAdES SignedProperties.
    pub const SIGNED_PROPERTIES_TYPE: &str = "http://uri.etsi.org/01903#SignedProperties";
}

/// Why signing or verifying failed. `Display` is the Japanese message shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The PIN was wrong (with what the token says about the tries left).
    #[error("{0}")]
    WrongPin(String),
    /// The PIN is locked.
    #[error(
        "PIN がロックされています。カードの発行元でロックを解除してください（HPKI カードは 15 回続けて間違えるとロックされます）。"
    )]
    PinLocked,
    /// The token, module or an object on it cannot be used.
    #[error("{0}")]
    Token(String),
    /// The certificate cannot sign (usage, validity) or cannot be read.
    #[error("{0}")]
    Certificate(String),
    /// The certificate does not chain to a trusted CA.
    #[error("署名者の証明書を信頼できません: {0}")]
    Untrusted(String),
    /// The document has no signature.
    #[error("この文書には署名がありません。")]
    Unsigned,
    /// The signature does not match the document.
    #[error("署名を確認できません: {0}")]
    Invalid(String),
    /// The document or signature is not of the expected shape.
    #[error("署名付き文書の形が正しくありません: {0}")]
    Malformed(String),
}
