//! Reading a FeliCa card's IDm through a PC/SC reader.

/// GET DATA (UID) of PC/SC part 3: a FeliCa card answers with its 8-byte IDm.
pub const GET_UID: [u8; 5] = [0xFF, 0xCA, 0x00, 0x00, 0x00];

/// Why a touched card gave no IDm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// Not a FeliCa card, or it refused GET DATA.
    #[error("このカードは読み取れません。お薬手帳のカード（FeliCa）をタッチしてください。")]
    NotFelica,
    /// The card was taken away while it was being read.
    #[error("カードが離れました。もう一度、しっかりタッチしてください。")]
    Removed,
}

/// The IDm (16 upper-case hex digits) from the answer to [`GET_UID`]:
/// exactly 8 bytes followed by `90 00`.
pub fn idm_from_response(response: &[u8]) -> Result<String, CardError> {
    match response {
        [idm @ .., 0x90, 0x00] if idm.len() == 8 => {
            Ok(idm.iter().map(|b| format!("{b:02X}")).collect())
        }
        _ => Err(CardError::NotFelica),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_eight_bytes_and_success_make_an_idm() {
        assert_eq!(
            idm_from_response(&[1, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x90, 0x00]),
            Ok("0123456789ABCDEF".into())
        );
        assert_eq!(idm_from_response(&[0x6A, 0x81]), Err(CardError::NotFelica));
        assert_eq!(
            idm_from_response(&[1, 2, 3, 4, 0x90, 0x00]),
            Err(CardError::NotFelica)
        );
        assert_eq!(idm_from_response(&[]), Err(CardError::NotFelica));
    }
}
