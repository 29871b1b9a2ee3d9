//! The `hallq` command line besides `serve`: check-config, audit verify, hash-password, and the
//! demo hall's refusal to face a network.

use crate::support::*;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `hallq` with these arguments; returns (exit code, stdout + stderr).
fn hallq(args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// Runs `hallq` with `input` on standard input; returns (exit code, stdout, stderr).
fn hallq_with_stdin(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn demo_toml() -> String {
    std::fs::read_to_string(halls_dir().join("demo.toml")).unwrap()
}

/// The 1-based line of the first line containing `needle` at or after line `from`.
fn line_of(text: &str, needle: &str, from: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in the file"))
}

/// Replaces the first `from` after byte offset of `after` with `to`.
fn replace_after(text: &str, after: &str, from: &str, to: &str) -> String {
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} not found"));
    let at = start + text[start..].find(from).unwrap();
    format!("{}{}{}", &text[..at], to, &text[at + from.len()..])
}

#[test]
fn check_config_accepts_the_demo_hall_and_says_ok() {
    let file = halls_dir().join("demo.toml");
    let (code, out) = hallq(&["check-config", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(": ok"), "{out}");
    assert!(out.contains("冷水滩区政务服务中心"), "{out}");
    assert!(out.contains("24 windows"), "{out}");
}

#[test]
fn check_config_accepts_the_township_hall() {
    let file = halls_dir().join("township.toml");
    let (code, out) = hallq(&["check-config", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(": ok"), "{out}");
}

#[test]
fn check_config_reports_every_problem_of_a_broken_hall_with_its_line() {
    let text = demo_toml();
    // 1. A window serves a queue that does not exist.
    let text = replace_after(
        &text,
        "[[windows]]\nnumber = 1\n",
        "[[\"A\"]]",
        "[[\"NOPE\"]]",
    );
    // 2. Queue B takes queue A's prefix.
    let text = text.replacen(
        "id = \"B\"\nprefix = \"B\"",
        "id = \"B\"\nprefix = \"A\"",
        1,
    );
    // 3. A time zone that does not exist.
    let text = text.replacen(
        "time_zone = \"Asia/Shanghai\"",
        "time_zone = \"Asia/Atlantis\"",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, &text).unwrap();

    let (code, out) = hallq(&["check-config", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains(": ok"), "{out}");
    let window_1 = line_of(&text, "number = 1", line_of(&text, "[[windows]]", 1));
    let expected = [
        (
            line_of(&text, "tiers = [[\"NOPE\"]]", window_1),
            "windows[0].tiers[0][0]",
            "NOPE",
        ),
        (
            line_of(&text, "prefix = \"A\"", line_of(&text, "id = \"B\"", 1)),
            "queues[1].prefix",
            "\"A\"",
        ),
        (
            line_of(&text, "time_zone = \"Asia/Atlantis\"", 1),
            "calendar.time_zone",
            "Asia/Atlantis",
        ),
    ];
    for (line, path, word) in expected {
        let found = out.lines().find(|l| l.contains(path)).unwrap_or_else(|| {
            panic!("no problem about {path} in:\n{out}");
        });
        assert!(
            found.contains(&format!("line {line},")),
            "{path} is on line {line}: {found}"
        );
        assert!(found.contains(word), "{path} names {word}: {found}");
    }
    assert!(
        out.contains("3 problem(s)"),
        "exactly the three problems: {out}"
    );
}

#[test]
fn check_config_gives_the_line_of_a_toml_syntax_error() {
    let text = demo_toml().replacen("recall_cap = 5", "recall_cap = = 5", 1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("syntax.toml");
    std::fs::write(&file, &text).unwrap();
    let (code, out) = hallq(&["check-config", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let line = line_of(&text, "recall_cap = = 5", 1);
    assert!(out.contains(&format!("line {line},")), "{out}");
}

#[test]
fn check_config_of_a_missing_file_fails_without_panicking() {
    let (code, out) = hallq(&["check-config", "/nonexistent/hall.toml"]);
    assert_ne!(code, 0, "{out}");
    assert!(!out.contains("panicked"), "{out}");
    assert!(out.contains("/nonexistent/hall.toml"), "{out}");
}

#[test]
fn serve_refuses_to_put_the_demo_hall_on_a_non_loopback_address() {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0:0", "--data"])
        .arg(data.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("the demo hall started serving on 0.0.0.0");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!status.success(), "{text}");
    assert!(text.contains("loopback"), "{text}");
    assert!(!text.contains("hallq listening"), "{text}");
}

#[tokio::test]
async fn audit_verify_passes_on_a_fresh_log_with_events() {
    let mut hall = spawn_hall().await;
    for item in ["MA-001", "CP-001", "SA-001"] {
        hall.issue(item).await;
    }
    let token = hall.sign_in("clerk01", 1).await;
    assert_eq!(hall.act(&token, 1, "call-next", json!({})).await.0, 200);
    let seq = hall.seq().await;
    let data = hall.data.path().to_str().unwrap().to_owned();
    let data = data.as_str();
    // While the controller runs…
    let (code, out) = hallq(&["audit", "verify", "--data", data]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok:"), "{out}");
    assert!(out.contains(&format!("{seq} events")), "{out}");
    assert!(out.contains(&format!("up to seq {seq}")), "{out}");
    // …and after a clean stop, which writes a snapshot that must match the chain.
    hall.terminate();
    let (code, out) = hallq(&["audit", "verify", "--data", data]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 snapshot(s) match"), "{out}");
}

#[test]
fn audit_verify_of_a_directory_without_a_log_fails_and_creates_nothing() {
    let data = tempfile::tempdir().unwrap();
    let (code, out) = hallq(&["audit", "verify", "--data", data.path().to_str().unwrap()]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("no event log"), "{out}");
    assert!(!Path::new(&data.path().join("hallq.sqlite3")).exists());
}

#[test]
fn hash_password_refuses_an_empty_password() {
    let (code, out, err) = hallq_with_stdin(&["hash-password"], "\n");
    assert_ne!(code, 0, "{out}{err}");
    assert!(out.is_empty(), "no hash for an empty password: {out}");
}

#[tokio::test]
async fn a_hash_from_hash_password_lets_a_clerk_sign_in_with_that_password() {
    let password = "Yjq-2026 春天";
    let (code, out, err) = hallq_with_stdin(&["hash-password"], &format!("{password}\n"));
    assert_eq!(code, 0, "{err}");
    let hash = out.trim();
    assert!(hash.starts_with("$argon2id$"), "{out}");
    assert_eq!(out.lines().count(), 1, "only the hash on stdout: {out:?}");
    // Salted: the same password hashes differently each time.
    let (_, again, _) = hallq_with_stdin(&["hash-password"], &format!("{password}\n"));
    assert_ne!(again.trim(), hash);

    // A township hall whose clerk01 has this hash.
    let town = std::fs::read_to_string(halls_dir().join("township.toml")).unwrap();
    let start = town.find("id = \"clerk01\"").unwrap();
    let at = start + town[start..].find("password_hash = \"").unwrap() + "password_hash = \"".len();
    let end = at + town[at..].find('"').unwrap();
    let town = format!("{}{}{}", &town[..at], hash, &town[end..]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("township.toml");
    std::fs::write(&file, &town).unwrap();
    let (code, out) = hallq(&["check-config", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");

    let hall = spawn_hall_with(HallOptions {
        config: Some(file),
        ..Default::default()
    })
    .await;
    let (s, body) = hall
        .post(
            "/api/v1/session",
            None,
            json!({"clerk": "clerk01", "password": password, "window": 1}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let token = body["token"].as_str().unwrap();
    let (s, who) = hall.get("/api/v1/session", Some(token)).await;
    assert_eq!((s, who["clerk"].as_str()), (200, Some("clerk01")), "{who}");
    // The old password no longer works for clerk01; the others keep theirs.
    let (s, _) = hall
        .post(
            "/api/v1/session",
            None,
            json!({"clerk": "clerk01", "password": "demo", "window": 1}),
        )
        .await;
    assert_eq!(s, 401);
    let (s, body) = hall
        .post(
            "/api/v1/session",
            None,
            json!({"clerk": "clerk02", "password": "demo", "window": 2}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
}
