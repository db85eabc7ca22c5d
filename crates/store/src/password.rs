//! Password rules and Argon2id hashing.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password accepted, in characters.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Checks a new password against the rules; `Err` is the Japanese reason.
pub fn check_rules(password: &str) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err("パスワードは8文字以上で入力してください。");
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err("パスワードは128文字以内で入力してください。");
    }
    if password.chars().all(char::is_whitespace) {
        return Err("空白だけのパスワードは使えません。");
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    // OWASP's first Argon2id recommendation: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (`$argon2id$v=19$…`) with a random salt.
pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// True when `password` matches the PHC string `stored`; a malformed stored
/// hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of no one's password, verified against when the staff ID is unknown
/// so that a wrong ID takes as long as a wrong password.
pub(crate) fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy-password-never-used").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_reject_short_and_blank_passwords() {
        assert!(check_rules("1234567").is_err());
        assert!(check_rules("        ").is_err());
        assert!(check_rules("12345678").is_ok());
        // Characters, not bytes: eight kana are enough, seven are not.
        assert!(check_rules("あいうえおかきく").is_ok());
        assert!(check_rules("あいうえおかき").is_err());
        assert!(check_rules(&"x".repeat(129)).is_err());
    }

    #[test]
    fn hash_is_argon2id_salted_and_verifies() {
        let a = hash("correct horse").unwrap();
        let b = hash("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify("correct horse", &a));
        assert!(!verify("correct horsE", &a));
        assert!(!verify("correct horse", "not a phc string"));
    }
}
