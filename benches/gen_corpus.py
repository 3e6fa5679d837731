#!/usr/bin/env python3
"""Generate a synthetic hyoka content folder with N project files.

Usage: gen_corpus.py [--long-text] N OUTDIR

Writes OUTDIR/site.yaml, OUTDIR/departments.yaml (60 departments), and two
series folders (jimu-2019 and ict-plan-2019-2021, with the _series.yaml of the
shipped content) holding N full project sheets between them. Stdlib only,
deterministic (seeded random): the same N always gives the same files.

Free text has the lengths of the real sheets: the mean length of each field
over the 26 transcribed 事務事業評価シート in content/jimu-2019 (summary 135
characters, indicator rationale 71, unmet reason 77, evaluation reason 91,
improvements 57, next steps 70, SDGs 44), drawn from about half to one and a
half times that mean. `--long-text` makes every text field 200-400 characters
instead (the first, heavier version of this corpus), for a stress figure.
"""
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "content")

SENTENCES = [
    "本事業は、市民の暮らしの安全と安心を確保するため、関係機関と連携して必要な支援を継続的に実施するものである。",
    "令和元年度は、前年度の課題を踏まえて実施方法を見直し、対象者への周知を強化した。",
    "事業の実施にあたっては、庁内の関係課と情報を共有し、重複のない効率的な運営に努めている。",
    "利用者アンケートの結果では、満足度はおおむね高い水準を維持しているが、一部に手続の煩雑さを指摘する意見があった。",
    "今後は、デジタル技術を活用した申請手続のオンライン化を進め、市民の利便性の向上を図る。",
    "目標値は、第６次総合計画の施策目標と整合を図り、過去３か年の実績の推移を勘案して設定した。",
    "少子高齢化の進行に伴い、支援を必要とする世帯は年々増加しており、事業の重要性は高まっている。",
    "委託事業者との定例会議を毎月開催し、業務の進捗状況と課題を確認しながら事業を進めた。",
    "地域の自治会や民生委員と協力し、支援が必要な方を早期に把握する仕組みづくりに取り組んだ。",
    "新型の感染症の影響により、一部の講座やイベントを中止したため、参加者数は目標を下回った。",
    "経費については、入札による契約額の減少や事務の見直しにより、予算額を下回る決算となった。",
    "国や県の補助制度を積極的に活用し、市の一般財源の負担を抑えながら事業を実施している。",
    "広報ところざわや市ホームページ、SNSを通じて事業の周知を行い、新たな利用者の獲得につなげた。",
    "職員の専門性を高めるため、外部の研修に参加するとともに、庁内で事例検討会を実施した。",
    "事業開始から一定の期間が経過したことから、費用対効果を検証し、必要に応じて事業内容を見直す。",
    "近隣市の取組状況を調査し、先進事例を参考にしながら、本市の実情に合った手法を検討している。",
    "対象施設の老朽化が進んでいるため、長寿命化計画に基づき計画的な改修を進める必要がある。",
    "成果指標の実績は目標値を上回っており、事業の目的はおおむね達成されていると考えられる。",
    "一方で、利用者の固定化が見られることから、若い世代への働きかけが今後の課題である。",
    "受益者負担の適正化について、他市の状況を参考にしながら使用料の見直しを検討する。",
    "災害時にも業務を継続できるよう、システムの冗長化とデータのバックアップ体制を整備した。",
    "個人情報の取扱いについては、関係法令と市の規程に基づき、適正な管理を徹底している。",
    "市民協働の観点から、ボランティア団体やＮＰＯ法人と連携した取組を拡充していく。",
    "事業の成果を市民にわかりやすく示すため、実績をオープンデータとして公開することを検討する。",
]

TOPICS = ["子育て支援", "高齢者福祉", "障害者支援", "健康づくり", "地域防災", "環境保全", "ごみ減量",
          "道路維持", "公園管理", "文化振興", "スポーツ振興", "生涯学習", "図書館運営", "学校給食",
          "教育相談", "就労支援", "産業振興", "観光推進", "農業振興", "交通安全", "防犯対策",
          "消費生活", "男女共同参画", "国際交流", "情報システム", "窓口サービス", "市民協働",
          "住宅支援", "上下水道", "緑化推進"]
