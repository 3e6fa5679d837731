#!/usr/bin/env python3
"""Measures how long a one-file edit takes to show in `hyoka serve`.

Usage: python3 benches/serve_latency.py [CONTENT_DIR] [RUNS]
Copies CONTENT_DIR (default: content) to a temp dir, starts the release
binary's `serve` on a free port, then RUNS times: edits one project's name,
polls the page every 2 ms until the new name is served, then polls
projects.html (which lists every project) until it has it too, and prints the
times (min / median / max) from the write to the first response with it: the
edited page (shown first, alone) and the lists (after the full rebuild). The
next edit waits for the lists. With BACK_TO_BACK=1 the next edit comes as soon as the page shows
(0.1 s later), while the rebuild of the lists is still running, and only the page is timed.
"""
import os, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
content = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "content")
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
subprocess.run(["cargo", "build", "--release", "-q"], cwd=root, check=True)
tmp = tempfile.mkdtemp()
shutil.copytree(content, os.path.join(tmp, "content"))
proc = subprocess.Popen([os.path.join(root, "target/release/hyoka"), "serve", "--port", "0"],
                        cwd=tmp, stderr=subprocess.PIPE, text=True)
try:
    line = proc.stderr.readline()
    port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
    series = sorted(d for d in os.listdir(os.path.join(tmp, "content"))
                    if os.path.isfile(os.path.join(tmp, "content", d, "_series.yaml")))[0]
    files = sorted(f for f in os.listdir(os.path.join(tmp, "content", series))
                   if f.endswith(".yaml") and f != "_series.yaml")
    path = os.path.join(tmp, "content", series, files[0])
    page = f"http://127.0.0.1:{port}/projects/{files[0][:-5]}.html"
    original = open(path, encoding="utf-8").read()
    times = []
    lists = []
    listing = f"http://127.0.0.1:{port}/projects.html"

    def wait(url, marker, start):
        while True:
            body = urllib.request.urlopen(url).read().decode("utf-8")
            if marker in body:
                return (time.perf_counter() - start) * 1000
            if time.perf_counter() - start > 120:
                raise SystemExit("timed out")
            time.sleep(0.002)

    for i in range(runs):
        marker = f"計測{i}"
        text = re.sub(r"^name: (.*)$", lambda m: f"name: \"{marker}\"", original, count=1, flags=re.M)
        start = time.perf_counter()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        times.append(wait(page, marker, start))
        if os.environ.get("BACK_TO_BACK") == "1":
            lists.append(float("nan"))
        else:
            lists.append(wait(listing, marker, start))
        time.sleep(0.1)
    print(f"{len(times)} edits of {series}/{files[0]}: page min {min(times):.0f} ms, "
          f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms; "
          f"projects.html min {min(lists):.0f} ms, median {statistics.median(lists):.0f} ms, "
          f"max {max(lists):.0f} ms")
finally:
    proc.kill()
    shutil.rmtree(tmp)
