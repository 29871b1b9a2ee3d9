//! `Hall::from_toml` reports every problem of a file at once, each with its path and its place.

mod support;

use hallq_core::Hall;
use hallq_core::hall::{DEMO_TOML, Problem};

/// The township hall (`firmware-config/halls/township.toml`) with ten mistakes, each marked
/// `# <- n` for the reader (the test finds the places by their text, not by these marks).
const BROKEN: &str = r#"# A broken copy of the township hall: every mistake must be reported, each at its place.

[hall]
id = "lst-yangjiaqiao"
name_zh = "冷水滩区杨家桥街道便民服务中心"
name_en = "Yangjiaqiao Subdistrict Convenience Service Centre"
region_code = "431103"

[calendar]
time_zone = "Asia/Beijing"  # <- 1 not an IANA zone
working_days = ["mon", "tue", "wed", "thu", "fri", "sun "]  # <- 2 trailing space
holidays = ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"]
makeup_working_days = ["2026-09-20", "2026-10-10"]
hours = ["08:30-12:00", "17:00-13:30"]  # <- 3 ends before it starts

[policies]
priority_interleave = "2:0"  # <- 4
recall_cap = 3
wait_alarm_minutes = 30
green_channel_age = 60

[[units]]
id = "hall"
name_zh = "杨家桥街道便民服务中心"
name_en = "Subdistrict service centre"

[[units]]
id = "hrss"
name_zh = "街道人力资源和社会保障服务站"
name_en = "Human resources and social security station"

[[themes]]
id = "social"
name_zh = "社会事务"
name_en = "Social affairs"

[[queues]]
id = "S"
prefix = "S"
name_zh = "社会事务综合"
name_en = "Social affairs"
theme = "social"
daily_cap = 80
warn_waiting = 10
slots = [
  { from = "08:30", to = "10:00", cap = 30 },
  { from = "10:00", to = "1200", cap = 30 },  # <- 5 not a time
  { from = "13:30", to = "17:00", cap = 40 },
]

[[queues]]
id = "R"
prefix = "S"  # <- 6 the prefix of queue S
name_zh = "社保医保"
name_en = "Social and medical insurance"
unit = "hrss"
hours = ["08:30-11:30", "13:30-16:30"]
daily_cap = 3

[[queues]]  # <- 7 no window serves it
id = "T"
prefix = "T"
name_zh = "退役军人服务"
name_en = "Veterans' services"

[[items]]
code = "YJQ-001"
name_zh = "城乡居民养老保险参保登记"
name_en = "Rural and urban residents' pension enrolment"
unit = "hrss"
queue = "R"
limit_days = 0
service_minutes = 8
materials = ["申请人身份证原件", "户口簿"]

[[items]]
code = "YJQ-002"
name_zh = "城乡居民医疗保险缴费"
name_en = "Residents' medical insurance payment"
unit = "hrss"
queue = "R"
service_minutes = 5
materials = ["申请人身份证原件"]

[[items]]
code = "YJQ-003"
name_zh = "高龄津贴申领"
name_en = "Old-age allowance application"
unit = "civil"  # <- 8 no such unit
queue = "S"
limit_days = 10
service_minutes = 10
materials = ["申请人身份证原件", "户口簿", "银行卡"]

[[items]]
code = "YJQ-004"
name_zh = "居住证明开具"
name_en = "Certificate of residence"
unit = "hall"
queue = "S"
limit_days = 1
service_minutes = 6
materials = ["申请人身份证原件", "租房合同或房产证明"]

[[windows]]
number = 1
name_zh = "1号 社会事务综合窗口"
name_en = "Window 1, social affairs"
comprehensive = true
tiers = [["S"], ["R"]]

[[windows]]
number = 2
name_zh = "2号 社会事务综合窗口"
name_en = "Window 2, social affairs"
comprehensive = true
tiers = [["S", "SR"]]  # <- 9 no queue SR

[[windows]]
number = 3
name_zh = "3号 社保医保窗口"
name_en = "Window 3, social insurance"
unit = "hrss"
tiers = [["R"], ["S"]]

[[clerks]]
id = "clerk01"
name = "刘芳"
staff_no = "YJQ001"
unit = "hall"
role = "clerk"
password_hash = "$argon2id$v=19$m=19456,t=2,p=1$ViD7WbUoc0sgqn7AEQy4aQ$/NMLOHJuxMvr0rs1GM2l9VZkkKwNk0jaiipkXZhotkc"

[[clerks]]
id = "super"
name = "何主任"
staff_no = "YJQ100"
unit = "hall"
role = "supervisor"
password_hash = "$argon2id$v=19$m=19456,t=2,p=1$ViD7WbUoc0sgqn7AEQy4aQ$/NMLOHJuxMvr0rs1GM2l9VZkkKwNk0jaiipkXZhotkc"

[[devices]]
id = "town-kiosk"
kind = "kiosk"
token_hash = "sha256:eb869e4f3697c07e05e7d5d2cf2720fbc57b84ab8e9678279619e94e189328d1"

[[devices]]
id = "town-display"
kind = "display"
token_hash = "sha256:b1df0add2b83456d0528da0b1e1e8d06f38c4e2be00b3d99ec45d6ff66e90e5"  # <- 10 63 digits
"#;

/// The 1-based line of the first `needle` after the first `after` in `src`.
fn line_of(src: &str, after: &str, needle: &str) -> usize {
    let start = src
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} is not in the file"));
    let at = start
        + src[start..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} is not after {after:?}"));
    src[..at].matches('\n').count() + 1
}

