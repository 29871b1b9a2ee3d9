//! The clerk's window console (`/clerk`) in a real headless Chromium against the real
//! controller, at a 1366×768 desk: sign-in, every window action through the page's buttons and
//! keys, each visit outcome, the waiting list against the order call-next really takes, two
//! browsers on one window, a controller restart. What the page shows is checked against the API
//! and the event log. Screenshots: `target/screenshots/clerk-*.png`.

use crate::browser::{Browser, WAIT};
use crate::support::*;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::json;
use std::time::Duration;

/// A desktop at a service window.
async fn desk() -> Browser {
    let b = Browser::start().await;
    b.set_size(1366, 768).await;
    b
}

/// Fills the sign-in form and submits it (the page must show the sign-in screen).
pub(crate) async fn submit_sign_in(b: &Browser, clerk: &str, window: u32) {
    let input = b.wait_for("#in-clerk").await;
    input.clear().await.expect("clear clerk id");
    input.send_keys(clerk).await.expect("type clerk id");
    let password = b.wait_for("#in-password").await;
    password.clear().await.expect("clear password");
    password.send_keys("demo").await.expect("type password");
    b.wait_for("#in-window")
        .await
        .select_by_value(&window.to_string())
        .await
        .expect("choose the window");
    b.click("#signin-submit").await;
}

/// Opens `/clerk` and signs in; waits for the console.
pub(crate) async fn sign_in(b: &Browser, hall: &TestHall, clerk: &str, window: u32) {
    b.goto(&hall.url("/clerk")).await;
    b.wait_for("#screen-signin #in-clerk").await;
    submit_sign_in(b, clerk, window).await;
    b.wait_for("#screen-console #cur-number").await;
    b.wait_text("#win-no", &format!("{window}号窗口")).await;
}

/// Clicks an action button once the page offers it (not disabled, nothing in flight).
pub(crate) async fn press(b: &Browser, action: &str) {
    let css = format!("#act-{action}");
    b.wait_until(
        &format!("document.querySelector('{css}').getAttribute('aria-disabled') === 'false'"),
        WAIT,
        &format!("the {action} button to be enabled"),
    )
    .await;
    b.click(&css).await;
}

/// Presses a key on the page (WebDriver key actions, to whatever has focus).
async fn key(b: &Browser, k: Key) {
    let actions = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: k.into() })
        .then(KeyAction::Up { value: k.into() });
    b.client
        .perform_actions(actions)
        .await
        .expect("press a key");
}

/// The window state pill reads `text` (空闲 / 已叫号 / 办理中 / 暂停服务).
async fn state_is(b: &Browser, text: &str) {
    b.wait_text("#win-state", text).await;
}

/// The current number on the page.
async fn current(b: &Browser) -> String {
    b.inner_text("#cur-number").await
}

/// Finishes the serving ticket through the dialog with `outcome`; `tick` materials by index.
async fn finish_with(b: &Browser, outcome: &str, tick: &[usize]) {
    press(b, "finish").await;
    b.wait_for("#dlg-finish[open] #fin-outcomes .outcome").await;
    b.click(&format!(
        "#fin-outcomes .outcome[data-outcome=\"{outcome}\"]"
    ))
    .await;
    for i in tick {
        b.click(&format!("#fin-materials label:nth-child({}) input", i + 1))
            .await;
    }
    b.click("#fin-ok").await;
    b.wait_until(
        "!document.getElementById('dlg-finish').open",
        WAIT,
        "the finish dialog to close",
    )
    .await;
}

