//! Server-rendered HTML from askama templates (`templates/`), one stylesheet, no script: every
//! action is a form (SPEC "The merchant's page"). Dates are in words in the merchant's language
//! (the browser's `Accept-Language`).
//!
//! Every action calls the store methods the API calls (`receive`, `ship`, `cancel`;
//! `change_batch` is `PUT /api/stock/{sku}` with one batch moved or removed, in one
//! transaction), whose decisions are the domain's; then the page says what changed and shows
//! the product again (POST, then 303 to a page that shows the message once).

/// Logging in to the merchant's page, and what every later request of it must carry.
mod session;
/// The store's rows as the merchant's page shows them, in the merchant's language.
mod view;
/// What an action on the merchant's page changed, in one sentence.
mod words;

use askama::Template;
use axum::Router;
use axum::extract::{
    DefaultBodyLimit, FromRequest, FromRequestParts, Multipart, Path, Request, State,
};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use super::config::Timeouts;
use super::errors::ApiError;
use super::stock::UploadRefusal;
use super::store::desk::{BatchChange, BatchRefusal};
use super::store::records::{Cancellation, ReceiptRefusal, Shipment};
use super::store::sessions::Session;
use super::{AppState, admin, clock, rate_limit, secrets, stock};
use crate::domain::attention::shown_from;
use crate::domain::date::parse_iso_date;
use view::{Flash, Layout, Problem};

/// The page's policy, stricter than the storefront's: it runs no script at all, loads only its
/// stylesheet, cannot be framed (a framed form could be clicked blind), posts forms only here.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLESHEET: &str = include_str!("admin.css");

/// The page's routes, with their own limits: a stock file up to the API's upload size, forms
/// of a few kilobytes otherwise.
pub fn router(state: AppState, timeouts: Timeouts) -> Router {
    let upload = Router::new()
        .route("/admin/stock", get(stock_page).post(upload_stock))
        .layer(DefaultBodyLimit::max(stock::MAX_UPLOAD_BYTES + 64 * 1024))
        .layer(RequestBodyLimitLayer::new(
            stock::MAX_UPLOAD_BYTES + 64 * 1024,
        ));
    Router::new()
        .route("/admin", get(overview))
        .route("/admin/", get(|| async { Redirect::to("/admin") }))
        .route("/admin/admin.css", get(stylesheet))
        .route("/admin/login", get(login_page).post(log_in))
        .route("/admin/logout", post(log_out))
        .route("/admin/notices", get(notices))
        .route("/admin/export.csv", get(export))
        .route("/admin/sku/{sku}", get(product))
        .route("/admin/sku/{sku}/receive", post(receive))
        .route("/admin/sku/{sku}/move", post(move_batch))
        .route("/admin/sku/{sku}/cancel-batch", post(cancel_batch))
        .route("/admin/sku/{sku}/ship", post(ship))
        .route("/admin/sku/{sku}/cancel", post(cancel_request))
        .layer(DefaultBodyLimit::max(16 * 1024))
        .layer(RequestBodyLimitLayer::new(16 * 1024))
        .merge(upload)
        .route("/admin/{*rest}", axum::routing::any(no_such_page))
        .layer(RequestBodyTimeoutLayer::new(timeouts.header))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .with_state(state)
}

async fn no_such_page() -> Response {
    page_error(StatusCode::NOT_FOUND, "There is no such page.")
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/css"))],
        STYLESHEET,
    )
        .into_response()
}

/// A page, or its template's failure as a page.
fn render(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => internal(error),
    }
}

fn internal(error: impl std::fmt::Display) -> Response {
    eprintln!("error: the merchant's page: {error}");
    page_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on the server; nothing was changed by this page. Try again.",
    )
}

/// A store write that failed (`with_store` logged it): the page says so.
fn failed(_: ApiError) -> Response {
    page_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on the server, so nothing was changed. Try again.",
    )
}

#[derive(Template)]
#[template(path = "admin_error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    message: &'a str,
}