/// The text of `src` at a 1-based (line, column), to the end of the line.
fn text_at(src: &str, (line, col): (usize, usize)) -> &str {
    let l = src.lines().nth(line - 1).expect("the line exists");
    let byte = l.char_indices().nth(col - 1).map_or(l.len(), |(i, _)| i);
    &l[byte..]
}

fn problems(src: &str) -> Vec<Problem> {
    match Hall::from_toml(src) {
        Ok(_) => panic!("the file was accepted"),
        Err(p) => p.0,
    }
}

#[test]
fn every_problem_is_reported_with_its_path_and_line() {
    // (path, text after which to look, text on the line, text the column points at, words of the
    // message)
    let expected: [(&str, &str, &str, &str, &str); 10] = [
        (
            "calendar.time_zone",
            "[calendar]",
            "time_zone =",
            "\"Asia/Beijing\"",
            "IANA",
        ),
        (
            "calendar.working_days[5]",
            "[calendar]",
            "working_days =",
            "\"sun \"",
            "sun",
        ),
        (
            "calendar.hours[1]",
            "[calendar]",
            "hours =",
            "\"17:00-13:30\"",
            "ends before it starts",
        ),
        (
            "policies.priority_interleave",
            "[policies]",
            "priority_interleave =",
            "\"2:0\"",
            "at least 1",
        ),
        (
            "queues[0].slots[1].to",
            "id = \"S\"",
            "\"1200\"",
            "\"1200\"",
            "not a time",
        ),
        (
            "queues[1].prefix",
            "id = \"R\"",
            "prefix =",
            "\"S\"",
            "already used by queue \"S\"",
        ),
        (
            "queues[2]",
            "daily_cap = 3",
            "[[queues]]",
            "[[queues]]",
            "no window serves queue \"T\"",
        ),
        (
            "items[2].unit",
            "code = \"YJQ-003\"",
            "unit =",
            "\"civil\"",
            "no unit \"civil\"",
        ),
        (
            "windows[1].tiers[0][1]",
            "number = 2",
            "tiers =",
            "\"SR\"",
            "no queue \"SR\"",
        ),
        (
            "devices[1].token_hash",
            "id = \"town-display\"",
            "token_hash =",
            "\"sha256:b1df",
            "64 hex digits",
        ),
    ];
    let found = problems(BROKEN);
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        found.len(),
        expected.len(),
        "one problem per mistake, got {paths:?}"
    );
    for (path, after, on_line, at, words) in expected {
        let p = found
            .iter()
            .find(|p| p.path == path)
            .unwrap_or_else(|| panic!("no problem at {path}; got {paths:?}"));
        let (line, col) = p.line.unwrap_or_else(|| panic!("{path}: no line in {p:?}"));
        assert_eq!(
            line,
            line_of(BROKEN, after, on_line),
            "{path}: wrong line in {p}"
        );
        assert!(
            text_at(BROKEN, (line, col)).starts_with(at),
            "{path}: column {col} points at {:?}, not {at:?}",
            text_at(BROKEN, (line, col))
        );
        assert!(
            p.message.contains(words),
            "{path}: message {:?} lacks {words:?}",
            p.message
        );
        // The rendered problem starts with its place.
        assert!(
            p.to_string()
                .starts_with(&format!("line {line}, column {col}: {path}: ")),
            "{p}"
        );
    }
}

#[test]
fn a_syntax_error_is_one_problem_with_its_line() {
    let src = support::TOWNSHIP.replace("recall_cap = 3", "recall_cap = = 3");
    let found = problems(&src);
    assert_eq!(found.len(), 1, "{found:?}");
    let p = &found[0];
    assert_eq!(p.path, "(file)");
    let (line, _) = p.line.expect("a syntax error has a line");
    assert_eq!(line, line_of(&src, "[policies]", "recall_cap = = 3"));

    // An unclosed string is on its own line too.
    let src = support::TOWNSHIP.replace("name = \"周慧\"", "name = \"周慧");
    let found = problems(&src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].line.map(|(l, _)| l),
        Some(line_of(&src, "id = \"clerk03\"", "name = \"周慧"))
    );
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    let src = support::TOWNSHIP.replacen(
        "name_en = \"Window 2, social affairs\"\n",
        "name_en = \"Window 2, social affairs\"\ncolour = \"red\"\n",
        1,
    );
    let found = problems(&src);
    assert_eq!(found.len(), 1, "{found:?}");
    let p = &found[0];
    assert!(p.message.contains("colour"), "{p}");
    assert!(p.message.contains("unknown field"), "{p}");
    assert_eq!(
        p.line.map(|(l, _)| l),
        Some(line_of(&src, "number = 2", "colour = \"red\""))
    );

    // A misspelt top-level table is refused as well.
    let src = format!("{}\n[polices]\nrecall_cap = 3\n", support::TOWNSHIP);
    let found = problems(&src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("polices"), "{}", found[0]);
}

#[test]
fn the_township_fixture_has_no_problem() {
    let hall = Hall::from_toml(support::TOWNSHIP).expect("township.toml is valid");
    assert_eq!(hall.queues.len(), 2);
}

#[test]
fn the_demo_hall_is_valid_and_every_item_is_served() {
    Hall::from_toml(DEMO_TOML).unwrap_or_else(|e| panic!("{e}"));
    let hall = Hall::demo();
    assert!(!hall.items.is_empty());
    for item in hall.items.values() {
        assert!(
            hall.queues.contains_key(&item.queue),
            "item {} names queue {}",
            item.code,
            item.queue
        );
        assert!(
            hall.windows_serving(&item.queue).next().is_some(),
            "no window serves queue {} of item {}",
            item.queue,
            item.code
        );
    }
    for q in hall.queues.keys() {
        assert!(
            hall.windows_serving(q).next().is_some(),
            "no window serves {q}"
        );
    }
}
