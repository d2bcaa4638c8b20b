//! Timestamps. The core never reads a clock: callers pass Unix milliseconds in.

/// Milliseconds since the Unix epoch, as read by the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnixMillis(pub u64);

impl UnixMillis {
    /// RFC 3339 in UTC with millisecond precision, e.g. `2026-11-22T06:39:06.123Z`.
    pub fn to_rfc3339(self) -> String {
        let ms = self.0 % 1000;
        let secs = self.0 / 1000;
        let (days, rem) = (secs / 86_400, secs % 86_400);
        let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
        let (year, month, day) = civil_from_days(days as i64);
        if !(0..=9999).contains(&year) {
            return format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z");
        }
        // Digits by hand: every envelope carries one, and `format!` was 15% of building
        // a 1 KiB envelope (`cargo bench -p hookgate-core --bench hot_path`).
        let mut out = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut value: u64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 4, year as u64);
        put(5, 2, u64::from(month));
        put(8, 2, u64::from(day));
        put(11, 2, h);
        put(14, 2, m);
        put(17, 2, s);
        put(20, 3, ms);
        String::from_utf8(out.to_vec()).expect("ASCII digits")
    }
}

impl UnixMillis {
    /// Parses ISO 8601 as Orb sends it: RFC 3339, or the same without an offset, which
    /// means UTC (`2024-03-27T15:42:29.551`).
    pub fn parse_utc_iso8601(s: &str) -> Option<UnixMillis> {
        UnixMillis::parse_rfc3339(s).or_else(|| {
            let zoned = format!("{s}Z");
            UnixMillis::parse_rfc3339(&zoned)
        })
    }

    /// Parses an RFC 3339 timestamp (`2026-11-22T06:39:06.123456789Z`, or with a
    /// `+hh:mm`/`-hh:mm` offset). Fractions beyond milliseconds are truncated.
    pub fn parse_rfc3339(s: &str) -> Option<UnixMillis> {
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month)
            || !(1..=31).contains(&day)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut rest = &s[19..];
        let mut millis = 0i64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let ms_digits = &frac[..digits.min(3)];
            millis = ms_digits.parse::<i64>().ok()? * 10i64.pow(3 - ms_digits.len() as u32);
            rest = &frac[digits..];
        }
        let offset_secs = match rest {
            "Z" | "z" => 0,
            // Byte checks, not string slicing: the offset may hold multi-byte garbage
            // (found by the `timestamp` fuzz target).
            _ if rest.len() == 6
                && rest.is_ascii()
                && (rest.starts_with('+') || rest.starts_with('-'))
                && rest.as_bytes()[3] == b':'
                && rest
                    .bytes()
                    .enumerate()
                    .all(|(i, b)| matches!(i, 0 | 3) || b.is_ascii_digit()) =>
            {
                let h: i64 = rest[1..3].parse().ok()?;
                let m: i64 = rest[4..6].parse().ok()?;
                let sign = if rest.starts_with('-') { -1 } else { 1 };
                sign * (h * 3600 + m * 60)
            }
            _ => return None,
        };
        let days = days_from_civil(year, month as u32, day as u32);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
        u64::try_from(secs * 1000 + millis).ok().map(UnixMillis)
    }
}

/// Howard Hinnant's civil-to-days conversion.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-to-civil conversion (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(UnixMillis(0).to_rfc3339(), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            UnixMillis(1_795_329_546_123).to_rfc3339(),
            "2026-11-22T06:39:06.123Z"
        );
        // Leap day, and the last millisecond of a leap year.
        assert_eq!(
            UnixMillis(951_782_400_000).to_rfc3339(),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(
            UnixMillis(1_735_689_599_999).to_rfc3339(),
            "2024-12-31T23:59:59.999Z"
        );
        // Past year 9999 the year grows a digit, as `format!` wrote it.
        assert_eq!(
            UnixMillis(253_402_300_800_000).to_rfc3339(),
            "10000-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn parses_what_it_formats_and_provider_forms() {
        for ms in [0, 951_782_400_000, 1_735_689_599_999, 1_795_329_546_123] {
            assert_eq!(
                UnixMillis::parse_rfc3339(&UnixMillis(ms).to_rfc3339()),
                Some(UnixMillis(ms))
            );
        }
        // Twitch sends nanoseconds.
        assert_eq!(
            UnixMillis::parse_rfc3339("2026-11-22T06:39:06.123456789Z"),
            Some(UnixMillis(1_795_329_546_123))
        );
        assert_eq!(
            UnixMillis::parse_rfc3339("2026-11-22T08:39:06+02:00"),
            Some(UnixMillis(1_795_329_546_000))
        );
        for bad in [
            "",
            "2026-11-22",
            "2026-13-01T00:00:00Z",
            "2026-11-22T06:39:06",
            "2026-11-22T06:39:06.Z",
            "2026-11-22T06:39:06Zjunk",
            "20x6-11-22T06:39:06Z",
            "+026-11-22T06:39:06Z",
        ] {
            assert_eq!(UnixMillis::parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_time_without_an_offset_is_utc_for_orb() {
        // Orb's SDK test timestamp, and the same instant with its zone written.
        let orb = UnixMillis(1_711_554_149_551);
        assert_eq!(
            UnixMillis::parse_utc_iso8601("2024-03-27T15:42:29.551"),
            Some(orb)
        );
        assert_eq!(
            UnixMillis::parse_utc_iso8601("2024-03-27T15:42:29.551Z"),
            Some(orb)
        );
        assert_eq!(
            UnixMillis::parse_utc_iso8601("2024-03-27T17:42:29.551+02:00"),
            Some(orb)
        );
        for bad in ["", "1711554149", "2024-03-27", "2024-03-27T15:42:29.551ZZ"] {
            assert_eq!(UnixMillis::parse_utc_iso8601(bad), None, "{bad}");
        }
    }
}
