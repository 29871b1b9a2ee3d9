//! Parsed identifiers: a value of one of these types is known to be well formed.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }
    };
}

string_id!(
    /// A queue's configured id, e.g. `"A"` or `"tax"`.
    QueueId
);
string_id!(
    /// A service item's code, e.g. `"431103-SC-001"`.
    ItemCode
);
string_id!(
    /// A clerk's sign-in id, e.g. `"clerk03"`.
    ClerkId
);
string_id!(
    /// A ticket's id: business day and number, `"20261126-A001"`; unique forever.
    TicketId
);
string_id!(
    /// The SHA-256 (hex) of a session's bearer token. The token itself is never stored.
    SessionId
);
string_id!(
    /// A configured device id, e.g. `"demo-kiosk"`.
    DeviceId
);

/// The number over a service window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WindowNo(pub u32);

impl fmt::Display for WindowNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A ticket number as printed: a prefix of one or two capital letters and three or more digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TicketNumber {
    pub prefix: String,
    pub n: u32,
}

impl TicketNumber {
    /// Parses `"A012"`; refuses lower case, missing digits and numbers over 9999.
    pub fn parse(s: &str) -> Result<TicketNumber, String> {
        let split = s
            .find(|c: char| c.is_ascii_digit())
            .ok_or_else(|| format!("ticket number {s:?} has no digits"))?;
        let (prefix, digits) = s.split_at(split);
        if prefix.is_empty() || prefix.len() > 2 || !prefix.chars().all(|c| c.is_ascii_uppercase())
        {
            return Err(format!(
                "ticket number {s:?} must start with one or two capital letters"
            ));
        }
        if digits.len() < 3 || digits.len() > 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "ticket number {s:?} must end with three or four digits"
            ));
        }
        let n: u32 = digits.parse().map_err(|_| format!("bad number {s:?}"))?;
        Ok(TicketNumber {
            prefix: prefix.to_owned(),
            n,
        })
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:03}", self.prefix, self.n)
    }
}

impl Serialize for TicketNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TicketNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TicketNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_numbers_parse_and_print_with_three_digits() {
        let n = TicketNumber::parse("A012").unwrap();
        assert_eq!(n.n, 12);
        assert_eq!(n.to_string(), "A012");
        assert_eq!(TicketNumber::parse("AB1234").unwrap().to_string(), "AB1234");
        for bad in ["a012", "012", "A", "A12", "ABC001", "A0x1", "A12345"] {
            assert!(TicketNumber::parse(bad).is_err(), "{bad} should not parse");
        }
    }
}
