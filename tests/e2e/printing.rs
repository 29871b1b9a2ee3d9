//! Printing tickets at a kiosk through a fake network printer (a TCP listener on port 0 that
//! answers `DLE EOT` and records every byte), and the kiosk's other API additions.

use crate::support::*;
use hallq_escpos::fake::{FakeMode, FakePrinter};
use serde_json::{Value, json};
use std::time::Duration;

/// The demo hall with `demo-kiosk`'s printer at the fake printer's address.
async fn hall_with_printer(printer: &FakePrinter) -> TestHall {
    let mut text = std::fs::read_to_string(halls_dir().join("demo.toml")).unwrap();
    text.push_str(&format!(
        "\n[[printers]]\ndevice = \"demo-kiosk\"\ntransport = \"tcp\"\naddress = \"{}\"\ntimeout_ms = 1000\n",
        printer.addr()
    ));
    let dir = tempfile::tempdir().unwrap().keep();
    let file = dir.join("hall.toml");
    std::fs::write(&file, text).unwrap();
    spawn_hall_with(HallOptions {
        config: Some(file),
        ..Default::default()
    })
    .await
}

async fn print(hall: &TestHall, id: &str, body: Value) -> (u16, Value) {
    hall.post(
        &format!("/api/v1/tickets/{id}/print"),
        Some("demo-kiosk"),
        body,
    )
    .await
}

#[tokio::test]
async fn the_number_the_printer_prints_is_the_number_the_api_issued() {
    let printer = FakePrinter::start(FakeMode::Ok).unwrap();
    let hall = hall_with_printer(&printer).await;
    hall.issue("MA-001").await;
    let t = hall.issue("MA-001").await;
    let id = t["id"].as_str().unwrap();
    let (s, body) = print(&hall, id, json!({})).await;
    assert_eq!((s, body["printed"].as_bool()), (200, Some(true)), "{body}");
    assert_eq!(body["printer"], "ok");
    let text = printer.printed_text();
    assert!(text.contains(t["number"].as_str().unwrap()), "{text}");
    assert!(text.contains("A002"), "{text}");
    assert!(text.contains("你前面还有 1 人在等待"), "{text}");
    assert!(text.contains("冷水滩区政务服务中心"), "{text}");
    assert!(
        text.contains("/t/"),
        "the QR carries the tracking link: {text}"
    );
    let events = hall.all_events().await;
    let printed = of_type(&events, "ticket_printed");
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0]["number"], "A002");
    assert_eq!(printed[0]["reprint"], false);
    // Printing again without asking for a reprint is refused; nothing goes to the printer.
    let before = printer.received().len();
    let (s, p) = print(&hall, id, json!({})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("already_printed")),
        "{p}"
    );
    assert_eq!(printer.received().len(), before);
}

#[tokio::test]
async fn a_dead_printer_loses_no_ticket_and_a_reprint_is_marked() {
    let printer = FakePrinter::start(FakeMode::Ok).unwrap();
    let hall = hall_with_printer(&printer).await;
    printer.set_down(true).unwrap();
    let t = hall.issue("MA-001").await;
    let id = t["id"].as_str().unwrap();
    let (s, p) = print(&hall, id, json!({})).await;
    assert_eq!((s, p["code"].as_str()), (502, Some("print_failed")), "{p}");
    assert_eq!(p["printer"], "unreachable");
    // The ticket is valid and waiting, marked as not printed.
    let (_, ticket) = hall
        .get(&format!("/api/v1/tickets/{id}"), Some("demo-display"))
        .await;
    assert_eq!(ticket["status"], "waiting");
    assert_eq!(ticket["print_failed"], true);
    let events = hall.all_events().await;
    assert_eq!(of_type(&events, "print_failed").len(), 1);
    assert_eq!(
        of_type(&events, "ticket_issued").len(),
        1,
        "no second ticket"
    );
    let status = of_type(&events, "device_status");
    assert_eq!(
        status.last().unwrap()["printer"],
        "unreachable",
        "{status:?}"
    );

    // The printer comes back: 补打.
    printer.set_down(false).unwrap();
    let (s, body) = print(&hall, id, json!({"reprint": true})).await;
    assert_eq!(s, 200, "{body}");
    let text = printer.printed_text();
    assert!(text.contains("补打"), "{text}");
    assert!(text.contains("A001"), "{text}");
    let events = hall.all_events().await;
    let printed = of_type(&events, "ticket_printed");
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0]["reprint"], true);
    assert_eq!(
        of_type(&events, "device_status").last().unwrap()["printer"],
        "ok"
    );
    assert_eq!(
        of_type(&events, "ticket_issued").len(),
        1,
        "still one ticket"
    );
}

