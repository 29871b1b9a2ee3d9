//! A ticket's whole life over HTTP: issue, read, call, recall, start, finish, no-show, hold and
//! call back, call by number, transfer, pause and resume, cancel, sign out; the live view along
//! the way; the green channel; what personal data reaches the log and the database.

use crate::support::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

/// Thursday 2026-11-26, 09:00 in Shanghai: a fixed, ordinary working morning.
const MORNING: &str = "2026-11-26T09:00:00+08:00";

/// The demo hall on a fixed test clock, so nothing depends on the time the tests run at.
async fn demo_at(clock: &str) -> TestHall {
    spawn_hall_with(HallOptions {
        config: None,
        clock: Some(clock.into()),
        ..Default::default()
    })
    .await
}

async fn live(hall: &TestHall) -> Value {
    let (s, body) = hall.get("/api/v1/live", Some("demo-display")).await;
    assert_eq!(s, 200, "{body}");
    body
}

fn window_live(live: &Value, n: u64) -> Value {
    live["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["window"] == n)
        .unwrap_or_else(|| panic!("window {n} missing from {live}"))
        .clone()
}

fn queue_live(live: &Value, q: &str) -> Value {
    live["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["queue"] == q)
        .unwrap_or_else(|| panic!("queue {q} missing from {live}"))
        .clone()
}

async fn waiting(hall: &TestHall, q: &str) -> u64 {
    queue_live(&live(hall).await, q)["waiting"]
        .as_u64()
        .unwrap()
}

async fn window_state(hall: &TestHall, n: u64) -> String {
    window_live(&live(hall).await, n)["state"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn ticket(hall: &TestHall, id: &str) -> Value {
    let (s, t) = hall
        .get(&format!("/api/v1/tickets/{id}"), Some("demo-display"))
        .await;
    assert_eq!(s, 200, "{t}");
    t
}

fn id_of(t: &Value) -> String {
    t["id"].as_str().expect("ticket id").to_owned()
}

fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_ticket_issued_for_an_item_or_a_queue_shows_its_whole_public_face() {
    let hall = demo_at(MORNING).await;

    let first = hall.issue("MA-001").await;
    for field in [
        "id",
        "number",
        "queue",
        "item",
        "priority",
        "issued_at",
        "status",
        "ahead",
        "estimated_wait_s",
        "track_token",
    ] {
        assert!(first.get(field).is_some(), "no {field} in {first}");
    }
    assert_eq!(first["number"], "A001");
    assert_eq!(first["queue"], "A");
    assert_eq!(first["item"], "MA-001");
    assert_eq!(first["priority"], "normal");
    assert_eq!(first["status"], "waiting");
    assert_eq!(first["ahead"], 0);
    assert_eq!(first["estimated_wait_s"], 0);
    let issued_at: jiff::Timestamp = first["issued_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(issued_at, MORNING.parse::<jiff::Timestamp>().unwrap());
    assert!(
        first["track_token"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}.", id_of(&first))),
        "{first}"
    );
    assert!(first.get("id_tail").is_none(), "no ID number, no tail");

    // By queue: no item; the second in line has one person ahead and a wait estimate.
    let (s, second) = hall
        .post("/api/v1/tickets", Some("demo-kiosk"), json!({"queue": "A"}))
        .await;
    assert_eq!(s, 201, "{second}");
    assert_eq!(second["number"], "A002");
    assert_eq!(second["queue"], "A");
    assert_eq!(second["item"], Value::Null);
    assert_eq!(second["status"], "waiting");
    assert_eq!(second["ahead"], 1);
    assert!(second["estimated_wait_s"].as_u64().unwrap() > 0, "{second}");
    assert_ne!(second["id"], first["id"]);
    assert_ne!(second["track_token"], first["track_token"]);

    // Another queue counts from 1 on its own.
    let other = hall.issue("TX-001").await;
    assert_ne!(other["queue"], "A");
    assert!(
        other["number"].as_str().unwrap().ends_with("001"),
        "{other}"
    );

    let events = hall.all_events().await;
    let issued: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "ticket_issued")
        .collect();
    assert_eq!(issued.len(), 3);
    assert_eq!(issued[0]["ticket"], first["id"]);
    assert_eq!(issued[0]["by"], "device:demo-kiosk");
}

#[tokio::test]
async fn a_ticket_is_read_with_a_device_token_or_with_its_own_tracking_token_alone() {
    let hall = demo_at(MORNING).await;
    let t = hall.issue("MA-001").await;
    let other = hall.issue("MA-002").await;
    let id = id_of(&t);

    let seen = ticket(&hall, &id).await;
    assert_eq!(seen["number"], "A001");
    assert_eq!(seen["status"], "waiting");
    assert_eq!(seen["track_token"], t["track_token"]);

    // The QR code on the ticket: the tracking token, no bearer token.
    let track = t["track_token"].as_str().unwrap();
    let (s, tracked) = hall
        .get(&format!("/api/v1/tickets/{id}?track={track}"), None)
        .await;
    assert_eq!(s, 200, "{tracked}");
    assert_eq!(tracked["number"], "A001");
    assert_eq!(tracked["ahead"], 0);

    // A forged tracking token, and another ticket's token, are both refused.
    let forged = format!("{id}.00000000000000000000");
    let (s, p) = hall
        .get(&format!("/api/v1/tickets/{id}?track={forged}"), None)
        .await;
    assert_eq!((s, p["code"].as_str()), (401, Some("unauthorized")), "{p}");
    let theirs = other["track_token"].as_str().unwrap();
    let (s, p) = hall
        .get(&format!("/api/v1/tickets/{id}?track={theirs}"), None)
        .await;
    assert_eq!((s, p["code"].as_str()), (401, Some("unauthorized")), "{p}");

    // No token at all, or an unknown one.
    let (s, _) = hall.get(&format!("/api/v1/tickets/{id}"), None).await;
    assert_eq!(s, 401);
    let (s, _) = hall
        .get(&format!("/api/v1/tickets/{id}"), Some("not-a-token"))
        .await;
    assert_eq!(s, 401);

    // A ticket that does not exist.
    let (s, p) = hall
        .get("/api/v1/tickets/2026-11-26-A999", Some("demo-display"))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (404, Some("unknown_ticket")),
        "{p}"
    );
}

#[tokio::test]
async fn a_clerk_calls_recalls_starts_and_finishes_a_ticket_and_the_live_view_follows() {
    let hall = demo_at(MORNING).await;
    assert_eq!(window_state(&hall, 1).await, "closed");
    let t = hall.issue("MA-001").await;
    hall.issue("MA-002").await;
    assert_eq!(waiting(&hall, "A").await, 2);

    let token = hall.sign_in("clerk01", 1).await;
    let l = live(&hall).await;
    assert_eq!(window_live(&l, 1)["state"], "idle");
    assert_eq!(window_live(&l, 1)["clerk"], "clerk01");

    let (s, called) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!(s, 200, "{called}");
    assert_eq!(called["window"], 1);
    assert_eq!(called["ticket"]["id"], t["id"]);
    assert_eq!(called["ticket"]["status"], "called");
    assert_eq!(called["ticket"]["window"], 1);
    assert_eq!(called["ticket"]["ahead"], 0);
    let l = live(&hall).await;
    assert_eq!(window_live(&l, 1)["state"], "called");
    assert_eq!(window_live(&l, 1)["ticket"], "A001");
    assert_eq!(queue_live(&l, "A")["waiting"], 1);

    for n in 1..=2 {
        let (s, r) = hall.act(&token, 1, "recall", json!({})).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["ticket"]["recalls"], n);
        assert_eq!(r["ticket"]["status"], "called");
    }

    let (s, started) = hall.act(&token, 1, "start", json!({})).await;
    assert_eq!(s, 200, "{started}");
    assert_eq!(started["ticket"]["status"], "serving");
    assert_eq!(window_state(&hall, 1).await, "serving");

    hall.set_clock("2026-11-26T09:07:30+08:00");
    let (s, done) = hall.act(&token, 1, "finish", json!({})).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["ticket"]["status"], "finished");
    let l = live(&hall).await;
    assert_eq!(window_live(&l, 1)["state"], "idle");
    assert_eq!(window_live(&l, 1)["ticket"], Value::Null);
    assert_eq!(window_live(&l, 1)["served_today"], 1);
    assert_eq!(queue_live(&l, "A")["waiting"], 1);
    assert_eq!(ticket(&hall, &id_of(&t)).await["status"], "finished");

    let events = hall.all_events().await;
    let recalls: Vec<u64> = events
        .iter()
        .filter(|e| e["type"] == "ticket_recalled")
        .map(|e| e["count"].as_u64().unwrap())
        .collect();
    assert_eq!(recalls, [1, 2]);
    let finished = events
        .iter()
        .find(|e| e["type"] == "ticket_finished")
        .unwrap();
    assert_eq!(finished["service_s"], 450, "09:00:00 to 09:07:30");
    assert_eq!(finished["clerk"], "clerk01");
}

#[tokio::test]
async fn a_called_ticket_nobody_answers_is_marked_no_show_and_the_window_frees() {
    let hall = demo_at(MORNING).await;
    let t = hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;
    assert_eq!(hall.act(&token, 1, "call-next", json!({})).await.0, 200);
    let (s, r) = hall.act(&token, 1, "no-show", json!({})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["ticket"]["status"], "no_show");
    assert_eq!(ticket(&hall, &id_of(&t)).await["status"], "no_show");
    assert_eq!(window_state(&hall, 1).await, "idle");
    assert_eq!(waiting(&hall, "A").await, 0);
}

#[tokio::test]
async fn a_held_ticket_waits_at_its_window_and_is_called_back_by_number() {
    let hall = demo_at(MORNING).await;
    let first = hall.issue("MA-001").await;
    hall.issue("MA-002").await;
    let token = hall.sign_in("clerk01", 1).await;
    hall.act(&token, 1, "call-next", json!({})).await;
    hall.act(&token, 1, "start", json!({})).await;

    // The citizen goes to fetch a missing paper.
    let (s, held) = hall.act(&token, 1, "hold", json!({})).await;
    assert_eq!(s, 200, "{held}");
    assert_eq!(held["ticket"]["number"], "A001");
    assert_eq!(held["ticket"]["status"], "held");
    let w = window_live(&live(&hall).await, 1);
    assert_eq!(w["state"], "idle");
    assert_eq!(w["held"], json!(["A001"]));
    assert_eq!(waiting(&hall, "A").await, 1, "a held ticket is not waiting");

    // The window serves the next citizen meanwhile.
    let (_, next) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!(next["ticket"]["number"], "A002");
    hall.act(&token, 1, "start", json!({})).await;
    hall.act(&token, 1, "finish", json!({})).await;

    let (s, back) = hall
        .act(&token, 1, "call-back", json!({"number": "A001"}))
        .await;
    assert_eq!(s, 200, "{back}");
    assert_eq!(back["ticket"]["id"], first["id"]);
    assert_eq!(back["ticket"]["status"], "called");
    assert_eq!(back["ticket"]["window"], 1);
    let w = window_live(&live(&hall).await, 1);
    assert_eq!(w["state"], "called");
    assert_eq!(w["ticket"], "A001");
    assert_eq!(w["held"], json!([]));
    hall.act(&token, 1, "start", json!({})).await;
    let (s, done) = hall.act(&token, 1, "finish", json!({})).await;
    assert_eq!(
        (s, done["ticket"]["status"].as_str()),
        (200, Some("finished"))
    );

    let held_events: Vec<Value> = hall
        .all_events()
        .await
        .into_iter()
        .filter(|e| e["type"] == "ticket_held")
        .collect();
    assert_eq!(held_events.len(), 1);
    assert_eq!(held_events[0]["reason"], "clerk");
}

#[tokio::test]
async fn a_clerk_calls_a_specific_number_out_of_turn() {
    let hall = demo_at(MORNING).await;
    hall.issue("MA-001").await;
    hall.issue("MA-002").await;
    let third = hall.issue("MA-003").await;
    let token = hall.sign_in("clerk01", 1).await;

    let (s, r) = hall.act(&token, 1, "call", json!({"number": "A003"})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["ticket"]["id"], third["id"]);
    assert_eq!(r["ticket"]["status"], "called");
    hall.act(&token, 1, "no-show", json!({})).await;

    // Call-next goes back to the order of the line.
    let (_, r) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!(r["ticket"]["number"], "A001");
}

#[tokio::test]
async fn a_transferred_ticket_keeps_its_number_and_place_and_is_called_in_the_new_queue() {
    let hall = demo_at(MORNING).await;
    let a = hall.issue("MA-001").await;
    hall.set_clock("2026-11-26T09:05:00+08:00");
    let (s, b) = hall
        .post("/api/v1/tickets", Some("demo-kiosk"), json!({"queue": "B"}))
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["number"], "B001");

    let clerk01 = hall.sign_in("clerk01", 1).await;
    hall.act(&clerk01, 1, "call-next", json!({})).await;
    hall.act(&clerk01, 1, "start", json!({})).await;
    hall.set_clock("2026-11-26T09:10:00+08:00");
    let (s, moved) = hall
        .act(&clerk01, 1, "transfer", json!({"queue": "B"}))
        .await;
    assert_eq!(s, 200, "{moved}");
    let t = &moved["ticket"];
    assert_eq!(t["id"], a["id"]);
    assert_eq!(t["number"], "A001", "the ticket keeps its number");
    assert_eq!(t["issued_at"], a["issued_at"], "and its issue time");
    assert_eq!(t["queue"], "B");
    assert_eq!(t["status"], "waiting");
    assert_eq!(t["transfers"], 1);
    assert_eq!(t["window"], Value::Null);
    assert_eq!(t["ahead"], 0, "issued before B001, so first in line");

    let l = live(&hall).await;
    assert_eq!(window_live(&l, 1)["state"], "idle");
    assert_eq!(queue_live(&l, "A")["waiting"], 0);
    assert_eq!(queue_live(&l, "B")["waiting"], 2);

    // Window 1 does not serve B: nothing waits for it any more.
    let (s, p) = hall.act(&clerk01, 1, "call-next", json!({})).await;
    assert_eq!((s, p["code"].as_str()), (409, Some("no_ticket_waiting")));

    // A window serving B calls it, before the younger B001.
    let clerk04 = hall.sign_in("clerk04", 4).await;
    let (s, r) = hall.act(&clerk04, 4, "call-next", json!({})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["ticket"]["number"], "A001");
    assert_eq!(r["ticket"]["window"], 4);
    let (_, r) = hall.act(&clerk04, 4, "no-show", json!({})).await;
    assert_eq!(r["ticket"]["status"], "no_show");
    let (_, r) = hall.act(&clerk04, 4, "call-next", json!({})).await;
    assert_eq!(r["ticket"]["number"], "B001");

    let tr = hall
        .all_events()
        .await
        .into_iter()
        .find(|e| e["type"] == "ticket_transferred")
        .unwrap();
    assert_eq!(
        (tr["from_queue"].as_str(), tr["to_queue"].as_str()),
        (Some("A"), Some("B"))
    );
    assert_eq!(tr["window"], 1);
}