ACTIONS = ["推進", "支援", "管理運営", "普及啓発", "充実", "整備", "強化", "促進"]
STEMS = [("kikaku", "企画"), ("zaisei", "財政"), ("somu", "総務"), ("jinji", "人事"), ("kokai", "広報"),
         ("bosai", "防災"), ("shimin", "市民"), ("kankyo", "環境"), ("fukushi", "福祉"), ("kenko", "健康"),
         ("kodomo", "こども"), ("kyoiku", "教育"), ("doro", "道路"), ("toshi", "都市計画"), ("sangyo", "産業"),
         ("nogyo", "農業"), ("bunka", "文化"), ("sports", "スポーツ"), ("shisetsu", "施設"), ("joho", "情報")]
SUFFIXES = [("ka", "課"), ("shitsu", "室"), ("center", "センター")]
DIVISIONS = [("keiei-bu", "経営企画部"), ("somu-bu", "総務部"), ("shimin-bu", "市民部"),
             ("fukushi-bu", "福祉部"), ("kodomo-bu", "こども未来部"), ("kankyo-bu", "環境クリーン部"),
             ("sangyo-bu", "産業経済部"), ("machi-bu", "街づくり計画部"), ("kensetsu-bu", "建設部"),
             ("kyoiku-bu", "教育総務部")]
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
GIVEN = ["一郎", "花子", "健太", "由美", "大輔", "直子", "誠", "恵子", "浩", "陽子"]
UNITS = ["件", "人", "回", "%", "団体", "世帯"]
LAWS = ["地方自治法", "社会福祉法", "子ども・子育て支援法", "災害対策基本法", "環境基本法", "道路法", None]


# Mean length (characters) of each free-text field in the real sheets.
REAL_MEAN = {"summary": 135, "rationale": 71, "unmet_reason": 77, "reason": 91,
             "improvements": 57, "challenges": 57, "next_steps": 70, "how": 44}
LONG_TEXT = False


def text(rng, field):
    """Japanese free text for `field`, from the fixed sentence list."""
    if LONG_TEXT:
        lo, hi = 200, 400
    else:
        mean = REAL_MEAN[field]
        lo, hi = mean // 2, mean * 3 // 2
    target = rng.randint(lo, hi)
    out = ""
    while len(out) < target:
        s = rng.choice(SENTENCES)
        if len(out) + len(s) > hi and len(out) >= lo:
            break
        out += s
    return out[:hi]


def block(indent, s):
    pad = " " * indent
    return "|\n" + pad + s + "\n"


def weighted(rng, choices):
    r = rng.random()
    acc = 0.0
    for code, w in choices:
        acc += w
        if r < acc:
            return code
    return choices[-1][0]


JIMU_RATINGS = [("A", 0.78), ("B", 0.15), ("S", 0.04), ("C", 0.03)]
ICT_RATINGS = [("A", 0.80), ("B", 0.16), ("C", 0.04)]


def departments():
    out = []
    n = 0
    for sid, sname in STEMS:
        for fid, fname in SUFFIXES:
            out.append((f"{sid}-{fid}", f"{sname}{fname}", DIVISIONS[n % len(DIVISIONS)][0]))
            n += 1
    return out  # 60