#[tokio::test]
async fn out_of_paper_prints_nothing_and_paper_low_prints_and_warns() {
    let printer = FakePrinter::start(FakeMode::PaperOut).unwrap();
    let hall = hall_with_printer(&printer).await;
    let t = hall.issue("MA-001").await;
    let id = t["id"].as_str().unwrap();
    let (s, p) = print(&hall, id, json!({})).await;
    assert_eq!((s, p["printer"].as_str()), (502, Some("paper_out")), "{p}");
    assert!(
        printer.received().is_empty(),
        "nothing but status requests reached the printer"
    );
    assert!(!printer.status_requests().is_empty());
    printer.set_mode(FakeMode::PaperLow);
    let (s, body) = print(&hall, id, json!({"reprint": true})).await;
    assert_eq!(
        (s, body["printer"].as_str()),
        (200, Some("paper_low")),
        "{body}"
    );
    let (_, live) = hall.get("/api/v1/live", Some("demo-display")).await;
    let kiosk = live["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device"] == "demo-kiosk")
        .unwrap()
        .clone();
    assert_eq!(kiosk["printer"], "paper_low", "{kiosk}");
}

#[tokio::test]
async fn a_double_tapped_print_with_one_key_prints_once() {
    let printer = FakePrinter::start(FakeMode::Ok).unwrap();
    let hall = hall_with_printer(&printer).await;
    let t = hall.issue("MA-001").await;
    let path = format!("/api/v1/tickets/{}/print", t["id"].as_str().unwrap());
    let a = hall.post_with(&path, Some("demo-kiosk"), json!({}), Some("tap-1"));
    let b = hall.post_with(&path, Some("demo-kiosk"), json!({}), Some("tap-1"));
    let ((sa, _), (sb, _)) = tokio::join!(a, b);
    // One prints; the other is either the remembered result or told a print is under way.
    assert!(sa == 200 || sb == 200, "{sa} {sb}");
    let again = hall
        .post_with(&path, Some("demo-kiosk"), json!({}), Some("tap-1"))
        .await;
    assert_eq!(
        again.0, 200,
        "a retry with the key gets the first result: {}",
        again.1
    );
    let printed = printer
        .connections()
        .iter()
        .filter(|c| !c.is_empty())
        .count();
    assert_eq!(printed, 1, "one ticket on paper");
    assert_eq!(of_type(&hall.all_events().await, "ticket_printed").len(), 1);
}

