//! The command line. Connection flags are global: `--url`/`--token`, else
//! `HOOKGATE_URL`/`HOOKGATE_TOKEN`, else the profile `hookgate login` wrote.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "hookgate",
    version,
    about = "Operate a hookgate gateway from the terminal"
)]
pub struct Cli {
    #[command(flatten)]
    pub conn: Conn,
    /// Print JSON instead of tables (for scripts).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone, Default)]
pub struct Conn {
    /// The gateway's base URL, e.g. https://hooks.example.com
    #[arg(long, global = true, env = "HOOKGATE_URL")]
    pub url: Option<String>,
    /// The admin token (ADMIN_TOKEN). Never printed.
    #[arg(long, global = true, env = "HOOKGATE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// The profile file (default: ~/.config/hookgate/profile.toml).
    #[arg(long, global = true, env = "HOOKGATE_PROFILE")]
    pub profile: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Save the URL and token in the profile (mode 0600); the token is read from stdin
    /// unless --token is given.
    Login,
    /// Manage webhooks.
    #[command(subcommand)]
    Webhooks(WebhooksCmd),
    /// Inspect and replay deliveries.
    #[command(subcommand)]
    Deliveries(DeliveriesCmd),
    /// Send a request signed for the webhook's scheme and print the gateway's answer.
    Send(SendArgs),
    /// Follow deliveries as they arrive (Ctrl-C stops).
    Tail(TailArgs),
    /// Check a webhooks file offline with the gateway's own rules.
    Validate(FileArgs),
    /// Show what `apply` would create, change or delete.
    Plan(ApplyArgs),
    /// Make the gateway's webhooks match the file.
    Apply(ApplyArgs),
}

/// A webhook: its id (`wh_…`), its name, or its path (`/…`).
pub type WebhookRef = String;

#[derive(Subcommand)]
pub enum WebhooksCmd {
    List,
    Get {
        webhook: WebhookRef,
    },
    /// Create from a spec (the admin API's JSON) and/or the flags.
    Create(SpecArgs),
    /// Change the fields given (a JSON merge of the spec and the flags).
    Update {
        webhook: WebhookRef,
        #[command(flatten)]
        spec: SpecArgs,
    },
    Delete {
        webhook: WebhookRef,
    },
    Enable {
        webhook: WebhookRef,
    },
    Disable {
        webhook: WebhookRef,
    },
    RotateSecret(RotateArgs),
    RotateForwardingSecret(RotateArgs),
    /// Accept one handshake that plants the secret (asana) for a while from now.
    ArmHandshake {
        webhook: WebhookRef,
        /// How long to stay armed, in seconds (1 to 3600; default 600).
        #[arg(long)]
        window_s: Option<u64>,
    },
}

#[derive(Args)]
pub struct SpecArgs {
    /// The admin API's JSON spec, inline or `@file.json`.
    #[arg(long)]
    pub spec: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub path: Option<String>,
    /// The verification scheme (see GET /admin/v1/schemes).
    #[arg(long)]
    pub scheme: Option<String>,
    /// Deliver to this Queue binding.
    #[arg(long, conflicts_with = "origin")]
    pub queue: Option<String>,
    /// Deliver to this HTTP origin (async).
    #[arg(long)]
    pub origin: Option<String>,
}

#[derive(Args)]
pub struct RotateArgs {
    pub webhook: WebhookRef,
    /// How long the current secrets keep working (default one day; 0 ends them now).
    #[arg(long)]
    pub grace_period_s: Option<u64>,
}

#[derive(Subcommand)]
pub enum DeliveriesCmd {
    List {
        webhook: WebhookRef,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    Show {
        webhook: WebhookRef,
        delivery: String,
    },
    /// Replay one delivery, or many: `--dead-lettered [--since 1h] [--until …]` or
    /// `--ids a,b`. A bulk replay shows its progress until it completes.
    Replay(ReplayArgs),
}

#[derive(Args)]
pub struct ReplayArgs {
    pub webhook: WebhookRef,
    /// One delivery id (`evt_…`).
    #[arg(conflicts_with_all = ["dead_lettered", "ids"])]
    pub delivery: Option<String>,
    /// Every dead-lettered delivery (within --since/--until).
    #[arg(long)]
    pub dead_lettered: bool,
    /// A duration back from now (`90s`, `15m`, `1h`, `2d`) or an RFC 3339 time.
    #[arg(long, requires = "dead_lettered")]
    pub since: Option<String>,
    #[arg(long, requires = "dead_lettered")]
    pub until: Option<String>,
    /// These delivery ids, comma-separated.
    #[arg(long, value_delimiter = ',', conflicts_with = "dead_lettered")]
    pub ids: Vec<String>,
    /// Start it and print its id; do not wait for it to complete.
    #[arg(long)]
    pub no_wait: bool,
}

#[derive(Args)]
pub struct SendArgs {
    pub webhook: WebhookRef,
    /// The body: inline, `@file`, or `@-` for stdin.
    #[arg(long)]
    pub data: String,
    /// An extra header, `Name: value` (repeatable).
    #[arg(long = "header", short = 'H')]
    pub headers: Vec<String>,
    /// The webhook's secret; read from stdin when absent (not with `--data @-`).
    #[arg(long, env = "HOOKGATE_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Default: POST if the webhook takes it.
    #[arg(long)]
    pub method: Option<String>,
    /// Default: application/json (form-encoded for Twilio).
    #[arg(long)]
    pub content_type: Option<String>,
    /// The Basic auth password of a webhook that requires one (Kestra style).
    #[arg(long, env = "HOOKGATE_BASIC_PASSWORD", hide_env_values = true)]
    pub basic_password: Option<String>,
}

#[derive(Args)]
pub struct TailArgs {
    /// One webhook; all of them when absent.
    pub webhook: Option<WebhookRef>,
    /// How often to poll, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub interval_ms: u64,
    /// Stop after this many deliveries (for scripts; default: until Ctrl-C).
    #[arg(long)]
    pub count: Option<usize>,
}

#[derive(Args)]
pub struct FileArgs {
    /// The webhooks file (README, "Webhooks as code").
    #[arg(short = 'f', long = "file", default_value = "hookgate.toml")]
    pub file: PathBuf,
    /// Allow plain-http and private-network origins, as a deployment with
    /// ALLOW_INSECURE_ORIGINS=true does.
    #[arg(long)]
    pub allow_insecure_origins: bool,
}

#[derive(Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub file: FileArgs,
    /// Also delete the gateway's webhooks that the file does not name.
    #[arg(long)]
    pub prune: bool,
}