#[tokio::test]
async fn a_clerk_pauses_with_an_away_message_and_resumes() {
    let hall = demo_at(MORNING).await;
    hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;

    let (s, r) = hall
        .act(
            &token,
            1,
            "pause",
            json!({"reason": "去窗口后台复印材料", "back_at": "10:30"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["window"], 1);
    let w = window_live(&live(&hall).await, 1);
    assert_eq!(w["state"], "paused");
    assert_eq!(w["pause_reason"], "去窗口后台复印材料");
    // 10:30 today in Shanghai.
    let back: jiff::Timestamp = w["back_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        back,
        "2026-11-26T10:30:00+08:00"
            .parse::<jiff::Timestamp>()
            .unwrap()
    );

    let (s, r) = hall.act(&token, 1, "resume", json!({})).await;
    assert_eq!(s, 200, "{r}");
    let w = window_live(&live(&hall).await, 1);
    assert_eq!(w["state"], "idle");
    assert!(w.get("pause_reason").is_none_or(Value::is_null), "{w}");
    let (s, r) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!((s, r["ticket"]["number"].as_str()), (200, Some("A001")));

    let events = hall.all_events().await;
    let paused = events
        .iter()
        .find(|e| e["type"] == "window_paused")
        .unwrap();
    assert_eq!(paused["reason"], "去窗口后台复印材料");
    assert_eq!(paused["clerk"], "clerk01");
    assert!(paused["back_at"].is_string(), "{paused}");
    assert!(events.iter().any(|e| e["type"] == "window_resumed"));
}

#[tokio::test]
async fn a_waiting_ticket_is_cancelled_and_leaves_the_line() {
    let hall = demo_at(MORNING).await;
    let t = hall.issue("MA-001").await;
    let keep = hall.issue("MA-002").await;
    assert_eq!(waiting(&hall, "A").await, 2);

    let (s, r) = hall
        .post(
            &format!("/api/v1/tickets/{}/cancel", id_of(&t)),
            Some("demo-kiosk"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["id"], t["id"]);
    assert_eq!(r["status"], "cancelled");
    assert_eq!(ticket(&hall, &id_of(&t)).await["status"], "cancelled");
    assert_eq!(waiting(&hall, "A").await, 1);
    assert_eq!(ticket(&hall, &id_of(&keep)).await["ahead"], 0);

    let token = hall.sign_in("clerk01", 1).await;
    let (_, r) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!(
        r["ticket"]["number"], "A002",
        "a cancelled ticket is never called"
    );

    let cancelled = hall
        .all_events()
        .await
        .into_iter()
        .find(|e| e["type"] == "ticket_cancelled")
        .unwrap();
    assert_eq!(cancelled["by"], "device:demo-kiosk");
    assert_eq!(cancelled["number"], "A001");
}

#[tokio::test]
async fn a_signed_in_clerk_sees_who_they_are_and_their_token_dies_when_they_sign_out() {
    let hall = demo_at(MORNING).await;
    let token = hall.sign_in("clerk01", 1).await;

    let (s, me) = hall.get("/api/v1/session", Some(&token)).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["kind"], "clerk");
    assert_eq!(me["clerk"], "clerk01");
    assert_eq!(me["window"], 1);
    assert_eq!(me["role"], "clerk");
    assert!(me["name"].is_string(), "{me}");

    let (s, dev) = hall.get("/api/v1/session", Some("demo-pad")).await;
    assert_eq!(s, 200, "{dev}");
    assert_eq!(dev["kind"], "device");
    assert_eq!(dev["device"], "demo-pad");
    assert_eq!(dev["window"], 1);
    let (s, _) = hall.get("/api/v1/session", None).await;
    assert_eq!(s, 401);

    assert_eq!(window_state(&hall, 1).await, "idle");
    let (s, body) = hall.delete("/api/v1/session", Some(&token)).await;
    assert_eq!(s, 204, "{body}");
    assert_eq!(body, Value::Null, "204 has no body");

    let (s, p) = hall.get("/api/v1/session", Some(&token)).await;
    assert_eq!((s, p["code"].as_str()), (401, Some("unauthorized")), "{p}");
    hall.issue("MA-001").await;
    let (s, _) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!(s, 401);
    let (s, _) = hall.delete("/api/v1/session", Some(&token)).await;
    assert_eq!(s, 401, "signing out twice");
    assert_eq!(window_state(&hall, 1).await, "closed");

    let closed = hall
        .all_events()
        .await
        .into_iter()
        .find(|e| e["type"] == "window_closed")
        .unwrap();
    assert_eq!(closed["reason"], "signed_out");
    assert_eq!(closed["clerk"], "clerk01");

    // The window is free again, for anyone.
    hall.sign_in("clerk02", 1).await;
}

#[tokio::test]
async fn an_elderly_citizens_ticket_takes_the_green_channel_and_is_called_first() {
    let hall = demo_at(MORNING).await;
    let older = hall.issue("MA-001").await;
    hall.set_clock("2026-11-26T09:02:00+08:00");
    let (s, green) = hall
        .post(
            "/api/v1/tickets",
            Some("demo-kiosk"),
            json!({"item": "MA-002", "id_number": "11010519491231002X"}),
        )
        .await;
    assert_eq!(s, 201, "{green}");
    assert_eq!(green["priority"], "green");
    assert_eq!(green["id_tail"], "31002X");
    assert_eq!(green["ahead"], 0, "a green ticket goes before normal ones");
    assert_eq!(ticket(&hall, &id_of(&older)).await["ahead"], 1);

    // Born in 2000: not green. Sixty today: green. Sixty tomorrow: not yet.
    for (id_number, want) in [
        ("110105200001010016", "normal"),
        ("110105196611260013", "green"),
        ("110105196611270019", "normal"),
    ] {
        let (s, t) = hall
            .post(
                "/api/v1/tickets",
                Some("demo-kiosk"),
                json!({"item": "MA-003", "id_number": id_number}),
            )
            .await;
        assert_eq!(s, 201, "{t}");
        assert_eq!(t["priority"], want, "{id_number}: {t}");
    }

    let token = hall.sign_in("clerk01", 1).await;
    let (_, r) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!(
        r["ticket"]["id"], green["id"],
        "green before the older normal"
    );
    hall.act(&token, 1, "no-show", json!({})).await;
    let (_, r) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!(r["ticket"]["id"], older["id"]);

    let issued = hall
        .all_events()
        .await
        .into_iter()
        .find(|e| e["type"] == "ticket_issued" && e["ticket"] == green["id"])
        .unwrap();
    assert_eq!(issued["priority"], "green");
    assert_eq!(issued["green_reason"], "elderly");
}

/// Every file of the data directory that belongs to the database, as bytes.
fn database_bytes(hall: &TestHall) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(hall.data.path()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("hallq.sqlite3") {
            out.push((name, std::fs::read(entry.path()).unwrap()));
        }
    }
    assert!(
        out.iter().any(|(n, _)| n == "hallq.sqlite3"),
        "no hallq.sqlite3 in {:?}",
        hall.data.path()
    );
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13812345678";

fn assert_no_clear_personal_data(what: &str, bytes: &[u8]) {
    for needle in [
        ID_NUMBER,
        "11010519491231002x",
        &ID_NUMBER[..12],
        "110105194912",
        PHONE,
        "138-1234-5678",
        "1381234",
    ] {
        assert!(!contains(bytes, needle), "{what} contains {needle:?}");
    }
}

#[tokio::test]
async fn the_clear_id_number_and_phone_never_reach_the_event_log_or_the_database() {
    let mut hall = demo_at(MORNING).await;
    let (s, t) = hall
        .post_with(
            "/api/v1/tickets",
            Some("demo-kiosk"),
            json!({"item": "MA-001", "id_number": ID_NUMBER, "phone": "138-1234-5678"}),
            Some("kiosk-tap-pii-1"),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["id_tail"], "31002X");
    assert_no_clear_personal_data("the issue reply", t.to_string().as_bytes());
    let (s, t2) = hall
        .post(
            "/api/v1/tickets",
            Some("demo-kiosk"),
            json!({"item": "MA-002", "id_number": ID_NUMBER.to_lowercase(), "phone": PHONE}),
        )
        .await;
    assert_eq!(s, 201, "{t2}");
    let seen = ticket(&hall, &id_of(&t)).await;
    assert_no_clear_personal_data("GET ticket", seen.to_string().as_bytes());

    let token = hall.sign_in("clerk01", 1).await;
    hall.act(&token, 1, "call-next", json!({})).await;
    hall.act(&token, 1, "start", json!({})).await;
    hall.act(&token, 1, "finish", json!({})).await;

    let events = hall.all_events().await;
    let text = serde_json::to_string(&events).unwrap();
    assert_no_clear_personal_data("/api/v1/events", text.as_bytes());
    let issued: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "ticket_issued")
        .collect();
    assert_eq!(issued.len(), 2);
    for e in &issued {
        assert_eq!(e["id_tag"]["tail"], "31002X", "{e}");
        assert_eq!(e["id_tag"]["tail"].as_str().unwrap().len(), 6);
        assert_eq!(e["phone_tag"]["tail"], "5678", "{e}");
        assert!(e["id_tag"]["hash"].is_string(), "{e}");
    }
    // The same person twice gives the same keyed hash (visits can be linked).
    assert_eq!(issued[0]["id_tag"]["hash"], issued[1]["id_tag"]["hash"]);
    assert_eq!(
        issued[0]["phone_tag"]["hash"],
        issued[1]["phone_tag"]["hash"]
    );

    // The live database, its WAL included.
    for (name, bytes) in database_bytes(&hall) {
        assert_no_clear_personal_data(&name, &bytes);
    }
    // The tail is there (the search itself works).
    let all: Vec<u8> = database_bytes(&hall)
        .into_iter()
        .flat_map(|(_, b)| b)
        .collect();
    assert!(contains(&all, "31002X"), "the 6-character tail is stored");

    // After a clean shutdown (a snapshot of the state is written) too.
    hall.terminate();
    for (name, bytes) in database_bytes(&hall) {
        assert_no_clear_personal_data(&name, &bytes);
    }
}

/// Every event type `crates/hallq-core/src/event.rs` defines.
const EVENT_TYPES: [&str; 20] = [
    "ticket_issued",
    "ticket_called",
    "ticket_recalled",
    "service_started",
    "ticket_finished",
    "ticket_no_show",
    "ticket_transferred",
    "ticket_held",
    "ticket_called_back",
    "ticket_cancelled",
    "ticket_expired",
    "window_opened",
    "window_closed",
    "session_opened",
    "session_closed",
    "window_paused",
    "window_resumed",
    "day_rolled",
    // Finishing asks the window's pad for a rating; unanswered by the next day, it expires.
    "rating_requested",
    "rating_request_expired",
];

#[tokio::test]
async fn every_event_type_appears_in_the_log_with_its_seq_time_and_type() {
    let hall = demo_at(MORNING).await;
    let a1 = hall.issue("MA-001").await; // finished
    hall.issue("MA-002").await; // no-show
    hall.issue("MA-003").await; // held, called back, transferred
    let a4 = hall.issue("MA-004").await; // cancelled
    hall.issue("MA-005").await; // left open: expires at midnight

    let token = hall.sign_in("clerk01", 1).await;
    let act = |action: &'static str, body: Value| {
        let token = token.clone();
        let hall = &hall;
        async move {
            let (s, r) = hall.act(&token, 1, action, body).await;
            assert_eq!(s, 200, "{action}: {r}");
            r
        }
    };
    let r = act("call-next", json!({})).await;
    assert_eq!(r["ticket"]["id"], a1["id"]);
    act("recall", json!({})).await;
    act("start", json!({})).await;
    act("finish", json!({})).await;
    act("call-next", json!({})).await;
    act("no-show", json!({})).await;
    act("call-next", json!({})).await;
    act("hold", json!({})).await;
    act("call-back", json!({"number": "A003"})).await;
    act("transfer", json!({"queue": "B"})).await;
    let (s, _) = hall
        .post(
            &format!("/api/v1/tickets/{}/cancel", id_of(&a4)),
            Some("demo-kiosk"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "cancel");
    act("pause", json!({"reason": "午休", "back_at": "13:30"})).await;
    act("resume", json!({})).await;
    let (s, _) = hall.delete("/api/v1/session", Some(&token)).await;
    assert_eq!(s, 204);

    // A supervisor at the dashboard: a session without a window.
    let (s, sup) = hall
        .post(
            "/api/v1/session",
            None,
            json!({"clerk": "super", "password": "demo"}),
        )
        .await;
    assert_eq!(s, 201, "{sup}");
    assert_eq!(sup["window"], Value::Null);
    let sup_token = sup["token"].as_str().unwrap();
    let (_, me) = hall.get("/api/v1/session", Some(sup_token)).await;
    assert_eq!(
        (me["clerk"].as_str(), me["role"].as_str()),
        (Some("super"), Some("supervisor"))
    );
    assert_eq!(hall.delete("/api/v1/session", Some(sup_token)).await.0, 204);

    // Midnight: the open tickets expire and the day rolls (the clock ticks every second).
    let before = hall.seq().await;
    hall.set_clock("2026-11-27T00:00:05+08:00");
    let mut rolled = false;
    for _ in 0..50 {
        if hall.seq().await > before {
            rolled = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(rolled, "the day did not roll within 5 s");

    let events = hall.all_events().await;
    let seen: BTreeSet<String> = types(&events).into_iter().collect();
    for t in EVENT_TYPES {
        assert!(seen.contains(t), "no {t} event in {seen:?}");
    }
    for t in &seen {
        assert!(
            EVENT_TYPES.contains(&t.as_str()),
            "unexpected event type {t}"
        );
    }
    for (i, e) in events.iter().enumerate() {
        assert_eq!(
            e["seq"],
            (i + 1) as u64,
            "seqs are 1, 2, 3, … without gaps: {e}"
        );
        let at = e["at"].as_str().unwrap_or_else(|| panic!("no at in {e}"));
        at.parse::<jiff::Timestamp>()
            .unwrap_or_else(|err| panic!("at {at:?} is not RFC 3339: {err}"));
        assert!(e["type"].is_string(), "{e}");
    }
    assert_eq!(hall.seq().await, events.len() as u64);

    // The open tickets of the old day expired, then the day rolled to the 27th.
    let expired: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "ticket_expired")
        .collect();
    let expired_numbers: BTreeSet<&str> = expired
        .iter()
        .map(|e| e["number"].as_str().unwrap())
        .collect();
    assert_eq!(expired_numbers, BTreeSet::from(["A003", "A005"]));
    // The roll comes after the expiries; the pad's unanswered request ends in the same tick.
    let last = events
        .iter()
        .rev()
        .find(|e| e["type"] == "day_rolled")
        .unwrap();
    assert_eq!(events.last().unwrap()["type"], "rating_request_expired");
    assert_eq!(last["from"], "2026-11-26");
    assert_eq!(last["to"], "2026-11-27");
    let first = &events[0];
    assert_eq!(
        first["type"], "day_rolled",
        "the first tick opens the first day"
    );
    assert_eq!(first["to"], "2026-11-26");
}

#[tokio::test]
async fn a_back_time_already_past_today_means_tomorrow_and_a_past_instant_is_refused() {
    let hall = demo_at(MORNING).await;
    let token = hall.sign_in("clerk01", 1).await;
    let (s, p) = hall
        .act(
            &token,
            1,
            "pause",
            json!({"reason": "开会", "back_at": "2026-11-25T10:00:00Z"}),
        )
        .await;
    assert_eq!((s, p["code"].as_str()), (400, Some("bad_request")), "{p}");
    let (s, r) = hall
        .act(
            &token,
            1,
            "pause",
            json!({"reason": "下班", "back_at": "08:30"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let w = window_live(&live(&hall).await, 1);
    let back: jiff::Timestamp = w["back_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        back,
        "2026-11-27T08:30:00+08:00"
            .parse::<jiff::Timestamp>()
            .unwrap()
    );
}
