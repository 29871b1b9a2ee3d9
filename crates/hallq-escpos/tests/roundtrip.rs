//! Property tests: the decoder survives anything, and inverts the builder.

use hallq_escpos::{Align, Builder, Decoder, Op, QrEcc, decode};
use proptest::prelude::*;

/// One builder call, with the op it must decode to.
#[derive(Debug, Clone)]
enum Call {
    Init,
    ChineseMode,
    Text(String),
    Line(String),
    Size(u8, u8),
    Bold(bool),
    Align(Align),
    Feed(u8),
    Qr(Vec<u8>, u8, QrEcc),
    Cut(u8),
    Status(u8),
}

/// Text from ASCII, common CJK ideographs, full-width punctuation and a few rarer characters
/// that need GB18030's four-byte form; never a control character.
fn text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        (0x20u32..0x7F).prop_map(|c| char::from_u32(c).unwrap()),
        (0x4E00u32..0x9FA6).prop_map(|c| char::from_u32(c).unwrap()),
        prop::sample::select(vec![
            '，', '。', '：', '、', '【', '】', '（', '）', '€', '😀', 'é'
        ]),
    ];
    prop::collection::vec(ch, 0..12).prop_map(|v| v.into_iter().collect())
}

fn call() -> impl Strategy<Value = Call> {
    let align = prop::sample::select(vec![Align::Left, Align::Center, Align::Right]);
    let ecc = prop::sample::select(vec![QrEcc::L, QrEcc::M, QrEcc::Q, QrEcc::H]);
    prop_oneof![
        Just(Call::Init),
        Just(Call::ChineseMode),
        text().prop_map(Call::Text),
        text().prop_map(Call::Line),
        (1u8..=8, 1u8..=8).prop_map(|(w, h)| Call::Size(w, h)),
        any::<bool>().prop_map(Call::Bold),
        align.prop_map(Call::Align),
        any::<u8>().prop_map(Call::Feed),
        (prop::collection::vec(any::<u8>(), 1..300), 1u8..=16, ecc)
            .prop_map(|(d, m, e)| Call::Qr(d, m, e)),
        any::<u8>().prop_map(Call::Cut),
        (1u8..=4).prop_map(Call::Status),
    ]
}

/// Applies `calls` to a builder and returns the bytes and the ops they must decode to.
fn build(calls: &[Call]) -> (Vec<u8>, Vec<Op>) {
    let mut b = Builder::new();
    let mut ops = Vec::new();
    for c in calls {
        ops.push(match c.clone() {
            Call::Init => {
                b.init();
                Op::Init
            }
            Call::ChineseMode => {
                b.chinese_mode();
                Op::ChineseMode
            }
            Call::Text(t) => {
                b.text(&t);
                Op::Text(t)
            }
            Call::Line(t) => {
                b.line(&t);
                Op::Text(t + "\n")
            }
            Call::Size(w, h) => {
                b.size(w, h);
                Op::Size { w, h }
            }
            Call::Bold(on) => {
                b.bold(on);
                Op::Bold(on)
            }
            Call::Align(a) => {
                b.align(a);
                Op::Align(a)
            }
            Call::Feed(n) => {
                b.feed(n);
                Op::Feed(n)
            }
            Call::Qr(data, module_size, ecc) => {
                b.qr(&data, module_size, ecc).unwrap();
                Op::Qr {
                    data,
                    module_size,
                    ecc,
                }
            }
            Call::Cut(feed) => {
                b.cut_partial(feed);
                Op::Cut {
                    partial: true,
                    feed,
                }
            }
            Call::Status(n) => {
                b.status_request(n);
                Op::StatusRequest(n)
            }
        });
    }
    (b.into_bytes(), merge_text(ops))
}

/// Joins adjacent text ops and drops empty ones: on the wire, adjacent text is one run.
fn merge_text(ops: Vec<Op>) -> Vec<Op> {
    let mut out: Vec<Op> = Vec::new();
    for op in ops {
        match (out.last_mut(), op) {
            (_, Op::Text(t)) if t.is_empty() => {}
            (Some(Op::Text(prev)), Op::Text(t)) => prev.push_str(&t),
            (_, op) => out.push(op),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decode_never_panics_and_never_overruns(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let (_, used) = decode(&bytes);
        prop_assert!(used <= bytes.len());
    }

    #[test]
    fn decode_never_panics_on_bytes_biased_towards_commands(
        bytes in prop::collection::vec(
            prop_oneof![
                prop::sample::select(vec![0x10u8, 0x04, 0x1B, 0x1C, 0x1D, 0x28, 0x6B, 0x31, 0x50, 0x51, 0x56, 0x0A]),
                any::<u8>(),
            ],
            0..512,
        )
    ) {
        let (_, used) = decode(&bytes);
        prop_assert!(used <= bytes.len());
    }

    #[test]
    fn decoding_builder_output_returns_the_ops_that_were_built(calls in prop::collection::vec(call(), 0..24)) {
        let (bytes, want) = build(&calls);
        let (got, used) = decode(&bytes);
        prop_assert_eq!(used, bytes.len());
        prop_assert_eq!(got, want);
    }

    #[test]
    fn decoding_in_pieces_gives_the_same_ops_once_merged(
        calls in prop::collection::vec(call(), 0..16),
        cuts in prop::collection::vec(1usize..40, 1..50),
    ) {
        let (bytes, want) = build(&calls);
        let mut dec = Decoder::new();
        let mut pending = Vec::new();
        let mut got = Vec::new();
        let mut rest = &bytes[..];
        for cut in cuts.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (piece, tail) = rest.split_at((*cut).min(rest.len()));
            rest = tail;
            pending.extend_from_slice(piece);
            let (ops, used) = dec.decode(&pending);
            got.extend(ops);
            pending.drain(..used);
        }
        prop_assert!(pending.is_empty());
        prop_assert_eq!(merge_text(got), want);
    }
}
