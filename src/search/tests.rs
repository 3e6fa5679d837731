//! The index and the reference query on hand-made documents: answers worked
//! out by hand, and every short and long substring of the fixture checked
//! against a brute-force scan of the normalised fields.

use std::collections::BTreeMap;

use super::index::{Grams, Indexer, Prepared};
use super::query::{search, Hit};
use super::{normalize, Doc};
use crate::output::Memory;

fn doc(name: &str, texts: &[&str]) -> Doc {
    Doc {
        url: format!("projects/{name}.html"),
        name: name.to_string(),
        department: "総務課".to_string(),
        series: "見本".to_string(),
        rating: None,
        texts: texts.iter().map(|t| t.to_string()).collect(),
    }
}

/// Five documents; what each query should find is in the tests.
fn docs() -> Vec<Doc> {
    vec![
        doc("子育て支援事業", &["地域の子育てを支える。"]),
        doc("ＧＩＳ整備", &["ｸﾞﾙｰﾌﾟｳｪｱを導入", "マイナンバーカード"]),
        doc("個人番号カード交付", &["グループ会議", "ウェア更新"]),
        // Every four-character window of 地域福祉計画, none of it whole.
        doc("会議運営", &["地域福祉の会と福祉計画", "域福祉計"]),
        doc("第3次計画", &["第３次地域福祉計画を策定", "教育"]),
    ]
}

fn synonyms() -> Vec<Vec<String>> {
    vec![vec![normalize("マイナンバー"), normalize("個人番号")]]
}

fn build(budget: usize, batch: usize) -> (BTreeMap<String, Vec<u8>>, usize) {
    let sink = Memory::default();
    let mut ix = Indexer::with_budget(&sink, budget, batch);
    for d in docs() {
        ix.add(&Prepared::of(&d)).expect("add");
    }
    let runs = ix.runs();
    let spill = ix.spill_path();
    ix.finish(&synonyms()).expect("finish");
    if let Some(p) = spill {
        assert!(!p.exists(), "{} removed", p.display());
    }
    let files = sink
        .into_files()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    (files, runs)
}

fn hits(files: &BTreeMap<String, Vec<u8>>, q: &str) -> Vec<(u32, bool)> {
    let get = |p: &str| files.get(p).cloned();
    search(&get, q)
        .expect("index")
        .into_iter()
        .map(|Hit { doc, in_name }| (doc, in_name))
        .collect()
}

#[test]
fn answers_worked_out_by_hand() {
    let (f, runs) = build(usize::MAX, 64);
    assert_eq!(runs, 0);
    // 1 character: doc 0's name, doc 4's 教育.
    assert_eq!(hits(&f, "育"), [(0, true), (4, false)]);
    // Full-width letters, 3 units: doc 1's name.
    assert_eq!(hits(&f, "ＧＩＳ"), [(1, true)]);
    assert_eq!(hits(&f, "gis"), [(1, true)]);
    // Half-width katakana, 7 units (checked against the text): doc 1; doc 2
    // has グループ and ウェア in two fields.
    assert_eq!(hits(&f, "ｸﾞﾙｰﾌﾟｳｪｱ"), [(1, false)]);
    assert_eq!(hits(&f, "グループ　ウェア"), [(1, false)]);
    // Name first: doc 2's name before doc 1's text.
    assert_eq!(hits(&f, "カード"), [(2, true), (1, false)]);
    // Synonyms both ways: 個人番号 (4 units, exact) is doc 2's name,
    // マイナンバー (6 units, checked) is in doc 1's text.
    assert_eq!(hits(&f, "マイナンバー"), [(2, true), (1, false)]);
    assert_eq!(hits(&f, "個人番号"), [(2, true), (1, false)]);
    // Longer than four: doc 3 holds every window but not the word.
    assert_eq!(hits(&f, "地域福祉計画"), [(4, false)]);
    assert_eq!(hits(&f, "地域福祉"), [(3, false), (4, false)]);
    // Department and series are fields; nothing spans two fields.
    assert_eq!(
        hits(&f, "総務"),
        (0..5).map(|d| (d, false)).collect::<Vec<_>>()
    );
    assert_eq!(hits(&f, "事業地域"), []);
    assert_eq!(hits(&f, "存在しない"), []);
    assert_eq!(hits(&f, "  "), []);
}

#[test]
fn spilling_gives_the_same_files() {
    let (a, _) = build(usize::MAX, 64);
    // One document at a time, spilled after each.
    let (b, runs) = build(1, 1);
    assert!(runs >= 5, "{runs} runs");
    assert_eq!(a, b);
    // Batches of two and three.
    assert_eq!(build(usize::MAX, 2).0, a);
    assert_eq!(build(1, 3).0, a);
}

#[test]
fn every_substring_finds_what_a_scan_finds() {
    let (f, _) = build(1, 2);
    let fields: Vec<Vec<Vec<u16>>> = docs()
        .iter()
        .map(|d| {
            d.normalized_fields()
                .iter()
                .map(|x| x.encode_utf16().collect())
                .collect()
        })
        .collect();
    let mut queries = std::collections::BTreeSet::new();
    for d in &fields {
        for x in d {
            for len in 1..=7 {
                for w in x.windows(len) {
                    queries.insert(String::from_utf16_lossy(w));
                }
            }
        }
    }
    assert!(queries.len() > 300, "{}", queries.len());
    let contains = |x: &[u16], q: &[u16]| x.windows(q.len()).any(|w| w == q);
    for q in &queries {
        // Without the synonyms, which the scan does not know.
        if q.contains("個人番号") || q.contains("マイナンバー") {
            continue;
        }
        let u: Vec<u16> = q.encode_utf16().collect();
        let mut want: Vec<(u32, bool)> = fields
            .iter()
            .enumerate()
            .filter(|(_, d)| d.iter().any(|x| contains(x, &u)))
            .map(|(i, d)| (i as u32, contains(&d[0], &u)))
            .collect();
        want.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        assert_eq!(hits(&f, q), want, "{q}");
    }
}

