//! The README's five-minute tour, as a test.

use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn the_demo_hall_serves_a_ticket_from_kiosk_to_finish() {
    let hall = spawn_hall().await;
    let (status, health) = hall.get("/healthz", None).await;
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    let (_, info) = hall.get("/api/v1/hall", None).await;
    assert!(info["items"].as_array().unwrap().len() >= 60);
    assert!(
        !info.to_string().contains("argon2"),
        "no password hashes in the public hall"
    );
    assert!(
        !info.to_string().contains("sha256:"),
        "no device token hashes either"
    );

    let t = hall.issue("MA-001").await;
    assert_eq!(t["number"], "A001");
    assert_eq!(t["status"], "waiting");
    let token = hall.sign_in("clerk01", 1).await;
    let (s, called) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!(s, 200, "{called}");
    assert_eq!(called["ticket"]["number"], "A001");
    assert_eq!(called["ticket"]["window"], 1);
    assert_eq!(hall.act(&token, 1, "start", json!({})).await.0, 200);
    let (s, done) = hall.act(&token, 1, "finish", json!({})).await;
    assert_eq!(
        (s, done["ticket"]["status"].as_str()),
        (200, Some("finished"))
    );
    let (s, t2) = hall
        .get(
            &format!("/api/v1/tickets/{}", t["id"].as_str().unwrap()),
            Some("demo-display"),
        )
        .await;
    assert_eq!((s, t2["status"].as_str()), (200, Some("finished")));
}
