//! The browser pages (`kiosk-ui/`), embedded in the binary: no Node build, no CDN, nothing
//! fetched from outside the hall's network. In debug builds rust-embed reads the folder from
//! disk, so a page edit shows on reload.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "../../kiosk-ui/"]
#[exclude = "*.md"]
struct Ui;

fn file(path: &str) -> Response {
    match Ui::get(path) {
        Some(f) => {
            let mime = f.metadata.mimetype().to_owned();
            let mut res = f.data.into_owned().into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&mime) {
                h.insert(header::CONTENT_TYPE, v);
            }
            // Pages change with the controller; never let a kiosk keep a stale copy.
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            h.insert(
                "content-security-policy",
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:",
                ),
            );
            res
        }
        None => crate::problem::ApiError::not_found(format!("no page {path:?}")).into_response(),
    }
}

/// `/kiosk`: the self-service kiosk.
pub async fn kiosk() -> Response {
    file("kiosk/index.html")
}

/// `/clerk`: the clerk's window console.
pub async fn clerk() -> Response {
    file("clerk/index.html")
}

/// `/hall`: the main hall screen (综合屏), 1920×1080.
pub async fn hall() -> Response {
    file("hall/index.html")
}

/// `/supervisor`: the supervisor's live dashboard (值班长看板), 1920×1080.
pub async fn supervisor() -> Response {
    file("supervisor/index.html")
}

/// `/pad`: the tablet rating pad (评价器) at a window, 1280×800.
pub async fn pad() -> Response {
    file("pad/index.html")
}

/// `/t/{track_token}`: a ticket's tracking page (the QR code on the ticket).
pub async fn track(Path(_token): Path<String>) -> Response {
    file("track/index.html")
}

/// `/ui/{*path}`: the pages' scripts, styles and images.
pub async fn asset(Path(path): Path<String>) -> Response {
    if path.contains("..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    file(&path)
}
