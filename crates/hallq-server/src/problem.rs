//! Every error leaves the API in one shape: `application/problem+json` (RFC 9457) with `type`,
//! `title`, `status`, `detail`, plus a stable `code` and, for refusals, their typed fields.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallq_core::Rejection;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub title: String,
    pub detail: String,
    /// Typed fields of a refusal (`queue`, `cap`, …), merged into the problem.
    pub fields: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_owned(),
            title: title.to_owned(),
            detail: detail.into(),
            fields: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "请求有误 / Bad request",
            detail,
        )
    }

    /// A query parameter that does not parse or is out of range.
    pub fn invalid_query(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "查询参数有误 / Invalid query",
            detail,
        )
    }

    pub fn unauthorized(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "未登录或令牌无效 / Unauthorized",
            detail,
        )
    }

    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "无权操作 / Forbidden",
            detail,
        )
    }

    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "没有该资源 / Not found",
            detail,
        )
    }

    pub fn unavailable() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "服务暂不可用 / Service unavailable",
            "the hall controller could not commit this request; nothing was changed, try again",
        )
    }

    pub fn internal(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "内部错误 / Internal error",
            detail,
        )
    }

    pub fn idempotency_mismatch(key: &str) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "幂等键已用于其他请求 / Idempotency-Key reused",
            format!("Idempotency-Key {key:?} was first used for a different request"),
        )
    }

    pub fn body(&self) -> Value {
        let mut v = json!({
            "type": format!("/problems/{}", self.code),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
            "code": self.code,
        });
        if let (Some(Value::Object(extra)), Value::Object(obj)) = (&self.fields, &mut v) {
            for (k, val) in extra {
                if k != "code" {
                    obj.entry(k.clone()).or_insert(val.clone());
                }
            }
        }
        v
    }
}

impl From<Rejection> for ApiError {
    fn from(r: Rejection) -> ApiError {
        ApiError {
            status: StatusCode::from_u16(r.http_status()).expect("valid status"),
            code: r.code().to_owned(),
            title: r.title().to_owned(),
            detail: r.to_string(),
            fields: serde_json::to_value(&r).ok(),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            "地址有误 / Invalid path",
            r.body_text(),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> ApiError {
        ApiError::invalid_query(r.body_text())
    }
}

impl From<axum::extract::ws::rejection::WebSocketUpgradeRejection> for ApiError {
    fn from(r: axum::extract::ws::rejection::WebSocketUpgradeRejection) -> ApiError {
        ApiError::new(
            r.status(),
            "websocket_upgrade_required",
            "需要WebSocket连接 / WebSocket upgrade required",
            r.body_text(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self.status {
            StatusCode::INTERNAL_SERVER_ERROR | StatusCode::SERVICE_UNAVAILABLE => {
                tracing::error!(code = %self.code, detail = %self.detail, "request failed")
            }
            // A printer out of paper is the hall's news, not the controller's failure.
            s if s.is_server_error() => {
                tracing::warn!(code = %self.code, detail = %self.detail, "request failed")
            }
            _ => {}
        }
        let mut res = (self.status, self.body().to_string()).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        res
    }
}
