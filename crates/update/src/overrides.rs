//! The test-only update endpoint and public key. Tests point a debug build at
//! a local server and a throwaway key with `OKUSURI_UPDATE_TEST_ENDPOINT` and
//! `OKUSURI_UPDATE_TEST_PUBKEY`; a release build never reads them (the code
//! that does is not compiled in), so no environment variable can make an
//! installed app trust another key. `cargo test --release -p okusuri-update`
//! proves it.

/// The environment variable of the test endpoint.
pub const ENDPOINT_VAR: &str = "OKUSURI_UPDATE_TEST_ENDPOINT";
/// The environment variable of the test public key (minisign, base64 as in the config).
pub const PUBKEY_VAR: &str = "OKUSURI_UPDATE_TEST_PUBKEY";

/// A test server and key that replace the configured ones.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TestOverrides {
    /// Replaces the endpoint from 設定.
    pub endpoint: Option<String>,
    /// Replaces the public key from the config.
    pub pubkey: Option<String>,
}

/// Whether this build honours test overrides at all (debug builds only).
pub const HONOURED: bool = cfg!(debug_assertions);

/// The overrides in the environment `var` (a debug build), or none (a release build).
pub fn test_overrides(var: impl Fn(&str) -> Option<String>) -> Option<TestOverrides> {
    #[cfg(debug_assertions)]
    {
        let o = TestOverrides {
            endpoint: var(ENDPOINT_VAR).filter(|v| !v.is_empty()),
            pubkey: var(PUBKEY_VAR).filter(|v| !v.is_empty()),
        };
        (o != TestOverrides::default()).then_some(o)
    }
    #[cfg(not(debug_assertions))]
    {
        let _ = var;
        None
    }
}

/// [`test_overrides`] of the process environment.
pub fn from_env() -> Option<TestOverrides> {
    test_overrides(|k| std::env::var(k).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(k: &str) -> Option<String> {
        match k {
            ENDPOINT_VAR => Some("http://127.0.0.1:9/latest.json".into()),
            PUBKEY_VAR => Some("dGVzdA==".into()),
            _ => None,
        }
    }

    #[cfg(debug_assertions)]
    #[test]
    fn a_debug_build_takes_the_test_server_and_key() {
        let o = test_overrides(env).unwrap();
        assert_eq!(
            o.endpoint.as_deref(),
            Some("http://127.0.0.1:9/latest.json")
        );
        assert_eq!(o.pubkey.as_deref(), Some("dGVzdA=="));
        assert_eq!(test_overrides(|_| None), None);
        const { assert!(HONOURED) };
    }

    /// Run by `scripts/test-all.sh` as `cargo test --release -p okusuri-update`.
    #[cfg(not(debug_assertions))]
    #[test]
    fn a_release_build_ignores_the_test_server_and_key() {
        assert_eq!(test_overrides(env), None);
        const { assert!(!HONOURED) };
    }
}
