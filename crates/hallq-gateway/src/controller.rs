//! The HTTP side of the controller link: `/api/v1/hall`, `/api/v1/live`, window actions, ratings and
//! the WebSocket upgrade request of `/api/v1/stream`.

use std::time::Duration;

use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::action::{RatingRequest, WindowRequest};
use crate::display::{HallInfo, Live};

/// How long one request may take before it counts as failed (and is retried).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// A failed request: not sent, not answered, or answered with something unexpected.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// Connection refused, reset, timed out…
    #[error("{}", chain(.0))]
    Transport(#[from] reqwest::Error),
    /// An answer that is not the expected one.
    #[error("{path}: HTTP {status}: {detail}")]
    Status {
        /// The path asked.
        path: String,
        /// Its HTTP status.
        status: u16,
        /// The problem's code, or the body.
        detail: String,
    },
}

/// The controller at one base URL, with the gateway's device token.
#[derive(Clone)]
pub struct Controller {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Controller {
    /// `base` is `http://host:port` without a trailing slash.
    pub fn new(base: &str, token: &str) -> Controller {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("hallq-gateway/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("an HTTP client without TLS always builds");
        Controller {
            http,
            base: base.to_owned(),
            token: token.to_owned(),
        }
    }

    async fn get_json(&self, path: &str) -> Result<Value, LinkError> {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if status != 200 {
            return Err(LinkError::Status {
                path: path.into(),
                status,
                detail: problem_detail(&body),
            });
        }
        Ok(body)
    }

    /// `GET /api/v1/hall`: which queues each window serves.
    pub async fn hall(&self) -> Result<HallInfo, LinkError> {
        let body = self.get_json("/api/v1/hall").await?;
        serde_json::from_value(body).map_err(|e| LinkError::Status {
            path: "/api/v1/hall".into(),
            status: 200,
            detail: format!("unexpected shape: {e}"),
        })
    }

    /// `GET /api/v1/live`: waiting counts, windows' tickets and held lists, and its `seq`.
    pub async fn live(&self) -> Result<Live, LinkError> {
        let body = self.get_json("/api/v1/live").await?;
        serde_json::from_value(body).map_err(|e| LinkError::Status {
            path: "/api/v1/live".into(),
            status: 200,
            detail: format!("unexpected shape: {e}"),
        })
    }

    /// Sends one window action with its `Idempotency-Key`; returns the HTTP status and the
    /// body (the problem for a refusal). A transport failure is an `Err`.
    pub async fn act(&self, req: &WindowRequest, key: &str) -> Result<(u16, Value), LinkError> {
        self.post(&req.path(), &req.body, key).await
    }

    /// Sends one rating pad's rating with its `Idempotency-Key`; answered like [`Self::act`].
    pub async fn rate(&self, req: &RatingRequest, key: &str) -> Result<(u16, Value), LinkError> {
        self.post(req.path(), &req.body, key).await
    }

    /// `POST path` with `body` (JSON) and its `Idempotency-Key`: the HTTP status and the body.
    pub async fn post(&self, path: &str, body: &str, key: &str) -> Result<(u16, Value), LinkError> {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", key)
            .header("Content-Type", "application/json")
            .body(body.to_owned())
            .send()
            .await?;
        let status = res.status().as_u16();
        let body = res.json().await.unwrap_or(Value::Null);
        Ok((status, body))
    }

    /// The WebSocket upgrade request of the event stream after `after`, with the token in the
    /// `Authorization` header (never in the URL, which ends up in logs).
    pub fn stream_request(&self, after: u64) -> Request {
        let url = format!(
            "{}/api/v1/stream?after={after}",
            self.base.replacen("http://", "ws://", 1)
        );
        let mut req = url
            .into_client_request()
            .expect("the configuration checked the URL");
        let value = HeaderValue::from_str(&format!("Bearer {}", self.token))
            .expect("the configuration checked the token is visible ASCII");
        req.headers_mut().insert("Authorization", value);
        req
    }
}

/// An error and its causes, `a: b: c` (reqwest's own message hides "connection refused").
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn problem_detail(body: &Value) -> String {
    body.get("code")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_request_carries_after_and_the_bearer_token() {
        let c = Controller::new("http://127.0.0.1:8080", "demo-gateway");
        let req = c.stream_request(42);
        assert_eq!(
            req.uri().to_string(),
            "ws://127.0.0.1:8080/api/v1/stream?after=42"
        );
        assert_eq!(req.headers()["authorization"], "Bearer demo-gateway");
    }
}
