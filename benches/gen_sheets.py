#!/usr/bin/env python3
"""Generate a hyoka content folder of N projects cloned from the shipped sheets.

Usage: gen_sheets.py [--with-ict] N OUTDIR

The "sheets" corpus of issue 17: the real 事務事業評価シート of
content/jimu-2019 (26 full sheets with every field and the transcription
notes), cloned in turn under new ids until there are N project files, beside
the shipped site.yaml, departments.yaml, synonyms.yaml, pages/ and the
series' _series.yaml. A clone differs from its sheet only in its file name
(the project id, `jigyo-NNNNN-<original id>`) and in its `name:` line, which
is written double-quoted (the same string; benches/run.sh edits it with a
pattern that needs the quotes). Nothing else in a sheet has to be unique for
`hyoka check`.

`--with-ict` also clones the 58 ICT systems of content/ict-plan-2019-2021 in
the shipped proportion (26 sheets to 58 systems, so about 31 % of N are jimu
sheets); by default every project is a jimu sheet, as in the issue's
measurement (10,000 files, about 68 MB of YAML, 83 MB on disk).

Stdlib only, deterministic: the same N always gives the same bytes.
"""
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "content")
JIMU = "jimu-2019"
ICT = "ict-plan-2019-2021"


def sheets(series):
    """(id, text) of every project file of a shipped series, sorted by id."""
    folder = os.path.join(REAL, series)
    out = []
    for fn in sorted(os.listdir(folder)):
        if fn.endswith(".yaml") and not fn.startswith("_"):
            with open(os.path.join(folder, fn), encoding="utf-8") as f:
                out.append((fn[:-5], f.read()))
    return out


def quote_name(text):
    """The sheet with its top-level `name:` value written double-quoted."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("name: "):
            value = line[6:].strip()
            if not value.startswith('"'):
                if value.startswith("'"):
                    value = value[1:-1].replace("''", "'")
                lines[i] = "name: " + json.dumps(value, ensure_ascii=False)
            break
    return "\n".join(lines)


def main():
    args = sys.argv[1:]
    with_ict = "--with-ict" in args
    args = [a for a in args if a != "--with-ict"]
    if len(args) != 2:
        sys.exit(__doc__)
    n, out = int(args[0]), args[1]
    os.makedirs(out, exist_ok=True)
    for name in ("site.yaml", "departments.yaml", "synonyms.yaml"):
        shutil.copyfile(os.path.join(REAL, name), os.path.join(out, name))
    if os.path.isdir(os.path.join(REAL, "pages")):
        shutil.copytree(os.path.join(REAL, "pages"), os.path.join(out, "pages"), dirs_exist_ok=True)
    pools = [(JIMU, [(i, quote_name(t)) for i, t in sheets(JIMU)])]
    if with_ict:
        pools.append((ICT, [(i, quote_name(t)) for i, t in sheets(ICT)]))
    for series, _ in pools:
        os.makedirs(os.path.join(out, series), exist_ok=True)
        shutil.copyfile(os.path.join(REAL, series, "_series.yaml"), os.path.join(out, series, "_series.yaml"))
    # One cycle of the shipped projects, in id order within each series, the
    # series interleaved in proportion (26 jimu : 58 ICT with --with-ict).
    cycle = []
    total = sum(len(p) for _, p in pools)
    for series, pool in pools:
        for k, item in enumerate(pool):
            cycle.append(((k + 0.5) / len(pool), series, item))
    cycle.sort(key=lambda c: c[0])
    assert len(cycle) == total
    for k in range(n):
        _, series, (pid, text) = cycle[k % total]
        new_id = f"jigyo-{k + 1:05d}-{pid}"[:80].rstrip("-")
        with open(os.path.join(out, series, new_id + ".yaml"), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
