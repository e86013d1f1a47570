//! `mtcheck serve`: the checker over HTTP, loaded once and shared by concurrent requests.
//!
//! - `POST /v1/check`: `{"text": …}` or `{"texts": [...]}`, optionally with `"source"` → the
//!   object(s) `check --format jsonl` (with `--source`) prints for the same text; `GET /health`; `GET /v1/model` (what `model info` says).
//! - `POST /v2/check`, `GET /v2/languages`: LanguageTool's API ([`languagetool`]).
//! - `GET /`: the web page for editors ([`PAGE`], no external resources).
//!
//! Why axum on tokio: the most used Rust HTTP stack, kept by the tokio team; it gives body
//! limits (413), form and JSON extraction and graceful connection handling, so this file holds
//! only mtcheck's rules. The checks themselves run on tokio's blocking threads, at most `-j`
//! at once, with at most `--max-queue` waiting (503 beyond): a slow check never stalls the
//! accept loop, and a flood is refused instead of piling up memory.
//!
//! Loopback by default, answering loopback host names only (DNS rebinding). Another address
//! needs `--public` and a token (`--token` or `MTCHECK_TOKEN`); a token makes every route but
//! `/` and `/health` ask for `Authorization: Bearer <token>` (or LanguageTool's `apiKey` form
//! field, which its clients can send). Every answer carries nosniff, no-framing, no-referrer
//! and a content policy.

mod languagetool;

use anyhow::{Context, Result};
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clap::Args;
use mtcheck::attribution::Source;
use mtcheck::detect::{self, Detector, DetectorKind, Settings};
use mtcheck::model_dir::default_model_dir;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The web page (inline CSS and script; it calls `/v1/check`).
const PAGE: &str = include_str!("page.html");

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Allow an address other than loopback (a token is then required: --token or
    /// $MTCHECK_TOKEN), and Host names other than loopback ones.
    #[arg(long)]
    pub public: bool,
    /// Require `Authorization: Bearer TOKEN` (default: $MTCHECK_TOKEN when set).
    #[arg(long)]
    pub token: Option<String>,
    /// Model folder (default: as `check`).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Read every sentence again with the fine-tuned encoder (as `check --deep`).
    #[arg(long, conflicts_with = "fast")]
    pub deep: bool,
    /// Skip the neural round trips (as `check --fast`): ~15x faster answers, blind to fluent
    /// neural MT.
    #[arg(long)]
    pub fast: bool,
    /// Checks run at once (default: all cores).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Requests that may wait for a free worker; more get 503.
    #[arg(long, default_value_t = 64)]
    pub max_queue: usize,
    /// Largest request body in bytes; larger ones get 413.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body_bytes: usize,
    /// Seconds a request may take (waiting included); slower ones get 503.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// No access log (one line per request on stderr: client, method, path, status, bytes,
    /// milliseconds; never the text).
    #[arg(short, long)]
    pub quiet: bool,
}

struct App {
    detector: Box<dyn Detector>,
    timeout: std::time::Duration,
    model: Value,
    token: Option<String>,
    /// Requests admitted (waiting or running): the queue's bound.
    admitted: Arc<Semaphore>,
    /// Checks running.
    workers: Arc<Semaphore>,
}

