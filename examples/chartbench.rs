//! Chart generation harness: byte-for-byte regression check and timing.
//!
//! ```text
//! cargo run --release --example chartbench -- save  FILE   # write every chart's output
//! cargo run --release --example chartbench -- check FILE   # compare with a saved run
//! cargo run --release --example chartbench -- bench [N]    # µs per chart, per chart type
//! ```
//!
//! To check a change to `src/charts/`, `save` with the code before it (e.g.
//! in a copy of the crate made with `git archive HEAD | tar -x -C DIR`), then `check`
//! with the code after it. `bench` reports the best of N rounds (default 20)
//! over 400 charts of each type.
//!
//! The inputs are generated from a fixed seed, so every run sees the same
//! charts: varied data, missing values, estimates, negative and zero values,
//! long Japanese titles and labels, characters that need escaping.

use std::hint::black_box;
use std::time::Instant;

use hyoka::aggregate::{Distribution, LevelCount};
use hyoka::charts::{cost_chart, indicator_chart, rating_chart, CostPoint, IndicatorPoint};

// The same allocator as the `hyoka` binary, so timings match a real build.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const TITLES: &[&str] = &[
    "",
    "評価結果",
    "事業費の推移",
    "令和3年度 事務事業評価の結果（全体）",
    "所沢市ICT推進アクションプラン2019-2021 進捗状況評価",
    "市民満足度（「満足」「やや満足」と答えた人の割合）",
    "地域包括ケアシステムの構築に向けた在宅医療・介護連携推進事業における多職種連携研修の参加者数の推移と目標値との比較",
    "Cost & <budget> \"quoted\" 'single'",
    "ｶﾀｶﾅ ﾃｽﾄ：半角カナの見出し",
    "改行を\n含むタイトル",
    "Very long English title with many words that has to be wrapped over several lines somewhere",
    "あ",
    "ああああああああああああああああああああああああああ",
    "学校給食費の公会計化、及び、徴収業務の効率化（見直し）について。",
    "  spaces   around  ",
];

const LEVEL_LABELS: &[&str] = &[
    "適切",
    "おおむね適切",
    "改善の余地あり",
    "見直しの是非を検討",
    "",
    "拡充",
    "現状維持",
    "縮小・統合・廃止を含めた抜本的な見直しが必要（令和5年度までに結論）",
    "<b>&amp;</b>",
];

const COLORS: &[&str] = &[
    "#2e7d32",
    "#1a5e9a",
    "#9a6700",
    "#b3261e",
    "#fff",
    "#ffeb3b",
    "#eee",
    "red",
    "",
    "#12345",
    " #00ff00 ",
    "#abc",
    "#ABCDEF",
    "#zzzzzz",
];

const YEAR_LABELS: &[&str] = &[
    "H29",
    "H30",
    "R1",
    "R2",
    "R3",
    "R4",
    "R5",
    "令和6年度",
    "平成30年度（決算）",
    "2019",
    "A&B",
    "",
];

const UNITS: &[&str] = &["千円", "円", "%", "人", "件", "回/年", "<m²>", "百万円"];

fn distribution(rng: &mut Rng) -> Distribution {
    let n = 1 + rng.below(7) as usize;
    let counts: Vec<usize> = (0..n)
        .map(|_| {
            if rng.chance(25) {
                0
            } else {
                let max = if rng.chance(10) { 100_000 } else { 60 };
                rng.below(max) as usize
            }
        })
        .collect();
    let rated = if rng.chance(5) {
        0
    } else {
        counts.iter().sum()
    };
    let levels = counts
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let code = ["A", "B", "C", "D", "E", "S", "拡充", "継続"][i % 8];
            let label = if rng.chance(15) {
                None
            } else {
                Some(rng.pick(LEVEL_LABELS))
            };
            LevelCount::new(code, label, rng.pick(COLORS), count, rated)
        })
        .collect();
    Distribution {
        levels,
        rated,
        unrated: if rng.chance(50) {
            0
        } else {
            rng.below(20) as usize
        },
        summary_percent: None,
        summary_count: 0,
    }
}

fn money(rng: &mut Rng, scale: i64) -> Option<i64> {
    if rng.chance(20) {
        return None;
    }
    Some(match rng.below(10) {
        0 => 0,
        1 => -(rng.below(scale as u64) as i64),
        _ => rng.below(scale as u64) as i64,
    })
}

fn cost_points(rng: &mut Rng) -> Vec<CostPoint> {
    let n = rng.below(12) as usize;
    let scale = [10, 1_000, 100_000, 10_000_000, 1_000_000_000_000][rng.below(5) as usize];
    let with_staff = rng.chance(60);
    (0..n)
        .map(|i| {
            let empty = rng.chance(10);
            CostPoint {
                label: YEAR_LABELS[(i + rng.below(3) as usize) % YEAR_LABELS.len()].to_string(),
                budget: if empty { None } else { money(rng, scale) },
                settlement: if empty { None } else { money(rng, scale) },
                settlement_estimated: rng.chance(20),
                staff_cost: if empty || !with_staff {
                    None
                } else {
                    money(rng, scale / 2 + 1)
                },
            }
        })
        .collect()
}

fn figure(rng: &mut Rng, scale: f64) -> Option<f64> {
    if rng.chance(20) {
        return None;
    }
    let v = rng.below(1_000_000) as f64 / 1_000_000.0 * scale;
    Some(match rng.below(10) {
        0 => 0.0,
        1 => -v,
        2 => (v * 100.0).round() / 100.0,
        3 => v.round(),
        _ => v,
    })
}

