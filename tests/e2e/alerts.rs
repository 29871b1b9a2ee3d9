//! The supervisor's alerts over HTTP: a long wait raises one, a supervisor's acknowledgement
//! (an event) quiets it.

use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn a_long_wait_raises_an_alert_and_a_supervisors_ack_quiets_it() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let t = hall.issue("MA-001").await;
    let boss = hall.sign_in_supervisor().await;
    let (s, list) = hall.get("/api/v1/alerts", Some(&boss)).await;
    assert_eq!((s, list["open"].as_u64()), (200, Some(0)), "{list}");
    hall.set_clock("2026-11-26T09:31:00+08:00"); // past the 30-minute wait alarm
    let (_, list) = hall.get("/api/v1/alerts", Some(&boss)).await;
    assert_eq!(list["open"], 1, "{list}");
    let alert = &list["alerts"][0];
    assert_eq!(alert["kind"], "long_wait");
    assert_eq!(alert["number"], t["number"]);
    let id = alert["id"].as_str().unwrap().to_owned();

    let clerk = hall.sign_in("clerk01", 1).await;
    let (s, p) = hall
        .post(&format!("/api/v1/alerts/{id}/ack"), Some(&clerk), json!({}))
        .await;
    assert_eq!((s, p["code"].as_str()), (403, Some("forbidden")), "{p}");
    assert_eq!(
        hall.get("/api/v1/alerts", Some("demo-display")).await.0,
        403
    );
    let (s, ack) = hall
        .post(&format!("/api/v1/alerts/{id}/ack"), Some(&boss), json!({}))
        .await;
    assert_eq!(
        (s, ack["type"].as_str()),
        (200, Some("alert_acknowledged")),
        "{ack}"
    );
    let (_, list) = hall.get("/api/v1/alerts", Some(&boss)).await;
    assert_eq!(list["open"], 0, "{list}");
    assert_eq!(list["alerts"][0]["acknowledged"], true);
    let (s, _) = hall
        .post(&format!("/api/v1/alerts/{id}/ack"), Some(&boss), json!({}))
        .await;
    assert_eq!(s, 404, "nothing left to acknowledge");
}

#[tokio::test]
async fn todays_figures_are_for_staff_and_count_the_day() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    hall.issue("MA-001").await;
    hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;
    hall.set_clock("2026-11-26T09:25:00+08:00");
    hall.serve_next(&token, 1, json!({})).await;
    let (s, t) = hall.get("/api/v1/figures/today", Some(&token)).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(
        (
            t["issued"].as_u64(),
            t["served"].as_u64(),
            t["waiting"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(t["wait_mean_s"], 1500);
    assert_eq!(
        t["within_target_permille"], 0,
        "25 minutes is past the 20-minute target"
    );
    assert_eq!(
        hall.get("/api/v1/figures/today", Some("demo-display"))
            .await
            .0,
        403
    );
}
