//! 好差评 by phone: the tracking page (`/t/{track_token}`) of a finished visit offers the five
//! levels; a bad rating with a reason and a comment goes to the log (channel phone, GB/T code 4)
//! and opens a fix; a second attempt after a reload says the visit is already rated.

use crate::browser::Browser;
use crate::support::*;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_finished_visit_is_rated_by_phone_once() {
    let hall = spawn_hall().await;
    let t = hall.issue("MA-001").await;
    let track = t["track_token"].as_str().unwrap().to_owned();
    let clerk = hall.sign_in("clerk01", 1).await;
    hall.serve_next(&clerk, 1, json!({})).await;

    let b = Browser::start().await;
    b.set_size(390, 844).await;
    b.goto(&hall.url(&format!("/t/{track}"))).await;
    b.wait_text("#status", "已办结").await;
    b.wait_text("#rate", "请对本次服务进行评价").await;
    // Five levels, words and stars, nothing chosen: unrated stays unrated.
    let levels = b.rects("#levels .level").await;
    assert_eq!(levels.len(), 5, "{levels:?}");
    for (i, word) in ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
        .iter()
        .enumerate()
    {
        assert!(levels[i].4.contains(word), "{:?}", levels[i]);
        assert!(
            levels[i].3 >= 44.0,
            "a level too small to tap: {:?}",
            levels[i]
        );
    }
    let filled = b
        .js("return Array.from(document.querySelectorAll('#levels .level')).map(l => l.querySelectorAll('.star.on').length)")
        .await;
    assert_eq!(filled, json!([5, 4, 3, 2, 1]));
    let chosen = b
        .js("return document.querySelectorAll('#levels input:checked').length")
        .await;
    assert_eq!(chosen, json!(0));
    assert!(b.rects("#reasons .chip").await.is_empty());

    b.click(".level[data-level=\"dissatisfied\"]").await;
    b.wait_text("#reasons-box", "不满意的原因").await;
    let chips: Vec<String> = b
        .rects("#reasons .chip")
        .await
        .into_iter()
        .map(|r| r.4)
        .collect();
    assert_eq!(
        chips,
        ["服务态度", "办事效率", "一次性告知", "环境秩序", "多次跑腿"],
        "{chips:?}"
    );
    b.click(".chip[data-reason=\"办事效率\"]").await;
    b.wait_until(
        "document.querySelector('.chip[data-reason=\"办事效率\"] input').checked",
        Duration::from_secs(3),
        "the chip to be chosen",
    )
    .await;
    b.type_into("#rate-comment", "等候时间太长").await;
    b.wait_text("#comment-count", "6/200").await;
    b.assert_no_horizontal_overflow("rating form").await;
    b.js("document.getElementById('rate').scrollIntoView({block: 'start'})")
        .await;
    b.screenshot("track-rating").await;
    b.click("#btn-lang").await;
    b.wait_text("#rate", "Rate this visit").await;
    b.wait_text("#reasons", "Efficiency").await;
    b.assert_no_horizontal_overflow("rating form, English")
        .await;
    b.js("document.getElementById('rate').scrollIntoView({block: 'start'})")
        .await;
    b.screenshot("track-rating-en").await;
    b.click("#btn-lang").await;
    b.wait_text("#rate", "请对本次服务进行评价").await;
    assert_eq!(
        b.js("return document.getElementById('rate-comment').value")
            .await,
        json!("等候时间太长"),
        "the comment survives a language switch"
    );

    b.click("#rate-submit").await;
    b.wait_text("#rate-done", "感谢您的评价").await;
    assert!(b.text("#rate-done").await.contains("不满意"));
    assert!(b.rects("#rate-form").await.is_empty(), "the form stays");
    b.assert_no_horizontal_overflow("thanks").await;
    b.screenshot("track-rated").await;

    let events = hall.all_events().await;
    let rated = of_type(&events, "ticket_rated");
    assert_eq!(rated.len(), 1, "{rated:?}");
    let r = &rated[0];
    assert_eq!(r["ticket"], t["id"], "{r}");
    assert_eq!(r["channel"], "phone", "{r}");
    assert_eq!(r["level"], "dissatisfied", "{r}");
    assert_eq!(r["code"], 4, "{r}");
    assert_eq!(r["reasons"], json!(["办事效率"]), "{r}");
    assert_eq!(r["comment"], "等候时间太长", "{r}");
    let opened = of_type(&events, "rectification_opened");
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0]["ticket"], t["id"]);

    // A reload shows the form again (the ticket has no "rated" flag); a second rating is refused
    // and the page says so.
    b.goto(&hall.url(&format!("/t/{track}"))).await;
    b.wait_text("#rate", "请对本次服务进行评价").await;
    b.click(".level[data-level=\"very_satisfied\"]").await;
    b.click("#rate-submit").await;
    b.wait_text("#rate-done", "您已评价，感谢").await;
    b.click("#btn-lang").await;
    b.wait_text("#rate-done", "Already rated, thank you").await;
    b.screenshot("track-already-rated-en").await;
    assert_eq!(of_type(&hall.all_events().await, "ticket_rated").len(), 1);
    b.close().await;
}
