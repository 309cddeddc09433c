//! A JWT as the token panel shows it: header and payload as the browser's JSON reads them,
//! the times the payload states, the signature. Only shown, never trusted: the server
//! verifies with `shared::jwt`, and the page re-signs with the same `jwt::sign_parts`.

use js_sys::{JSON, Reflect};
use shared::jwt;
use wasm_bindgen::JsValue;

#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The header as indented JSON.
    pub header: String,
    /// The payload as indented JSON: what the editor starts from.
    pub payload: String,
    /// `iat` and `exp` when they are numbers (seconds since the epoch), whatever their size:
    /// `utc_time` says when one is beyond what a date can show.
    pub iat: Option<f64>,
    pub exp: Option<f64>,
    /// The signature, base64url.
    pub signature: String,
}

/// `token`'s parts, when it has three and the first two are base64url JSON objects. Any
/// object: a token the person edits follows no wire type, so the browser's `JSON` reads it.
pub fn show(token: &str) -> Option<Shown> {
    let (header, payload, signature) = jwt::split(token).ok()?;
    let (header, payload) = (object(header)?, object(payload)?);
    Some(Shown {
        header: pretty(&header)?,
        payload: pretty(&payload)?,
        iat: number(&payload, "iat"),
        exp: number(&payload, "exp"),
        // Shown as received, once it is known to be canonical base64url.
        signature: jwt::b64url_decode(signature).map(|_| signature.to_owned())?,
    })
}

fn object(part: &str) -> Option<JsValue> {
    let value = JSON::parse(&String::from_utf8(jwt::b64url_decode(part)?).ok()?).ok()?;
    (value.is_object() && !js_sys::Array::is_array(&value)).then_some(value)
}

fn pretty(value: &JsValue) -> Option<String> {
    JSON::stringify_with_replacer_and_space(value, &JsValue::NULL, &JsValue::from(2)).ok().map(String::from)
}

/// The member `name` of `object` when it is a number.
fn number(object: &JsValue, name: &str) -> Option<f64> {
    Reflect::get(object, &JsValue::from_str(name)).ok()?.as_f64()
}

/// "Issued …. Expires … (N s left)." for the times a token states, as of `now_ms`.
pub fn times(iat: Option<f64>, exp: Option<f64>, now_ms: f64) -> String {
    let issued = iat.map(|i| format!("Issued {}. ", utc_time(i))).unwrap_or_default();
    let expires = exp.map(|e| format!("Expires {}", utc_time(e))).unwrap_or_default();
    // Whole seconds: a token's times may be fractional, a countdown is not.
    let left = exp.filter(|e| in_range(*e)).map(|e| e.floor() as i64 - (now_ms / 1000.0).floor() as i64);
    let left = match left {
        Some(l) if l > 0 => format!(" ({l} s left)."),
        Some(l) => format!(" (expired {} s ago).", -l),
        None if exp.is_some() => ".".to_owned(),
        None => String::new(),
    };
    format!("{issued}{expires}{left}")
}

/// What a JavaScript `Date` holds: 8.64e15 ms either side of the epoch, here in seconds.
const DATE_RANGE_SECONDS: f64 = 8.64e12;

/// Whether a date can show `seconds` (false for NaN and infinities too).
fn in_range(seconds: f64) -> bool {
    seconds.abs() <= DATE_RANGE_SECONDS
}

/// Seconds since the epoch as a UTC time, `2026-12-01T00:40:00Z` (fractions of a second
/// dropped; years beyond 0000–9999 as `+275760` or `-000001`, as JavaScript writes them),
/// or "out of range" for what no date holds. Computed here rather than by a JavaScript
/// `Date`, whose `toISOString` throws out of the wasm on such a value.
pub fn utc_time(seconds: f64) -> String {
    if !in_range(seconds) {
        return "out of range".to_owned();
    }
    let seconds = seconds.floor() as i64;
    let (days, time) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let year = if (0..=9999).contains(&year) { format!("{year:04}") } else { format!("{}{:06}", if year < 0 { '-' } else { '+' }, year.abs()) };
    format!("{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", time / 3600, time % 3600 / 60, time % 60)
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_javascript_writes_them() {
        // Each as `new Date(seconds * 1000).toISOString()` gives it, without the milliseconds.
        for (seconds, text) in [
            (0.0, "1970-01-01T00:00:00Z"),
            (1_000.0, "1970-01-01T00:16:40Z"),
            (1_780_000_000.5, "2026-05-28T20:26:40Z"),
            (4_102_444_800.0, "2100-01-01T00:00:00Z"),
            (951_782_400.0, "2000-02-29T00:00:00Z"),
            (-1.0, "1969-12-31T23:59:59Z"),
            (-62_167_219_200.0, "0000-01-01T00:00:00Z"),
            (-62_167_219_201.0, "-000001-12-31T23:59:59Z"),
            (253_402_300_799.0, "9999-12-31T23:59:59Z"),
            (253_402_300_800.0, "+010000-01-01T00:00:00Z"),
            (8.64e12, "+275760-09-13T00:00:00Z"),
            (-8.64e12, "-271821-04-20T00:00:00Z"),
        ] {
            assert_eq!(utc_time(seconds), text, "{seconds}");
        }
    }

    #[test]
    fn a_time_no_date_holds_is_out_of_range() {
        for seconds in [1e13, -1e13, 8.64e12 + 1.0, -9_223_372_036_854_775_000.0, 1e300, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(utc_time(seconds), "out of range", "{seconds}");
        }
    }

    #[test]
    fn the_countdown_skips_what_cannot_be_counted() {
        let now_ms = 1_000_000.0;
        assert_eq!(times(Some(900.0), Some(1_060.0), now_ms), "Issued 1970-01-01T00:15:00Z. Expires 1970-01-01T00:17:40Z (60 s left).");
        assert_eq!(times(None, Some(940.0), now_ms), "Expires 1970-01-01T00:15:40Z (expired 60 s ago).");
        assert_eq!(times(Some(f64::NAN), Some(1e13), now_ms), "Issued out of range. Expires out of range.");
        assert_eq!(times(None, None, now_ms), "");
    }
}
