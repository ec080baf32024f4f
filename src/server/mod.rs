//! The availability rules and request validation are never restated here: every decision calls
//! `crate::domain`, the same code the widget runs in the browser.
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]

/// One line per request on stderr: time, method, path, status, latency.
mod access_log;
/// The shop team's routes behind the admin token: the listings, the export, "shipped".
mod admin;
/// `GET /api/availability`: stock records, less what accepted requests already hold.
mod availability;
/// A shopper's request: `POST /api/backorders`, and the routes its cancel token opens.
mod backorders;
/// Stock as merchants send it (a catalog file, the demo, an upload), checked in full.
mod catalog;
/// The server's only clock. Everything else receives dates and times as values.
mod clock;
/// How the server is configured: command-line flags, then environment variables, then defaults.
pub mod config;
/// The server's own accept loop, so that no client can hold it.
mod connections;
/// The demo catalog: every availability state, with dates counted from today.
mod demo;
/// Error answers: every API error is JSON, `{"error": code, "message": text, ...}`.
mod errors;
/// The shopper's emails over SMTP (`--smtp-url`), in the request's language.
pub mod mail;
/// The merchant's page, `/admin`: what is waiting, what is late, and what to do now.
mod merchant;
/// The storefront's HTML pages, with fresh stock data inline.
mod page;
/// Who a client is, and how fast it may go.
mod rate_limit;
/// The shopper's page, where the links of their emails lead: `/reservations/{id}`.
mod reservations;
/// Random tokens, fingerprints, timing-safe comparisons, cancel tokens, owner-only files.
mod secrets;
/// The static storefront's hygiene: no hidden files served, error answers that say why.
mod site;
/// The stock API, behind the admin token: read, replace, upsert and receive stock.
mod stock;
/// The CSV form of a stock upload (`POST /api/stock` with `text/csv`).
mod stock_csv;
/// The shop's data: the stock and the calendar, the requests, their history, the outboxes.
mod store;
/// The sweep: one review of every line, at start-up and periodically, applying what is due.
mod sweep;
/// Delivering the event outbox to the shop's webhook, signed as Standard Webhooks asks.
pub mod webhooks;

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{any, get, post, put};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

pub use config::{Command, Config, ConfigError, Durability, HELP, Timeouts};

use catalog::CatalogError;
use errors::ApiError;
use rate_limit::Limits;
use store::Store;
use store::records::{Import, Origin, StoreError};

/// The policy the storefront's files carry: the widget needs nothing inline, only its own
/// scripts and the WebAssembly compiler.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

/// The policy of every API answer: JSON and CSV load nothing, and no page may frame them.
const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The shortest admin token the server starts with: 32 characters, about 190 bits when random.
pub const MIN_ADMIN_TOKEN: usize = 32;

/// What every handler shares. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct AppState {
    store: Arc<Store>,
    admin_token: Arc<str>,
    limits: Arc<Limits>,
    www: PathBuf,
    allowed_origins: Vec<String>,
    sweep_route: bool,
    webhook: Option<Arc<webhooks::Webhook>>,
    mailer: Option<Arc<mail::Mailer>>,
    double_opt_in: bool,
}