/// A page that says what went wrong, with the status that says it to a machine.
fn page_error(status: StatusCode, message: &str) -> Response {
    let page = ErrorPage {
        layout: Layout::signed_out("Not done"),
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_owned()).into_response(),
    }
}

/// The answer to a form without this session's token.
fn forged() -> Response {
    page_error(
        StatusCode::FORBIDDEN,
        "This form did not come from your open merchant's page, or it is older than your log-in, \
         so nothing was changed. Go back, reload the page and try again.",
    )
}

/// The live session, or the way to the log-in.
async fn signed_in(state: &AppState, jar: &CookieJar) -> Result<Session, Response> {
    match session::current(state, jar, clock::now()).await {
        Some(Ok(session)) => Ok(session),
        Some(Err(error)) => Err(internal(error)),
        None => Err(Redirect::to("/admin/login").into_response()),
    }
}

/// A page's request with a live session; without one, the browser goes to the log-in.
struct SignedIn(Session);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        signed_in(state, &CookieJar::from_headers(&parts.headers))
            .await
            .map(Self)
    }
}

/// A form that carries its session's token in a `csrf` field.
trait Tokened {
    fn csrf(&self) -> Option<&str>;
}

/// A form posted with a live session and that session's token: both, or an answer that
/// changed nothing (no session: to the log-in; a missing or wrong token: `403`).
struct Checked<T>(Session, T);

impl<T: Tokened + DeserializeOwned + Send> FromRequest<AppState> for Checked<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let SignedIn(session) = SignedIn::from_request_parts(&mut parts, state).await?;
        let axum::Form(form) =
            axum::Form::<T>::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(IntoResponse::into_response)?;
        match session::form_token_matches(&session, form.csrf()) {
            true => Ok(Self(session, form)),
            false => Err(forged()),
        }
    }
}

/// What a page needs to start: the message left for it, the merchant's language.
async fn layout(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    title: String,
    here: &'static str,
) -> Result<Layout, Response> {
    let id = session.id.clone();
    let flash = state
        .with_store(move |store| store.take_flash(&id))
        .await
        .map_err(failed)?;
    Ok(Layout {
        title,
        here,
        signed_in: true,
        csrf: session.csrf.clone(),
        flash: flash.as_deref().map(Flash::read),
        dates: view::Dates::of(headers),
    })
}

/// Leaves `flash` for the next page and goes to `to`.
async fn done(state: &AppState, session: &Session, flash: Flash, to: &str) -> Response {
    let (id, text) = (session.id.clone(), flash.write());
    // The action is done whatever becomes of its message: a lost message (`with_store` logged
    // why) must not make the page say that nothing changed.
    let _ = state
        .with_store(move |store| store.set_flash(&id, &text))
        .await;
    Redirect::to(to).into_response()
}

// ---- Log-in ----

#[derive(Template)]
#[template(path = "admin_login.html")]
struct LoginPage {
    layout: Layout,
    form_token: String,
    refused: Option<&'static str>,
}

/// `GET /admin/login`: the form, with a fresh double-submit token in a cookie and a field.
async fn login_page(State(state): State<AppState>, jar: CookieJar, headers: HeaderMap) -> Response {
    if let Some(Ok(_)) = session::current(&state, &jar, clock::now()).await {
        return Redirect::to("/admin").into_response();
    }
    login_form(jar, &headers, None, StatusCode::OK)
}

fn login_form(
    jar: CookieJar,
    headers: &HeaderMap,
    refused: Option<&'static str>,
    status: StatusCode,
) -> Response {
    // A second tab reuses the first one's token, so both forms stay good.
    let token = jar
        .get(session::LOGIN_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|token| session::looks_like_ours(token))
        .unwrap_or_else(|| secrets::random_token(32));
    let page = LoginPage {
        layout: Layout::signed_out("Log in"),
        form_token: token.clone(),
        refused,
    };
    let jar = jar.add(session::login_cookie(token, headers));
    (jar, render(&page, status)).into_response()
}

#[derive(Debug, Deserialize)]
struct LogIn {
    #[serde(default)]
    token: String,
    form_token: Option<String>,
}

