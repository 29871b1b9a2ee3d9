//! Resident ID numbers (居民身份证号码, GB 11643-1999): parsed, checked, and reduced to what the
//! hall may keep. The clear number never leaves the request that carried it.

use jiff::civil::Date;

/// A checked 18-character ID number. Deliberately not `Serialize` and not `Debug`-printable in
/// clear, so it cannot end up in an event or a log line by accident.
pub struct IdNumber(String);

impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber(…{})", self.tail())
    }
}

impl IdNumber {
    /// Checks length, digits, birth date and the ISO 7064 MOD 11-2 check character.
    pub fn parse(s: &str) -> Result<IdNumber, String> {
        let s = s.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 18 {
            return Err("an ID number has 18 characters / 身份证号码应为18位".into());
        }
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err("an ID number is 17 digits and a digit or X / 身份证号码格式不正确".into());
        }
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const C: &[u8; 11] = b"10X98765432";
        let sum: u32 = b[..17]
            .iter()
            .zip(W)
            .map(|(d, w)| (d - b'0') as u32 * w)
            .sum();
        if C[(sum % 11) as usize] != b[17] {
            return Err("the ID number's check digit is wrong / 身份证号码校验位不正确".into());
        }
        let id = IdNumber(s);
        id.birth_date().ok_or_else(|| {
            "the ID number's birth date is not a date / 身份证号码出生日期不正确".to_string()
        })?;
        Ok(id)
    }

    pub fn birth_date(&self) -> Option<Date> {
        let y: i16 = self.0[6..10].parse().ok()?;
        let m: i8 = self.0[10..12].parse().ok()?;
        let d: i8 = self.0[12..14].parse().ok()?;
        Date::new(y, m, d).ok()
    }

    /// The last six characters, as printed on tickets.
    pub fn tail(&self) -> &str {
        &self.0[12..]
    }

    /// The clear number, for keyed hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_number_parses_and_gives_its_birth_date() {
        // The GB 11643 sample number.
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), Some(jiff::civil::date(1949, 12, 31)));
        assert_eq!(id.tail(), "31002X");
        assert!(!format!("{id:?}").contains("110105"));
    }

    #[test]
    fn bad_numbers_are_refused() {
        for bad in [
            "110105194912310021",
            "11010519491231002",
            "1101051949123100XX",
            "110105194913310026",
        ] {
            assert!(IdNumber::parse(bad).is_err(), "{bad}");
        }
    }
}
