//! The whole ticket: pinned bytes, and what a person reads on the paper.

use expect_test::expect;
use hallq_escpos::{Align, Op, QrEcc, TicketPrint, decode, plain_text, render};

/// The ticket every test here prints: a green-channel ticket with an ID tail.
fn sample() -> TicketPrint {
    TicketPrint {
        hall_name: "滨江区政务服务中心".into(),
        service: "不动产登记".into(),
        number: "A001".into(),
        ahead: 3,
        windows: "1、2、3号窗口".into(),
        issued_at_local: "2026-11-26 09:05".into(),
        track_url: "https://hallq.example/t/A001".into(),
        green: true,
        id_tail: Some("07123X".into()),
        reprint: None,
        english: None,
    }
}

/// Formats bytes as hex, 16 to a line, for snapshots a reviewer can read.
fn hex(bytes: &[u8]) -> String {
    bytes
        .chunks(16)
        .map(|c| {
            c.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_sample_ticket_renders_to_these_exact_bytes() {
    expect![[r#"
        1b 40 1c 26 1b 61 01 1d 21 11 1b 45 01 b1 f5 bd
        ad c7 f8 d5 fe ce f1 b7 fe ce f1 d6 d0 d0 c4 0a
        1d 21 00 1b 45 00 b2 bb b6 af b2 fa b5 c7 bc c7
        0a 1b 64 01 1d 21 33 1b 45 01 41 30 30 31 0a 1d
        21 00 1b 45 00 1d 21 10 1b 45 01 a1 be c2 cc c9
        ab cd a8 b5 c0 a1 bf 0a 1d 21 00 1b 45 00 c4 e3
        c7 b0 c3 e6 bb b9 d3 d0 20 33 20 c8 cb d4 da b5
        c8 b4 fd 0a 1b 64 01 1b 61 00 c7 eb d4 da d0 dd
        cf a2 c7 f8 b5 c8 ba f2 a3 ac d7 a2 d2 e2 ba f4
        bd d0 bc b0 b4 f3 c6 c1 cf d4 ca be d0 c5 cf a2
        0a b9 fd ba c5 ce de d0 a7 a3 ac c7 eb c4 fa d6
        d8 d0 c2 c8 a1 ba c5 0a bf c9 b0 ec c0 ed b4 b0
        bf da a3 ba 31 a1 a2 32 a1 a2 33 ba c5 b4 b0 bf
        da 0a c8 a1 ba c5 ca b1 bc e4 a3 ba 32 30 32 36
        2d 31 31 2d 32 36 20 30 39 3a 30 35 0a c9 ed b7
        dd d6 a4 ba f3 c1 f9 ce bb a3 ba 30 37 31 32 33
        58 0a 1b 61 01 1d 28 6b 04 00 31 41 32 00 1d 28
        6b 03 00 31 43 06 1d 28 6b 03 00 31 45 31 1d 28
        6b 1f 00 31 50 30 68 74 74 70 73 3a 2f 2f 68 61
        6c 6c 71 2e 65 78 61 6d 70 6c 65 2f 74 2f 41 30
        30 31 1d 28 6b 03 00 31 51 30 c9 a8 c2 eb b2 e9
        bf b4 c5 c5 b6 d3 bd f8 b6 c8 0a 1b 64 02 1d 56
        42 00"#]]
    .assert_eq(&hex(&render(&sample())));
}

#[test]
fn the_sample_ticket_decodes_to_this_layout() {
    let (ops, used) = decode(&render(&sample()));
    assert_eq!(used, render(&sample()).len());
    let listing = ops
        .iter()
        .map(|op| format!("{op:?}"))
        .collect::<Vec<_>>()
        .join("\n");
    expect![[r#"
        Init
        ChineseMode
        Align(Center)
        Size { w: 2, h: 2 }
        Bold(true)
        Text("滨江区政务服务中心\n")
        Size { w: 1, h: 1 }
        Bold(false)
        Text("不动产登记\n")
        Feed(1)
        Size { w: 4, h: 4 }
        Bold(true)
        Text("A001\n")
        Size { w: 1, h: 1 }
        Bold(false)
        Size { w: 2, h: 1 }
        Bold(true)
        Text("【绿色通道】\n")
        Size { w: 1, h: 1 }
        Bold(false)
        Text("你前面还有 3 人在等待\n")
        Feed(1)
        Align(Left)
        Text("请在休息区等候，注意呼叫及大屏显示信息\n过号无效，请您重新取号\n可办理窗口：1、2、3号窗口\n取号时间：2026-11-26 09:05\n身份证后六位：07123X\n")
        Align(Center)
        Qr { data: [104, 116, 116, 112, 115, 58, 47, 47, 104, 97, 108, 108, 113, 46, 101, 120, 97, 109, 112, 108, 101, 47, 116, 47, 65, 48, 48, 49], module_size: 6, ecc: M }
        Text("扫码查看排队进度\n")
        Feed(2)
        Cut { partial: true, feed: 0 }"#]].assert_eq(&listing);
}

#[test]
fn the_sample_ticket_reads_like_a_hall_ticket() {
    let text = plain_text(&decode(&render(&sample())).0);
    expect![[r#"
        滨江区政务服务中心
        不动产登记

        A001
        【绿色通道】
        你前面还有 3 人在等待

        请在休息区等候，注意呼叫及大屏显示信息
        过号无效，请您重新取号
        可办理窗口：1、2、3号窗口
        取号时间：2026-11-26 09:05
        身份证后六位：07123X
        [QR] https://hallq.example/t/A001
        扫码查看排队进度


        [CUT]
    "#]]
    .assert_eq(&text);
}

#[test]
fn a_rendered_ticket_carries_number_hall_queue_windows_id_tail_and_the_qr_link() {
    let bytes = render(&sample());
    let (ops, _) = decode(&bytes);
    let text = plain_text(&ops);
    for needle in [
        "A001",
        "滨江区政务服务中心",
        "不动产登记",
        "你前面还有 3 人在等待",
        "请在休息区等候，注意呼叫及大屏显示信息",
        "过号无效，请您重新取号",
        "可办理窗口：1、2、3号窗口",
        "2026-11-26 09:05",
        "【绿色通道】",
        "身份证后六位：07123X",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(ops.contains(&Op::Qr {
        data: b"https://hallq.example/t/A001".to_vec(),
        module_size: 6,
        ecc: QrEcc::M,
    }));
    assert_eq!(
        ops.last(),
        Some(&Op::Cut {
            partial: true,
            feed: 0
        })
    );
    assert!(!text.contains("补打"));
}

#[test]
fn the_number_is_printed_four_times_normal_size_and_bold() {
    let (ops, _) = decode(&render(&sample()));
    let at = ops
        .iter()
        .position(|op| *op == Op::Text("A001\n".into()))
        .expect("the number on a line of its own");
    assert_eq!(ops[at - 2..at], [Op::Size { w: 4, h: 4 }, Op::Bold(true)]);
    assert!(ops[..at].contains(&Op::Align(Align::Center)));
}

#[test]
fn a_full_id_number_never_reaches_the_paper() {
    let id = "11010119900307123X";
    let ticket = TicketPrint {
        id_tail: Some(id.into()),
        ..sample()
    };
    let bytes = render(&ticket);
    let text = plain_text(&decode(&bytes).0);
    assert!(text.contains("身份证后六位：07123X"));
    assert!(!text.contains(id));
    assert!(!text.contains("0307123X"));
    let window = bytes.windows(7).any(|w| w == b"307123X");
    assert!(!window, "more than six ID characters in the raw bytes");
}

#[test]
fn a_ticket_without_green_channel_or_id_prints_neither() {
    let ticket = TicketPrint {
        green: false,
        id_tail: None,
        ..sample()
    };
    let text = plain_text(&decode(&render(&ticket)).0);
    assert!(!text.contains("绿色通道"));
    assert!(!text.contains("身份证"));
}

#[test]
fn a_reprint_is_marked_with_its_time_and_an_english_line_is_printed() {
    let ticket = TicketPrint {
        reprint: Some("2026-11-26 09:40".into()),
        english: Some("Please wait in the rest area.".into()),
        ..sample()
    };
    let text = plain_text(&decode(&render(&ticket)).0);
    assert!(text.contains("【补打】"));
    assert!(text.contains("补打时间：2026-11-26 09:40"));
    assert!(text.contains("Please wait in the rest area."));
}

#[test]
fn a_ticket_without_a_usable_link_prints_without_a_qr_code() {
    let ticket = TicketPrint {
        track_url: String::new(),
        ..sample()
    };
    let (ops, _) = decode(&render(&ticket));
    assert!(!ops.iter().any(|op| matches!(op, Op::Qr { .. })));
    assert!(plain_text(&ops).contains("A001"));
}
