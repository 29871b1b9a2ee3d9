//! Kiosk search over the demo hall's items.

use hallq_core::Hall;
use hallq_core::search::{ItemIndex, pinyin_keys};

fn index() -> ItemIndex {
    ItemIndex::new(&Hall::demo())
}

#[test]
fn pinyin_keys_give_initials_and_full_pinyin() {
    assert_eq!(
        pinyin_keys("营业执照"),
        ("yyzz".into(), "yingyezhizhao".into())
    );
    assert_eq!(pinyin_keys("B超"), ("bc".into(), "bchao".into()));
}

#[test]
fn pinyin_initials_find_business_licence_items() {
    let hits = index().search("yyzz", 20);
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| h.name_zh.contains("营业执照")),
        "{hits:?}"
    );
    assert_eq!(hits[0].matched, "initials");
}

#[test]
fn chinese_characters_english_words_and_codes_all_find_items() {
    let idx = index();
    let zh = idx.search("公积金", 50);
    assert!(
        zh.len() >= 2 && zh.iter().all(|h| h.name_zh.contains("公积金")),
        "{zh:?}"
    );
    let en = idx.search("provident fund", 50);
    assert!(
        !en.is_empty()
            && en
                .iter()
                .all(|h| h.name_en.to_lowercase().contains("provident")),
        "{en:?}"
    );
    let code = idx.search("ma-001", 5);
    assert_eq!(code[0].code.as_str(), "MA-001");
    assert!(idx.search("   ", 5).is_empty());
    assert!(idx.search("zzzzzzzz", 5).is_empty());
}
