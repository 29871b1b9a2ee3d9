//! Who a bearer token belongs to. The server hashes the token (SHA-256, hex); the core looks the
//! hash up among the configured devices and the open sessions.

use crate::command::Actor;
use crate::hall::Hall;
use crate::ids::SessionId;
use crate::state::HallState;

pub fn authenticate(hall: &Hall, state: &HallState, token_sha256_hex: &str) -> Option<Actor> {
    if let Some(d) = hall.devices_by_token_hash.get(token_sha256_hex) {
        return Some(Actor::Device {
            id: d.id.clone(),
            kind: d.kind,
            window: d.window,
        });
    }
    let session = SessionId(token_sha256_hex.to_owned());
    state.sessions.get(&session).map(|s| Actor::Clerk {
        clerk: s.clerk.clone(),
        session,
        window: s.window,
    })
}