fn indicator_points(rng: &mut Rng) -> Vec<IndicatorPoint> {
    let n = rng.below(12) as usize;
    let scale = [0.01, 1.0, 100.0, 12_345.0, 1e9][rng.below(5) as usize];
    (0..n)
        .map(|i| {
            let target = figure(rng, scale);
            let result = figure(rng, scale);
            let achievement = if rng.chance(70) {
                figure(rng, 200.0)
            } else {
                None
            };
            IndicatorPoint {
                label: YEAR_LABELS[(i + rng.below(3) as usize) % YEAR_LABELS.len()].to_string(),
                target,
                result,
                achievement,
            }
        })
        .collect()
}

enum Input {
    Rating(String, Distribution),
    Cost(String, String, Vec<CostPoint>),
    Indicator(String, Option<String>, Vec<IndicatorPoint>),
}

impl Input {
    fn kind(&self) -> usize {
        match self {
            Input::Rating(..) => 0,
            Input::Cost(..) => 1,
            Input::Indicator(..) => 2,
        }
    }

    fn render(&self) -> Option<String> {
        match self {
            Input::Rating(t, d) => Some(rating_chart(t, d)),
            Input::Cost(t, u, p) => cost_chart(t, u, p),
            Input::Indicator(t, u, p) => indicator_chart(t, u.as_deref(), p),
        }
    }
}

const KINDS: [&str; 3] = ["rating", "cost", "indicator"];

/// `per_kind` inputs of each chart type.
fn inputs(per_kind: usize) -> Vec<Input> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::with_capacity(per_kind * 3);
    for _ in 0..per_kind {
        let title = rng.pick(TITLES).to_string();
        out.push(Input::Rating(title, distribution(&mut rng)));
        let title = rng.pick(TITLES).to_string();
        let unit = rng.pick(UNITS).to_string();
        out.push(Input::Cost(title, unit, cost_points(&mut rng)));
        let title = rng.pick(TITLES).to_string();
        let unit = if rng.chance(30) {
            None
        } else {
            Some(rng.pick(UNITS).to_string())
        };
        out.push(Input::Indicator(title, unit, indicator_points(&mut rng)));
    }
    out
}

/// Every output, each preceded by a header line with its index and length.
fn transcript(inputs: &[Input]) -> String {
    let mut s = String::new();
    for (i, input) in inputs.iter().enumerate() {
        match input.render() {
            Some(svg) => {
                s.push_str(&format!("### {i} {} {}\n", KINDS[input.kind()], svg.len()));
                s.push_str(&svg);
            }
            None => s.push_str(&format!("### {i} {} none\n", KINDS[input.kind()])),
        }
    }
    s
}

const CHECK_PER_KIND: usize = 400;

const USAGE: &str = "usage: chartbench save FILE | check FILE | bench [ROUNDS]";

/// The largest char boundary of `s` at or before `i`.
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("save") => {
            let path = args.get(1).ok_or(USAGE)?;
            let t = transcript(&inputs(CHECK_PER_KIND));
            std::fs::write(path, &t).map_err(|e| format!("{path}: {e}"))?;
            println!(
                "saved {} charts ({} bytes) to {path}",
                CHECK_PER_KIND * 3,
                t.len()
            );
        }
        Some("check") => {
            let path = args.get(1).ok_or(USAGE)?;
            let want = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let inputs = inputs(CHECK_PER_KIND);
            let got = transcript(&inputs);
            if got != want {
                let at = got
                    .bytes()
                    .zip(want.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(got.len().min(want.len()));
                let from = got[..floor_boundary(&got, at)].rfind("### ").unwrap_or(0);
                return Err(format!(
                    "DIFFERENT at byte {at}\n--- got:\n{}\n--- want:\n{}",
                    &got[from..floor_boundary(&got, at + 200)],
                    &want[from.min(want.len())..floor_boundary(&want, at + 200)]
                ));
            }
            let nones = inputs.iter().filter(|i| i.render().is_none()).count();
            println!(
                "identical: {} charts ({} returned None), {} bytes",
                inputs.len(),
                nones,
                got.len()
            );
        }
        Some("bench") => {
            let rounds: usize = match args.get(1) {
                Some(n) => n.parse().map_err(|_| USAGE)?,
                None => 20,
            };
            let inputs = inputs(CHECK_PER_KIND);
            // Warm-up.
            for input in &inputs {
                black_box(input.render());
            }
            for (k, name) in KINDS.iter().enumerate() {
                let of_kind: Vec<&Input> = inputs.iter().filter(|i| i.kind() == k).collect();
                let mut best = f64::MAX;
                let mut bytes = 0;
                for _ in 0..rounds.max(1) {
                    let t = Instant::now();
                    bytes = 0;
                    for input in &of_kind {
                        bytes += black_box(input.render()).map_or(0, |s| s.len());
                    }
                    best = best.min(t.elapsed().as_secs_f64());
                }
                println!(
                    "{name:>9}: {:8.2} µs/chart (best of {rounds}, {} charts, {:.0} bytes/chart)",
                    best * 1e6 / of_kind.len() as f64,
                    of_kind.len(),
                    bytes as f64 / of_kind.len() as f64
                );
            }
        }
        _ => return Err(USAGE.to_string()),
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
