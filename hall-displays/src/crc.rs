//! The three checksums the wire protocols use, written out bit by bit.
//!
//! They are tiny and table-free on purpose: a firmware author can port them line by line, and the
//! check values of the CRC catalogue ("123456789") pin them down in the tests below.

/// Computes CRC-16/ARC (polynomial 0x8005 reflected = 0xA001, init 0, no final XOR).
///
/// Onbon BX-5/BX-6 controllers protect the header and data of every packet with it; the result is
/// sent low byte first.
pub fn crc16_arc(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in data {
        crc ^= u16::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// Computes CRC-16/CCITT-FALSE (polynomial 0x1021, init 0xFFFF, not reflected, no final XOR).
///
/// The raw-bitmap protocol protects each frame body with it; the result is sent high byte first.
pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Computes CRC-8/SMBUS (polynomial 0x07, init 0, not reflected, no final XOR).
///
/// The raw-bitmap protocol protects its five header bytes with it, so a receiver can reject a
/// corrupted length before it waits for a body that will never come.
pub fn crc8_smbus(data: &[u8]) -> u8 {
    let mut crc: u8 = 0;
    for &byte in data {
        crc ^= byte;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 {
                (crc << 1) ^ 0x07
            } else {
                crc << 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK: &[u8] = b"123456789";

    #[test]
    fn catalogue_check_values_match() {
        assert_eq!(crc16_arc(CHECK), 0xBB3D);
        assert_eq!(crc16_ccitt_false(CHECK), 0x29B1);
        assert_eq!(crc8_smbus(CHECK), 0xF4);
    }

    #[test]
    fn empty_input_gives_the_initial_value() {
        assert_eq!(crc16_arc(&[]), 0);
        assert_eq!(crc16_ccitt_false(&[]), 0xFFFF);
        assert_eq!(crc8_smbus(&[]), 0);
    }
}
