//! The hall's secret key and what is derived from it: keyed hashes of ID numbers and phones,
//! ticket tracking tokens, session tokens. The key lives in `DATA/secret.key` (mode 0600), not in
//! the database, so a copy of the database alone cannot be brute-forced back to ID numbers.

use hallq_core::idnumber::IdNumber;
use hallq_core::state::PersonalTag;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

type HmacSha256 = Hmac<Sha256>;

pub struct Secrets {
    key: [u8; 32],
}

impl Secrets {
    /// Loads `secret.key` from the data directory, creating it on first start.
    pub fn load_or_create(dir: &Path) -> std::io::Result<Secrets> {
        let path = dir.join("secret.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let bytes = hex::decode(text.trim()).map_err(|_| {
                    std::io::Error::other(format!("{} is not 64 hex digits", path.display()))
                })?;
                let key: [u8; 32] = bytes.try_into().map_err(|_| {
                    std::io::Error::other(format!("{} is not 64 hex digits", path.display()))
                })?;
                Ok(Secrets { key })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = rand::random();
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                let mut f = opts.open(&path)?;
                writeln!(f, "{}", hex::encode(key))?;
                f.sync_all()?;
                Ok(Secrets { key })
            }
            Err(e) => Err(e),
        }
    }

    fn mac(&self, domain: &str, value: &str) -> [u8; 32] {
        let mut m = HmacSha256::new_from_slice(&self.key).expect("any key length");
        m.update(domain.as_bytes());
        m.update(&[0]);
        m.update(value.as_bytes());
        m.finalize().into_bytes().into()
    }

    /// What the hall keeps of an ID number: a keyed hash (to link visits) and the last six
    /// characters (as printed on the ticket).
    pub fn id_tag(&self, id: &IdNumber) -> PersonalTag {
        PersonalTag {
            hash: hex::encode(&self.mac("id", id.expose())[..16]),
            tail: id.tail().to_owned(),
        }
    }

    /// What the hall keeps of a phone number: a keyed hash and the last four digits.
    pub fn phone_tag(&self, digits: &str) -> PersonalTag {
        PersonalTag {
            hash: hex::encode(&self.mac("phone", digits)[..16]),
            tail: digits[digits.len().saturating_sub(4)..].to_owned(),
        }
    }

    /// The token in a ticket's tracking link: the ticket id and a MAC, so it needs no storage and
    /// cannot be guessed from a ticket number.
    pub fn track_token(&self, ticket_id: &str) -> String {
        format!(
            "{ticket_id}.{}",
            &hex::encode(self.mac("track", ticket_id))[..20]
        )
    }

    /// Checks a tracking token and returns its ticket id.
    pub fn check_track_token<'a>(&self, token: &'a str) -> Option<&'a str> {
        let (id, _) = token.split_once('.')?;
        (self.track_token(id) == token).then_some(id)
    }

    /// The signature of a report link: which report (period, date, format) and until when (unix
    /// seconds). A link so signed opens the report without a session token in the URL.
    pub fn report_signature(&self, period: &str, date: &str, format: &str, expires: i64) -> String {
        hex::encode(self.mac("report", &format!("{period}\0{date}\0{format}\0{expires}")))
    }

    /// Whether `signature` is that of this report link (compared in constant time).
    pub fn check_report_signature(
        &self,
        (period, date, format, expires): (&str, &str, &str, i64),
        signature: &str,
    ) -> bool {
        let expected = self.report_signature(period, date, format, expires);
        expected.len() == signature.len()
            && expected
                .bytes()
                .zip(signature.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// A session token. With an `Idempotency-Key` the token is derived from it, so a retried
    /// sign-in returns the same token without the token ever being stored.
    pub fn session_token(&self, clerk: &str, idempotency_key: Option<&str>) -> String {
        match idempotency_key {
            Some(k) => hex::encode(self.mac("session", &format!("{clerk}\0{k}"))),
            None => hex::encode(rand::random::<[u8; 32]>()),
        }
    }
}

/// The lowercase hex SHA-256 of a bearer token: how devices and sessions are looked up.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fingerprint of a request, to tell a retry from a different request under the same key.
pub fn request_hash(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    hex::encode(h.finalize())
}
