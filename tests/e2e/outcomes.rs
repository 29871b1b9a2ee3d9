//! Visit outcomes over HTTP: accept a case, a tell-once notice and the return trip, a referral,
//! and the console's window view.

use crate::support::*;
use serde_json::json;

async fn serving(hall: &TestHall, token: &str) {
    assert_eq!(hall.act(token, 1, "call-next", json!({})).await.0, 200);
    assert_eq!(hall.act(token, 1, "start", json!({})).await.0, 200);
}

#[tokio::test]
async fn finishing_with_an_outcome_records_a_case_or_a_notice() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let first = hall.issue("MA-001").await;
    hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;

    // The console's window view lists the waiting tickets in call order.
    let (s, w) = hall.get("/api/v1/windows/1", Some(&token)).await;
    assert_eq!(s, 200, "{w}");
    assert_eq!(w["waiting"][0]["number"], "A001");
    assert_eq!(w["state"], "idle");

    serving(&hall, &token).await;
    let (s, done) = hall
        .act(&token, 1, "finish", json!({"outcome": "accepted"}))
        .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["ticket"]["outcome"], "accepted");
    assert_eq!(done["ticket"]["case"], "SL202611260001");
    let limit = {
        let (_, info) = hall.get("/api/v1/hall", None).await;
        info["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == "MA-001")
            .unwrap()["limit_days"]
            .as_u64()
            .unwrap()
    };
    assert!(
        done["ticket"]["due"].as_str().unwrap() > "2026-11-26" || limit == 0,
        "{done}"
    );

    serving(&hall, &token).await;
    let (s, p) = hall
        .act(
            &token,
            1,
            "finish",
            json!({"outcome": "tell_once", "missing": ["不存在的材料"]}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("unknown_material")),
        "{p}"
    );
    let (_, info) = hall.get("/api/v1/hall", None).await;
    let materials = info["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "MA-001")
        .unwrap()["materials"]
        .clone();
    let missing = json!([materials[0]]);
    let (s, done) = hall
        .act(
            &token,
            1,
            "finish",
            json!({"outcome": "tell_once", "missing": missing}),
        )
        .await;
    assert_eq!(s, 200, "{done}");
    let notice = done["ticket"]["notice"].as_str().unwrap().to_owned();
    let (s, n) = hall.get(&format!("/api/v1/notices/{notice}"), None).await;
    assert_eq!(s, 200, "{n}");
    assert_eq!(n["missing"], missing);
    assert_eq!(n["return_trips"], 0);

    // The citizen comes back with the notice: a second trip, linked.
    let (s, t) = hall
        .post(
            "/api/v1/tickets",
            Some("demo-kiosk"),
            json!({"item": "MA-001", "notice": notice}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["notice"], notice.as_str());
    let (_, n) = hall.get(&format!("/api/v1/notices/{notice}"), None).await;
    assert_eq!(n["return_trips"], 1);
    let (s, _) = hall
        .post(
            "/api/v1/tickets",
            Some("demo-kiosk"),
            json!({"item": "MA-001", "notice": "GZ0"}),
        )
        .await;
    assert_eq!(s, 404);

    // Today at window 1: the two visits, newest first.
    let (_, w) = hall.get("/api/v1/windows/1", Some(&token)).await;
    let today: Vec<&str> = w["today"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_str().unwrap())
        .collect();
    assert_eq!(today, ["A002", "A001"]);
    assert_eq!(first["number"], "A001");
}

#[tokio::test]
async fn a_referral_is_a_transfer_with_a_reason_and_keeps_the_first_clerk() {
    let hall = spawn_hall().await;
    let t = hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;
    serving(&hall, &token).await;
    let (s, r) = hall
        .act(
            &token,
            1,
            "transfer",
            json!({"queue": "D", "reason": "涉税事项，转税务窗口"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let (_, ticket) = hall
        .get(
            &format!("/api/v1/tickets/{}", t["id"].as_str().unwrap()),
            Some("demo-display"),
        )
        .await;
    assert_eq!(ticket["referral"], "涉税事项，转税务窗口");
    assert_eq!(ticket["first_clerk"], "clerk01");
    let events = hall.all_events().await;
    let transfer = events
        .iter()
        .find(|e| e["type"] == "ticket_transferred")
        .unwrap();
    assert_eq!(transfer["reason"], "涉税事项，转税务窗口");
}

#[tokio::test]
async fn the_back_office_completes_and_hands_over_a_case_and_staff_see_days_left() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;
    serving(&hall, &token).await;
    let (_, done) = hall
        .act(&token, 1, "finish", json!({"outcome": "accepted"}))
        .await;
    let case = done["ticket"]["case"].as_str().unwrap().to_owned();
    let (s, list) = hall.get("/api/v1/cases", Some(&token)).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(
        (list["open"].as_u64(), list["overdue"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(list["cases"][0]["case"], case.as_str());
    assert!(list["cases"][0]["days_left"].as_i64().unwrap() >= 0);
    assert_eq!(hall.get("/api/v1/cases", Some("demo-display")).await.0, 403);

    let back_office = hall.sign_in("clerk02", 2).await;
    let (s, p) = hall
        .post(
            &format!("/api/v1/cases/{case}/hand-over"),
            Some(&back_office),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("wrong_case_state")),
        "{p}"
    );
    let (s, c) = hall
        .post(
            &format!("/api/v1/cases/{case}/complete"),
            Some(&back_office),
            json!({}),
        )
        .await;
    assert_eq!((s, c["on_time"].as_bool()), (200, Some(true)), "{c}");
    let (s, _) = hall
        .post(
            &format!("/api/v1/cases/{case}/hand-over"),
            Some(&back_office),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, list) = hall.get("/api/v1/cases", Some(&token)).await;
    assert_eq!(
        (
            list["completed"].as_u64(),
            list["on_time_permille"].as_u64()
        ),
        (Some(1), Some(1000))
    );
    let (s, _) = hall
        .post("/api/v1/cases/SL0/complete", Some(&back_office), json!({}))
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn first_contact_figures_count_a_referral_for_the_first_clerk() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;
    serving(&hall, &token).await;
    let (s, _) = hall
        .act(
            &token,
            1,
            "transfer",
            json!({"queue": "D", "reason": "涉税事项"}),
        )
        .await;
    assert_eq!(s, 200);
    let boss = hall.sign_in_supervisor().await;
    let q = "/api/v1/figures/first-contact?from=2026-11-26&to=2026-11-26";
    let (s, f) = hall.get(q, Some(&boss)).await;
    assert_eq!(s, 200, "{f}");
    let row = &f["figures"][0];
    assert_eq!(
        (row["key"].as_str(), row["first_contacts"].as_u64()),
        (Some("clerk01"), Some(1))
    );
    assert_eq!(
        (
            row["referred"].as_u64(),
            row["referral_reasons"]["涉税事项"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let other = hall.sign_in("clerk02", 2).await;
    let (_, mine) = hall.get(q, Some(&other)).await;
    assert!(
        mine["figures"].as_array().unwrap().is_empty(),
        "a clerk sees only their own: {mine}"
    );
    assert_eq!(hall.get(q, Some("demo-display")).await.0, 403);
}
