//! Request extractors that fail as problem+json: the bearer token, the idempotency key, the body.

use crate::problem::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// The SHA-256 of the bearer token, from `Authorization: Bearer …` or, for browsers opening a
/// WebSocket, `?token=…`. `None` when the request carries none.
pub struct Bearer(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(h) = parts.headers.get(axum::http::header::AUTHORIZATION) {
            let text = h
                .to_str()
                .map_err(|_| ApiError::unauthorized("the Authorization header is not ASCII"))?;
            let token = text.strip_prefix("Bearer ").ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be \"Bearer <token>\"")
            })?;
            return Ok(Bearer(Some(crate::secrets::token_hash(token.trim()))));
        }
        let token = parts.uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == "token")
                .map(|(_, v)| v.to_owned())
        });
        Ok(Bearer(token.map(|t| crate::secrets::token_hash(&t))))
    }
}

/// The `Idempotency-Key` header, when present: 1–200 visible ASCII characters.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(h) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let key = h
            .to_str()
            .ok()
            .filter(|k| !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| {
                ApiError::bad_request("Idempotency-Key must be 1-200 visible ASCII characters")
            })?;
        Ok(IdempotencyKey(Some(key.to_owned())))
    }
}

/// The raw body (size-limited by the router), with its method and path for request hashing.
pub struct Body {
    pub bytes: Bytes,
    pub method: String,
    pub path: String,
}

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let method = req.method().to_string();
        let path = req.uri().path().to_owned();
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            ApiError::new(
                status,
                if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    "payload_too_large"
                } else {
                    "bad_request"
                },
                "请求内容有误 / Invalid request body",
                e.body_text(),
            )
        })?;
        Ok(Body {
            bytes,
            method,
            path,
        })
    }
}

impl Body {
    /// Parses the body as JSON; an empty body reads as `{}`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let bytes: &[u8] = if self.bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &self.bytes
        };
        // Serde would also read a struct from an array of its fields; the API takes objects only.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "invalid_json",
                "请求内容有误 / Invalid request body",
                "the body must be a JSON object",
            ));
        }
        serde_json::from_slice(bytes).map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "invalid_json",
                "请求内容有误 / Invalid request body",
                format!("the body is not the JSON this endpoint takes: {e}"),
            )
        })
    }

    /// The idempotency record key for this request, if the client sent one.
    pub fn idempotency(
        &self,
        principal: &str,
        key: IdempotencyKey,
    ) -> Option<crate::actor::Idempotency> {
        key.0.map(|key| crate::actor::Idempotency {
            principal: principal.to_owned(),
            key,
            request_hash: crate::secrets::request_hash(&self.method, &self.path, &self.bytes),
        })
    }
}