/// The materials of an item, from `/api/v1/hall`.
async fn materials(hall: &TestHall, item: &str) -> Vec<String> {
    let (_, info) = hall.get("/api/v1/hall", None).await;
    info["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == item)
        .unwrap()["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect()
}

/// Call the next ticket, start it: returns the number the page shows.
async fn call_and_start(b: &Browser) -> String {
    press(b, "call-next").await;
    state_is(b, "已叫号").await;
    let n = current(b).await;
    press(b, "start").await;
    state_is(b, "办理中").await;
    n
}

#[tokio::test]
async fn serves_a_ticket_with_each_outcome() {
    let hall = spawn_hall().await;
    let issued: Vec<String> = {
        let mut v = Vec::new();
        for item in ["MA-001", "MA-001", "MA-001", "MA-002"] {
            v.push(
                hall.issue(item).await["number"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        v
    };
    let b = desk().await;
    b.goto(&hall.url("/clerk")).await;
    b.wait_for("#screen-signin #in-clerk").await;
    b.wait_text("#hall-name", "冷水滩区政务服务中心").await;
    b.screenshot("clerk-signin").await;
    submit_sign_in(&b, "clerk01", 1).await;
    b.wait_for("#screen-console #cur-number").await;
    b.wait_text("#who", "王丽").await;
    b.wait_text("#waiting-count", "4").await;
    state_is(&b, "空闲").await;
    b.assert_no_horizontal_overflow("idle console").await;
    b.screenshot("clerk-idle").await;

    // 叫号: the page shows the number the API issued first.
    press(&b, "call-next").await;
    state_is(&b, "已叫号").await;
    assert_eq!(current(&b).await, issued[0]);
    b.wait_text("#cur-item", "设立登记（有限责任公司）").await;
    b.wait_text("#cur-recalls", "重呼\n0/5").await;
    // 重呼 twice: the count and the cap.
    press(&b, "recall").await;
    b.wait_text("#cur-recalls", "重呼\n1/5").await;
    press(&b, "recall").await;
    b.wait_text("#cur-recalls", "重呼\n2/5").await;
    b.wait_text("#msg", &format!("已重呼 {}（2/5）", issued[0]))
        .await;
    b.wait_text("#act-recall", "2/5").await;
    let recalls = hall.events_of("ticket_recalled").await;
    assert_eq!(recalls.len(), 2, "{recalls:?}");
    assert_eq!(recalls[1]["count"], 2);
    b.screenshot("clerk-called").await;

    // Finish is not offered before the service starts, and says why.
    let title = b
        .js("return document.getElementById('act-finish').title")
        .await;
    assert!(title.as_str().unwrap().contains("请先开始办理"), "{title}");

    // 即办.
    press(&b, "start").await;
    state_is(&b, "办理中").await;
    b.wait_for("#cur-service").await;
    // The service timer runs.
    let t0 = b.inner_text("#cur-service dd").await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let t1 = b.inner_text("#cur-service dd").await;
    assert_ne!(t0, t1, "the service timer does not run");
    b.screenshot("clerk-serving").await;
    press(&b, "finish").await;
    b.wait_for("#dlg-finish[open] .outcome").await;
    b.screenshot("clerk-finish-dialog").await;
    b.click("#fin-cancel").await;
    finish_with(&b, "on_the_spot", &[]).await;
    state_is(&b, "空闲").await;
    b.wait_text("#today-list", &issued[0]).await;
    b.wait_text("#today-list", "即办").await;

    // 受理: the case number and the promised date.
    let n = call_and_start(&b).await;
    assert_eq!(n, issued[1]);
    finish_with(&b, "accepted", &[]).await;
    let case = b.inner_text("#res-case").await;
    let due = b.inner_text("#res-due").await;
    let accepted = hall.events_of("case_accepted").await;
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    assert_eq!(accepted[0]["case"], json!(case));
    assert_eq!(accepted[0]["due"], json!(due));
    assert_eq!(accepted[0]["number"], json!(issued[1]));
    b.wait_text("#result", "受理编号").await;
    b.wait_text("#result", "承诺办结日期").await;
    b.wait_text("#today-list", &case).await;
    b.screenshot("clerk-accepted").await;

    // 一次性告知: tick two missing materials; the notice is shown, printable.
    let n = call_and_start(&b).await;
    assert_eq!(n, issued[2]);
    press(&b, "finish").await;
    b.click("#fin-outcomes .outcome[data-outcome=\"tell_once\"]")
        .await;
    b.wait_for("#fin-materials input").await;
    // Without a ticked material the dialog says so and stays open.
    b.click("#fin-ok").await;
    b.wait_text("#fin-error", "请至少勾选一项缺少的材料").await;
    b.click("#fin-materials label:nth-child(2) input").await;
    b.click("#fin-materials label:nth-child(4) input").await;
    b.screenshot("clerk-tell-once-dialog").await;
    b.click("#fin-ok").await;
    let notice_no = b.inner_text("#dlg-notice[open] #notice-no").await;
    let want = materials(&hall, "MA-001").await;
    let missing = b.inner_text("#notice-missing").await;
    assert!(
        missing.contains(&want[1]) && missing.contains(&want[3]),
        "{missing}"
    );
    b.wait_text("#notice-sheet", "冷水滩区政务服务中心").await;
    b.wait_text("#notice-sheet", "设立登记（有限责任公司）")
        .await;
    let link = b.inner_text("#notice-link").await;
    assert!(
        link.ends_with(&format!("/api/v1/notices/{notice_no}")),
        "{link}"
    );
    b.screenshot("clerk-notice").await;
    let notices = hall.events_of("notice_issued").await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["notice"], json!(notice_no));
    assert_eq!(notices[0]["missing"], json!([want[1], want[3]]));
    let (s, notice) = hall
        .get(&format!("/api/v1/notices/{notice_no}"), None)
        .await;
    assert_eq!(s, 200, "{notice}");
    b.click("#notice-close").await;
    b.wait_text("#res-notice", &notice_no).await;
    b.wait_text("#today-list", &notice_no).await;

    // 咨询.
    let n = call_and_start(&b).await;
    assert_eq!(n, issued[3]);
    finish_with(&b, "consultation", &[]).await;
    state_is(&b, "空闲").await;
    b.wait_text("#today-count", "4").await;

    let finished = hall.events_of("ticket_finished").await;
    let outcomes: Vec<(&str, &str)> = finished
        .iter()
        .map(|e| {
            (
                e["number"].as_str().unwrap(),
                e["outcome"].as_str().unwrap_or("none"),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (issued[0].as_str(), "on_the_spot"),
            (issued[1].as_str(), "accepted"),
            (issued[2].as_str(), "tell_once"),
            (issued[3].as_str(), "consultation"),
        ]
    );
    // Nothing left: call-next is not offered, and says why.
    b.wait_text("#current", "暂无等候的号").await;
    let title = b
        .js("return document.getElementById('act-call-next').title")
        .await;
    assert!(title.as_str().unwrap().contains("没有等候的号"), "{title}");
    b.assert_no_horizontal_overflow("after the outcomes").await;
    b.screenshot("clerk-today").await;

    // English.
    b.click("#btn-lang").await;
    b.wait_text("#act-call-next", "Call next").await;
    b.wait_text("#today-list", "Consultation").await;
    b.screenshot("clerk-english").await;
    b.close().await;
}

#[tokio::test]
async fn transfers_holds_pauses_and_calls_a_number() {
    let hall = spawn_hall().await;
    let a = hall.issue("MA-001").await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let bn = hall.issue("MA-003").await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let c = hall.issue("MA-002").await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = hall.issue("MA-004").await;
    let d_id = d["id"].as_str().unwrap().to_owned();
    let d = d["number"].as_str().unwrap().to_owned();
    let b = desk().await;
    sign_in(&b, &hall, "clerk01", 1).await;

    // 转办: a searchable queue list and a reason.
    press(&b, "call-next").await;
    state_is(&b, "已叫号").await;
    assert_eq!(current(&b).await, a);
    press(&b, "transfer").await;
    b.wait_for("#dlg-transfer[open] .tr-queue").await;
    // Pinyin initials find the provident fund's items, and so its queue.
    b.type_into("#tr-search", "gjj").await;
    b.wait_for(".tr-queue[data-queue=\"H\"]").await;
    b.wait_until(
        "!document.querySelector('.tr-queue[data-queue=\"A\"]')",
        WAIT,
        "the list to be filtered",
    )
    .await;
    let search = b.wait_for("#tr-search").await;
    search.clear().await.unwrap();
    search.send_keys("社保").await.unwrap();
    b.wait_text(".tr-queue[data-queue=\"E\"]", "社保（人社）")
        .await;
    b.wait_until(
        "!document.querySelector('.tr-queue[data-queue=\"H\"]')",
        WAIT,
        "the list to be filtered again",
    )
    .await;
    b.click(".tr-queue[data-queue=\"E\"]").await;
    b.type_into("#tr-reason", "需社保窗口核定参保信息").await;
    b.screenshot("clerk-transfer-dialog").await;
    b.click("#tr-ok").await;
    b.wait_text("#msg", "已转办").await;
    state_is(&b, "空闲").await;
    let first_id = hall
        .all_events()
        .await
        .into_iter()
        .find(|e| e["type"] == "ticket_issued" && e["number"] == json!(a));
    let first_id = first_id.unwrap()["ticket"].as_str().unwrap().to_owned();
    let (s, t) = hall
        .get(&format!("/api/v1/tickets/{first_id}"), Some("demo-display"))
        .await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["queue"], "E");
    assert_eq!(t["status"], "waiting");
    assert_eq!(t["referral"], "需社保窗口核定参保信息");
    assert_eq!(t["first_clerk"], "clerk01");
    let tr = hall.events_of("ticket_transferred").await;
    assert_eq!(tr[0]["to_queue"], "E");
    // It left this window's list.
    b.wait_until(
        &format!("!document.querySelector('#waiting-list [data-number=\"{a}\"]')"),
        WAIT,
        "the transferred ticket to leave the list",
    )
    .await;

    // 挂起 and 回呼.
    press(&b, "call-next").await;
    state_is(&b, "已叫号").await;
    assert_eq!(current(&b).await, bn);
    press(&b, "hold").await;
    state_is(&b, "空闲").await;
    b.wait_text("#held-list", &bn).await;
    b.wait_text("#held-count", "1").await;
    b.screenshot("clerk-held").await;
    let held = hall.events_of("ticket_held").await;
    assert_eq!(held[0]["number"], json!(bn));
    assert_eq!(held[0]["reason"], "clerk");
    b.click(&format!("#held-list .call-back[data-number=\"{bn}\"]"))
        .await;
    state_is(&b, "已叫号").await;
    assert_eq!(current(&b).await, bn);
    b.wait_text("#held-count", "0").await;
    assert_eq!(hall.events_of("ticket_called_back").await.len(), 1);
    press(&b, "start").await;
    state_is(&b, "办理中").await;
    finish_with(&b, "on_the_spot", &[]).await;
    state_is(&b, "空闲").await;

    // 暂停 with an away message and a return time; the window says so.
    press(&b, "pause").await;
    b.wait_for("#dlg-pause[open] .chip").await;
    b.click("#pause-reasons .chip[data-reason=\"meeting\"]")
        .await;
    let text = b.wait_for("#pause-text").await;
    assert_eq!(
        text.prop("value").await.unwrap().as_deref(),
        Some("会议"),
        "the reason chip fills the message"
    );
    text.send_keys("（三楼会议室）").await.unwrap();
    b.type_into("#pause-back", "23:50").await;
    b.screenshot("clerk-pause-dialog").await;
    b.click("#pause-ok").await;
    state_is(&b, "暂停服务").await;
    b.wait_text("#pause-reason", "会议（三楼会议室）").await;
    b.wait_text("#pause-back-at", "23:50").await;
    let paused = hall.events_of("window_paused").await;
    assert_eq!(paused.len(), 1, "{paused:?}");
    assert_eq!(paused[0]["reason"], "会议（三楼会议室）");
    assert!(paused[0]["back_at"].is_string(), "{paused:?}");
    let (_, live) = hall.get("/api/v1/live", Some("demo-display")).await;
    assert_eq!(live["windows"][0]["state"], "paused");
    // Calling is not offered while paused, and a key press says why.
    key(&b, Key::F1).await;
    b.wait_text("#msg", "窗口暂停中").await;
    b.screenshot("clerk-paused").await;

    // 恢复.
    press(&b, "resume").await;
    state_is(&b, "空闲").await;
    assert_eq!(hall.events_of("window_resumed").await.len(), 1);

    // 指定叫号: out of turn, by number (D was issued after C).
    b.type_into("#call-number", &d.to_lowercase()).await;
    b.click("#call-go").await;
    state_is(&b, "已叫号").await;
    assert_eq!(current(&b).await, d);
    let (_, t) = hall
        .get(&format!("/api/v1/tickets/{d_id}"), Some("demo-display"))
        .await;
    assert_eq!(t["status"], "called");
    assert_eq!(t["window"], 1);
    // A refusal shows in the message area: nobody by that number.
    press(&b, "no-show").await;
    state_is(&b, "空闲").await;
    b.type_into("#call-number", "A999").await;
    b.click("#call-go").await;
    b.wait_text("#msg.msg-error", "没有该号码").await;
    b.screenshot("clerk-refusal").await;
    // C is still waiting, first in line.
    b.wait_text("#waiting-list li:first-child", &c).await;
    b.close().await;
}

#[tokio::test]
async fn the_waiting_list_is_in_call_order() {
    let hall = spawn_hall().await;
    // A dashboard session (no window) may issue green-channel tickets.
    let (s, staff) = hall
        .post(
            "/api/v1/session",
            None,
            json!({"clerk": "clerk05", "password": "demo"}),
        )
        .await;
    assert_eq!(s, 201, "{staff}");
    let staff = staff["token"].as_str().unwrap().to_owned();
    let mut issued = Vec::new();
    for (item, green) in [
        ("MA-001", false),
        ("MA-002", false),
        ("MA-003", true),
        ("MA-001", false),
        ("MA-004", false),
        ("MA-002", true),
        ("MA-001", false),
    ] {
        let body = if green {
            json!({"item": item, "priority": "green", "green_reason": "elderly"})
        } else {
            json!({"item": item})
        };
        let token = if green { staff.as_str() } else { "demo-kiosk" };
        let (s, t) = hall.post("/api/v1/tickets", Some(token), body).await;
        assert_eq!(s, 201, "{t}");
        issued.push(t["number"].as_str().unwrap().to_owned());
    }
    let b = desk().await;
    sign_in(&b, &hall, "clerk01", 1).await;
    b.wait_text("#waiting-count", "7").await;
    let listed: Vec<String> = b
        .js("return Array.from(document.querySelectorAll('#waiting-list li')).map(li => li.dataset.number)")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed.len(), 7);
    // Green tickets are marked in words.
    let green_row = b
        .text(&format!("#waiting-list li[data-number=\"{}\"]", issued[2]))
        .await;
    assert!(green_row.contains("绿色通道"), "{green_row}");
    // The interleave puts a green ticket ahead of older normal ones: not issue order.
    assert_ne!(listed, issued, "the list is just issue order");
    b.screenshot("clerk-waiting-order").await;

    // Each call takes the head of the list the page showed.
    let mut called = Vec::new();
    for i in 0..listed.len() {
        press(&b, "call-next").await;
        state_is(&b, "已叫号").await;
        let n = current(&b).await;
        called.push(n.clone());
        // The rest of the page's list is still the rest of the order.
        let rest: Vec<String> = b
            .js("return Array.from(document.querySelectorAll('#waiting-list li')).map(li => li.dataset.number)")
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(rest, listed[i + 1..].to_vec(), "after calling {n}");
        press(&b, "no-show").await;
        state_is(&b, "空闲").await;
    }
    assert_eq!(called, listed);
    let api_order: Vec<String> = hall
        .events_of("ticket_called")
        .await
        .iter()
        .map(|e| e["number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(api_order, listed);
    b.wait_text("#today-count", "7").await;
    b.wait_text("#today-list", "过号").await;
    b.close().await;
}

#[tokio::test]
async fn a_window_takes_one_clerk_and_a_clerk_one_window() {
    let hall = spawn_hall().await;
    let first = hall.issue("MA-001").await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let b1 = desk().await;
    sign_in(&b1, &hall, "clerk01", 1).await;
    press(&b1, "call-next").await;
    state_is(&b1, "已叫号").await;

    // Another clerk at the same window: a clear refusal naming who is there.
    let b2 = desk().await;
    b2.goto(&hall.url("/clerk")).await;
    submit_sign_in(&b2, "clerk02", 1).await;
    let err = b2.wait_text("#signin-error", "1号窗口已由").await;
    assert!(err.contains("王丽"), "{err}");
    assert!(err.contains("clerk01"), "{err}");
    b2.screenshot("clerk-window-occupied").await;
    // The first console is untouched.
    assert_eq!(current(&b1).await, first);

    // The same clerk signing in at another window ends the first console's session.
    submit_sign_in(&b2, "clerk01", 2).await;
    b2.wait_for("#screen-console #cur-number").await;
    b2.wait_text("#win-no", "2号窗口").await;
    let note = b1
        .wait_text("#screen-signin #signin-note", "您已在其他窗口登录")
        .await;
    assert!(note.contains("2号窗口"), "{note}");
    // The remembered clerk id is filled in; the password is not.
    let clerk = b1.wait_for("#in-clerk").await.prop("value").await.unwrap();
    assert_eq!(clerk.as_deref(), Some("clerk01"));
    let pw = b1
        .wait_for("#in-password")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(pw.as_deref(), Some(""));
    let stored = b1
        .js("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
        .await;
    assert!(!stored.as_str().unwrap().contains("demo"), "{stored}");
    b1.screenshot("clerk-signed-out-elsewhere").await;
    let closed = hall.events_of("window_closed").await;
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert_eq!(closed[0]["reason"], "signed_in_elsewhere");
    // The ticket that was open at window 1 is held there, not lost.
    let (_, live) = hall.get("/api/v1/live", Some("demo-display")).await;
    assert_eq!(live["windows"][0]["held"], json!([first]));

    // Signing out from the console frees the window.
    b2.click("#btn-signout").await;
    b2.wait_text("#signin-note", "已退出登录").await;
    let (_, live) = hall.get("/api/v1/live", Some("demo-display")).await;
    assert_eq!(live["windows"][1]["state"], "closed");
    b1.close().await;
    b2.close().await;
}

#[tokio::test]
async fn keyboard_shortcuts_drive_the_window() {
    let hall = spawn_hall().await;
    let first = hall.issue("MA-001").await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    hall.issue("MA-002").await;
    let b = desk().await;
    sign_in(&b, &hall, "clerk01", 1).await;
    // The keys are written on the buttons.
    for (id, k) in [
        ("call-next", "F1"),
        ("recall", "F2"),
        ("start", "F3"),
        ("finish", "F4"),
        ("no-show", "F5"),
        ("transfer", "F6"),
        ("hold", "F7"),
        ("pause", "F8"),
        ("resume", "F9"),
    ] {
        b.wait_text(&format!("#act-{id} kbd"), k).await;
    }
    b.wait_until(
        "document.getElementById('act-call-next').getAttribute('aria-disabled') === 'false'",
        WAIT,
        "call-next offered",
    )
    .await;
    key(&b, Key::F1).await;
    state_is(&b, "已叫号").await;
    assert_eq!(current(&b).await, first);
    assert_eq!(hall.events_of("ticket_called").await.len(), 1);
    b.wait_until(
        "document.getElementById('act-recall').getAttribute('aria-disabled') === 'false'",
        WAIT,
        "recall offered",
    )
    .await;
    key(&b, Key::F2).await;
    b.wait_text("#cur-recalls", "重呼\n1/5").await;
    b.wait_until(
        "document.getElementById('act-start').getAttribute('aria-disabled') === 'false'",
        WAIT,
        "start offered",
    )
    .await;
    key(&b, Key::F3).await;
    state_is(&b, "办理中").await;
    // F5 (no-show) does not apply once serving: the page says why, and the browser does not
    // reload.
    b.js("window.__still_here = true").await;
    key(&b, Key::F5).await;
    b.wait_text("#msg", "已开始办理，不能过号").await;
    assert_eq!(
        b.js("return window.__still_here === true").await,
        json!(true)
    );
    // F4 asks for the outcome.
    key(&b, Key::F4).await;
    b.wait_for("#dlg-finish[open]").await;
    // Keys do nothing under a dialog.
    key(&b, Key::F1).await;
    key(&b, Key::Escape).await;
    b.wait_until(
        "!document.getElementById('dlg-finish').open",
        WAIT,
        "Escape to close the dialog",
    )
    .await;
    assert_eq!(hall.events_of("ticket_called").await.len(), 1);
    // F7 holds it.
    key(&b, Key::F7).await;
    b.wait_text("#held-list", &first).await;
    state_is(&b, "空闲").await;
    b.close().await;
}

#[tokio::test]
async fn survives_a_controller_restart() {
    let mut hall = spawn_hall().await;
    let first = hall.issue("MA-001").await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = desk().await;
    sign_in(&b, &hall, "clerk01", 1).await;
    b.wait_text("#waiting-count", "1").await;
    hall.kill();
    b.wait_text_within("#conn-banner", "正在重新连接", Duration::from_secs(15))
        .await;
    b.screenshot("clerk-reconnecting").await;
    hall.restart_same_port();
    // Sessions are durable: the same token works after the restart.
    b.wait_until(
        "document.getElementById('conn-banner').hidden",
        Duration::from_secs(20),
        "the banner to go",
    )
    .await;
    let second = hall.issue("MA-002").await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    // The stream is live again: the new ticket shows without a reload.
    b.wait_text("#waiting-list", &second).await;
    press(&b, "call-next").await;
    state_is(&b, "已叫号").await;
    assert_eq!(current(&b).await, first);
    // A reload keeps the console signed in (the token stays in this tab only).
    b.client.refresh().await.unwrap();
    b.wait_for("#screen-console #cur-number").await;
    state_is(&b, "已叫号").await;
    assert_eq!(current(&b).await, first);
    b.close().await;
}
