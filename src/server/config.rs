//! Flags are parsed by hand: there are few of them, and a parser crate would cost more build
//! time than it saves.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::mail::MailConfig;
use super::webhooks::WebhookConfig;

/// Printed by `--help`.
pub const HELP: &str = "\
backorder-server: the reference endpoint of the backorder widget, and its demo storefront.

Usage: backorder-server [OPTIONS]

Every option can also be set with the environment variable shown; a flag wins over the variable,
and an empty variable counts as unset.

  --listen ADDR            BACKORDER_LISTEN           address to listen on [127.0.0.1:8080]
  --database FILE|URL      BACKORDER_DATABASE         SQLite file, created with its folder; or
                                                      postgres://user@host/db, a database any
                                                      number of replicas share (needs --token-key
                                                      and --admin-token) [data/backorders.sqlite3]
  --token-key FILE         BACKORDER_TOKEN_KEY        the key cancel tokens are derived from,
                                                      created if missing; replicas share one
                                                      [DATABASE.token-key beside a SQLite file]
  --catalog FILE           BACKORDER_CATALOG          stock data: {\"shop\": {..}, \"items\": [..]}
                                                      [a built-in demo catalog dated from today]
  --allowed-origins LIST   BACKORDER_ALLOWED_ORIGINS  comma-separated origins allowed to call the
                                                      API from other sites (CORS) [none]
  --admin-token TOKEN      BACKORDER_ADMIN_TOKEN      bearer token for the admin routes, at least
                                                      32 characters [random: printed once to a
                                                      terminal, else written to DATABASE.admin-token]
  --www DIR                BACKORDER_WWW              static files: the storefront and widget [www]
  --rate-limit N           BACKORDER_RATE_LIMIT       requests per minute per client for POST, PUT
                                                      and DELETE; 0 turns the limit off [20]
  --trusted-proxy LIST     BACKORDER_TRUSTED_PROXY    comma-separated addresses of reverse proxies
                                                      whose X-Forwarded-For names the client [none]
  --webhook-url URL        BACKORDER_WEBHOOK_URL      where signed events go (Standard Webhooks) [none]
  --webhook-secret SECRET  BACKORDER_WEBHOOK_SECRET   their signing secret: whsec_ and base64 of 24
                                                      to 64 random bytes (needed with the URL)
  --max-per-client N       BACKORDER_MAX_PER_CLIENT   connections one client address may hold; the
                                                      machine itself and trusted proxies are not
                                                      counted [64]
  --smtp-url URL           BACKORDER_SMTP_URL         send the shopper's emails through this SMTP
                                                      server: smtp://host:port, smtps://user:pass@host
                                                      [none: no emails]
  --mail-from ADDRESS      BACKORDER_MAIL_FROM        their From: \"Shop <shop@example.com>\"
                                                      (needed with the SMTP URL)
  --public-url URL         BACKORDER_PUBLIC_URL       where the emails' links lead
                                                      [http://LISTEN]
  --double-opt-in          BACKORDER_DOUBLE_OPT_IN    (no value; the variable: 1) only sign-ups
                                                      confirmed from their email hear an item is
                                                      back (needs --smtp-url)
  --notify-factor N        BACKORDER_NOTIFY_FACTOR    back-in-stock waves tell N sign-ups per unit
                                                      that arrived and can be had [2]
  --durability MODE        BACKORDER_DURABILITY       full: an answered request survives a power
                                                      cut; normal: it survives the server's crash,
                                                      and is faster [full]
  --max-connections N      BACKORDER_MAX_CONNECTIONS  connections served at once; more wait to be
                                                      accepted [1024, lowered to fit the process's
                                                      file-descriptor limit]
  -h, --help                                          print this help
";

/// Everything the server needs to start. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    /// The SQLite file (unused when `postgres` is set).
    pub database: PathBuf,
    /// A PostgreSQL URL from `--database`: the store is there, shared with other replicas.
    pub postgres: Option<String>,
    /// The cancel-token key's file; `None`: beside the SQLite file (`store::token_key_path`).
    pub token_key: Option<PathBuf>,
    /// The catalog file; `None` serves the built-in demo catalog.
    pub catalog: Option<PathBuf>,
    /// Origins such as `https://shop.example` that may call the API cross-origin.
    pub allowed_origins: Vec<String>,
    /// `None` generates a random token at start-up.
    pub admin_token: Option<String>,
    pub www: PathBuf,
    /// Requests per minute per client on POST, PUT and DELETE; 0 disables the limit.
    pub rate_limit_per_minute: u32,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Connections served at once.
    pub max_connections: usize,
    /// Connections one client may hold at once.
    pub max_per_client: usize,
    /// What an answered request survives.
    pub durability: Durability,
    /// Where the event outbox is delivered, if anywhere.
    pub webhook: Option<WebhookConfig>,
    /// Sign-ups a back-in-stock wave tells per unit.
    pub notify_factor: u32,
    /// The shopper's emails, if an SMTP server is given.
    pub mail: Option<MailConfig>,
    /// Notify sign-ups count only once confirmed from their email.
    pub double_opt_in: bool,
    /// Timeouts and the shutdown deadline (no flags: the defaults suit every shop; tests
    /// shorten them).
    pub timeouts: Timeouts,
    /// Serves `POST /api/sweep {"today": …}`, a sweep at a chosen date, for end-to-end tests.
    /// No flag or variable sets it: a normal run never has the route.
    pub sweep_route: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: PathBuf::from("data/backorders.sqlite3"),
            postgres: None,
            token_key: None,
            catalog: None,
            allowed_origins: Vec::new(),
            admin_token: None,
            www: PathBuf::from("www"),
            rate_limit_per_minute: 20,
            trusted_proxies: Vec::new(),
            max_connections: 1024,
            max_per_client: 64,
            durability: Durability::Full,
            webhook: None,
            notify_factor: crate::domain::waves::DEFAULT_WAVE_FACTOR,
            mail: None,
            double_opt_in: false,
            timeouts: Timeouts::default(),
            sweep_route: false,
        }
    }
}

