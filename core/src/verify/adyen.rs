//! Adyen's standard notifications: every `NotificationRequestItem` of the body's
//! `notificationItems` carries `additionalData.hmacSignature`, the base64 HMAC-SHA256
//! (keyed with the HMAC key's hex, decoded) of
//! `pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success`,
//! an absent field empty and nothing escaped (Adyen's libraries' `getDataToSign`). The
//! body must be parsed before the MAC, but only as far as the items' eight fields and
//! signature: other members are skipped unread, at most [`MAX_ITEMS`] items are taken and
//! a signed field longer than [`MAX_FIELD_LEN`] bytes is refused, so an unsigned body
//! costs a bounded amount of memory. Every item must verify, with the same secret.

use super::engine::{mac, Tag};
use super::{first_matching_secret, VerifyError};
use crate::model::template::Algorithm;
use crate::model::AuthConfig;
use crate::request::Inbound;
use crate::time::UnixMillis;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use subtle::ConstantTimeEq;

/// Adyen sends one item per notification today; older batches held a handful.
pub const MAX_ITEMS: usize = 64;
/// References and codes are short; a longer field is not Adyen's.
pub const MAX_FIELD_LEN: usize = 4096;

#[derive(Deserialize)]
struct Notification<'a> {
    #[serde(
        rename = "notificationItems",
        borrow,
        deserialize_with = "bounded_items"
    )]
    items: Vec<Wrapper<'a>>,
}

#[derive(Deserialize)]
struct Wrapper<'a> {
    #[serde(rename = "NotificationRequestItem", borrow)]
    item: Item<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item<'a> {
    #[serde(borrow, default)]
    psp_reference: Option<&'a RawValue>,
    #[serde(borrow, default)]
    original_reference: Option<&'a RawValue>,
    #[serde(borrow, default)]
    merchant_account_code: Option<&'a RawValue>,
    #[serde(borrow, default)]
    merchant_reference: Option<&'a RawValue>,
    #[serde(borrow, default)]
    amount: Option<Amount<'a>>,
    #[serde(borrow, default)]
    event_code: Option<&'a RawValue>,
    #[serde(borrow, default)]
    success: Option<&'a RawValue>,
    #[serde(borrow, default)]
    additional_data: Option<AdditionalData<'a>>,
}

#[derive(Deserialize)]
struct Amount<'a> {
    #[serde(borrow, default)]
    value: Option<&'a RawValue>,
    #[serde(borrow, default)]
    currency: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct AdditionalData<'a> {
    #[serde(rename = "hmacSignature", borrow, default)]
    hmac_signature: Option<&'a RawValue>,
}

/// `notificationItems`, refused past [`MAX_ITEMS`] without reading the rest.
fn bounded_items<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Wrapper<'de>>, D::Error> {
    struct Items;
    impl<'de> Visitor<'de> for Items {
        type Value = Vec<Wrapper<'de>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "at most {MAX_ITEMS} notification items")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                if items.len() == MAX_ITEMS {
                    return Err(serde::de::Error::custom("too many notification items"));
                }
                items.push(item);
            }
            Ok(items)
        }
    }
    d.deserialize_seq(Items)
}

/// A signed field as Adyen's libraries join it: a string's text, a number's or a
/// boolean's as written, nothing for `null` or an absent field.
fn text(raw: Option<&RawValue>) -> Result<Cow<'_, str>, VerifyError> {
    let Some(raw) = raw.map(RawValue::get) else {
        return Ok(Cow::Borrowed(""));
    };
    if raw.len() > MAX_FIELD_LEN {
        return Err(VerifyError::SignatureMalformed);
    }
    Ok(match raw.as_bytes()[0] {
        b'"' if !raw.contains('\\') => Cow::Borrowed(&raw[1..raw.len() - 1]),
        b'"' => Cow::Owned(serde_json::from_str(raw).map_err(|_| VerifyError::SignatureMalformed)?),
        b'n' => Cow::Borrowed(""),
        b'{' | b'[' => return Err(VerifyError::SignatureMalformed),
        _ => Cow::Borrowed(raw),
    })
}

impl Item<'_> {
    /// The signing string's pieces, `:` between them.
    fn signed(&self) -> Result<Vec<Cow<'_, [u8]>>, VerifyError> {
        let amount = self.amount.as_ref();
        let values = [
            self.psp_reference,
            self.original_reference,
            self.merchant_account_code,
            self.merchant_reference,
            amount.and_then(|a| a.value),
            amount.and_then(|a| a.currency),
            self.event_code,
            self.success,
        ];
        let mut pieces = Vec::with_capacity(2 * values.len());
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                pieces.push(Cow::Borrowed(&b":"[..]));
            }
            pieces.push(match text(v)? {
                Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
                Cow::Owned(s) => Cow::Owned(s.into_bytes()),
            });
        }
        Ok(pieces)
    }

    fn presented(&self) -> Result<Tag, VerifyError> {
        let raw = self
            .additional_data
            .as_ref()
            .and_then(|a| a.hmac_signature)
            .ok_or(VerifyError::SignatureMissing)?;
        let sig = text(Some(raw))?;
        let bytes = crate::codec::base64(&sig)
            .filter(|b| b.len() == Algorithm::Sha256.output_len())
            .ok_or(VerifyError::SignatureMalformed)?;
        Ok(Tag::of(&bytes))
    }
}

pub(super) fn run(
    auth: &AuthConfig,
    inbound: &Inbound,
    now: UnixMillis,
) -> Result<usize, VerifyError> {
    let notification: Notification<'_> = match serde_json::from_slice(&inbound.body) {
        Ok(n) => n,
        // Not a notification body at all (or one with too many items).
        Err(_) => return Err(VerifyError::SignatureMissing),
    };
    if notification.items.is_empty() {
        return Err(VerifyError::SignatureMissing);
    }
    let mut checks = Vec::with_capacity(notification.items.len());
    for wrapper in &notification.items {
        let item = &wrapper.item;
        let presented = item.presented()?;
        checks.push((item.signed()?, presented));
    }
    first_matching_secret(auth, now, VerifyError::SignatureMismatch, |secret| {
        let key = auth.key_bytes(secret).ok_or(VerifyError::Misconfigured(
            "a stored Adyen HMAC key is not hex",
        ))?;
        // Every item, no early exit: all must match this key.
        let mut all = subtle::Choice::from(1);
        for (pieces, presented) in &checks {
            let tag = mac(Algorithm::Sha256, &key, pieces);
            all &= tag.as_slice().ct_eq(presented.as_slice());
        }
        Ok(all.into())
    })
}

/// Signs every item of a notification (the admin API's test event, `hookgate send`):
/// the same signing string, written into `additionalData.hmacSignature`.
pub(crate) fn sign_items(notification: &mut serde_json::Value, key: &[u8]) -> Option<()> {
    use base64::Engine as _;
    for wrapper in notification.get_mut("notificationItems")?.as_array_mut()? {
        let item = wrapper.get_mut("NotificationRequestItem")?;
        let text = item.to_string();
        let parsed: Item<'_> = serde_json::from_str(&text).ok()?;
        let tag = mac(Algorithm::Sha256, key, &parsed.signed().ok()?);
        let encoded = base64::engine::general_purpose::STANDARD.encode(tag.as_slice());
        let additional = item
            .as_object_mut()?
            .entry("additionalData")
            .or_insert_with(|| serde_json::json!({}));
        additional
            .as_object_mut()?
            .insert("hmacSignature".into(), encoded.into());
    }
    Some(())
}