impl AppState {
    /// Opens the database, imports the catalog into it (see `catalog::at_start_up`) and reviews
    /// every line once; generates an admin token when none is set.
    pub async fn new(config: &Config) -> Result<Self, StartError> {
        let webhook = match &config.webhook {
            Some(webhook) => Some(Arc::new(
                webhooks::Webhook::new(webhook.clone()).map_err(StartError::Webhook)?,
            )),
            None => None,
        };
        let mailer = match &config.mail {
            Some(mail) => {
                let mail = mail::MailConfig {
                    double_opt_in: config.double_opt_in,
                    link_origins: config.allowed_origins.clone(),
                    ..mail.clone()
                };
                Some(Arc::new(mail::Mailer::new(mail).map_err(StartError::Mail)?))
            }
            None => None,
        };
        let mut store = match &config.postgres {
            Some(url) => {
                // Checked with the flags: a PostgreSQL database always comes with its key.
                let key = config.token_key.clone().unwrap_or_default();
                Store::open_postgres(url, &key).await?
            }
            None => {
                let key = config
                    .token_key
                    .clone()
                    .unwrap_or_else(|| store::token_key_path(&config.database));
                Store::open_sqlite(&config.database, config.durability, &key)?
            }
        }
        .with_wave_factor(config.notify_factor);
        if webhook.is_some() {
            store = store.with_events();
        }
        if mailer.is_some() {
            store = store.with_mails();
        }
        if config.double_opt_in {
            store = store.with_double_opt_in();
        }
        let now = clock::now();
        let (catalog, origin) = catalog::at_start_up(
            config.catalog.as_deref(),
            now.with_timezone(&chrono::Local).date_naive(),
        )?;
        let store = Arc::new(store);
        // On the blocking threads every change runs on (PostgreSQL's waits on the runtime).
        let importing = Arc::clone(&store);
        let imported = tokio::task::spawn_blocking(move || {
            importing.import_catalog(&catalog.shop, &catalog.records, origin, now)
        })
        .await
        .map_err(|error| StartError::Serve(std::io::Error::other(error)))??;
        match imported {
            Import::Imported => {}
            Import::Kept => eprintln!(
                "the database already holds the shop's stock, so the {} was not imported; \
                 change stock with the stock API (POST /api/stock takes the same file)",
                match origin {
                    Origin::Demo => "demo catalog",
                    _ => "catalog file",
                }
            ),
            Import::KeptDemo => eprintln!(
                "units of the demo's stock are set aside for requests, so the demo catalog \
                 was kept as it is rather than dated from today"
            ),
        }
        let admin_token = match &config.admin_token {
            Some(token) if token.chars().count() < MIN_ADMIN_TOKEN => {
                return Err(StartError::ShortAdminToken);
            }
            Some(token) => token.clone(),
            None => secrets::random_token(32),
        };
        Ok(Self {
            store,
            admin_token: admin_token.into(),
            limits: Arc::new(Limits::new(
                config.rate_limit_per_minute,
                config.trusted_proxies.clone(),
            )),
            www: config.www.clone(),
            allowed_origins: config.allowed_origins.clone(),
            sweep_route: config.sweep_route,
            webhook,
            mailer,
            double_opt_in: config.double_opt_in,
        })
    }

    /// The token that opens the admin routes.
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    fn webhook(&self) -> Option<&webhooks::Webhook> {
        self.webhook.as_deref()
    }

    fn limits(&self) -> &Limits {
        &self.limits
    }

    fn store(&self) -> &Store {
        &self.store
    }

    /// Runs blocking database work off the async threads.
    async fn with_store<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || work(&store))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)
    }

    /// The periodic work, until the returned handles are aborted: the sweep, forgetting idle
    /// clients of the rate limits, and delivering the webhook's events and the emails. A harness
    /// that serves [`router`] itself starts it with this.
    pub fn housekeeping(&self) -> Vec<JoinHandle<()>> {
        let limits = Arc::clone(&self.limits);
        let forgetting = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(rate_limit::FORGET_EVERY);
            loop {
                ticks.tick().await;
                limits.forget_idle();
            }
        });
        let mut tasks = vec![sweep::every(self.clone(), sweep::INTERVAL), forgetting];
        if let Some(webhook) = &self.webhook {
            tasks.push(webhooks::deliver(self.clone(), Arc::clone(webhook)));
        }
        if let Some(mailer) = &self.mailer {
            tasks.push(mail::deliver(self.clone(), Arc::clone(mailer)));
        }
        tasks
    }
}