/// `POST /admin/login`: the admin token opens a session.
async fn log_in(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    extensions: Extensions,
    axum::Form(form): axum::Form<LogIn>,
) -> Response {
    let expected = jar
        .get(session::LOGIN_COOKIE)
        .map(|cookie| cookie.value().to_owned());
    let same = match (&expected, &form.form_token) {
        (Some(expected), Some(given)) => secrets::secrets_match(given, expected),
        _ => false,
    };
    if !same {
        return forged();
    }
    let client = rate_limit::client_of(state.limits(), &extensions, &headers);
    if let Err(seconds) = state.limits().admin_allowed(client) {
        return locked_out(seconds);
    }
    if !secrets::secrets_match(form.token.trim(), state.admin_token()) {
        if let Err(seconds) = state.limits().admin_failed(client) {
            return locked_out(seconds);
        }
        return login_form(
            jar,
            &headers,
            Some("That is not the admin token. Nothing was opened."),
            StatusCode::UNAUTHORIZED,
        );
    }
    let now = clock::now();
    let expires_at = now + session::LIFETIME;
    let opened = match state
        .with_store(move |store| store.open_session(now, expires_at))
        .await
    {
        Ok(opened) => opened,
        Err(error) => return failed(error),
    };
    let jar = jar
        .remove(session::removal(session::LOGIN_COOKIE))
        .add(session::session_cookie(opened.id, &headers));
    (jar, Redirect::to("/admin")).into_response()
}

