//! 好差评 over HTTP: the pad's view and rating, one rating per visit, the phone link, the fix of a
//! bad rating, and the export in both code orders.

use crate::support::*;
use serde_json::{Value, json};

/// One visit finished at window 1 by clerk01; returns (clerk token, ticket).
async fn finished_visit(hall: &TestHall) -> (String, Value) {
    let t = hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;
    hall.serve_next(&token, 1, json!({})).await;
    (token, t)
}

#[tokio::test]
async fn the_pad_rates_a_visit_once_and_a_clerk_never_can() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let (clerk, t) = finished_visit(&hall).await;
    let (s, view) = hall.get("/api/v1/windows/1/rating", Some("demo-pad")).await;
    assert_eq!(s, 200, "{view}");
    assert_eq!(view["request"]["number"], t["number"]);
    assert_eq!(view["clerk"]["name"], "王丽");
    assert_eq!(view["clerk"]["staff_no"], "LST0101");
    assert!(view["tags"]["dissatisfied"].as_array().unwrap().len() >= 3);

    let rating = json!({"window": 1, "level": "satisfied", "reasons": ["服务热情"]});
    let (s, p) = hall
        .post("/api/v1/ratings", Some(&clerk), rating.clone())
        .await;
    assert_eq!((s, p["code"].as_str()), (403, Some("forbidden")), "{p}");
    let (s, r) = hall
        .post("/api/v1/ratings", Some("demo-pad"), rating.clone())
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        (r["level"].as_str(), r["code"].as_u64()),
        (Some("satisfied"), Some(2))
    );
    assert_eq!(r["channel"], "pad");
    let (s, p) = hall.post("/api/v1/ratings", Some("demo-pad"), rating).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("no_rating_request")),
        "{p}"
    );
    // By phone too: already rated.
    let track = t["track_token"].as_str().unwrap();
    let (s, p) = hall
        .post(
            &format!("/api/v1/ratings?track={track}"),
            None,
            json!({"level": "very_satisfied"}),
        )
        .await;
    assert_eq!((s, p["code"].as_str()), (409, Some("already_rated")), "{p}");
    let (_, view) = hall.get("/api/v1/windows/1/rating", Some("demo-pad")).await;
    assert!(view["request"].is_null(), "{view}");
    // The clerk's name never rides with the rater: the record has no personal data.
    let rated = of_type(&hall.all_events().await, "ticket_rated");
    assert_eq!(rated.len(), 1);
    assert!(rated[0].get("id_tag").is_none() && rated[0].get("phone_tag").is_none());
}

#[tokio::test]
async fn a_bad_phone_rating_opens_a_fix_that_goes_to_closed_and_is_rated_again() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let (_, t) = finished_visit(&hall).await;
    let track = t["track_token"].as_str().unwrap();
    let (s, r) = hall
        .post(
            &format!("/api/v1/ratings?track={track}"),
            None,
            json!({"level": "very_dissatisfied", "reasons": ["办事效率"], "comment": "等了很久"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["channel"], "phone");
    let opened = of_type(&hall.all_events().await, "rectification_opened");
    assert_eq!(opened.len(), 1);
    let id = opened[0]["rectification"].as_str().unwrap().to_owned();
    assert_eq!(opened[0]["unit"], "hall");
    assert_eq!(opened[0]["visit_back_due"], "2026-11-27");

    let colleague = hall.sign_in("clerk02", 2).await; // unit "hall" too
    let (_, list) = hall.get("/api/v1/rectifications", Some(&colleague)).await;
    assert_eq!(list["rectifications"][0]["state"], "open", "{list}");
    assert_eq!(list["rectifications"][0]["overdue"], false);
    let step = |who: String, action: &'static str, note: Value| {
        let hall = &hall;
        let id = id.clone();
        async move {
            hall.post(
                &format!("/api/v1/rectifications/{id}/{action}"),
                Some(&who),
                note,
            )
            .await
        }
    };
    assert_eq!(
        step(colleague.clone(), "visit-back", json!({})).await.0,
        200
    );
    let (s, p) = step(colleague.clone(), "rectify", json!({})).await;
    assert_eq!((s, p["code"].as_str()), (422, Some("note_needed")), "{p}");
    assert_eq!(
        step(
            colleague.clone(),
            "rectify",
            json!({"note": "增加引导员，优化叫号"})
        )
        .await
        .0,
        200
    );
    let (s, p) = step(colleague.clone(), "close", json!({})).await;
    assert_eq!((s, p["code"].as_str()), (403, Some("forbidden")), "{p}");
    let boss = hall.sign_in_supervisor().await;
    let (s, done) = step(boss, "close", json!({})).await;
    assert_eq!((s, done["state"].as_str()), (200, Some("closed")), "{done}");
    // The citizen may rate the fix once.
    let (s, again) = hall
        .post(
            &format!("/api/v1/ratings?track={track}"),
            None,
            json!({"level": "satisfied"}),
        )
        .await;
    assert_eq!((s, again["count"].as_u64()), (201, Some(2)), "{again}");
}