/// The whole application: the API, the static storefront, and the layers around both.
/// `timeouts` bound how long a request may take (see [`Timeouts`]).
pub fn router(state: AppState, timeouts: Timeouts) -> Router {
    // A declared length over the limit is refused at once, before any byte of the body is
    // waited for (tower-http's limit reads `Content-Length`; axum's only counts what arrives).
    let uploads = Router::new()
        .route("/api/stock", get(stock::list).post(stock::upload))
        .layer(DefaultBodyLimit::max(stock::MAX_UPLOAD_BYTES))
        .layer(RequestBodyLimitLayer::new(stock::MAX_UPLOAD_BYTES));
    let mut api = Router::new()
        .route("/api/availability", get(availability::get))
        .route("/api/backorders", post(backorders::create).get(admin::list))
        .route("/api/backorders.csv", get(admin::csv))
        .route(
            "/api/backorders/{id}",
            get(backorders::status).delete(backorders::cancel),
        )
        .route("/api/backorders/{id}/consent", post(backorders::consent))
        .route("/api/backorders/{id}/ship", post(admin::ship))
        .route("/api/webhooks", get(webhooks::list))
        .route("/api/stock/{sku}", put(stock::replace))
        .route("/api/stock/{sku}/receipts", post(stock::receive));
    if state.sweep_route {
        api = api.route("/api/sweep", post(sweep::at));
    }
    let api = api
        .route("/api", any(errors::not_found))
        .route("/api/", any(errors::not_found))
        .route("/api/{*rest}", any(errors::not_found))
        .layer(DefaultBodyLimit::max(backorders::MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(backorders::MAX_BODY_BYTES))
        .merge(uploads)
        .layer(from_fn_with_state(state.clone(), rate_limit::limit))
        // A body that stops arriving, and a request that takes too long as a whole, end here,
        // inside the JSON errors (`408 request_timeout`).
        .layer(RequestBodyTimeoutLayer::new(timeouts.header))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ))
        .layer(from_fn(errors::json_errors))
        // Answers carry personal data and cancel tokens; availability says `no-cache` itself.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CONTENT_SECURITY_POLICY),
        ))
        .with_state(state.clone());
    let site = Router::new()
        .fallback_service(ServeDir::new(&state.www))
        .layer(from_fn_with_state(state.clone(), page::inline_stock))
        .layer(RequestBodyLimitLayer::new(backorders::MAX_BODY_BYTES))
        .layer(RequestBodyTimeoutLayer::new(timeouts.header))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ))
        .layer(from_fn(site::static_files));
    // The shopper's page, where the emails' links lead; its buttons write, so they are limited
    // like the API's writes.
    let reservations = Router::new()
        .route("/reservations/{id}", get(reservations::show))
        .route("/reservations/{id}/keep", post(reservations::keep))
        .route("/reservations/{id}/cancel", post(reservations::cancel))
        .route("/reservations/{id}/confirm", post(reservations::confirm))
        .route(
            "/reservations/{id}/unsubscribe",
            post(reservations::unsubscribe),
        )
        .layer(from_fn_with_state(state.clone(), rate_limit::limit))
        .layer(DefaultBodyLimit::max(4 * 1024))
        .layer(RequestBodyLimitLayer::new(4 * 1024))
        .layer(RequestBodyTimeoutLayer::new(timeouts.header))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ))
        .with_state(state.clone());
    // Inside CORS and the header layers, so its `414` carries them like every answer.
    let mut app = api
        .merge(reservations)
        .merge(merchant::router(state.clone(), timeouts))
        .merge(site)
        .layer(from_fn(errors::uri_limit));
    if !state.allowed_origins.is_empty() {
        app = app.layer(cors(&state.allowed_origins));
    }
    app.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ))
    .layer(from_fn(access_log::log))
}

/// Cross-origin access for the configured storefronts only. It covers the static files too: a
/// storefront on another origin loads the widget's module script and `.wasm` from here, and both
/// are fetched in CORS mode. `Retry-After` is exposed so the widget can honour a `429`.
fn cors(origins: &[String]) -> CorsLayer {
    let origins = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok());
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// A running server. Dropping it (or calling [`Server::stop`]) shuts it down gracefully.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    /// The store, to hand back the outbox rows this server claimed when it stops.
    store: Arc<Store>,
    admin_token: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    housekeeping: Vec<JoinHandle<()>>,
}

impl Server {
    /// The address it listens on: the real port when the config asked for port 0.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the end.
    pub async fn stop(mut self) -> Result<(), StartError> {
        for task in &self.housekeeping {
            task.abort();
        }
        // What the stopped workers claimed and did not send is due again for another replica
        // at once, rather than when the claims lapse. A failure only delays those sends.
        let store = Arc::clone(&self.store);
        let released = tokio::task::spawn_blocking(move || store.release_claims(clock::now()));
        if let Ok(Err(error)) = released.await {
            eprintln!("error: the outbox's claims were not handed back: {error}");
        }
        if let Some(shutdown) = self.shutdown.take() {
            // An error means the server already stopped, which is what was asked.
            let _ = shutdown.send(());
        }
        (&mut self.task)
            .await
            .map_err(|error| StartError::Serve(std::io::Error::other(error)))?
            .map_err(StartError::Serve)
    }
}

impl Drop for Server {
    /// The periodic work stops with the server, also when it is dropped without [`Server::stop`].
    fn drop(&mut self) {
        for task in &self.housekeeping {
            task.abort();
        }
    }
}

