//! Password rules and Argon2id hashing.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password accepted with password-only sign-in, in
/// characters (MHLW guideline 6.0 Q&A: 13 or more, letters, digits and
/// symbols mixed).
pub const MIN_PASSWORD_CHARS: usize = 13;
/// The shortest password accepted for a staff member who signs in with a
/// second factor (TOTP), in characters (the same Q&A: 8 with two factors).
pub const MIN_PASSWORD_CHARS_TWO_FACTOR: usize = 8;
/// The longest password accepted, in characters.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// The lowest zxcvbn score (0–4) accepted: 3 is "safely unguessable" against
/// an offline attack on a slow hash. Common passwords, keyboard walks,
/// repeats, dates and the user's own IDs score lower.
const MIN_SCORE: u8 = 3;

/// What a new password is checked against besides its own text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The staff member signs in with a second factor.
    pub two_factor: bool,
    /// Words the password must not be built from: the staff ID, the name,
    /// the facility ID and name.
    pub personal: &'a [&'a str],
}

/// The kinds of character a password mixes: letters, digits, symbols
/// (anything else: punctuation, spaces, kana and kanji).
fn kinds(password: &str) -> usize {
    let letters = password.chars().any(|c| c.is_ascii_alphabetic());
    let digits = password
        .chars()
        .any(|c| c.is_ascii_digit() || c.is_numeric());
    let others = password
        .chars()
        .any(|c| !c.is_ascii_alphanumeric() && !c.is_numeric());
    [letters, digits, others].into_iter().filter(|k| *k).count()
}

/// Checks a new password against the rules; `Err` is the Japanese reason.
pub fn check_rules(password: &str, context: Context<'_>) -> Result<(), String> {
    let chars = password.chars().count();
    if chars > MAX_PASSWORD_CHARS {
        return Err("パスワードは128文字以内で入力してください。".into());
    }
    if password.chars().all(char::is_whitespace) {
        return Err("空白だけのパスワードは使えません。".into());
    }
    if context.two_factor {
        if chars < MIN_PASSWORD_CHARS_TWO_FACTOR {
            return Err(
                "パスワードは8文字以上で入力してください（2段階認証を使うスタッフ）。".into(),
            );
        }
    } else if chars < MIN_PASSWORD_CHARS || kinds(password) < 2 {
        return Err("パスワードは13文字以上で、英字・数字・記号のうち2種類以上を混ぜてください（2段階認証を使うスタッフは8文字以上）。".into());
    }
    let personal: Vec<&str> = context
        .personal
        .iter()
        .copied()
        .filter(|w| !w.trim().is_empty())
        .collect();
    let lower = password.to_lowercase();
    if personal
        .iter()
        .any(|w| w.chars().count() >= 4 && lower.contains(&w.to_lowercase()))
    {
        return Err("スタッフID・氏名・施設IDをそのまま含むパスワードは使えません。".into());
    }
    let mut words = personal;
    words.extend(["okusuri", "okusuridesk", "yakkyoku"]);
    if u8::from(zxcvbn::zxcvbn(password, &words).score()) < MIN_SCORE {
        return Err("推測されやすいパスワードです（よく使われる語や数字の並び、キーボードの並び、同じ文字の繰り返しなど）。別のものにしてください。".into());
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
    fn thirteen_mixed_characters_or_eight_with_a_second_factor() {
        let plain = Context::default();
        let two = Context {
            two_factor: true,
            ..Context::default()
        };
        assert!(check_rules("Kusuri-7319-h", plain).is_ok(), "13, mixed");
        assert!(check_rules("Kusuri-7319-", plain).is_err(), "12");
        assert!(check_rules("kusurihakodana", plain).is_err(), "one kind");
        assert!(
            check_rules("くすりばこ-7319-はこだな", plain).is_ok(),
            "kana count as symbols"
        );
        assert!(check_rules("Hk-73@19q", two).is_ok(), "8 with two factors");
        assert!(check_rules("Hk-73@1", two).is_err(), "7");
        assert!(check_rules("             ", plain).is_err());
        assert!(check_rules(&"x1".repeat(65), plain).is_err(), "129");
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        let ctx = Context {
            two_factor: false,
            personal: &["yamada", "PH0001", "山田 花子"],
        };
        for weak in [
            "password12345",
            "1234567890123",
            "qwertyuiop123",
            "aaaaaaaaaaaa1",
            "Password-2026",
            "yamada-2026-01",
            "ph0001-secret-7",
        ] {
            let e = check_rules(weak, ctx);
            assert!(e.is_err(), "{weak} accepted");
        }
        assert!(check_rules("sakura-Honten-51", ctx).is_ok());
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
