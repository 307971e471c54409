//! Path counts: exact up to 2^4096 (a line of 1,000 yes/no questions that a rule reads has
//! 2^1000 paths), and beyond that only said to be more.

use std::fmt;

use serde::{Serialize, Serializer};

/// Limbs kept: counts below 2^(64 * LIMBS) are exact.
const LIMBS: usize = 64;

/// A number of paths: exact below 2^4096 (little-endian 64-bit limbs, no trailing zero
/// limb), else "more than 10^1233" (`Vec` of `LIMBS + 1` limbs, all `u64::MAX`), so that
/// counting costs no more than a constant per state however long the pathway.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathCount(Vec<u64>);

impl PathCount {
    /// Whether the count is too large to be kept exactly (at least 2^4096).
    pub fn is_saturated(&self) -> bool {
        self.0.len() > LIMBS
    }

    /// One path.
    pub fn one() -> Self {
        Self(vec![1])
    }

    /// No path.
    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `other` to this count.
    pub fn add(&mut self, other: &Self) {
        if self.is_saturated() {
            return;
        }
        if other.is_saturated() {
            *self = other.clone();
            return;
        }
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        let mut carry = false;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let b = other.0.get(i).copied().unwrap_or(0);
            if b == 0 && !carry && i >= other.0.len() {
                break;
            }
            let (s, c1) = limb.overflowing_add(b);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            *limb = s;
            carry = c1 || c2;
        }
        if carry {
            self.0.push(1);
        }
        if self.0.len() > LIMBS {
            self.0 = vec![u64::MAX; LIMBS + 1];
        }
    }

    /// The count as a `u64`, or `u64::MAX` when it is larger.
    pub fn saturating_u64(&self) -> u64 {
        match self.0.as_slice() {
            [] => 0,
            [x] => *x,
            _ => u64::MAX,
        }
    }

    /// The count, if it fits in a `u64`.
    pub fn to_u64(&self) -> Option<u64> {
        match self.0.as_slice() {
            [] => Some(0),
            [x] => Some(*x),
            _ => None,
        }
    }
}

impl From<u64> for PathCount {
    fn from(n: u64) -> Self {
        if n == 0 {
            Self(Vec::new())
        } else {
            Self(vec![n])
        }
    }
}

impl PartialEq<u64> for PathCount {
    fn eq(&self, other: &u64) -> bool {
        self.to_u64() == Some(*other)
    }
}

impl fmt::Display for PathCount {
    /// In decimal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.to_u64() {
            return write!(f, "{n}");
        }
        if self.is_saturated() {
            // 2^4096 is about 1.04 * 10^1233.
            return write!(f, "more than 10^1233");
        }
        // Repeated division by 10^19, the largest power of ten in a limb.
        const CHUNK: u64 = 10_000_000_000_000_000_000;
        let mut limbs = self.0.clone();
        let mut chunks = Vec::new();
        while !limbs.is_empty() {
            let mut rem: u128 = 0;
            for limb in limbs.iter_mut().rev() {
                let cur = (rem << 64) | u128::from(*limb);
                *limb = (cur / u128::from(CHUNK)) as u64;
                rem = cur % u128::from(CHUNK);
            }
            chunks.push(rem as u64);
            while limbs.last() == Some(&0) {
                limbs.pop();
            }
        }
        let mut chunks = chunks.iter().rev();
        if let Some(first) = chunks.next() {
            write!(f, "{first}")?;
        }
        for c in chunks {
            write!(f, "{c:019}")?;
        }
        Ok(())
    }
}

impl Serialize for PathCount {
    /// A JSON number when it fits in a `u64`, else its decimal digits as a string.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.to_u64() {
            Some(n) => s.serialize_u64(n),
            None => s.collect_str(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PathCount;

    fn power_of_two(k: u32) -> PathCount {
        let mut c = PathCount::one();
        for _ in 0..k {
            let d = c.clone();
            c.add(&d);
        }
        c
    }

    #[test]
    fn counts_add_with_carries_and_print_in_decimal() {
        assert_eq!(PathCount::default().to_string(), "0");
        assert!(PathCount::from(0).is_zero());
        assert_eq!(power_of_two(10), 1024);
        assert_eq!(power_of_two(63).to_string(), "9223372036854775808");
        assert_eq!(power_of_two(64).to_string(), "18446744073709551616");
        assert_eq!(power_of_two(64).saturating_u64(), u64::MAX);
        assert_eq!(
            power_of_two(128).to_string(),
            "340282366920938463463374607431768211456"
        );
        let mut x = PathCount::from(u64::MAX);
        x.add(&PathCount::one());
        assert_eq!(x, power_of_two(64));
        let mut y = PathCount::one();
        y.add(&power_of_two(200));
        assert_eq!(
            y.to_string(),
            "1606938044258990275541962092341162602522202993782792835301377"
        );
        assert_eq!(power_of_two(200).to_string().len(), 61);
        assert_eq!(
            serde_json::to_string(&power_of_two(64)).unwrap(),
            "\"18446744073709551616\""
        );
        assert_eq!(serde_json::to_string(&PathCount::from(7)).unwrap(), "7");
        // Exact up to 2^4096, then only said to be more (and adding leaves it so).
        let big = power_of_two(4095);
        assert!(!big.is_saturated());
        assert_eq!(big.to_string().len(), 1233);
        let mut more = big.clone();
        more.add(&big);
        assert!(more.is_saturated());
        assert_eq!(more.to_string(), "more than 10^1233");
        more.add(&PathCount::one());
        assert!(more.is_saturated());
        let mut x = PathCount::one();
        x.add(&more);
        assert_eq!(x, more);
        assert_eq!(more.saturating_u64(), u64::MAX);
    }
}