#[test]
fn grams_are_plain_values() {
    let d = &docs()[0];
    let g = Grams::of(&d.normalized_fields());
    let json = serde_json::to_string(&(d, &g)).expect("json");
    let back: (Doc, Grams) = serde_json::from_str(&json).expect("back");
    assert_eq!(back, (d.clone(), g));
}

#[test]
fn batches_of_64_and_bitmaps() {
    // 150 documents: 事業 in every name, 偶数 in the even ones' text, and
    // each one's number (as full-width digits) in its name.
    let sink = Memory::default();
    let mut ix = Indexer::new(&sink);
    for i in 0..150u32 {
        let wide: String = i
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xff10).unwrap_or(c))
            .collect();
        let text = if i % 2 == 0 {
            "偶数の事例"
        } else {
            "奇数の事例"
        };
        let d = doc(&format!("事業Ｎ{wide}"), &[text]);
        ix.add(&Prepared::of(&d)).expect("add");
    }
    ix.finish(&[]).expect("finish");
    let f: BTreeMap<String, Vec<u8>> = sink
        .into_files()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    assert_eq!(
        hits(&f, "事業"),
        (0..150).map(|d| (d, true)).collect::<Vec<_>>()
    );
    assert_eq!(
        hits(&f, "偶数"),
        (0..150).step_by(2).map(|d| (d, false)).collect::<Vec<_>>()
    );
    assert_eq!(hits(&f, "n149"), [(149, true)]);
    // n14, n140…n149: name matches, in project order.
    let mut want = vec![(14, true)];
    want.extend((140..150).map(|d| (d, true)));
    assert_eq!(hits(&f, "ｎ１４"), want);
    assert_eq!(
        hits(&f, "事業n7"),
        [
            (7, true),
            (70, true),
            (71, true),
            (72, true),
            (73, true),
            (74, true),
            (75, true),
            (76, true),
            (77, true),
            (78, true),
            (79, true)
        ]
    );
}

fn index_of(docs: &[Doc]) -> BTreeMap<String, Vec<u8>> {
    let sink = Memory::default();
    let mut ix = Indexer::new(&sink);
    for d in docs {
        ix.add(&Prepared::of(d)).expect("add");
    }
    ix.finish(&synonyms()).expect("finish");
    sink.into_files()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

/// 150 documents with bitmaps and sparse sets; then some change: a name,
/// a text gaining grams no other document has, a text losing the only
/// occurrence of its grams, one document emptied of everything it shared.
#[test]
fn patching_gives_the_files_of_a_fresh_index() {
    let before: Vec<Doc> = (0..150u32)
        .map(|i| {
            let kind = if i % 3 == 0 {
                "偶数の事例"
            } else {
                "奇数の事例"
            };
            doc(
                &format!("事業{i}"),
                &[
                    kind,
                    if i == 7 {
                        "唯一無二の語"
                    } else {
                        "共通"
                    },
                ],
            )
        })
        .collect();
    let mut after = before.clone();
    after[0].name = "名前を変えた事業".to_string();
    after[7].texts = vec!["奇数の事例".to_string()];
    after[64].texts.push("新しい言葉ｸﾞﾙｰﾌﾟｳｪｱ".to_string());
    after[149] = doc("孤立", &["独自"]);
    let old = index_of(&before);
    let fresh = index_of(&after);
    assert_ne!(old, fresh, "the changes change the index");
    let get = |p: &str| old.get(p).cloned();
    let base = super::patch::Base::read(&get, 150).expect("the old index reads back");
    let sink = Memory::default();
    let mut ix = Indexer::patching(&sink, base, Vec::new());
    for (b, a) in before.iter().zip(&after) {
        if a == b {
            ix.add(&Prepared::chunk_only(a)).expect("add");
        } else {
            let was = Grams::of(&b.normalized_fields());
            ix.add(&Prepared::changed(a, was)).expect("add");
        }
    }
    ix.finish(&synonyms()).expect("finish");
    let patched: BTreeMap<String, Vec<u8>> = sink
        .into_files()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    assert_eq!(
        patched.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &fresh {
        assert!(patched[path] == *bytes, "{path} differs from a fresh index");
    }
    // A base of another size, or a damaged shard, is not read.
    assert!(super::patch::Base::read(&get, 149).is_none());
    let broken = |p: &str| {
        let mut b = old.get(p).cloned()?;
        if p == "search/g/0.bin" {
            b.truncate(b.len() / 2);
        }
        Some(b)
    };
    assert!(super::patch::Base::read(&broken, 150).is_none());
}

#[test]
fn shards_read_at_once_are_joined_in_order() {
    // Enough distinct words for several shards.
    let docs: Vec<Doc> = (0..600)
        .map(|i| {
            doc(
                &format!("事業{i}号の名前"),
                &[&format!("説明文{i}の言葉と{}", i * 7919)],
            )
        })
        .collect();
    let old = index_of(&docs);
    assert!(old.contains_key("search/g/1.bin"), "two shards at least");
    let get = |p: &str| old.get(p).cloned();
    assert!(super::patch::Base::read(&get, 600).is_some());
    // Two swapped shards, each sound on its own, are not an index.
    let swapped = |p: &str| {
        let p = match p {
            "search/g/0.bin" => "search/g/1.bin",
            "search/g/1.bin" => "search/g/0.bin",
            other => other,
        };
        old.get(p).cloned()
    };
    assert!(super::patch::Base::read(&swapped, 600).is_none());
}
