//! The kiosk page (`/kiosk`) and the tracking page (`/t/{track_token}`) in a real headless
//! Chromium against the real controller: every ticket the page shows is checked through the
//! API too. Screenshots land in `target/screenshots/`.

use crate::browser::{Browser, WAIT};
use crate::support::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Opens the kiosk page with a device token (and extra query, e.g. `&idle=3`) and waits for the
/// tiles.
async fn open_kiosk(b: &Browser, hall: &TestHall, token: &str, extra: &str) {
    b.goto(&hall.url(&format!("/kiosk?token={token}{extra}")))
        .await;
    b.wait_for("#screen-home #tiles-theme .tile").await;
    // The token leaves the address bar once remembered.
    let url = b.js("return location.href").await;
    assert!(
        !url.as_str().unwrap().contains("token="),
        "token still in the address: {url}"
    );
}

/// Every `ticket_issued` event in the log.
async fn issued(hall: &TestHall) -> Vec<Value> {
    hall.all_events()
        .await
        .into_iter()
        .filter(|e| e["type"] == "ticket_issued")
        .collect()
}

/// From the home screen: tile → item → skip the ID number → confirm. Returns the number shown.
async fn take_ticket(b: &Browser, queue: &str, item: &str) -> String {
    b.click(&format!(".tile[data-queue=\"{queue}\"]")).await;
    b.click(&format!("#screen-items .item[data-code=\"{item}\"]"))
        .await;
    b.click("#id-skip").await;
    b.wait_for("#screen-confirm #confirm-ok").await;
    b.click("#confirm-ok").await;
    b.wait_for("#ticket-number").await.text().await.unwrap()
}

/// Visible screen.
async fn screen(b: &Browser) -> String {
    b.js("return document.body.dataset.screen || ''")
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn takes_a_ticket_by_theme() {
    let hall = spawn_hall().await;
    let b = Browser::start().await;
    open_kiosk(&b, &hall, "demo-kiosk", "").await;
    b.wait_text("#screen-home", "市场准入").await;
    b.assert_no_horizontal_overflow("home").await;
    b.screenshot("kiosk-home").await;

    b.click(".tile[data-queue=\"A\"]").await;
    b.wait_text("#items-title", "市场准入").await;
    b.click("#screen-items .item[data-code=\"MA-001\"]").await;
    b.wait_for("#screen-id #id-keypad .pad-key").await;
    b.click("#id-skip").await;
    // 一次性告知: the full list of materials before the ticket.
    let confirm = b.wait_text("#confirm-card", "公司章程").await;
    assert!(confirm.contains("设立登记（有限责任公司）"), "{confirm}");
    assert!(confirm.contains("1、2、3、6号窗口"), "{confirm}");
    b.screenshot("kiosk-confirm").await;

    // A double tap issues one ticket.
    b.js("const b = document.getElementById('confirm-ok'); b.click(); b.click();")
        .await;
    let number = b.wait_for("#ticket-number").await.text().await.unwrap();
    let events = issued(&hall).await;
    assert_eq!(events.len(), 1, "a double tap issued twice: {events:?}");
    let ev = &events[0];
    assert_eq!(ev["number"], json!(number), "the page shows another number");
    assert_eq!(ev["item"], "MA-001");
    assert_eq!(ev["channel"], "kiosk");
    assert_eq!(ev["by"], "device:demo-kiosk");

    let ticket = b.text("#ticket").await;
    assert!(ticket.contains("前面没有人"), "{ticket}");
    assert!(ticket.contains("1、2、3、6号窗口"), "{ticket}");
    // The demo hall has no printer: the citizen is told to photograph the QR code.
    b.wait_text("#print-status", "本机未配置打印机，请拍照保存二维码")
        .await;
    // The QR code image loaded.
    b.wait_until(
        "document.querySelector('.ticket-qr img').naturalWidth > 0",
        WAIT,
        "the QR code",
    )
    .await;
    b.assert_no_horizontal_overflow("ticket").await;
    b.screenshot("kiosk-ticket").await;

    // A second citizen sees one person ahead.
    b.click("#ticket-done").await;
    b.wait_text(".tile[data-queue=\"A\"] .tile-wait", "等候 1 人")
        .await;
    let second = take_ticket(&b, "A", "MA-002").await;
    assert_ne!(second, number);
    b.wait_text("#ticket-stats", "前面还有 1 人").await;
    b.close().await;
}

#[tokio::test]
async fn finds_items_by_pinyin_initials() {
    let hall = spawn_hall().await;
    let b = Browser::start().await;
    open_kiosk(&b, &hall, "demo-kiosk", "").await;
    b.type_into("#search-input", "yyzz").await;
    // The on-screen letter keys show while typing; the results replace the tiles.
    b.wait_for("#search-keyboard .key").await;
    let results = b.wait_text("#search-results", "营业执照变更登记").await;
    assert!(!results.contains("没有找到"), "{results}");
    b.wait_until(
        "getComputedStyle(document.getElementById('tiles-theme')).display === 'none'",
        WAIT,
        "the tiles to give way to the results",
    )
    .await;
    b.screenshot("kiosk-search").await;

    // The on-screen letter keys type too.
    b.click("#search-clear").await;
    b.click("#search-input").await;
    for letter in ["Y", "Y", "Z", "Z"] {
        b.js_with(
            "Array.from(document.querySelectorAll('#search-keyboard .key')).find(k => k.textContent === arguments[0]).click()",
            vec![json!(letter)],
        )
        .await;
    }
    assert_eq!(
        b.js("return document.getElementById('search-input').value")
            .await,
        "yyzz"
    );
    b.wait_text("#search-results", "营业执照变更登记").await;

    b.click("#search-results .result[data-code=\"MA-003\"]")
        .await;
    b.wait_text("#id-item", "营业执照变更登记").await;
    b.click("#id-skip").await;
    b.click("#confirm-ok").await;
    let number = b.wait_for("#ticket-number").await.text().await.unwrap();
    let events = issued(&hall).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["number"], json!(number));
    assert_eq!(events[0]["item"], "MA-003");

    // Chinese characters and English words find items too.
    b.click("#ticket-done").await;
    b.type_into("#search-input", "营业执照").await;
    b.wait_for("#search-results .result[data-code=\"MA-003\"]")
        .await;
    b.click("#search-clear").await;
    b.type_into("#search-input", "licence").await;
    b.wait_for("#search-results .result[data-code=\"MA-003\"]")
        .await;
    b.close().await;
}