type Shared = Arc<App>;

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let ip = args.bind.ip();
    if !ip.is_loopback() && !args.public {
        anyhow::bail!(
            "--bind {}: not a loopback address; anyone who can reach this machine could use the service. \
             Add --public to mean it (and --token or MTCHECK_TOKEN to require a bearer token)",
            args.bind
        );
    }
    let token = args.token.clone().or_else(|| std::env::var("MTCHECK_TOKEN").ok()).filter(|t| !t.is_empty());
    if !ip.is_loopback() && token.is_none() {
        anyhow::bail!(
            "--bind {} --public without a token: anyone who can reach this machine could use the service. \
             Set --token or MTCHECK_TOKEN",
            args.bind
        );
    }
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).max(1);
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().ok();
    let dir = args.model.clone().unwrap_or_else(default_model_dir);
    let kind = if args.deep { DetectorKind::Deep } else { DetectorKind::Full };
    let detector = detect::open(kind, &dir, Settings { no_round_trips: args.fast, ..Settings::default() })
        .with_context(|| format!("loading the model in {}", dir.display()))?;
    let model = super::model::describe(&dir)?;
    let model = Value::Object(model.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    let app = Arc::new(App {
        detector,
        timeout: std::time::Duration::from_secs(args.timeout.max(1)),
        model,
        token,
        admitted: Arc::new(Semaphore::new(args.max_queue + threads)),
        workers: Arc::new(Semaphore::new(threads)),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .max_blocking_threads(threads + 2)
        .enable_all()
        .build()?;
    runtime.block_on(serve(app, &args, &dir, threads))
}

async fn serve(app: Shared, args: &ServeArgs, dir: &std::path::Path, threads: usize) -> Result<ExitCode> {
    let listener =
        tokio::net::TcpListener::bind(args.bind).await.with_context(|| format!("listening on {}", args.bind))?;
    let address = listener.local_addr()?;
    let router = Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/health", get(health))
        .route("/v1/model", get(model))
        .route("/v1/check", post(check_v1))
        .route("/v2/check", post(check_v2).get(check_v2))
        .route("/v2/languages", get(|| async { Json(languagetool::languages()) }))
        .fallback(|| async {
            error(StatusCode::NOT_FOUND, "no such route: see GET / for the page, POST /v1/check for the API")
        })
        .layer(axum::middleware::from_fn_with_state(app.clone(), authorize))
        .layer(DefaultBodyLimit::max(args.max_body_bytes));
    let router = router.layer(axum::middleware::from_fn(security_headers));
    let router = if args.public { router } else { router.layer(axum::middleware::from_fn(loopback_host_only)) };
    // Outermost, so that refusals (401, 404, 413, 421) are logged too.
    let router = if args.quiet { router } else { router.layer(axum::middleware::from_fn(access_log)) };
    let router = router.with_state(app.clone());
    eprintln!(
        "mtcheck serve: listening on http://{address} (model {}, {} detector, {threads} workers)",
        dir.display(),
        app.detector.name()
    );
    // Ctrl-C or SIGTERM: stop accepting, finish the requests in flight, then exit.
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    eprintln!("mtcheck serve: stopped");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let interrupt = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}

/// One line per request on stderr: client, method, path, status, bytes sent, milliseconds.
/// Never the query string or the body: they may hold the text being checked.
async fn access_log(ConnectInfo(peer): ConnectInfo<SocketAddr>, request: Request, next: Next) -> Response {
    use axum::body::HttpBody;
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let path: String = request.uri().path().chars().take(200).collect();
    let response = next.run(request).await;
    let bytes = response.body().size_hint().exact().map_or_else(|| "-".to_string(), |n| n.to_string());
    eprintln!(
        "mtcheck serve: {peer} {method} {path} {} {bytes} B {} ms",
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}

/// A JSON error `{"error": message}` with `status`.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// With a token, every route but the page and `/health` needs it: as a bearer token, or as
/// LanguageTool's `apiKey` field (checked by `check_v2`, which its clients can send).
async fn authorize(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let Some(token) = &app.token else { return next.run(request).await };
    let path = request.uri().path();
    let open = path == "/" || path == "/health" || path.starts_with("/v2/");
    let bearer =
        bearer_token(request.headers()).is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes()));
    if open || bearer {
        next.run(request).await
    } else {
        error(StatusCode::UNAUTHORIZED, "this server needs `Authorization: Bearer <token>`")
    }
}

/// The token of an `Authorization: Bearer <token>` header, if there is one.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    // The scheme is case-insensitive (RFC 9110 §11.1): "bearer" and "BEARER" are Bearer too.
    let value = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim_start())
}

/// Headers on every answer: no MIME sniffing, no framing (clickjacking), no referrer, and for
/// the page a content policy that allows its own inline script and style and calls to this
/// server only.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(name, axum::http::HeaderValue::from_static(value));
    };
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "x-frame-options", "DENY");
    set(headers, "referrer-policy", "no-referrer");
    set(
        headers,
        "content-security-policy",
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; \
         img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    response
}

/// On a loopback address, only requests that name a loopback host: a web page elsewhere that
/// points its own domain at 127.0.0.1 (DNS rebinding) sends its domain as Host, and is refused.
async fn loopback_host_only(request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        || host.is_empty();
    if loopback {
        next.run(request).await
    } else {
        error(
            StatusCode::MISDIRECTED_REQUEST,
            format!("Host {host:?} is not this loopback server's (use localhost or 127.0.0.1; --public to serve other names)"),
        )
    }
}

/// Compares without stopping at the first difference (no timing hint at the token).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn health(State(app): State<Shared>) -> Json<Value> {
    Json(json!({"status": "ok", "detector": app.detector.name(), "version": env!("CARGO_PKG_VERSION")}))
}

async fn model(State(app): State<Shared>) -> Json<Value> {
    Json(app.model.clone())
}

/// Runs `work` on a blocking thread once a worker is free; 503 when the queue is full or the
/// request takes longer than `--timeout` (the check then finishes unseen: a check cannot be
/// interrupted, but the client is not kept waiting). A panic in a check is a 500 with a
/// message, never a dropped connection.
async fn on_a_worker<T: Send + 'static>(
    app: &Shared,
    work: impl FnOnce(&dyn Detector) -> T + Send + 'static,
) -> Result<T, Response> {
    let Ok(admitted) = app.admitted.clone().try_acquire_owned() else {
        return Err(error(StatusCode::SERVICE_UNAVAILABLE, "busy: too many requests waiting; retry shortly"));
    };
    let shared = app.clone();
    let run = async move {
        let worker = shared
            .workers
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| error(StatusCode::SERVICE_UNAVAILABLE, "shutting down"))?;
        // The permits go with the check: one that outlives its request's timeout still counts
        // against -j and the queue until it ends.
        tokio::task::spawn_blocking(move || {
            let _held = (admitted, worker);
            work(shared.detector.as_ref())
        })
        .await
        .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, format!("the check failed: {e}")))
    };
    match tokio::time::timeout(app.timeout, run).await {
        Ok(result) => result,
        Err(_) => Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("timed out after {} s (--timeout); send less text at once", app.timeout.as_secs()),
        )),
    }
}