/// Starts the server on the current Tokio runtime and returns once it is listening.
pub async fn start(config: Config) -> Result<Server, StartError> {
    let state = AppState::new(&config).await?;
    let admin_token = state.admin_token().to_owned();
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|error| StartError::Bind(config.listen, error))?;
    let addr = listener
        .local_addr()
        .map_err(|error| StartError::Bind(config.listen, error))?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let housekeeping = state.housekeeping();
    let (max_connections, lowered) = connections::fit_cap(config.max_connections);
    if let Some(limit) = lowered {
        eprintln!(
            "serving at most {max_connections} connections at once, to fit this process's limit \
             of {limit} open files (raise it with ulimit -n)"
        );
    }
    let settings = connections::Settings {
        header_timeout: config.timeouts.header,
        max_connections,
        shutdown_deadline: config.timeouts.shutdown,
        max_per_client: config.max_per_client,
        proxies: config.trusted_proxies.clone(),
        write_timeout: config.timeouts.request,
    };
    let store = Arc::clone(&state.store);
    let app = router(state, config.timeouts);
    let task = tokio::spawn(connections::serve(listener, app, settings, async {
        // Either a stop request or the handle being dropped.
        let _ = stopped.await;
    }));
    Ok(Server {
        addr,
        store,
        admin_token,
        shutdown: Some(shutdown),
        task,
        housekeeping,
    })
}

/// Runs the server until Ctrl-C or SIGTERM. What `backorder-server` does.
pub async fn serve(mut config: Config) -> Result<(), StartError> {
    if !config.www.is_dir() {
        eprintln!(
            "warning: the static folder {} does not exist; only the API is served",
            config.www.display()
        );
    }
    // A generated token is told (and its file written) before the port opens, so a script that
    // reads the file once the server answers never reads the previous run's.
    if config.admin_token.is_none() {
        let token = secrets::random_token(32);
        if let Some(folder) = config
            .database
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
        {
            // The database's own folder, created as `Store::open` would (0700), holds the file.
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(folder).map_err(|error| {
                StartError::Serve(std::io::Error::other(format!(
                    "{}: {error}",
                    folder.display()
                )))
            })?;
        }
        tell_admin_token(&token, &admin_token_path(&config.database))?;
        config.admin_token = Some(token);
    }
    let server = start(config).await?;
    eprintln!("backorder-server listening on http://{}", server.addr());
    eprintln!(
        "the merchant's page: http://{}/admin (log in with the admin token)",
        server.addr()
    );
    shutdown_signal().await;
    eprintln!("shutting down");
    server.stop().await
}

/// Where a generated admin token is written when stderr is not a terminal.
pub fn admin_token_path(database: &std::path::Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".admin-token");
    PathBuf::from(name)
}

/// A generated admin token goes to the terminal only: stderr is also the access log, and a log
/// collector must never receive it. Without a terminal it is written to an owner-only file.
fn tell_admin_token(token: &str, file: &std::path::Path) -> Result<(), StartError> {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        eprintln!(
            "admin token for this run (set --admin-token or BACKORDER_ADMIN_TOKEN to choose one): {token}"
        );
        return Ok(());
    }
    secrets::write_private(file, format!("{token}\n").as_bytes(), false).map_err(|error| {
        StartError::Serve(std::io::Error::other(format!(
            "{}: {error}",
            file.display()
        )))
    })?;
    eprintln!(
        "admin token for this run written to {} (readable by this user only; set --admin-token \
         or BACKORDER_ADMIN_TOKEN to choose one)",
        file.display()
    );
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// Why the server could not start or stopped with an error. The binary exits with code 1.
#[derive(Debug)]
pub enum StartError {
    /// The webhook's URL or secret cannot be used.
    Webhook(String),
    /// The SMTP URL or the From address cannot be used.
    Mail(String),
    /// An admin token shorter than [`MIN_ADMIN_TOKEN`] characters.
    ShortAdminToken,
    Catalog(CatalogError),
    Store(StoreError),
    Bind(SocketAddr, std::io::Error),
    Serve(std::io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Webhook(problem) | Self::Mail(problem) => f.write_str(problem),
            Self::ShortAdminToken => write!(
                f,
                "the admin token must be at least {MIN_ADMIN_TOKEN} characters; leave it unset \
                 and one is generated"
            ),
            Self::Catalog(error) => error.fmt(f),
            Self::Store(error) => error.fmt(f),
            Self::Bind(addr, error) => write!(f, "cannot listen on {addr}: {error}"),
            Self::Serve(error) => write!(f, "the server stopped: {error}"),
        }
    }
}

impl std::error::Error for StartError {}

impl From<CatalogError> for StartError {
    fn from(error: CatalogError) -> Self {
        Self::Catalog(error)
    }
}

impl From<StoreError> for StartError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}
