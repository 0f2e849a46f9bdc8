//! Login tokens, login codes, session ids: random values from the OS CSPRNG of which only a
//! SHA-256 is ever stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::fmt;

/// 32 random bytes, URL-safe base64 without padding (43 characters, 256 bits). Used for login
/// link tokens, session ids and login-attempt ids.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed secret")]
pub struct MalformedSecret;

impl Secret {
    pub const LEN: usize = 43;

    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        fill_random(&mut bytes);
        Secret(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts only the exact form `generate` produces: truncated, padded or foreign alphabets fail.
    pub fn parse(raw: &str) -> Result<Self, MalformedSecret> {
        if raw.len() != Self::LEN {
            return Err(MalformedSecret);
        }
        match URL_SAFE_NO_PAD.decode(raw) {
            // Re-encoding rejects non-canonical trailing bits.
            Ok(bytes) if bytes.len() == 32 && URL_SAFE_NO_PAD.encode(&bytes) == raw => {
                Ok(Secret(raw.to_string()))
            }
            _ => Err(MalformedSecret),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored: the hex SHA-256 of the secret.
    pub fn hash(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// An 8-digit code for reading the mail on another device; valid only together with the
/// login attempt (browser cookie) it was issued for.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginCode(String);

impl LoginCode {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 8];
        fill_random(&mut bytes);
        // The modulo bias of 2^64 mod 10^8 is below 10^-10: negligible.
        LoginCode(format!("{:08}", u64::from_le_bytes(bytes) % 100_000_000))
    }

    /// Accepts 8 digits, optionally grouped as `1234 5678` or `1234-5678`.
    pub fn parse(raw: &str) -> Result<Self, MalformedSecret> {
        let trimmed = raw.trim();
        let digits: String = trimmed.chars().filter(|c| *c != ' ' && *c != '-').collect();
        let separators = trimmed.len() - digits.len();
        if digits.len() == 8 && separators <= 1 && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(LoginCode(digits))
        } else {
            Err(MalformedSecret)
        }
    }

    /// `1234 5678`, as printed in mails.
    pub fn grouped(&self) -> String {
        format!("{} {}", &self.0[..4], &self.0[4..])
    }

    /// Bound to the attempt: the same code under another attempt hashes differently.
    pub fn hash_for(&self, attempt_hash: &str) -> String {
        sha256_hex(format!("{attempt_hash}:{}", self.0).as_bytes())
    }
}

impl fmt::Debug for LoginCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LoginCode(***)")
    }
}

/// Fills `bytes` from the OS CSPRNG (through ring, which rustls links anyway).
pub fn fill_random(bytes: &mut [u8]) {
    use ring::rand::SecureRandom;
    ring::rand::SystemRandom::new()
        .fill(bytes)
        .expect("the OS random number generator is available");
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_256_bits_and_round_trip() {
        let a = Secret::generate();
        let b = Secret::generate();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43);
        assert_eq!(Secret::parse(a.expose()).unwrap(), a);
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), a.expose());
    }

    #[test]
    fn malformed_secrets_are_rejected() {
        let good = Secret::generate();
        let raw = good.expose();
        for bad in [
            raw[..42].to_string(),
            format!("{raw}="),
            format!("{raw}A"),
            raw.replace(|c: char| c.is_ascii_alphabetic(), "+"),
            "/".repeat(43),
            "é".repeat(21),
            String::new(),
        ] {
            assert!(Secret::parse(&bad).is_err(), "accepted {bad:?}");
        }
        // Non-canonical last character (unused low bits set).
        let mut chars: Vec<char> = "A".repeat(43).chars().collect();
        chars[42] = 'B';
        let non_canonical: String = chars.into_iter().collect();
        assert!(Secret::parse(&non_canonical).is_err());
    }

    #[test]
    fn codes_are_eight_digits_and_parse_grouped() {
        let code = LoginCode::generate();
        assert_eq!(code.0.len(), 8);
        assert_eq!(LoginCode::parse(&code.grouped()).unwrap(), code);
        assert!(LoginCode::parse("1234-5678").is_ok());
        for bad in [
            "1234567",
            "123456789",
            "12 34 56 78",
            "abcdefgh",
            "１２３４５６７８",
            "",
        ] {
            assert!(LoginCode::parse(bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn a_code_hash_is_bound_to_its_attempt() {
        let code = LoginCode::parse("12345678").unwrap();
        assert_ne!(code.hash_for("attempt-a"), code.hash_for("attempt-b"));
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let secret = Secret::generate();
        assert!(!format!("{secret:?}").contains(secret.expose()));
        assert_eq!(format!("{:?}", LoginCode::generate()), "LoginCode(***)");
    }
}
