//! argon2id password checks and hashes.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// A fixed hash to verify against when the clerk id is unknown, so that a wrong id takes as long
/// as a wrong password.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$ViD7WbUoc0sgqn7AEQy4aQ$/NMLOHJuxMvr0rs1GM2l9VZkkKwNk0jaiipkXZhotkc";

/// Checks a password against a PHC string; `None` (unknown clerk) is always false.
pub fn verify(hash: Option<&str>, password: &str) -> bool {
    let ok = PasswordHash::new(hash.unwrap_or(DUMMY))
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false);
    ok && hash.is_some()
}

/// Hashes a password for the configuration file (`hallq hash-password`).
pub fn hash(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 hashes any password")
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = super::hash("s3cret");
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify(Some(&h), "s3cret"));
        assert!(!super::verify(Some(&h), "demo"));
        assert!(!super::verify(None, "demo"));
        assert!(super::verify(Some(super::DUMMY), "demo"));
    }
}
