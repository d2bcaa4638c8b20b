//! End-to-end tests: the release Worker in workerd (`wrangler dev --local`) with real
//! KV, Queue and R2 bindings, spoken to over HTTP as a sender and as an operator.
//!
//! A custom harness (libtest-mimic) so the runtimes are started once, before the tests,
//! and stopped after them. There is no skip: if the runtime or the build is missing the
//! suite fails and says how to get them.

mod admin;
mod asana;
mod catalogue_b;
mod consumer;
mod credentials;
mod dashboard;
mod dashboard_fit;
mod fetched_keys;
mod guarantees;
mod guard;
mod hostile;
mod hostile_input;
mod ingress;
mod openapi;
mod origins;
mod public_keys;
mod registry;
mod replays;
mod schemes;
mod storage_budget;
mod styles;
mod url_checks;

use hookgate_harness::gateway::{derived_config, Gateway, TempDir};
use libtest_mimic::{Arguments, Failed, Trial};
use std::sync::{Arc, Mutex};

/// At least 32 characters, or the admin API stays closed.
pub const ADMIN_TOKEN: &str = "e2e-admin-token-5b1d0c-7f3a9e21c4d85b60";

pub type TestResult = Result<(), Failed>;

/// Every secret the tests hand to or receive from the gateway, so the last check can
/// prove none of them reached the Worker's logs.
pub static SECRETS_SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

pub fn remember_secret(secret: &str) {
    SECRETS_SEEN.lock().unwrap().push(secret.to_string());
}

/// URL keys travel in the request line, so the local dev server's own access log
/// (`[wrangler:info] POST /path/<key> 202`) shows them, as any proxy's would (the README
/// says so). Every other output line must not.
pub static URL_KEYS_SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

pub fn remember_url_key(key: &str) {
    URL_KEYS_SEEN.lock().unwrap().push(key.to_string());
}

pub struct World {
    pub gateway: Gateway,
    /// The same Worker started without any ADMIN_TOKEN, and with REQUEST_LOG=off.
    pub closed: Gateway,
    /// The test-only build with KV fault injection and raw KV access (`build-faults/`),
    /// with REQUEST_LOG=all.
    pub faults: Gateway,
    /// The fault-injection build without its local events consumer, in one workerd with
    /// the example consumer Worker (`examples/consumer/`), which consumes its events queue
    /// and reads its R2 bucket.
    pub consumer: Gateway,
    _faults_config: TempDir,
    _consumer_config: TempDir,
}

fn trial(world: &Arc<World>, name: &str, f: fn(&World) -> TestResult) -> Trial {
    let world = Arc::clone(world);
    Trial::test(name, move || f(&world))
}

/// The builds every runtime below loads, and the command that makes each. Checked before
/// any runtime starts, so a fresh clone's `cargo test` fails at once with what to run
/// instead of waiting for wrangler to time out on a missing module.
const BUILDS: &[(&str, &str)] = &[
    ("build/index.js", "bash scripts/build.sh"),
    ("build/index_bg.wasm", "bash scripts/build.sh"),
    ("build-faults/index.js", "bash scripts/build.sh faults"),
    ("build-faults/index_bg.wasm", "bash scripts/build.sh faults"),
];

fn require_builds() {
    let root = hookgate_harness::gateway::repo_root();
    let missing: Vec<String> = BUILDS
        .iter()
        .filter(|(file, _)| !root.join(file).exists())
        .map(|(file, command)| format!("  {file} is missing: run `{command}`"))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "the end-to-end suite needs the built Worker:\n{}\n(or run `bash scripts/test.sh`, which builds both and runs every test)",
            missing.join("\n")
        );
        std::process::exit(2);
    }
}

pub fn main() {
    let args = Arguments::from_args();
    require_builds();
    let faults_config = TempDir::new("faults-config");
    let faults_toml = derived_config(&faults_config, "build-faults", true);
    let bare_dir = TempDir::new("consumer-config");
    let bare_toml = derived_config(&bare_dir, "build-faults", false);
    let example = hookgate_harness::gateway::repo_root().join("examples/consumer/wrangler.toml");
    let (gateway, closed, faults, consumer) = std::thread::scope(|s| {
        // Plain-http origins: the tests' origin server listens on loopback.
        let a = s.spawn(|| {
            Gateway::start_with(
                None,
                Some(ADMIN_TOKEN),
                &[("ALLOW_INSECURE_ORIGINS", "true")],
            )
        });
        let b = s.spawn(|| Gateway::start_with(None, None, &[("REQUEST_LOG", "off")]));
        let c = s.spawn(|| {
            Gateway::start_with(
                Some(&faults_toml),
                Some(ADMIN_TOKEN),
                &[("REQUEST_LOG", "all")],
            )
        });
        let d = s
            .spawn(|| Gateway::start_with_workers(&bare_toml, &[&example], Some(ADMIN_TOKEN), &[]));
        (
            a.join().unwrap(),
            b.join().unwrap(),
            c.join().unwrap(),
            d.join().unwrap(),
        )
    });
    let world = Arc::new(World {
        gateway,
        closed,
        faults,
        consumer,
        _faults_config: faults_config,
        _consumer_config: bare_dir,
    });

    let mut trials = Vec::new();
    for (name, f) in ingress::TESTS
        .iter()
        .chain(admin::TESTS)
        .chain(schemes::TESTS)
        .chain(catalogue_b::TESTS)
        .chain(public_keys::TESTS)
        .chain(asana::TESTS)
        .chain(fetched_keys::TESTS)
        .chain(registry::TESTS)
        .chain(guard::TESTS)
        .chain(guarantees::TESTS)
        .chain(storage_budget::TESTS)
        .chain(origins::TESTS)
        .chain(styles::TESTS)
        .chain(dashboard::TESTS)
        .chain(openapi::TESTS)
        .chain(replays::TESTS)
        .chain(dashboard_fit::TESTS)
        .chain(consumer::TESTS)
        .chain(hostile_input::TESTS)
        .chain(credentials::TESTS)
        .chain(url_checks::TESTS)
    {
        trials.push(trial(&world, name, *f));
    }
    for case in hostile::sender_cases() {
        let world = Arc::clone(&world);
        let name = format!("hostile::sender::{}", case.name);
        trials.push(Trial::test(name, move || {
            hostile::run_sender_case(&world, &case)
        }));
    }
    for case in hostile::admin_cases() {
        let world = Arc::clone(&world);
        let name = format!("hostile::admin::{}", case.name);
        trials.push(Trial::test(name, move || {
            hostile::run_admin_case(&world, &case)
        }));
    }
    let conclusion = libtest_mimic::run(&args, trials);

    // After every test: nothing any of them sent or received as a secret shows up in
    // what the Worker logged (invariant 5). It needs all the traffic, so it runs last,
    // outside the parallel run.
    let filtered = args.filter.is_some() || !args.skip.is_empty();
    let leak = ingress::secret_leaks_in_logs(&world, !filtered);
    drop(world);
    match leak {
        Ok(checked) => {
            println!("post-check: {checked} runtime output lines hold none of the secrets used: ok")
        }
        Err(e) => {
            println!("post-check FAILED: {e}");
            std::process::exit(101);
        }
    }
    if conclusion.has_failed() {
        std::process::exit(101);
    }
}