/// One text of a `/v1/check` request: its id, its text and the source it is read against.
struct Text {
    id: Option<Value>,
    text: String,
    source: Option<String>,
}

/// A string field of a request object, if present: anything else is a 400 naming `what`.
fn string_field(object: &serde_json::Map<String, Value>, field: &str, what: &str) -> Result<Option<String>, Response> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(error(StatusCode::BAD_REQUEST, format!("{what}: \"{field}\" must be a string"))),
    }
}

/// One text of a `/v1/check` request: a string, or `{"id": …, "text": …, "source": …}`;
/// `source` is the request's own `"source"` unless the object has one.
fn text_of(value: &Value, what: &str, source: &Option<String>) -> Result<Text, Response> {
    match value {
        Value::String(s) => Ok(Text { id: None, text: s.clone(), source: source.clone() }),
        Value::Object(o) => match string_field(o, "text", what)? {
            Some(text) => Ok(Text {
                id: o.get("id").cloned(),
                text,
                source: string_field(o, "source", what)?.or_else(|| source.clone()),
            }),
            None => Err(error(StatusCode::BAD_REQUEST, format!("{what}: an object needs a string field \"text\""))),
        },
        _ => Err(error(StatusCode::BAD_REQUEST, format!("{what}: expected a string or {{\"text\": …}}"))),
    }
}

/// `POST /v1/check`: `{"text": …}` or `{"texts": [...]}`, each optionally read against a
/// `"source"` (as `check --source`: the answer gains a "source" object).
async fn check_v1(State(app): State<Shared>, body: Result<Json<Value>, JsonRejection>) -> Response {
    let body = match body {
        Ok(Json(body)) => body,
        Err(rejection) => return error(rejection.status(), rejection.body_text()),
    };
    let Value::Object(fields) = &body else {
        return error(StatusCode::BAD_REQUEST, "send {\"text\": \"…\"} or {\"texts\": [\"…\", …]}");
    };
    let source = match string_field(fields, "source", "source") {
        Ok(source) => source,
        Err(e) => return e,
    };
    let (texts, many) = match (fields.get("text"), fields.get("texts")) {
        (Some(_), None) => match text_of(&body, "text", &source) {
            Ok(one) => (vec![one], false),
            Err(e) => return e,
        },
        (None, Some(Value::Array(list))) => {
            match list.iter().enumerate().map(|(i, v)| text_of(v, &format!("texts[{i}]"), &source)).collect() {
                Ok(all) => (all, true),
                Err(e) => return e,
            }
        }
        _ => return error(StatusCode::BAD_REQUEST, "send {\"text\": \"…\"} or {\"texts\": [\"…\", …]}"),
    };
    // Written as `check --format jsonl` writes them (f32 scores as f32, not widened to f64).
    let reports = on_a_worker(&app, move |detector| {
        use rayon::prelude::*;
        texts
            .into_par_iter()
            .map(|Text { id, text, source }| {
                let report = match &source {
                    Some(source) => Source::read(detector, source).check(detector, &text),
                    None => detector.check(&text),
                };
                serde_json::to_string(&report.to_json(&text, id)).unwrap_or_default()
            })
            .collect::<Vec<String>>()
    })
    .await;
    let body = match reports {
        Ok(mut reports) if !many => reports.pop().unwrap_or_default(),
        Ok(reports) => format!("[{}]", reports.join(",")),
        Err(e) => return e,
    };
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn check_v2(
    State(app): State<Shared>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return error(rejection.status(), rejection.body_text()),
    };
    // LanguageTool takes the fields as a POST form and in the query string.
    let fields = match languagetool::request::fields(uri.query(), &body) {
        Ok(fields) => fields,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    if let Some(token) = &app.token {
        let given = bearer_token(&headers).or_else(|| fields.get("apiKey").map(String::as_str)).unwrap_or_default();
        if !constant_time_eq(given.as_bytes(), token.as_bytes()) {
            return error(
                StatusCode::UNAUTHORIZED,
                "this server needs a token: `Authorization: Bearer <token>` or the apiKey field",
            );
        }
    }
    let request = match languagetool::request::CheckRequest::from_fields(&fields) {
        Ok(request) => request,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    if request.text_level_only {
        // Nothing to check: mtcheck has no text-level rules (see CheckRequest).
        return Json(languagetool::check_response(&request, &mtcheck::report::Report::new(1.0, Vec::new())))
            .into_response();
    }
    match on_a_worker(&app, move |detector| {
        let report = detector.check(&request.text.plain);
        languagetool::check_response(&request, &report)
    })
    .await
    {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => e,
    }
}