#[tokio::test]
async fn a_kiosk_without_a_printer_says_so_and_the_ticket_stands() {
    let hall = spawn_hall().await;
    let t = hall.issue("MA-001").await;
    let (s, p) = print(&hall, t["id"].as_str().unwrap(), json!({})).await;
    assert_eq!((s, p["code"].as_str()), (409, Some("no_printer")), "{p}");
    // A display cannot print; a clerk must name the kiosk.
    let (s, _) = hall
        .post(
            &format!("/api/v1/tickets/{}/print", t["id"].as_str().unwrap()),
            Some("demo-display"),
            json!({}),
        )
        .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn search_finds_items_by_pinyin_initials_chinese_and_english() {
    let hall = spawn_hall().await;
    let (s, body) = hall.get("/api/v1/items/search?q=yyzz", None).await;
    assert_eq!(s, 200);
    let items = body["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|i| i["name_zh"].as_str().unwrap().contains("营业执照"))
    );
    let (_, body) = hall
        .get("/api/v1/items/search?q=%E5%85%AC%E7%A7%AF%E9%87%91", None)
        .await;
    assert!(!body["items"].as_array().unwrap().is_empty(), "{body}");
    let (_, body) = hall.get("/api/v1/items/search?q=provident", None).await;
    assert!(!body["items"].as_array().unwrap().is_empty(), "{body}");
}

#[tokio::test]
async fn the_qr_code_is_an_svg_of_the_tracking_link_and_needs_the_right_token() {
    let hall = spawn_hall().await;
    let t = hall.issue("MA-001").await;
    let id = t["id"].as_str().unwrap();
    let track = t["track_token"].as_str().unwrap();
    let res = hall
        .http
        .get(hall.url(&format!("/api/v1/tickets/{id}/qr.svg?track={track}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().contains("<svg"));
    let (s, _) = hall
        .get(
            &format!("/api/v1/tickets/{id}/qr.svg?track={id}.0000"),
            None,
        )
        .await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn live_says_why_a_queue_is_closed_before_anyone_taps() {
    let hall = spawn_hall_with(HallOptions {
        config: Some(halls_dir().join("township.toml")),
        clock: Some("2026-11-26T12:30:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let (s, live) = hall.get("/api/v1/live", Some("town-display")).await;
    assert_eq!(s, 200, "{live}");
    for q in live["queues"].as_array().unwrap() {
        assert_eq!(q["open"], false, "{q}");
        assert_eq!(q["closed"]["code"], "queue_closed", "{q}");
        assert!(
            q["closed"]["detail"].as_str().unwrap().contains("13:30"),
            "{q}"
        );
    }
    hall.set_clock("2026-11-26T14:00:00+08:00");
    let (_, live) = hall.get("/api/v1/live", Some("town-display")).await;
    assert!(
        live["queues"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["open"] == true),
        "{live}"
    );
}

#[tokio::test]
async fn a_tracking_page_stream_carries_pings_not_events() {
    let hall = spawn_hall().await;
    let t = hall.issue("MA-001").await;
    let track = t["track_token"].as_str().unwrap();
    let url = hall.ws_url(&format!("/api/v1/stream?track={track}"));
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut sub = Subscriber { ws };
    let token = hall.sign_in("clerk01", 1).await;
    hall.act(&token, 1, "call-next", json!({})).await;
    let mut got = Vec::new();
    while let Some(e) = sub.next_event(Duration::from_millis(500)).await {
        got.push(e);
    }
    assert!(!got.is_empty());
    for e in &got {
        let obj = e.as_object().unwrap();
        assert_eq!(obj.len(), 1, "a ping holds only seq: {e}");
        assert!(obj["seq"].as_u64().is_some());
    }
    // A wrong tracking token is refused at the upgrade.
    let bad = hall.ws_url(&format!(
        "/api/v1/stream?track={}.ffff",
        t["id"].as_str().unwrap()
    ));
    assert!(tokio_tungstenite::connect_async(bad).await.is_err());
}

#[tokio::test]
async fn a_kiosk_that_goes_away_is_reported_offline_after_the_grace_and_online_again() {
    let hall = spawn_hall_with(HallOptions {
        offline_grace: Some(1),
        ..Default::default()
    })
    .await;
    let url = hall.ws_url("/api/v1/stream?token=demo-kiosk");
    let (ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    Subscriber { ws }.close().await;
    let mut offline = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let events = hall.all_events().await;
        if let Some(e) = of_type(&events, "device_status").last() {
            offline = Some((*e).clone());
            break;
        }
    }
    let offline = offline.expect("an offline report");
    assert_eq!(
        (offline["device"].as_str(), offline["online"].as_bool()),
        (Some("demo-kiosk"), Some(false))
    );
    let (ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let mut back = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let events = hall.all_events().await;
        if of_type(&events, "device_status").last().unwrap()["online"] == true {
            back = true;
            break;
        }
    }
    assert!(back, "online again");
    drop(ws);
}

#[tokio::test]
async fn a_retried_failed_print_is_replayed_as_a_failure() {
    let printer = FakePrinter::start(FakeMode::PaperOut).unwrap();
    let hall = hall_with_printer(&printer).await;
    let t = hall.issue("MA-001").await;
    let path = format!("/api/v1/tickets/{}/print", t["id"].as_str().unwrap());
    let first = hall
        .post_with(&path, Some("demo-kiosk"), json!({}), Some("p-1"))
        .await;
    assert_eq!(first.0, 502, "{}", first.1);
    printer.set_mode(FakeMode::Ok);
    let retry = hall
        .post_with(&path, Some("demo-kiosk"), json!({}), Some("p-1"))
        .await;
    assert_eq!(
        (retry.0, retry.1["code"].as_str()),
        (502, Some("print_failed")),
        "{}",
        retry.1
    );
    assert!(printer.received().is_empty(), "the retry printed nothing");
}