fn locked_out(seconds: u64) -> Response {
    let mut response = page_error(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many wrong admin tokens from this address. Wait a minute, then try again.",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

#[derive(Debug, Deserialize)]
struct Button {
    csrf: Option<String>,
}

impl Tokened for Button {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// `POST /admin/logout`: ends the session here and everywhere its cookie went.
async fn log_out(
    State(state): State<AppState>,
    jar: CookieJar,
    Checked(session, _): Checked<Button>,
) -> Response {
    let id = session.id.clone();
    if let Err(error) = state
        .with_store(move |store| store.close_session(&id))
        .await
    {
        return failed(error);
    }
    let jar = jar.remove(session::removal(session::SESSION_COOKIE));
    (jar, Redirect::to("/admin/login")).into_response()
}

// ---- Pages ----

#[derive(Template)]
#[template(path = "admin_overview.html")]
struct OverviewPage {
    layout: Layout,
    attention: view::Attention,
    products: Vec<view::Product>,
}

/// `GET /admin`: what needs the team first, then every product's stock and line.
async fn overview(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    headers: HeaderMap,
) -> Response {
    let store = state.store();
    let now = clock::now();
    let read = async {
        let today = store.today(now).await?;
        let listing = store.stock_listing().await?;
        let attention = store.attention(shown_from(today)).await?;
        let notices = store.notices().await?;
        let outbox = store.outbox().await?;
        Ok::<_, super::store::records::StoreError>((today, listing, attention, notices, outbox))
    };
    let (today, listing, attention, notices, outbox) = match read.await {
        Ok(read) => read,
        Err(error) => return internal(error),
    };
    // The message is taken once the page can be shown, so a failed read does not lose it.
    let layout = match layout(
        &state,
        &session,
        &headers,
        "Overview".to_owned(),
        "overview",
    )
    .await
    {
        Ok(layout) => layout,
        Err(response) => return response,
    };
    let dates = &layout.dates;
    let page = OverviewPage {
        attention: view::Attention::new(
            dates,
            today,
            &attention,
            &notices,
            &outbox,
            view::Sending {
                webhook: state.webhook().is_some(),
                mails: state.mailer.is_some(),
            },
        ),
        products: listing
            .items
            .iter()
            .map(|item| view::Product::new(dates, item))
            .collect(),
        layout,
    };
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "admin_product.html")]
struct ProductPage {
    layout: Layout,
    product: view::Product,
    line: Vec<view::InLine>,
    sign_ups: u32,
}

/// `GET /admin/sku/{sku}`: a product's batches with their actions, and its line in order.
async fn product(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    SignedIn(session): SignedIn,
    headers: HeaderMap,
) -> Response {
    let item = match state.store().stock_item(sku.clone()).await {
        Ok(Some(item)) => item,
        Ok(None) => {
            return page_error(
                StatusCode::NOT_FOUND,
                "The shop has no product with this SKU.",
            );
        }
        Err(error) => return internal(error),
    };
    let (line, sign_ups) = match state.store().line(sku.clone()).await {
        Ok(line) => line,
        Err(error) => return internal(error),
    };
    let layout = match layout(&state, &session, &headers, sku.clone(), "product").await {
        Ok(layout) => layout,
        Err(response) => return response,
    };
    let page = ProductPage {
        product: view::Product::new(&layout.dates, &item),
        line: line
            .iter()
            .enumerate()
            .map(|(index, entry)| view::InLine::new(&layout.dates, index + 1, entry))
            .collect(),
        sign_ups,
        layout,
    };
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "admin_notices.html")]
struct NoticesPage {
    layout: Layout,
    notices: Vec<view::NoticeRow>,
    mails: Vec<view::MailRow>,
    mails_sent_here: bool,
}

/// `GET /admin/notices`: each notice the rule made due and what became of it; every email.
async fn notices(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    headers: HeaderMap,
) -> Response {
    let store = state.store();
    let read = async {
        let today = store.today(clock::now()).await?;
        Ok::<_, super::store::records::StoreError>((
            today,
            store.notices().await?,
            store.mails().await?,
        ))
    };
    let (today, notices, mails) = match read.await {
        Ok(read) => read,
        Err(error) => return internal(error),
    };
    // As on every page, the message is taken once the page can be shown.
    let layout = match layout(&state, &session, &headers, "Notices".to_owned(), "notices").await {
        Ok(layout) => layout,
        Err(response) => return response,
    };
    let mails_sent_here = state.mailer.is_some();
    let page = NoticesPage {
        notices: notices
            .iter()
            .map(|notice| view::NoticeRow::new(&layout.dates, today, notice, mails_sent_here))
            .collect(),
        mails: mails
            .iter()
            .map(|mail| view::MailRow::new(&layout.dates, mail))
            .collect(),
        mails_sent_here,
        layout,
    };
    render(&page, StatusCode::OK)
}

// ---- Stock upload and export ----

#[derive(Template)]
#[template(path = "admin_stock.html")]
struct StockPage {
    layout: Layout,
    problems: Vec<Problem>,
    /// What the upload could not be read as, when it could not.
    unreadable: Option<String>,
}

/// `GET /admin/stock`: the upload form.
async fn stock_page(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    headers: HeaderMap,
) -> Response {
    stock_form(&state, &session, &headers, Vec::new(), None).await
}

/// The upload form, with what was wrong with the last file when something was.
async fn stock_form(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    problems: Vec<Problem>,
    unreadable: Option<String>,
) -> Response {
    let status = match problems.is_empty() && unreadable.is_none() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    match layout(state, session, headers, "Stock upload".to_owned(), "stock").await {
        Ok(layout) => render(
            &StockPage {
                layout,
                problems,
                unreadable,
            },
            status,
        ),
        Err(response) => response,
    }
}

/// `POST /admin/stock` (a form with a file): the stock API's upload, all or nothing. Problems
/// are listed row by row on the form again; nothing is stored then. The session comes first:
/// nobody without one makes the server read a file.
async fn upload_stock(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let (mut token, mut file, mut file_name) = (None, Vec::new(), String::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let name_of_file = field.file_name().unwrap_or_default().to_owned();
                let bytes = match field.bytes().await {
                    Ok(bytes) => bytes,
                    Err(error) => return page_error(error.status(), &error.body_text()),
                };
                match name.as_str() {
                    "csrf" => token = Some(String::from_utf8_lossy(&bytes).into_owned()),
                    "file" => (file, file_name) = (bytes.to_vec(), name_of_file),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(error) => return page_error(error.status(), &error.body_text()),
        }
    }
    if !session::form_token_matches(&session, token.as_deref()) {
        return forged();
    }
    let again = |problems, unreadable| stock_form(&state, &session, &headers, problems, unreadable);
    if file.iter().all(u8::is_ascii_whitespace) {
        return again(
            Vec::new(),
            Some("Choose a file: the one sent was empty.".to_owned()),
        )
        .await;
    }
    let upload = view::format_of(&file_name, &file).read(&file);
    let upload = match upload {
        Ok(upload) => upload,
        Err(UploadRefusal::Unreadable(error)) => {
            let message = format!("The file is not JSON of the form {{\"items\": [...]}}: {error}");
            return again(Vec::new(), Some(message)).await;
        }
        Err(UploadRefusal::Invalid(problems)) => {
            return again(problems.into_iter().map(Problem::from).collect(), None).await;
        }
    };
    match stock::import(&state, upload).await {
        Ok(count) => {
            let flash = Flash::ok(words::imported(count));
            done(&state, &session, flash, "/admin").await
        }
        Err(error) => failed(error),
    }
}

/// `GET /admin/export.csv`: every request, as the API's CSV export streams it, to save.
async fn export(State(state): State<AppState>, _: SignedIn) -> Response {
    let name = format!(
        "attachment; filename=\"backorders-{}.csv\"",
        clock::now().format("%Y-%m-%d")
    );
    let disposition = HeaderValue::from_str(&name)
        .unwrap_or_else(|_| HeaderValue::from_static("attachment; filename=\"backorders.csv\""));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        admin::csv_export(state),
    )
        .into_response()
}

