//! A closed-loop load generator: N threads, each with its own keep-alive connection
//! (ureq), sending the case's request back to back until the time or request bound.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

type MakeRequest = dyn Fn() -> (Vec<(String, String)>, Vec<u8>) + Send + Sync;

pub struct Case {
    pub name: String,
    /// Connection `i` sends to `urls[i % urls.len()]`.
    pub urls: Vec<String>,
    pub expect: u16,
    pub make: Arc<MakeRequest>,
    /// Overrides the run's connection count (a latency case uses one).
    pub connections: Option<usize>,
}

impl Case {
    pub fn new(
        name: &str,
        url: String,
        expect: u16,
        make: impl Fn() -> (Vec<(String, String)>, Vec<u8>) + Send + Sync + 'static,
    ) -> Case {
        Case {
            name: name.to_string(),
            urls: vec![url],
            expect,
            make: Arc::new(make),
            connections: None,
        }
    }

    /// The same case with `n` connections.
    pub fn with_connections(mut self, n: usize) -> Case {
        self.connections = Some(n);
        self
    }

    /// The same case spread over `urls`, one per connection in turn.
    pub fn over(mut self, urls: Vec<String>) -> Case {
        self.urls = urls;
        self
    }
}

#[derive(Clone, Default)]
pub struct Stats {
    pub requests: u64,
    pub unexpected: u64,
    pub rps: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

pub fn drive(case: &Case, connections: usize, duration: Duration, max_requests: u64) -> Stats {
    let connections = case.connections.unwrap_or(connections);
    let issued = Arc::new(AtomicU64::new(0));
    let unexpected = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let handles: Vec<_> = (0..connections)
        .map(|i| {
            let (issued, unexpected) = (Arc::clone(&issued), Arc::clone(&unexpected));
            let url = case.urls[i % case.urls.len()].clone();
            let (expect, make) = (case.expect, Arc::clone(&case.make));
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(30))
                    .max_idle_connections_per_host(1)
                    .build();
                let mut latencies = Vec::new();
                while Instant::now() < deadline
                    && issued.fetch_add(1, Ordering::Relaxed) < max_requests
                {
                    let (headers, body) = make();
                    let mut req = agent.post(&url);
                    for (k, v) in &headers {
                        req = req.set(k, v);
                    }
                    let sent = Instant::now();
                    let status = match req.send_bytes(&body) {
                        Ok(r) => {
                            let status = r.status();
                            let _ = r.into_string();
                            status
                        }
                        Err(ureq::Error::Status(code, r)) => {
                            let _ = r.into_string();
                            code
                        }
                        Err(_) => 0,
                    };
                    latencies.push(sent.elapsed());
                    if status != expect {
                        unexpected.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies
            })
        })
        .collect();
    let mut all: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let elapsed = start.elapsed();
    all.sort();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Stats {
        requests: all.len() as u64,
        unexpected: unexpected.load(Ordering::Relaxed),
        rps: all.len() as f64 / elapsed.as_secs_f64(),
        p50: pick(0.50),
        p99: pick(0.99),
        max: all.last().copied().unwrap_or_default(),
    }
}
