#!/usr/bin/env python3
"""Turn a hyoka content folder (from gen_corpus.py) into a minimal Hugo site.

Usage: gen_hugo.py CONTENT_DIR HUGO_SITE_DIR

One markdown page per project (front matter: title + departments taxonomy;
body: the project's free-text fields, so both tools process similar text
volume), a trivial layout, no theme. Stdlib only.
"""
import os
import sys

CONFIG = """baseURL = "http://example.invalid/"
languageCode = "ja"
title = "bench"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[taxonomies]
  department = "departments"
"""
BASEOF = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>{{ block "main" . }}{{ end }}</body></html>
"""
SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>
<p>{{ range .GetTerms "departments" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}{{ end }}
"""
LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}
"""


def parse(path):
    """Pull name, department and block-scalar texts out of a generated project file."""
    name = dept = None
    texts = []
    cur = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.rstrip("\n")
            if cur is not None:
                if s.startswith(" " * (cur + 2)) and s.strip():
                    texts.append(s.strip())
                    continue
                cur = None
            if s.startswith("name: "):
                name = s[6:].strip('"')
            elif s.startswith("department: "):
                dept = s[12:].strip()
            elif s.endswith(": |"):
                cur = len(s) - len(s.lstrip(" "))
    return name, dept, texts


def main():
    src, dst = sys.argv[1], sys.argv[2]
    for d in ("content/projects", "layouts/_default"):
        os.makedirs(os.path.join(dst, d), exist_ok=True)
    files = {"config.toml": CONFIG, "layouts/_default/baseof.html": BASEOF,
             "layouts/_default/single.html": SINGLE, "layouts/_default/list.html": LIST,
             "layouts/_default/terms.html": LIST, "layouts/_default/taxonomy.html": LIST,
             "layouts/index.html": LIST}
    for rel, body in files.items():
        with open(os.path.join(dst, rel), "w", encoding="utf-8") as f:
            f.write(body)
    for series in sorted(os.listdir(src)):
        sdir = os.path.join(src, series)
        if not os.path.isdir(sdir):
            continue
        for fn in sorted(os.listdir(sdir)):
            if not fn.endswith(".yaml") or fn.startswith("_"):
                continue
            name, dept, texts = parse(os.path.join(sdir, fn))
            with open(os.path.join(dst, "content/projects", fn[:-5] + ".md"), "w", encoding="utf-8") as f:
                f.write(f'---\ntitle: "{name}"\ndepartments: ["{dept}"]\n---\n\n')
                f.write("\n\n".join(texts) + "\n")


if __name__ == "__main__":
    main()