/// What a request answered `201` survives: SQLite's `synchronous` setting in WAL mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `FULL`: each commit reaches the disk before the answer, so it survives a power cut or an
    /// operating-system crash (given a disk that keeps its flush promises).
    Full,
    /// `NORMAL`: the WAL is synced only at checkpoints; a request survives the server's crash
    /// (SIGKILL, a panic), but a power cut can lose the last ones answered.
    Normal,
}

impl Durability {
    /// The value of SQLite's `synchronous` pragma.
    pub fn pragma(self) -> &'static str {
        match self {
            Self::Full => "FULL",
            Self::Normal => "NORMAL",
        }
    }
}

/// How long a client may take, and how long a stop waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To send a request's headers, from the connection's start or the previous answer's end;
    /// it also closes silent and idle keep-alive connections. [10 s]
    pub header: Duration,
    /// To send a request's body, and for the whole request until its answer starts. [30 s]
    pub request: Duration,
    /// After a stop (SIGTERM, Ctrl-C), for requests in flight to finish. [10 s]
    pub shutdown: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header: Duration::from_secs(10),
            request: Duration::from_secs(30),
            shutdown: Duration::from_secs(10),
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve(Box<Config>),
    Help,
}

/// A command line or environment the server cannot run with. The binary exits with code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Each setting: its flag, its environment variable.
const SETTINGS: [(&str, &str); 19] = [
    ("--listen", "BACKORDER_LISTEN"),
    ("--database", "BACKORDER_DATABASE"),
    ("--catalog", "BACKORDER_CATALOG"),
    ("--allowed-origins", "BACKORDER_ALLOWED_ORIGINS"),
    ("--admin-token", "BACKORDER_ADMIN_TOKEN"),
    ("--www", "BACKORDER_WWW"),
    ("--rate-limit", "BACKORDER_RATE_LIMIT"),
    ("--trusted-proxy", "BACKORDER_TRUSTED_PROXY"),
    ("--max-connections", "BACKORDER_MAX_CONNECTIONS"),
    ("--durability", "BACKORDER_DURABILITY"),
    ("--webhook-url", "BACKORDER_WEBHOOK_URL"),
    ("--webhook-secret", "BACKORDER_WEBHOOK_SECRET"),
    ("--notify-factor", "BACKORDER_NOTIFY_FACTOR"),
    ("--max-per-client", "BACKORDER_MAX_PER_CLIENT"),
    ("--smtp-url", "BACKORDER_SMTP_URL"),
    ("--mail-from", "BACKORDER_MAIL_FROM"),
    ("--public-url", "BACKORDER_PUBLIC_URL"),
    ("--double-opt-in", "BACKORDER_DOUBLE_OPT_IN"),
    ("--token-key", "BACKORDER_TOKEN_KEY"),
];

