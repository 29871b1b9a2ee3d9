//! Finding service items at the kiosk: by Chinese characters (`营业执照`), by pinyin initials
//! (`yyzz`), by full pinyin (`yingye`), by English words (`business licence`) or by code.

use crate::hall::Hall;
use crate::ids::ItemCode;
use pinyin::ToPinyin;
use serde::Serialize;

/// One searchable item, its keys computed once.
#[derive(Debug, Clone)]
struct Entry {
    code: ItemCode,
    name_zh: String,
    /// Initials of the Chinese name's pinyin, with other characters kept (lower case).
    initials: String,
    /// Full toneless pinyin, no separators.
    pinyin: String,
    name_en: String,
    /// Lower-case English name, for matching.
    en_lower: String,
    unit_zh: String,
}

/// The search index of a hall's items.
#[derive(Debug, Clone)]
pub struct ItemIndex {
    entries: Vec<Entry>,
}

/// A search hit, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub code: ItemCode,
    pub name_zh: String,
    pub name_en: String,
    /// How it matched: `name`, `initials`, `pinyin`, `english`, `code`, `unit`.
    pub matched: &'static str,
}

/// The pinyin initials and the full pinyin of a text; characters without pinyin are kept.
pub fn pinyin_keys(text: &str) -> (String, String) {
    let mut initials = String::new();
    let mut full = String::new();
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => {
                initials.push_str(p.first_letter());
                full.push_str(p.plain());
            }
            None if c.is_alphanumeric() => {
                let lower = c.to_lowercase().collect::<String>();
                initials.push_str(&lower);
                full.push_str(&lower);
            }
            None => {}
        }
    }
    (initials, full)
}

impl ItemIndex {
    pub fn new(hall: &Hall) -> ItemIndex {
        let entries = hall
            .config
            .items
            .iter()
            .map(|it| {
                let (initials, pinyin) = pinyin_keys(&it.name_zh);
                let unit_zh = hall
                    .config
                    .units
                    .iter()
                    .find(|u| u.id == it.unit)
                    .map_or(String::new(), |u| u.name_zh.clone());
                Entry {
                    code: ItemCode(it.code.clone()),
                    name_zh: it.name_zh.clone(),
                    initials,
                    pinyin,
                    name_en: it.name_en.clone(),
                    en_lower: it.name_en.to_lowercase(),
                    unit_zh,
                }
            })
            .collect();
        ItemIndex { entries }
    }

    /// Items matching `query`, best first, at most `limit`. An empty query finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let has_cjk = q.chars().any(|c| c.to_pinyin().is_some());
        let q_compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
        let words: Vec<&str> = q.split_whitespace().collect();
        let mut hits: Vec<(u8, usize, Hit)> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            // Lower rank is better: exact prefix beats a match inside.
            let found: Option<(u8, &'static str)> = if has_cjk {
                if e.name_zh.starts_with(&q_compact) {
                    Some((0, "name"))
                } else if e.name_zh.contains(&q_compact) {
                    Some((1, "name"))
                } else if e.unit_zh.contains(&q_compact) {
                    Some((4, "unit"))
                } else {
                    None
                }
            } else if e.initials.starts_with(&q_compact) {
                Some((0, "initials"))
            } else if e.code.as_str().to_lowercase().starts_with(&q_compact) {
                Some((0, "code"))
            } else if e.pinyin.starts_with(&q_compact) {
                Some((1, "pinyin"))
            } else if e.initials.contains(&q_compact) && q_compact.len() >= 2 {
                Some((2, "initials"))
            } else if words.iter().all(|w| {
                e.en_lower
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|ew| ew.starts_with(w))
            }) {
                Some((2, "english"))
            } else if q_compact.len() >= 3 && e.pinyin.contains(&q_compact) {
                Some((3, "pinyin"))
            } else {
                None
            };
            if let Some((rank, matched)) = found {
                hits.push((
                    rank,
                    i,
                    Hit {
                        code: e.code.clone(),
                        name_zh: e.name_zh.clone(),
                        name_en: e.name_en.clone(),
                        matched,
                    },
                ));
            }
        }
        hits.sort_by_key(|(rank, i, _)| (*rank, *i));
        hits.into_iter().take(limit).map(|(_, _, h)| h).collect()
    }
}
