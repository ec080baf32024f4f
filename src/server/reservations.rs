//! `/reservations/{id}?token=…` shows the request as it stands now, with **Keep** and **Cancel**
//! buttons when they apply. A `GET` never changes anything (mail scanners follow links); the
//! buttons `POST` the token back, which is also what makes a forged cross-site form useless
//! without it. The one-click unsubscribe of a sign-up (RFC 8058) is a `POST` too.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::mail::wording::{Lang, PageWords, page_words};
use super::{AppState, clock};
use crate::domain::date::parse_iso_date;
use crate::domain::lifecycle::Status;
use crate::domain::request::RequestKind;

#[derive(Debug, Deserialize)]
pub struct Link {
    token: String,
    lang: Option<String>,
    /// What the last button did: `kept` or `cancelled`.
    done: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Button {
    token: String,
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "reservation.html")]
struct Page<'a> {
    lang: &'a str,
    title: &'a str,
    labels: &'a PageWords,
    done: Option<&'a str>,
    id: &'a str,
    token: &'a str,
    item: &'a str,
    quantity: u32,
    status: &'a str,
    date: Option<String>,
    deadline: Option<String>,
    can_keep: bool,
    can_cancel: bool,
    can_confirm: bool,
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        "There is no reservation at this link. It may have been removed.\n",
    )
        .into_response()
}

/// `GET /reservations/{id}?token=…&lang=…`.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(link): Query<Link>,
) -> Response {
    let lang = Lang::of(link.lang.as_deref());
    let words = page_words(lang);
    let found = state.store().status(id.clone(), link.token.clone()).await;
    let status = match found {
        Ok(Some(status)) => status,
        Ok(None) => return not_found(),
        Err(error) => return super::errors::ApiError::internal(error).into_response(),
    };
    let active = status.status.is_active();
    let date_words = |text: &Option<String>| {
        text.as_deref()
            .and_then(parse_iso_date)
            .map(|date| lang.date(date))
    };
    let done = match link.done.as_deref() {
        Some("kept") => Some(words.kept),
        Some("cancelled") => Some(words.cancelled),
        Some("confirmed") => Some(words.confirmed),
        _ => None,
    };
    let page = Page {
        lang: lang.code(),
        title: words.title,
        labels: words,
        done,
        id: &id,
        token: &link.token,
        item: &status.sku,
        quantity: status.quantity,
        status: words.status(status.status.as_str()),
        date: date_words(&status.current_date),
        deadline: date_words(&status.consent_by),
        can_keep: active && status.needs_consent,
        can_cancel: active,
        can_confirm: active && state.double_opt_in && status.kind == RequestKind::Notify,
    };
    match page.render() {
        Ok(html) => (
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            Html(html),
        )
            .into_response(),
        Err(error) => super::errors::ApiError::internal(error).into_response(),
    }
}

/// Back to the page, saying what was done.
fn back(id: &str, token: &str, lang: Option<&str>, done: &str) -> Response {
    let lang = Lang::of(lang).code();
    // `Redirect::to` answers 303 See Other: the page is fetched again with GET.
    Redirect::to(&format!(
        "/reservations/{id}?token={token}&lang={lang}&done={done}"
    ))
    .into_response()
}

/// `POST /reservations/{id}/keep`: the shopper keeps the request through a delay.
pub async fn keep(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(button): Form<Button>,
) -> Response {
    let kept = {
        let (id, token) = (id.clone(), button.token.clone());
        state
            .with_store(move |store| store.consent(&id, &token, clock::now()))
            .await
    };
    match kept {
        Ok(Some(Status::Cancelled)) => {
            back(&id, &button.token, button.lang.as_deref(), "cancelled")
        }
        Ok(Some(_)) => back(&id, &button.token, button.lang.as_deref(), "kept"),
        Ok(None) => not_found(),
        Err(error) => error.into_response(),
    }
}

/// `POST /reservations/{id}/confirm`: the shopper confirms a notify sign-up (double opt-in).
pub async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(button): Form<Button>,
) -> Response {
    let confirmed = {
        let (id, token) = (id.clone(), button.token.clone());
        state
            .with_store(move |store| store.confirm(&id, &token, clock::now()))
            .await
    };
    match confirmed {
        Ok(Some(())) => back(&id, &button.token, button.lang.as_deref(), "confirmed"),
        Ok(None) => not_found(),
        Err(error) => error.into_response(),
    }
}

/// `POST /reservations/{id}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(button): Form<Button>,
) -> Response {
    let cancelled = {
        let (id, token) = (id.clone(), button.token.clone());
        state
            .with_store(move |store| store.cancel(&id, Some(&token), clock::now()))
            .await
    };
    match cancelled {
        Ok(super::store::records::Cancellation::NotFound) => not_found(),
        // It shipped first: the page shows that, and says nothing was cancelled.
        Ok(super::store::records::Cancellation::Shipped) => {
            back(&id, &button.token, button.lang.as_deref(), "none")
        }
        Ok(_) => back(&id, &button.token, button.lang.as_deref(), "cancelled"),
        Err(error) => error.into_response(),
    }
}

/// `POST /reservations/{id}/unsubscribe?token=…`: one click in the mail program ends a notify
/// sign-up.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(link): Query<Link>,
) -> Response {
    // Only a sign-up is unsubscribed: the same token must never cancel a reservation.
    match state.store().status(id.clone(), link.token.clone()).await {
        Ok(Some(status)) if status.kind == RequestKind::Notify => {}
        Ok(_) => return not_found(),
        Err(error) => return super::errors::ApiError::internal(error).into_response(),
    }
    let cancelled = state
        .with_store(move |store| store.cancel(&id, Some(&link.token), clock::now()))
        .await;
    match cancelled {
        Ok(super::store::records::Cancellation::NotFound) => not_found(),
        Ok(_) => (StatusCode::OK, "Unsubscribed.\n").into_response(),
        Err(error) => error.into_response(),
    }
}