/// Settings that are switches: present means on, and take no value.
const SWITCHES: [&str; 1] = ["--double-opt-in"];

impl Command {
    /// Reads the process's own arguments (without the program name) and environment.
    pub fn from_process() -> Result<Self, ConfigError> {
        Self::parse(std::env::args().skip(1), |name| std::env::var(name).ok())
    }

    /// Parses `args` (without the program name); `env` looks up an environment variable. Both
    /// are parameters so the rules can be tested without touching the process.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut flags: [Option<String>; SETTINGS.len()] = Default::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "-h" || arg == "--help" {
                return Ok(Self::Help);
            }
            let (flag, inline_value) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            let Some(index) = SETTINGS.iter().position(|(name, _)| *name == flag) else {
                return Err(ConfigError(format!("unknown argument {arg:?}")));
            };
            if SWITCHES.contains(&flag) && inline_value.is_none() {
                flags[index] = Some("1".to_owned());
                continue;
            }
            let value = match inline_value.or_else(|| args.next()) {
                Some(value) => value,
                None => return Err(ConfigError(format!("{flag} needs a value"))),
            };
            flags[index] = Some(value);
        }
        let mut values = flags.into_iter().zip(SETTINGS).map(|(flag, (name, var))| {
            let from_env = env(var).filter(|value| !value.is_empty());
            flag.map(|value| (value, name))
                .or(from_env.map(|value| (value, var)))
        });
        let mut next = || values.next().flatten();
        let defaults = Config::default();
        let config = Config {
            listen: match next() {
                Some((text, source)) => text.trim().parse().map_err(|_| {
                    ConfigError(format!(
                        "{source}: {text:?} is not an address such as 127.0.0.1:8080"
                    ))
                })?,
                None => defaults.listen,
            },
            database: next().map_or(defaults.database, |(path, _)| PathBuf::from(path)),
            catalog: next().map(|(path, _)| PathBuf::from(path)),
            allowed_origins: match next() {
                Some((list, source)) => parse_origins(&list)
                    .map_err(|problem| ConfigError(format!("{source}: {problem}")))?,
                None => defaults.allowed_origins,
            },
            admin_token: match next() {
                Some((token, source)) if token.trim().is_empty() => {
                    return Err(ConfigError(format!("{source} must not be empty")));
                }
                token => token.map(|(token, _)| token.trim().to_owned()),
            },
            www: next().map_or(defaults.www, |(path, _)| PathBuf::from(path)),
            rate_limit_per_minute: match next() {
                Some((text, source)) => text.trim().parse().map_err(|_| {
                    ConfigError(format!(
                        "{source}: {text:?} is not a whole number of requests per minute"
                    ))
                })?,
                None => defaults.rate_limit_per_minute,
            },
            trusted_proxies: match next() {
                Some((list, source)) => list
                    .split(',')
                    .map(str::trim)
                    .filter(|address| !address.is_empty())
                    .map(|address| {
                        address.parse().map_err(|_| {
                            ConfigError(format!(
                                "{source}: {address:?} is not an IP address such as 10.0.0.1"
                            ))
                        })
                    })
                    .collect::<Result<_, _>>()?,
                None => defaults.trusted_proxies,
            },
            max_connections: match next() {
                Some((text, source)) => match text.trim().parse() {
                    Ok(0) | Err(_) => {
                        return Err(ConfigError(format!(
                            "{source}: {text:?} is not a number of connections of at least 1"
                        )));
                    }
                    Ok(count) => count,
                },
                None => defaults.max_connections,
            },
            durability: match next() {
                Some((text, source)) => match text.trim() {
                    "full" => Durability::Full,
                    "normal" => Durability::Normal,
                    _ => {
                        return Err(ConfigError(format!(
                            "{source}: {text:?} is not full or normal"
                        )));
                    }
                },
                None => defaults.durability,
            },
            webhook: match (next(), next()) {
                (Some((url, _)), Some((secret, source))) => {
                    let url = url.trim().to_owned();
                    super::webhooks::secret_key(secret.trim())
                        .map_err(|problem| ConfigError(format!("{source}: {problem}")))?;
                    Some(WebhookConfig::new(url, secret.trim().to_owned()))
                }
                (None, None) => None,
                (Some((_, source)), None) => {
                    return Err(ConfigError(format!(
                        "{source} needs --webhook-secret (or BACKORDER_WEBHOOK_SECRET) to sign \
                         the events"
                    )));
                }
                (None, Some((_, source))) => {
                    return Err(ConfigError(format!(
                        "{source} is set but --webhook-url is not"
                    )));
                }
            },
            notify_factor: match next() {
                Some((text, source)) => match text.trim().parse() {
                    Ok(0) | Err(_) => {
                        return Err(ConfigError(format!(
                            "{source}: {text:?} is not a whole number of at least 1"
                        )));
                    }
                    Ok(factor) => factor,
                },
                None => defaults.notify_factor,
            },
            max_per_client: match next() {
                Some((text, source)) => match text.trim().parse() {
                    Ok(0) | Err(_) => {
                        return Err(ConfigError(format!(
                            "{source}: {text:?} is not a number of connections of at least 1"
                        )));
                    }
                    Ok(count) => count,
                },
                None => defaults.max_per_client,
            },
            postgres: None,
            token_key: None,
            mail: None,
            double_opt_in: false,
            timeouts: defaults.timeouts,
            sweep_route: false,
        };
        let mut config = config;
        if let Some(url) = config
            .database
            .to_str()
            .filter(|text| is_postgres_url(text))
        {
            config.postgres = Some(url.trim().to_owned());
            config.database = Config::default().database;
        }
        config.mail = match (next(), next(), next()) {
            (Some((url, _)), Some((from, _)), public) => {
                let public = public.map_or_else(
                    || format!("http://{}", config.listen),
                    |(public, _)| public.trim().to_owned(),
                );
                Some(MailConfig::new(
                    url.trim().to_owned(),
                    from.trim().to_owned(),
                    public,
                ))
            }
            (None, None, None) => None,
            (None, None, Some((_, source))) => {
                return Err(ConfigError(format!(
                    "{source} is set but --smtp-url is not"
                )));
            }
            (Some((_, source)), None, _) | (None, Some((_, source)), _) => {
                return Err(ConfigError(format!(
                    "{source}: emails need both --smtp-url and --mail-from"
                )));
            }
        };
        config.double_opt_in = match next() {
            Some((text, source)) => match text.trim() {
                "1" | "true" | "on" | "yes" if config.mail.is_some() => true,
                "1" | "true" | "on" | "yes" => {
                    return Err(ConfigError(format!(
                        "{source} confirms sign-ups by email, which needs --smtp-url"
                    )));
                }
                "0" | "false" | "off" | "no" => false,
                _ => {
                    return Err(ConfigError(format!("{source}: {text:?} is not 1 or 0")));
                }
            },
            None => false,
        };
        config.token_key = next().map(|(path, _)| PathBuf::from(path.trim()));
        if config.postgres.is_some() {
            // Replicas must agree on both: a token one replica derived opens the reservation
            // at every other, and the merchant logs in anywhere with one token.
            if config.token_key.is_none() {
                return Err(ConfigError(
                    "a PostgreSQL database needs --token-key FILE (or BACKORDER_TOKEN_KEY): the \
                     cancel-token key every replica shares"
                        .to_owned(),
                ));
            }
            if config.admin_token.is_none() {
                return Err(ConfigError(
                    "a PostgreSQL database needs --admin-token (or BACKORDER_ADMIN_TOKEN): one \
                     token for every replica"
                        .to_owned(),
                ));
            }
        }
        Ok(Self::Serve(Box::new(config)))
    }
}