#[tokio::test]
async fn the_export_maps_each_level_to_both_code_orders_as_json_and_csv() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let levels = [
        "very_satisfied",
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
        "very_dissatisfied",
    ];
    let token = hall.sign_in("clerk01", 1).await;
    for level in levels {
        hall.issue("MA-001").await;
        hall.serve_next(&token, 1, json!({})).await;
        // A comment that a spreadsheet would run as a formula.
        let comment = (level == "very_dissatisfied").then_some("=1+2 等了很久");
        let (s, r) = hall
            .post(
                "/api/v1/ratings",
                Some("demo-pad"),
                json!({"window": 1, "level": level, "comment": comment}),
            )
            .await;
        assert_eq!(s, 201, "{r}");
    }
    let boss = hall.sign_in_supervisor().await;
    let (s, p) = hall
        .get(
            "/api/v1/ratings/export?from=2026-11-26&to=2026-11-26",
            Some(&token),
        )
        .await;
    assert_eq!(s, 403, "{p}");
    for (order, codes) in [("gbt", [1, 2, 3, 4, 5]), ("provincial", [5, 4, 3, 2, 1])] {
        let (s, body) = hall
            .get(
                &format!("/api/v1/ratings/export?from=2026-11-26&to=2026-11-26&order={order}"),
                Some(&boss),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        let got: Vec<u64> = body["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["satisfaction_code"].as_u64().unwrap())
            .collect();
        assert_eq!(got, codes, "{order}");
        let first = &body["records"][0];
        assert_eq!(first["satisfaction"], "非常满意");
        assert_eq!(first["channel"], "政务服务大厅平板电脑");
        assert_eq!(first["region_code"], "431103");
        assert_eq!(first["count"], 1);
    }
    let res = hall
        .http
        .get(hall.url(
            "/api/v1/ratings/export?from=2026-11-26&to=2026-11-26&format=csv&order=provincial",
        ))
        .bearer_auth(&boss)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("评价编号,办件编号,评价渠道")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 5);
    assert!(rows[0].contains(",非常满意,5,"), "{}", rows[0]);
    assert!(rows[4].contains(",非常不满意,1,"), "{}", rows[4]);
    assert!(rows[4].contains(",'=1+2 等了很久"), "inert: {}", rows[4]);
    // Another day: nothing.
    let (_, body) = hall
        .get(
            "/api/v1/ratings/export?from=2026-11-27&to=2026-11-30",
            Some(&boss),
        )
        .await;
    assert!(body["records"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn figures_show_a_supervisor_every_window_and_a_clerk_only_their_own() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let (clerk, _) = finished_visit(&hall).await;
    let (s, r) = hall
        .post(
            "/api/v1/ratings",
            Some("demo-pad"),
            json!({"window": 1, "level": "very_satisfied"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let other = hall.sign_in("clerk02", 2).await;
    hall.issue("MA-001").await;
    hall.serve_next(&other, 2, json!({})).await;
    let boss = hall.sign_in_supervisor().await;
    let q = "/api/v1/ratings/figures?from=2026-11-26&to=2026-11-26";
    let (s, all) = hall.get(&format!("{q}&by=window"), Some(&boss)).await;
    assert_eq!(s, 200, "{all}");
    let rows = all["figures"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{all}");
    assert_eq!(rows[0]["key"], "1");
    assert_eq!(rows[0]["satisfaction_permille"], 1000);
    assert_eq!(rows[0]["rating_rate_permille"], 1000);
    assert_eq!(
        rows[1]["rating_rate_permille"], 0,
        "window 2: finished, not rated"
    );
    let (_, mine) = hall.get(&format!("{q}&by=window"), Some(&clerk)).await;
    let rows = mine["figures"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{mine}");
    assert_eq!(rows[0]["key"], "clerk01");
    let (s, _) = hall.get(q, Some("demo-display")).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn only_the_windows_own_pad_and_staff_read_what_the_pad_shows() {
    let hall = spawn_hall().await;
    assert_eq!(
        hall.get("/api/v1/windows/1/rating", Some("demo-pad"))
            .await
            .0,
        200
    );
    assert_eq!(
        hall.get("/api/v1/windows/2/rating", Some("demo-pad"))
            .await
            .0,
        403
    );
    assert_eq!(
        hall.get("/api/v1/windows/1/rating", Some("demo-display"))
            .await
            .0,
        403
    );
    assert_eq!(
        hall.get("/api/v1/windows/1/rating", Some("demo-kiosk"))
            .await
            .0,
        403
    );
    let clerk = hall.sign_in("clerk02", 2).await;
    assert_eq!(
        hall.get("/api/v1/windows/1/rating", Some(&clerk)).await.0,
        200
    );
    assert_eq!(hall.get("/api/v1/windows/1/rating", None).await.0, 401);
}
