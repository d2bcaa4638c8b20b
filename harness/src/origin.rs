//! A real HTTP origin on loopback for the delivery tests: it records every request it
//! receives and answers from a script per path (a status, headers, a body, a delay),
//! then 200. Plain HTTP/1.1 over std's TcpListener; one thread per connection.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
    /// The status this server answered with.
    pub answered: u16,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: vec![],
            body: String::new(),
            delay: Duration::ZERO,
        }
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    script: HashMap<String, VecDeque<Reply>>,
    /// Per path: fail this share of requests with 503 (a deterministic sequence).
    fail_share: HashMap<String, (f64, u64)>,
}

pub struct OriginServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl OriginServer {
    pub fn start() -> OriginServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (Arc::clone(&state), Arc::clone(&stop));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let s = Arc::clone(&s);
                std::thread::spawn(move || {
                    let _ = serve(conn, &s);
                });
            }
        });
        OriginServer { port, state, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Answers for `path`, in order; after them, 200.
    pub fn script(&self, path: &str, replies: Vec<Reply>) {
        self.state
            .lock()
            .unwrap()
            .script
            .insert(path.to_string(), replies.into());
    }

    /// Fails about `share` of the requests to `path` with 503, spread evenly.
    pub fn fail_share(&self, path: &str, share: f64) {
        self.state
            .lock()
            .unwrap()
            .fail_share
            .insert(path.to_string(), (share, 0));
    }

    pub fn received(&self, path: &str) -> Vec<Received> {
        self.state
            .lock()
            .unwrap()
            .received
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// Waits until `path` received at least `n` requests (or the time is up).
    pub fn wait_for(&self, path: &str, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.received(path);
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for OriginServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(conn: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if let Some(len) = get("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(len, 0);
        reader.read_exact(&mut body)?;
    } else if get("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                let mut end = String::new();
                reader.read_line(&mut end)?;
                break;
            }
            let mut chunk = vec![0; n];
            reader.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk);
            let mut crlf = [0; 2];
            reader.read_exact(&mut crlf)?;
        }
    }
    let reply = {
        let mut s = state.lock().unwrap();
        let at = Instant::now();
        let scripted = s.script.get_mut(&path).and_then(VecDeque::pop_front);
        let failing = s.fail_share.get_mut(&path).map(|(share, n)| {
            *n += 1;
            // Fails the requests where the running share crosses a whole number.
            ((*n as f64) * *share).floor() > ((*n - 1) as f64 * *share).floor()
        });
        let reply = match (scripted, failing) {
            (Some(r), _) => r,
            (None, Some(true)) => Reply::status(503),
            _ => Reply {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: "{\"origin\":\"ok\"}".into(),
                delay: Duration::ZERO,
            },
        };
        s.received.push(Received {
            path: path.clone(),
            headers,
            body,
            at,
            answered: reply.status,
        });
        reply
    };
    std::thread::sleep(reply.delay);
    let mut out = conn;
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    // `BODY_DELAY_HEADER` in a scripted reply is not sent: it stalls the body after its
    // first byte, for an origin that answers its headers at once and its body late.
    let mut body_delay = Duration::ZERO;
    for (k, v) in &reply.headers {
        if k.eq_ignore_ascii_case(BODY_DELAY_HEADER) {
            body_delay = Duration::from_millis(v.parse().unwrap_or(0));
            continue;
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    let body = reply.body.as_bytes();
    let split = if body_delay.is_zero() {
        body.len()
    } else {
        body.len().min(1)
    };
    out.write_all(&body[..split])?;
    out.flush()?;
    if !body_delay.is_zero() {
        std::thread::sleep(body_delay);
        out.write_all(&body[split..])?;
    }
    out.flush()
}

/// A scripted reply's header that delays its body (see `serve`); never sent.
pub const BODY_DELAY_HEADER: &str = "x-test-body-delay-ms";