def write_departments(path, depts):
    lines = ["# yaml-language-server: $schema=../schema/departments.schema.json", "divisions:"]
    for did, dname in DIVISIONS:
        lines += [f"  - id: {did}", f"    name: {dname}"]
    lines.append("departments:")
    for i, (did, dname, div) in enumerate(depts):
        lines += [f"  - id: {did}", f"    division: {div}", "    names:"]
        if i % 10 == 0:  # a few renamed departments, as in the real data
            lines += [f"      - name: 旧{dname}", "        from: null", "        until: 2018",
                      f"      - name: {dname}", "        from: 2019", "        until: null"]
        else:
            lines += [f"      - name: {dname}", "        from: null", "        until: null"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def project(rng, n, series, depts):
    did, dname, _ = rng.choice(depts)
    L = ["# yaml-language-server: $schema=../../schema/project.schema.json"]
    L.append(f'name: "{rng.choice(TOPICS)}{rng.choice(ACTIONS)}事業（{n}）"')
    L.append(f"department: {did}")
    if series == "ict":
        L.append(f"group: vision-{rng.randint(1, 3)}")
    L.append("summary: " + block(2, text(rng, "summary")).rstrip("\n"))
    L.append(f"account: {rng.choice(['一般', '一般', '一般', '特別'])}")
    L.append(f"plan_rank: {rng.choice(['最優先', '優先', '重要', 'null'])}")
    L.append(f"kind: {rng.choice(['自治事務', '自治事務', '法定受託事務', '法定受託＋附加'])}")
    L.append(f"period: {{ start: {rng.randint(1995, 2017)}, end: null }}")
    law = rng.choice(LAWS)
    L.append(f"legal_basis: [{law}]" if law else "legal_basis: []")
    L.append("general_plan: { chapter: 第２章 安全・安心のまちづくり, section: 第１節 地域の安全 }")
    L.append("fiscal_years:")
    base = rng.randint(500, 200000)
    staff = round(rng.uniform(0.1, 5.0), 2)
    for y in (2017, 2018, 2019):
        budget = int(base * rng.uniform(0.9, 1.1))
        settle = int(budget * rng.uniform(0.8, 1.0))
        L += [f"  - year: {y}",
              f"    budget: {budget}",
              f"    settlement: {settle}",
              f"    settlement_estimated: {'true' if y == 2019 else 'false'}",
              f"    regular_staff: {staff}",
              f"    regular_staff_cost: {int(staff * 8300)}",
              f"    part_time_staff: {round(rng.uniform(0, 1), 2)}",
              f"    temporary_staff: {round(rng.uniform(0, 1), 2)}",
              "    activities:"]
        for a in range(rng.randint(1, 3)):
            L.append(f'      - {{ item: "{rng.choice(TOPICS)}に関する活動{a + 1}", result: "{rng.randint(1, 500)}回" }}')
    L.append("indicators:")
    for j in range(rng.randint(1, 3)):
        unit = rng.choice(UNITS)
        L += [f'  - name: "{rng.choice(TOPICS)}の成果指標{j + 1}"',
              "    rationale: " + block(6, text(rng, "rationale")).rstrip("\n"),
              f'    unit: "{unit}"',
              "    higher_is_better: true",
              "    values:"]
        t = rng.randint(10, 1000) if unit != "%" else rng.randint(50, 100)
        for y in (2017, 2018, 2019):
            r = round(t * rng.uniform(0.7, 1.2), 1)
            L.append(f"      - {{ year: {y}, target: {t}, result: {r} }}")
        L.append("    unmet_reason: " + block(6, text(rng, "unmet_reason")).rstrip("\n"))
    L.append("evaluations:")
    if series == "jimu":
        periods, ratings = ["fy2019"], JIMU_RATINGS
    else:
        periods, ratings = ["fy2021", "overall"], ICT_RATINGS
    for p in periods:
        L += [f"  - period: {p}",
              f"    rating: {weighted(rng, ratings)}"]
        for field in ("reason", "improvements", "challenges", "next_steps"):
            L.append(f"    {field}: " + block(6, text(rng, field)).rstrip("\n"))
        L.append(f"    evaluator: {{ title: {dname}長, name: {rng.choice(SURNAMES)}　{rng.choice(GIVEN)} }}")
    goals = sorted(rng.sample(range(1, 18), rng.randint(0, 3)))
    L.append(f"sdgs:\n  goals: [{', '.join(map(str, goals))}]\n  method_goals: []\n  how: " + block(4, text(rng, "how")).rstrip("\n"))
    doc = "r1-sheets" if series == "jimu" else "r3-report"
    L.append(f"source: {{ document: {doc}, page: {n // 4 + 1}, position: {n % 4 + 1} }}")
    L.append("notes:\n  - 性能測定用に自動生成したデータです。")
    return "\n".join(L) + "\n"


def main():
    global LONG_TEXT
    args = sys.argv[1:]
    if args and args[0] == "--long-text":
        LONG_TEXT = True
        args = args[1:]
    if len(args) != 2:
        sys.exit("usage: gen_corpus.py [--long-text] N OUTDIR")
    n = int(args[0])
    out = args[1]
    rng = random.Random(20261122)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(REAL, "site.yaml"), encoding="utf-8") as f:
        site = f.read()
    with open(os.path.join(out, "site.yaml"), "w", encoding="utf-8") as f:
        f.write(site.replace("title: 所沢市 事務事業評価オープンデータ", "title: 性能測定用コーパス"))
    depts = departments()
    assert len(depts) == 60
    write_departments(os.path.join(out, "departments.yaml"), depts)
    folders = {"jimu": "jimu-2019", "ict": "ict-plan-2019-2021"}
    for folder in folders.values():
        os.makedirs(os.path.join(out, folder), exist_ok=True)
        shutil.copyfile(os.path.join(REAL, folder, "_series.yaml"), os.path.join(out, folder, "_series.yaml"))
    for i in range(n):
        series = "jimu" if i % 2 == 0 else "ict"
        path = os.path.join(out, folders[series], f"jigyo-{i:06d}.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(project(rng, i, series, depts))


if __name__ == "__main__":
    main()
