//! Fault injection (`POST /_sim/faults`): per path pattern and method, added
//! latency (fixed, uniform or exponential), a share of 500/503 answers and
//! dropped connections (the TCP connection is closed without an HTTP
//! response). Draws come from a seedable RNG so runs repeat.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::model::faults::DropConnection;
use crate::model::log::InjectedFault;
use crate::state::{lock, App};

/// Middleware: apply the first matching rule to every non-`/_sim` request.
pub async fn layer(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/_sim") {
        return next.run(req).await;
    }
    let decision = lock(&app.faults).draw(req.method().as_str(), &path);
    let Some((latency, dropped, error)) = decision else {
        return next.run(req).await;
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if dropped {
        let mut resp = StatusCode::SERVICE_UNAVAILABLE.into_response();
        resp.extensions_mut().insert(DropConnection);
        resp.extensions_mut().insert(InjectedFault("drop".into()));
        return resp;
    }
    if let Some((status, retry_after)) = error {
        let (code, message) = if status == 500 {
            ("InternalServerError", "Encountered internal server error. Diagnostic information: injected by azure-sim.")
        } else {
            ("ServiceUnavailable", "The server is currently unable to handle the request. Please retry. (injected by azure-sim)")
        };
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let mut resp = (status, axum::Json(json!({ "error": { "code": code, "message": message } }))).into_response();
        if let Some(s) = retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp.extensions_mut().insert(InjectedFault("error".into()));
        return resp;
    }
    let mut resp = next.run(req).await;
    resp.extensions_mut().insert(InjectedFault("latency".into()));
    resp
}