#[tokio::test]
async fn speaks_english() {
    let hall = spawn_hall().await;
    let b = Browser::start().await;
    open_kiosk(&b, &hall, "demo-kiosk", "").await;
    b.click("#btn-lang").await;
    b.wait_text("#screen-home", "Comprehensive windows, by theme")
        .await;
    assert_eq!(b.js("return document.documentElement.lang").await, "en");
    assert_eq!(
        b.text(".tile[data-queue=\"A\"] .tile-name").await,
        "Market access"
    );
    assert!(b.text("#btn-lang").await.contains("中文"));
    assert!(
        b.text("#hall-name")
            .await
            .contains("Lengshuitan District Government Service Center")
    );
    let placeholder = b
        .js("return document.getElementById('search-input').placeholder")
        .await;
    assert!(
        placeholder.as_str().unwrap().starts_with("Search"),
        "{placeholder}"
    );
    b.assert_no_horizontal_overflow("home (en)").await;
    b.screenshot("kiosk-home-en").await;

    b.click(".tile[data-queue=\"D\"]").await;
    b.wait_text("#screen-items", "Choose what you need").await;
    b.click("#screen-items .item").await;
    b.wait_text("#screen-id", "ID card number (optional)").await;
    b.click("#id-skip").await;
    b.wait_text("#confirm-card", "Please bring these documents")
        .await;
    assert_eq!(b.text("#confirm-ok").await, "Take a ticket");
    b.click("#confirm-ok").await;
    let ticket = b.wait_text("#ticket", "Nobody ahead").await;
    for english in [
        "Your ticket",
        "Watch for your call at window",
        "No printer here",
    ] {
        assert!(
            ticket.contains(english),
            "{english:?} missing from {ticket}"
        );
    }
    assert!(
        b.text("#ticket-done")
            .await
            .starts_with("Done, back to start")
    );
    b.assert_no_horizontal_overflow("ticket (en)").await;
    b.screenshot("kiosk-ticket-en").await;
    b.close().await;
}

