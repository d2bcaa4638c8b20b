//! Clock and randomness (the two things the core is not allowed to touch), and the
//! platform calls the shell makes its own way.

use hookgate_core::time::UnixMillis;
use wasm_bindgen::JsCast;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &worker::js_sys::Function, ms: f64) -> wasm_bindgen::JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &wasm_bindgen::JsValue);
}

/// Resolves after `ms` milliseconds. (`worker::Delay` goes through web_sys's
/// `WorkerGlobalScope`, whose call failed in the debug build inside a Durable Object.)
pub async fn sleep(ms: u64) {
    let promise = worker::js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms as f64);
    });
    let _ = worker::wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// `future`'s output, or `None` when it has not finished within `ms` (it is dropped:
/// whatever it was doing may still complete on the platform's side).
///
/// The timer is cleared when the future wins: every delivery's hand-over is bounded
/// this way, and a 30 s timer left behind per delivery kept its promise alive for 30 s
/// and showed in the object's CPU profile (`setTimeout`, 2.3% of the accepted path).
pub async fn within<T>(ms: u64, future: impl std::future::Future<Output = T>) -> Option<T> {
    use futures_util::future::{select, Either};
    let mut timer = wasm_bindgen::JsValue::UNDEFINED;
    let deadline = worker::js_sys::Promise::new(&mut |resolve, _| {
        timer = set_timeout(&resolve, ms as f64);
    });
    let deadline = worker::wasm_bindgen_futures::JsFuture::from(deadline);
    match select(std::pin::pin!(future), deadline).await {
        Either::Left((out, _)) => {
            clear_timeout(&timer);
            Some(out)
        }
        Either::Right(_) => None,
    }
}

pub fn now() -> UnixMillis {
    UnixMillis(worker::Date::now().as_millis())
}

/// Fills an array from the platform's CSPRNG (`crypto.getRandomValues` on Workers).
pub fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the platform CSPRNG is available");
    bytes
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = digest)]
    fn subtle_digest(algorithm: &str, data: &worker::js_sys::Uint8Array)
        -> worker::js_sys::Promise;
}

/// The SHA-256 of `bytes` (hex) from the platform's WebCrypto: native code, where the
/// same digest compiled to wasm costs several times as much CPU (1 KiB: the wasm digest
/// was a quarter of the core's hot path; `BENCHMARKS.md`). The body's fingerprint and
/// claim-check hash come from here; the core never hashes a body a second time.
pub async fn sha256_hex(bytes: &[u8]) -> Result<String, String> {
    let data = worker::js_sys::Uint8Array::from(bytes);
    let digest = worker::wasm_bindgen_futures::JsFuture::from(subtle_digest("SHA-256", &data))
        .await
        .map_err(|e| format!("crypto.subtle.digest: {e:?}"))?;
    Ok(hex::encode(
        worker::js_sys::Uint8Array::new(&digest).to_vec(),
    ))
}

/// A request for `fetch` (an origin, a Durable Object) made by the runtime's `Request`
/// constructor with only what hookgate sets. `worker::Request::new_with_init` converts
/// every option it knows (`cf`, redirect, cache…) and was 11 KB of the wasm.
pub fn request(
    url: &str,
    method: &str,
    headers: &worker::Headers,
    body: Option<&wasm_bindgen::JsValue>,
) -> Result<worker::Request, String> {
    let init = worker::web_sys::RequestInit::new();
    init.set_method(method);
    // Never followed: a redirect would re-send a signed body wherever it points, plain
    // http included. A 3xx is the answer, and an origin's 3xx is a failed attempt.
    let _ = worker::js_sys::Reflect::set(&init, &"redirect".into(), &"manual".into());
    init.set_headers(&headers.0);
    if let Some(body) = body {
        init.set_body(body);
    }
    worker::web_sys::Request::new_with_str_and_init(url, &init)
        .map(worker::Request::from)
        .map_err(|e| format!("{url}: {e:?}"))
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/platform.js")]
extern "C" {
    /// `headers` as "name\nvalue\n" lines, in one call (`platform.js`).
    #[wasm_bindgen(js_name = headerLines)]
    fn header_lines(headers: &worker::web_sys::Headers) -> String;
    /// A `Response` in one call (`platform.js`); throws for a status or a field the
    /// runtime refuses.
    #[wasm_bindgen(catch)]
    pub fn respond(
        status: u16,
        lines: &str,
        body: &[u8],
    ) -> Result<worker::web_sys::Response, wasm_bindgen::JsValue>;
    #[wasm_bindgen(js_name = callObject)]
    #[allow(clippy::too_many_arguments)]
    fn call_object(
        env: &worker::Env,
        binding: &str,
        name: &str,
        url: &str,
        method: &str,
        lines: &str,
        body: &[u8],
        has_body: bool,
    ) -> worker::js_sys::Promise;
}

/// Every header field of a request (or response), names lower case, in one call.
pub fn header_fields(headers: &worker::web_sys::Headers) -> Vec<(String, String)> {
    let lines = header_lines(headers);
    let mut parts = lines.split('\n');
    let mut fields = Vec::new();
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        fields.push((name.to_string(), value.to_string()));
    }
    fields
}

/// Header fields as `platform.js` takes them, "name\nvalue\n" each; a value with a line
/// break (or a NUL) is refused, as `Headers.set` would refuse it.
pub fn field_lines<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<String, String> {
    let mut lines = String::with_capacity(256);
    for (name, value) in fields {
        if value.contains(['\r', '\n', '\0']) {
            return Err(format!("the {name} header field holds a line break"));
        }
        lines.push_str(name);
        lines.push('\n');
        lines.push_str(value);
        lines.push('\n');
    }
    Ok(lines)
}

/// Calls the Durable Object `name` of `binding` and returns its answer's text; anything
/// but a 200 is an error whose text is for the log only.
pub async fn call_object_text(
    env: &worker::Env,
    binding: &str,
    name: &str,
    url: &str,
    method: &str,
    headers: &[(&str, String)],
    body: Option<&[u8]>,
) -> Result<String, String> {
    let lines = field_lines(headers.iter().map(|(name, value)| (*name, value.as_str())))?;
    let promise = call_object(
        env,
        binding,
        name,
        url,
        method,
        &lines,
        body.unwrap_or_default(),
        body.is_some(),
    );
    worker::wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|text| text.as_string().unwrap_or_default())
        .map_err(|e| {
            e.dyn_ref::<worker::js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| format!("{e:?}"))
        })
}

/// A promise of `future`'s output, polled once at once: when it is ready then (it
/// awaited nothing), the promise is made settled and the executor never runs; else it
/// goes to wasm-bindgen-futures' executor, whose first poll gives every future in it
/// its real waker (a future must wake the waker of its latest poll only, so the first
/// poll's no-op waker is never relied on).
pub fn promise_of(
    future: impl std::future::Future<Output = Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>>
        + 'static,
) -> worker::js_sys::Promise {
    use std::task::{Context, Poll, Waker};
    let mut future = Box::pin(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(value)) => worker::js_sys::Promise::resolve(&value),
        Poll::Ready(Err(error)) => worker::js_sys::Promise::reject(&error),
        Poll::Pending => worker::wasm_bindgen_futures::future_to_promise(future),
    }
}