// ---- Actions on a product ----

#[derive(Debug, Deserialize)]
struct Receive {
    csrf: Option<String>,
    #[serde(default)]
    batch: String,
    #[serde(default)]
    quantity: String,
}

impl Tokened for Receive {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// `POST /admin/sku/{sku}/receive`: a delivery arrived, of a batch or from elsewhere.
async fn receive(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    Checked(session, form): Checked<Receive>,
) -> Response {
    let back = view::product_path(&sku);
    let quantity = form
        .quantity
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(stock::received_quantity);
    let Some(quantity) = quantity else {
        let flash = Flash::error(format!(
            "Nothing was received: “{}” is not a number of units from 0 to {}.",
            form.quantity.trim(),
            crate::domain::MAX_QUANTITY
        ));
        return done(&state, &session, flash, &back).await;
    };
    let batch = Some(form.batch.trim().to_owned()).filter(|batch| !batch.is_empty());
    let outcome = {
        let (sku, batch) = (sku.clone(), batch.clone());
        state
            .with_store(move |store| store.receive(&sku, batch.as_deref(), quantity, clock::now()))
            .await
    };
    let flash = match outcome {
        Ok(Ok(receipt)) => Flash::ok(words::received(&receipt)),
        Ok(Err(ReceiptRefusal::UnknownSku)) => {
            return page_error(
                StatusCode::NOT_FOUND,
                "The shop has no product with this SKU.",
            );
        }
        Ok(Err(ReceiptRefusal::UnknownBatch)) => Flash::error(format!(
            "Nothing was received: batch {} is no longer on its way (it was received or \
             cancelled meanwhile).",
            batch.unwrap_or_default()
        )),
        Err(error) => return failed(error),
    };
    done(&state, &session, flash, &back).await
}

#[derive(Debug, Deserialize)]
struct BatchForm {
    csrf: Option<String>,
    #[serde(default)]
    batch: String,
    #[serde(default)]
    expected: String,
}

impl Tokened for BatchForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// `POST /admin/sku/{sku}/move`: a batch is now expected on another date.
async fn move_batch(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    headers: HeaderMap,
    Checked(session, form): Checked<BatchForm>,
) -> Response {
    let Some(date) = parse_iso_date(form.expected.trim()) else {
        let flash = Flash::error(format!(
            "The date of {} was not moved: “{}” is not a date.",
            form.batch.trim(),
            form.expected.trim()
        ));
        return done(&state, &session, flash, &view::product_path(&sku)).await;
    };
    change_batch(state, sku, session, headers, form, BatchChange::Move(date)).await
}

/// `POST /admin/sku/{sku}/cancel-batch`: a batch is not coming.
async fn cancel_batch(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    headers: HeaderMap,
    Checked(session, form): Checked<BatchForm>,
) -> Response {
    change_batch(state, sku, session, headers, form, BatchChange::Cancel).await
}

async fn change_batch(
    state: AppState,
    sku: String,
    session: Session,
    headers: HeaderMap,
    form: BatchForm,
    change: BatchChange,
) -> Response {
    let batch = form.batch.trim().to_owned();
    let outcome = {
        let (sku, batch) = (sku.clone(), batch.clone());
        state
            .with_store(move |store| store.change_batch(&sku, &batch, change, clock::now()))
            .await
    };
    let dates = view::Dates::of(&headers);
    let flash = match outcome {
        Ok(Ok(changed)) => Flash::ok(words::batch_changed(&dates, &batch, change, &changed)),
        Ok(Err(BatchRefusal::UnknownSku)) => {
            return page_error(
                StatusCode::NOT_FOUND,
                "The shop has no product with this SKU.",
            );
        }
        Ok(Err(BatchRefusal::UnknownBatch)) => Flash::error(format!(
            "Nothing was changed: batch {batch} is no longer on its way."
        )),
        Ok(Err(BatchRefusal::Invalid(why))) => Flash::error(format!("Nothing was changed: {why}.")),
        Err(error) => return failed(error),
    };
    done(&state, &session, flash, &view::product_path(&sku)).await
}

#[derive(Debug, Deserialize)]
struct RequestForm {
    csrf: Option<String>,
    #[serde(default)]
    request: String,
}

impl Tokened for RequestForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// What the merchant does to one request from its product's page.
#[derive(Debug, Clone, Copy)]
enum RequestAction {
    Ship,
    Cancel,
}

/// `POST /admin/sku/{sku}/ship`: a ready request went to the carrier.
async fn ship(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    Checked(session, form): Checked<RequestForm>,
) -> Response {
    on_request(state, sku, session, form, RequestAction::Ship).await
}

/// `POST /admin/sku/{sku}/cancel`: cancels a request on its shopper's behalf; what it held goes
/// to the next in line.
async fn cancel_request(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    Checked(session, form): Checked<RequestForm>,
) -> Response {
    on_request(state, sku, session, form, RequestAction::Cancel).await
}

/// What the store did with a [`RequestAction`].
enum Done {
    Ship(Shipment),
    Cancel(Cancellation),
}

async fn on_request(
    state: AppState,
    sku: String,
    session: Session,
    form: RequestForm,
    action: RequestAction,
) -> Response {
    let id = form.request.trim().to_owned();
    let outcome = {
        let id = id.clone();
        state
            .with_store(move |store| {
                Ok(match action {
                    RequestAction::Ship => Done::Ship(store.ship(&id, clock::now())?),
                    RequestAction::Cancel => Done::Cancel(store.cancel(&id, None, clock::now())?),
                })
            })
            .await
    };
    let flash = match outcome {
        Ok(Done::Ship(Shipment::Shipped { .. })) => {
            Flash::ok(format!("Request {id} is marked shipped."))
        }
        Ok(Done::Ship(Shipment::NotReady { status })) => Flash::error(format!(
            "Request {id} was not marked shipped: it is {}, and only a request with all its \
             units set aside can ship.",
            view::status_words(&status).to_lowercase()
        )),
        Ok(Done::Cancel(Cancellation::Cancelled { .. })) => Flash::ok(format!(
            "Request {id} is cancelled for the shopper; any units it held went to the next in \
             line."
        )),
        Ok(Done::Cancel(Cancellation::AlreadyCancelled { .. })) => {
            Flash::ok(format!("Request {id} was already cancelled."))
        }
        Ok(Done::Cancel(Cancellation::Shipped)) => {
            Flash::error(format!("Request {id} was not cancelled: it has shipped."))
        }
        Ok(Done::Ship(Shipment::NotFound) | Done::Cancel(Cancellation::NotFound)) => {
            Flash::error(format!("There is no request {id}."))
        }
        Err(error) => return failed(error),
    };
    done(&state, &session, flash, &view::product_path(&sku)).await
}