/// Measures the visible page against the elderly-friendly rules: every button ≥ 60×60, the
/// largest text ≥ 30 px, all text ≥ 18 px, line height ≥ 1.3, contrast ≥ 4.5:1.
async fn assert_elderly_friendly(b: &Browser, what: &str) {
    let report = b
        .js(r#"
        const visible = (el) => {
          if (el.closest('[hidden]')) return false;
          const s = getComputedStyle(el);
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
        };
        const label = (el) => (el.id ? '#' + el.id + ' ' : '') + el.tagName.toLowerCase() + '.' + el.className + ' "' + (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
        const small = [];
        for (const el of document.querySelectorAll('button, input, a[href], [role=button]')) {
          if (!visible(el)) continue;
          const r = el.getBoundingClientRect();
          if (r.width < 60 || r.height < 60) small.push(label(el) + ` ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
        }
        const parse = (c) => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
        const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
        const background = (el) => {
          const layers = [];
          for (let e = el; e; e = e.parentElement) {
            const c = parse(getComputedStyle(e).backgroundColor);
            if (c.a > 0) { layers.push(c); if (c.a >= 1) break; }
          }
          let out = { r: 255, g: 255, b: 255 };
          for (const c of layers.reverse()) out = { r: c.r * c.a + out.r * (1 - c.a), g: c.g * c.a + out.g * (1 - c.a), b: c.b * c.a + out.b * (1 - c.a) };
          return out;
        };
        let maxFont = 0, minFont = 1e9, minFontAt = '', minLine = 1e9, minLineAt = '';
        const lowContrast = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!n.textContent.trim()) continue;
          const el = n.parentElement;
          if (!visible(el) || el.closest('.sr-only')) continue;
          const s = getComputedStyle(el);
          const fs = parseFloat(s.fontSize);
          maxFont = Math.max(maxFont, fs);
          if (fs < minFont) { minFont = fs; minFontAt = label(el); }
          const lh = s.lineHeight === 'normal' ? 0 : parseFloat(s.lineHeight) / fs;
          if (lh < minLine) { minLine = lh; minLineAt = label(el) + ' ' + s.lineHeight; }
          const fg = parse(s.color), bg = background(el);
          const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
          const ratio = (l1 + 0.05) / (l2 + 0.05);
          if (ratio < 4.5) lowContrast.push(label(el) + ' ' + ratio.toFixed(2));
        }
        return { small, maxFont, minFont, minFontAt, minLine, minLineAt, lowContrast,
                 body: parseFloat(getComputedStyle(document.body).fontSize) };
        "#)
        .await;
    let small = report["small"].as_array().unwrap();
    assert!(small.is_empty(), "{what}: buttons under 60×60: {small:#?}");
    let max = report["maxFont"].as_f64().unwrap();
    assert!(max >= 30.0, "{what}: the largest text is {max}px");
    let min = report["minFont"].as_f64().unwrap();
    assert!(
        min >= 18.0,
        "{what}: text of {min}px at {}",
        report["minFontAt"]
    );
    assert!(report["body"].as_f64().unwrap() >= 18.0, "{what}: {report}");
    let line = report["minLine"].as_f64().unwrap();
    assert!(
        line >= 1.3 - 1e-6,
        "{what}: line height {line} at {}",
        report["minLineAt"]
    );
    let low = report["lowContrast"].as_array().unwrap();
    assert!(low.is_empty(), "{what}: contrast under 4.5:1: {low:#?}");
}

#[tokio::test]
async fn elderly_mode_meets_the_guideline() {
    let hall = spawn_hall().await;
    // A queue with people waiting and one at its warning level show their extra tags too.
    for _ in 0..3 {
        hall.issue("MA-001").await;
    }
    let b = Browser::start().await;
    open_kiosk(&b, &hall, "demo-kiosk", "").await;
    b.click("#btn-elder").await;
    b.wait_until(
        "document.documentElement.classList.contains('elder')",
        WAIT,
        "elder mode",
    )
    .await;
    assert_eq!(
        b.js("return document.getElementById('btn-elder').getAttribute('aria-pressed')")
            .await,
        "true"
    );
    b.wait_text(".tile[data-queue=\"A\"] .tile-wait", "等候 3 人")
        .await;
    assert_elderly_friendly(&b, "home").await;
    b.assert_no_horizontal_overflow("elder home").await;
    b.screenshot("kiosk-elder-home").await;

    b.click(".tile[data-queue=\"A\"]").await;
    b.wait_for("#screen-items .item").await;
    assert_elderly_friendly(&b, "items").await;
    b.click("#screen-items .item[data-code=\"MA-002\"]").await;
    b.wait_for("#id-keypad .pad-key").await;
    assert_elderly_friendly(&b, "ID number").await;
    b.screenshot("kiosk-elder-id").await;
    b.click("#id-skip").await;
    b.wait_for("#confirm-card .materials").await;
    assert_elderly_friendly(&b, "confirm").await;
    b.click("#confirm-ok").await;
    b.wait_for("#ticket-number").await;
    b.wait_text("#print-status", "本机未配置打印机").await;
    assert_elderly_friendly(&b, "ticket").await;
    b.assert_no_horizontal_overflow("elder ticket").await;
    b.screenshot("kiosk-elder-ticket").await;
    b.close().await;
}

/// Taps an ID number on the on-screen keypad.
async fn key_in(b: &Browser, id: &str) {
    for ch in id.chars() {
        b.click(&format!("#id-keypad .pad-key[data-key=\"{ch}\"]"))
            .await;
    }
}

#[tokio::test]
async fn an_elderly_id_number_gives_the_green_channel() {
    let hall = spawn_hall().await;
    let b = Browser::start().await;
    open_kiosk(&b, &hall, "demo-kiosk", "").await;
    b.click(".tile[data-queue=\"C\"]").await;
    b.click("#screen-items .item").await;
    // A wrong check digit is caught on the keypad: OK stays off.
    key_in(&b, "110105194912310021").await;
    b.wait_text("#id-error", "校验未通过").await;
    assert_eq!(
        b.js("return document.getElementById('id-ok').disabled")
            .await,
        true
    );
    b.click("#id-keypad .pad-key[data-key=\"del\"]").await;
    key_in(&b, "X").await;
    b.wait_until(
        "!document.getElementById('id-ok').disabled",
        WAIT,
        "a valid ID number",
    )
    .await;
    let shown = b.text("#id-display").await;
    assert_eq!(
        shown.split_whitespace().collect::<String>(),
        "11010519491231002X"
    );
    b.click("#id-ok").await;
    // Only the masked number is shown on the confirmation.
    let confirm = b.wait_text("#confirm-card", "110***********002X").await;
    assert!(!confirm.contains("19491231"), "{confirm}");
    b.click("#confirm-ok").await;
    let number = b.wait_for("#ticket-number").await.text().await.unwrap();
    let green = b.wait_text("#ticket-green", "绿色通道").await;
    assert!(green.contains("老年人"), "{green}");
    b.screenshot("kiosk-green").await;

    let ev = issued(&hall).await.pop().unwrap();
    assert_eq!(ev["number"], json!(number));
    let (status, ticket) = hall
        .get(
            &format!("/api/v1/tickets/{}", ev["ticket"].as_str().unwrap()),
            Some("demo-kiosk"),
        )
        .await;
    assert_eq!(status, 200, "{ticket}");
    assert_eq!(ticket["priority"], "green");
    assert_eq!(ticket["green_reason"], "elderly");
    assert_eq!(ticket["id_tail"], "31002X");
    // The page forgot the number.
    assert_eq!(
        b.js("return document.getElementById('id-display').innerText.replace(/[\\s·]/g, '')")
            .await,
        ""
    );
    b.close().await;
}

#[tokio::test]
async fn closed_tiles_say_why_before_a_tap() {
    let hall = spawn_hall_with(HallOptions {
        config: Some(halls_dir().join("township.toml")),
        clock: Some("2026-11-26T12:30:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let b = Browser::start().await;
    open_kiosk(&b, &hall, "town-kiosk", "").await;
    // Lunch: both queues closed, with the reason and the hours, before anyone taps.
    b.wait_until(
        "document.querySelectorAll('.tile.tile-closed').length === 2",
        WAIT,
        "two closed tiles",
    )
    .await;
    // The kiosk's clock is the controller's (the test clock), not the PC's.
    b.wait_text("#clock", "12:3").await;
    let s = b.text(".tile[data-queue=\"S\"]").await;
    assert!(s.contains("暂停取号"), "{s}");
    assert!(s.contains("当前不在取号时间"), "{s}");
    assert!(s.contains("08:30-12:00，13:30-17:00"), "{s}");
    let r = b.text(".tile[data-queue=\"R\"]").await;
    assert!(r.contains("08:30-11:30，13:30-16:30"), "{r}");
    // Not by colour alone: an icon and the words, and the tile is marked disabled.
    assert_eq!(
        b.js("return document.querySelectorAll('.tile-closed .closed-head svg').length")
            .await,
        2
    );
    assert_eq!(
        b.js(
            "return document.querySelector('.tile[data-queue=\"S\"]').getAttribute('aria-disabled')"
        )
        .await,
        "true"
    );
    b.screenshot("kiosk-closed").await;

    // A tap explains again and goes nowhere.
    b.click(".tile[data-queue=\"R\"]").await;
    b.wait_text("#toast", "当前不在取号时间").await;
    assert_eq!(screen(&b).await, "home");

    // The afternoon opens: the next event refreshes the tiles.
    hall.set_clock("2026-11-26T13:40:00+08:00");
    let (status, body) = hall
        .post(
            "/api/v1/tickets",
            Some("town-kiosk"),
            json!({"item": "YJQ-003"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    b.wait_until(
        "document.querySelectorAll('.tile.tile-closed').length === 0",
        WAIT,
        "the tiles to open",
    )
    .await;
    b.wait_text(".tile[data-queue=\"S\"] .tile-wait", "等候 1 人")
        .await;
    b.close().await;
}

#[tokio::test]
async fn goes_home_when_idle() {
    let hall = spawn_hall().await;
    let b = Browser::start().await;
    open_kiosk(&b, &hall, "demo-kiosk", "&idle=3").await;
    // The parameter survives the token's removal from the address.
    assert!(
        b.js("return location.search")
            .await
            .as_str()
            .unwrap()
            .contains("idle=3")
    );
    take_ticket(&b, "B", "CP-001").await;
    b.wait_text("#ticket-done", "秒").await;
    let started = Instant::now();
    b.wait_until(
        "document.body.dataset.screen === 'home'",
        Duration::from_secs(8),
        "the idle return home",
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    // Nothing of the last citizen stays on screen.
    assert_eq!(
        b.js("return document.getElementById('ticket').innerText.trim()")
            .await,
        ""
    );

    // Half-way through, with no input, the page also goes back home.
    b.click(".tile[data-queue=\"B\"]").await;
    b.wait_for("#screen-items .item").await;
    b.wait_until(
        "document.body.dataset.screen === 'home'",
        Duration::from_secs(8),
        "the idle return home from the items",
    )
    .await;
    b.close().await;
}

#[tokio::test]
async fn staff_mode_marks_green_and_ends_on_idle() {
    let hall = spawn_hall().await;
    let b = Browser::start().await;
    open_kiosk(&b, &hall, "demo-kiosk", "&idle=6").await;
    b.click("#btn-staff").await;
    b.type_into("#staff-clerk", "clerk22").await;
    b.type_into("#staff-password", "wrong").await;
    b.click("#staff-submit").await;
    b.wait_text("#staff-error", "工号或密码错误").await;
    b.js("document.getElementById('staff-password').value = ''")
        .await;
    b.type_into("#staff-password", "demo").await;
    b.click("#staff-submit").await;
    let bar = b.wait_text("#staff-bar", "clerk22").await;
    assert!(bar.contains("工作人员模式"), "{bar}");
    b.click(".tile[data-queue=\"C\"]").await;
    b.click("#screen-items .item").await;
    b.click("#id-skip").await;
    b.click("#confirm-card .chip[data-reason=\"pregnant\"]")
        .await;
    b.wait_until(
        "document.querySelector('.chip[data-reason=\"pregnant\"]').getAttribute('aria-pressed') === 'true'",
        WAIT,
        "the pregnant chip",
    )
    .await;
    b.screenshot("kiosk-staff-confirm").await;
    b.click("#confirm-ok").await;
    b.wait_text("#ticket-green", "孕妇").await;
    let ev = issued(&hall).await.pop().unwrap();
    assert_eq!(ev["priority"], "green");
    assert_eq!(ev["green_reason"], "pregnant");
    assert_eq!(ev["channel"], "desk");
    assert_eq!(ev["by"], "clerk:clerk22");

    // Idle: home, and the staff session is closed on the controller.
    b.wait_until(
        "document.body.dataset.screen === 'home' && document.getElementById('staff-bar').hidden",
        Duration::from_secs(12),
        "idle to end staff mode",
    )
    .await;
    let deadline = Instant::now() + WAIT;
    loop {
        let closed = hall
            .all_events()
            .await
            .iter()
            .any(|e| e["type"] == "session_closed" && e["clerk"] == "clerk22");
        if closed {
            break;
        }
        assert!(Instant::now() < deadline, "the staff session stayed open");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.close().await;
}

#[tokio::test]
async fn survives_a_controller_restart() {
    let mut hall = spawn_hall().await;
    let b = Browser::start().await;
    open_kiosk(&b, &hall, "demo-kiosk", "").await;
    hall.issue("MA-001").await;
    b.wait_text(".tile[data-queue=\"A\"] .tile-wait", "等候 1 人")
        .await;

    hall.kill();
    b.wait_text_within("#conn-banner", "正在重新连接", Duration::from_secs(8))
        .await;
    // Never a blank page: the tiles and their last figures stay.
    assert_eq!(
        b.js("return Array.from(document.querySelectorAll('#tiles-theme .tile')).filter(t => t.getBoundingClientRect().height > 0).length")
            .await,
        3
    );
    assert!(
        b.text(".tile[data-queue=\"A\"]")
            .await
            .contains("等候 1 人")
    );
    b.screenshot("kiosk-reconnecting").await;

    hall.restart_same_port();
    b.wait_until(
        "document.getElementById('conn-banner').hidden",
        Duration::from_secs(20),
        "the banner to go after the restart",
    )
    .await;
    // Live again: a ticket issued now shows in the counts.
    hall.issue("MA-002").await;
    b.wait_text_within(
        ".tile[data-queue=\"A\"] .tile-wait",
        "等候 2 人",
        Duration::from_secs(5),
    )
    .await;
    // And the page still issues tickets.
    let number = take_ticket(&b, "A", "MA-003").await;
    assert_eq!(issued(&hall).await.pop().unwrap()["number"], json!(number));
    b.close().await;
}

#[tokio::test]
async fn print_failure_offers_a_reprint() {
    use hallq_escpos::fake::{FakeMode, FakePrinter};
    let printer = FakePrinter::start(FakeMode::PaperOut).expect("fake printer");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("township-printer.toml");
    let mut toml = std::fs::read_to_string(halls_dir().join("township.toml")).unwrap();
    toml.push_str(&format!(
        "\n[[printers]]\ndevice = \"town-kiosk\"\ntransport = \"tcp\"\naddress = \"{}\"\ntimeout_ms = 1500\n",
        printer.addr()
    ));
    std::fs::write(&config, toml).unwrap();
    let hall = spawn_hall_with(HallOptions {
        config: Some(config),
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let b = Browser::start().await;
    open_kiosk(&b, &hall, "town-kiosk", "").await;
    let number = take_ticket(&b, "S", "YJQ-004").await;
    let status = b
        .wait_text("#print-status", "打印失败，请拍照保存二维码")
        .await;
    assert!(status.contains("缺纸"), "{status}");
    b.wait_for("#btn-reprint").await;
    b.screenshot("kiosk-print-failed").await;

    // Back home, the next citizen is warned before taking a ticket.
    b.click("#ticket-done").await;
    b.wait_text("#printer-notice", "打印机缺纸").await;
    let second = take_ticket(&b, "S", "YJQ-003").await;
    b.wait_text("#print-status", "打印失败").await;

    // 补打 once the roll is changed.
    printer.set_mode(FakeMode::Ok);
    b.click("#btn-reprint").await;
    b.wait_text("#print-status", "号票已打印，请取走").await;
    let printed = printer.printed_text();
    assert!(
        printed.contains(&second) && !printed.contains(&number),
        "the printer should have {second} only: {printed:?}"
    );
    b.click("#ticket-done").await;
    b.wait_until(
        "document.getElementById('printer-notice').hidden",
        WAIT,
        "the printer notice to go",
    )
    .await;
    b.close().await;
}

#[tokio::test]
async fn tracking_page_follows_the_ticket() {
    let hall = spawn_hall().await;
    let first = hall.issue("MA-001").await;
    let second = hall.issue("MA-002").await;
    let b = Browser::start().await;
    b.set_size(390, 844).await;
    b.goto(&hall.url(&format!("/t/{}", second["track_token"].as_str().unwrap())))
        .await;
    b.wait_text("#number", second["number"].as_str().unwrap())
        .await;
    b.wait_text("#status", "等候中").await;
    b.wait_text("#ahead", "1 人").await;
    b.wait_text("#queue", "个体工商户设立登记").await;
    b.assert_no_horizontal_overflow("tracking").await;
    b.screenshot("track-waiting").await;

    let clerk = hall.sign_in("clerk01", 1).await;
    let (s, body) = hall.act(&clerk, 1, "call-next", json!({})).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["ticket"]["number"], first["number"]);
    b.wait_text_within("#ahead", "没有人", Duration::from_secs(3))
        .await;

    let (s, body) = hall.act(&clerk, 1, "no-show", json!({})).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = hall.act(&clerk, 1, "call-next", json!({})).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["ticket"]["number"], second["number"]);
    let called = Instant::now();
    b.wait_text_within("#call", "请到 1 号窗口办理", Duration::from_secs(2))
        .await;
    let took = called.elapsed();
    assert!(took <= Duration::from_secs(2), "{took:?}");
    assert!(b.text("#status").await.contains("已叫号"));
    b.screenshot("track-called").await;

    b.click("#btn-lang").await;
    b.wait_text("#call", "Please go to window 1").await;
    b.screenshot("track-called-en").await;
    b.click("#btn-lang").await;

    hall.act(&clerk, 1, "start", json!({})).await;
    b.wait_text_within("#status", "办理中", Duration::from_secs(3))
        .await;
    hall.act(&clerk, 1, "finish", json!({})).await;
    b.wait_text_within("#status", "已办结", Duration::from_secs(3))
        .await;

    // A forged code says so, in words.
    b.goto(&hall.url(&format!(
        "/t/{}.00000000000000000000",
        second["id"].as_str().unwrap()
    )))
    .await;
    b.wait_text("#problem", "二维码无效").await;
    b.close().await;
}

#[tokio::test]
async fn landscape_kiosk() {
    let hall = spawn_hall().await;
    hall.issue("CP-001").await;
    let b = Browser::start().await;
    b.set_size(1920, 1080).await;
    open_kiosk(&b, &hall, "demo-kiosk", "").await;
    b.wait_text(".tile[data-queue=\"B\"] .tile-wait", "等候 1 人")
        .await;
    b.assert_no_horizontal_overflow("landscape home").await;
    // Every tile, and the footer with the staff button, fits on the screen without scrolling.
    let bottom = b
        .js("return Math.max(...Array.from(document.querySelectorAll('.tile, .footer')).map(t => t.getBoundingClientRect().bottom))")
        .await
        .as_f64()
        .unwrap();
    assert!(bottom <= 1080.0, "the tiles and footer reach {bottom}px");
    b.screenshot("kiosk-landscape-home").await;
    take_ticket(&b, "A", "MA-001").await;
    b.assert_no_horizontal_overflow("landscape ticket").await;
    b.screenshot("kiosk-landscape-ticket").await;

    // A kiosk with a wrong token says so instead of showing dead tiles.
    b.goto(&hall.url("/kiosk?token=not-a-device")).await;
    b.wait_text("#screen-setup", "设备令牌无效").await;
    b.close().await;
}
