//! A QR code to show on screen (not printed): the two-factor enrolment's
//! `otpauth://` address, as an SVG `data:` URL the window shows in an `<img>`
//! (the CSP allows `data:` images, nothing remote).

use base64::Engine;
use qrcode::QrCode;
use qrcode::render::svg;

/// The SVG of `text` as a QR code, as a `data:image/svg+xml;base64,…` URL.
pub fn qr_data_url(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Some(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(image)
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_address_becomes_an_svg_data_url() {
        let url = qr_data_url("otpauth://totp/OkusuriDesk:a%40b?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert!(url.starts_with("data:image/svg+xml;base64,"));
        let svg = base64::engine::general_purpose::STANDARD
            .decode(url.trim_start_matches("data:image/svg+xml;base64,"))
            .unwrap();
        assert!(String::from_utf8(svg).unwrap().contains("<svg"));
    }
}