/// Whether `--database` names a PostgreSQL database rather than a SQLite file.
fn is_postgres_url(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// Checks a comma-separated list of origins. Browsers send an origin as scheme, host and port
/// only, so anything else (a path, a trailing slash, `*`) could never match and is a mistake.
fn parse_origins(list: &str) -> Result<Vec<String>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            let host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            match host {
                Some(host)
                    if !host.is_empty() && !host.contains(['/', '?', '#', '*', ' ', '"', '\\']) =>
                {
                    Ok(origin.to_owned())
                }
                _ => Err(format!(
                    "{origin:?} is not an origin such as https://shop.example (scheme and host, \
                     optional port, no path)"
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Command, ConfigError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        Command::parse(args.iter().map(|arg| (*arg).to_owned()), |name| {
            env.iter()
                .find(|(var, _)| var == name)
                .map(|(_, value)| value.clone())
        })
    }

    fn check(args: &[&str], env: &[(&str, &str)], expected: Config) {
        assert_eq!(
            parse(args, env),
            Ok(Command::Serve(Box::new(expected))),
            "{args:?} {env:?}"
        );
    }

    fn check_error(args: &[&str], env: &[(&str, &str)], needle: &str) {
        match parse(args, env) {
            Err(ConfigError(message)) => assert!(message.contains(needle), "{message}"),
            other => panic!("{args:?} {env:?} gave {other:?}, expected an error"),
        }
    }

    #[test]
    fn flags_win_over_the_environment_which_wins_over_defaults() {
        check(&[], &[], Config::default());
        check(
            &["--listen", "0.0.0.0:9000"],
            &[("BACKORDER_LISTEN", "127.0.0.1:1")],
            Config {
                listen: SocketAddr::from(([0, 0, 0, 0], 9000)),
                ..Config::default()
            },
        );
        check(
            &[
                "--rate-limit=0",
                "--www",
                "public",
                "--trusted-proxy",
                "10.0.0.1, ::1",
            ],
            &[
                ("BACKORDER_DATABASE", "/tmp/x.db"),
                ("BACKORDER_CATALOG", ""),
            ],
            Config {
                rate_limit_per_minute: 0,
                trusted_proxies: vec![IpAddr::from([10, 0, 0, 1]), "::1".parse().expect("ip")],
                www: PathBuf::from("public"),
                database: PathBuf::from("/tmp/x.db"),
                ..Config::default()
            },
        );
        check(
            &["--catalog", "stock.json", "--admin-token", " s3cret "],
            &[(
                "BACKORDER_ALLOWED_ORIGINS",
                "https://shop.example, http://localhost:3000",
            )],
            Config {
                catalog: Some(PathBuf::from("stock.json")),
                admin_token: Some("s3cret".to_owned()),
                allowed_origins: vec![
                    "https://shop.example".to_owned(),
                    "http://localhost:3000".to_owned(),
                ],
                ..Config::default()
            },
        );
    }

    #[test]
    fn help_is_a_command() {
        assert_eq!(parse(&["--listen", "x", "--help"], &[]), Ok(Command::Help));
        assert_eq!(parse(&["-h"], &[]), Ok(Command::Help));
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        check_error(&["--port", "1"], &[], "unknown argument");
        check_error(&["serve"], &[], "unknown argument");
        check_error(&["--listen"], &[], "--listen needs a value");
        check_error(&["--listen", "localhost"], &[], "not an address");
        check_error(&[], &[("BACKORDER_LISTEN", "x")], "BACKORDER_LISTEN");
        check_error(&["--rate-limit", "-1"], &[], "whole number");
        check_error(&["--admin-token="], &[], "must not be empty");
        check_error(
            &["--allowed-origins", "https://shop.example/"],
            &[],
            "not an origin",
        );
        check_error(&["--allowed-origins", "*"], &[], "not an origin");
        check_error(
            &["--trusted-proxy", "proxy.local"],
            &[],
            "not an IP address",
        );
        check_error(&["--max-connections", "0"], &[], "at least 1");
        check_error(&["--durability", "sometimes"], &[], "not full or normal");
        check_error(
            &["--webhook-url", "https://hooks.example"],
            &[],
            "needs --webhook-secret",
        );
        check_error(
            &[
                "--webhook-url",
                "https://hooks.example",
                "--webhook-secret",
                "s3cret",
            ],
            &[],
            "must start with whsec_",
        );
    }
}
