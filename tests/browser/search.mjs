// Real-browser test of the site search (issue 13): the built site served
// over HTTP under a subpath, headless Chromium driven by playwright-core,
// queries typed into the header box, results asserted, axe-core on a
// results state, screenshots at 390 px and 1280 px.
//
// Usage: node search.mjs BASE_URL SHOT_DIR REPO      (run by run-search.sh)
//        MODE=bench node search.mjs BASE_URL SHOT_DIR REPO Q1 Q2 …
//        (bench: only report bytes and processing time per query)
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(process.env.BROWSER_MODULES + '/');
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

const [base, shots, repo, ...benchQueries] = process.argv.slice(2);
const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** Results of the page: project ids in order. */
async function results(page) {
  return page.$$eval('#search-results li h2 a', (as) =>
    as.map((a) => new URL(a.href).pathname.replace(/^.*\/projects\//, '').replace(/\.html$/, '')));
}

/** Waits until the script has rendered the results of `q`. */
async function settled(page, q) {
  await page.waitForFunction((q) => window.hyokaSearch && window.hyokaSearch.stats.done === q, q,
    { timeout: 10000 });
}

async function bench() {
  for (const q of benchQueries) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${base}search.html?q=${encodeURIComponent(q)}`);
    await settled(page, q);
    const s = await page.evaluate(() => ({ ...window.hyokaSearch.stats }));
    const status = await page.textContent('#search-status');
    const work = (s.matchedAt - s.piecesAt) + (s.renderedAt - s.chunksAt);
    console.log(`query ${q}\tchars ${[...q].length}\tdownloaded ${(s.bytes / 1024).toFixed(1)} KB\t` +
      `processing ${work.toFixed(1)} ms (match ${(s.matchedAt - s.piecesAt).toFixed(1)}, ` +
      `render ${(s.renderedAt - s.chunksAt).toFixed(1)})\t${status}`);
    await ctx.close();
  }
}

async function test() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  page.on('pageerror', (e) => errors.push(String(e)));

  // The Rust and JS normalisers agree on the table of normalize.rs.
  await page.goto(`${base}index.html`);
  const src = fs.readFileSync(path.join(repo, 'src/search/normalize.rs'), 'utf8');
  const table = [];
  for (const line of src.split('\n')) {
    if (!line.includes('// TABLE')) continue;
    const m = line.match(/^\s*\((".*"), (".*")\),\s*\/\/ TABLE/);
    if (!m) continue;
    // Rust string literals of the table use only \t \n \u{…} escapes (all in
    // the BMP), which become JSON \uXXXX escapes.
    const lit = (s) => JSON.parse(s.replace(/\\u\{([0-9a-f]+)\}/gi, (_, h) =>
      '\\u' + h.padStart(4, '0')));
    table.push([lit(m[1]), lit(m[2])]);
  }
  check(table.length >= 15, `normalisation table read (${table.length} rows)`);
  const got = await page.evaluate((t) => t.map(([i]) => window.hyokaSearch.normalize(i)), table);
  table.forEach(([i, want], k) =>
    check(got[k] === want, `JS normalize(${JSON.stringify(i)}) = ${JSON.stringify(got[k])}, Rust ${JSON.stringify(want)}`));

  // Without JavaScript the box is a plain GET form to projects.html.
  const action = await page.$eval('form.site-search', (f) => f.action);
  check(action === `${base}projects.html`, `form action without JS is projects.html (${action})`);

  // From the home page: type, press Enter, land on search.html.
  const cases = [
    ['マイナンバー', ['kojin-bango-card-kofu-suishin', 'zeikei-system-kaishu-online-shikaku-kakunin']],
    ['個人番号', ['kojin-bango-card-kofu-suishin', 'zeikei-system-kaishu-online-shikaku-kakunin']],
    ['ｸﾞﾙｰﾌﾟｳｪｱ', ['gikai-ict-suishin-groupware']],
    ['ＧＩＳ', ['public-gis', 'road-boundary-gis']],
  ];
  for (const [q, want] of cases) {
    await page.goto(`${base}index.html`);
    await page.locator('#site-search-q').pressSequentially(q);
    await page.keyboard.press('Enter');
    await page.waitForURL(/search\.html\?q=/);
    await settled(page, q);
    const ids = await results(page);
    check(JSON.stringify(ids) === JSON.stringify(want), `home → ${q}: ${ids.join(', ')}`);
    const status = await page.textContent('#search-status');
    check(status.includes(`${want.length} 件`), `live region announces the count: ${status}`);
  }

  // Typing on search.html updates the results in place (no Enter).
  await page.fill('#site-search-q', '');
  await page.locator('#site-search-q').pressSequentially('子育て');
  await settled(page, '子育て');
  const kosodate = await results(page);
  // 子育て is in one project's texts (another has it only in its 転記メモ, not searched).
  check(JSON.stringify(kosodate) === JSON.stringify(['kodomo-kosodate-shien-keikaku-suishin']),
    `live typing 子育て: ${kosodate.join(', ')}`);
  check(page.url().endsWith('search.html?q=' + encodeURIComponent('子育て')), `URL follows the query: ${page.url()}`);
  const marks = await page.$$eval('#search-results mark', (ms) => ms.map((m) => m.textContent));
  check(marks.length > 0 && marks.every((m) => m === '子育て' || m === '子ども・子育て'),
    `matches marked: ${[...new Set(marks)].join(', ')}`);
  const firstHit = await page.$eval('#search-results li', (li) => ({
    badge: !!li.querySelector('.rating .code, .none'),
    meta: li.querySelector('.search-meta').textContent,
  }));
  check(firstHit.badge && firstHit.meta.length > 0, `result shows rating badge, department, series: ${firstHit.meta}`);

  // A 1-character query.
  await page.fill('#site-search-q', '');
  await page.locator('#site-search-q').pressSequentially('税');
  await page.keyboard.press('Enter');
  await settled(page, '税');
  const one = await page.textContent('#search-status');
  check(/\d+ 件/.test(one), `1-character query: ${one}`);

  // Keyboard: from the box, Tab reaches the first result's link.
  await page.fill('#site-search-q', '');
  await page.locator('#site-search-q').pressSequentially('GIS');
  await page.keyboard.press('Enter');
  await settled(page, 'GIS');
  let reached = false;
  for (let i = 0; i < 15 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement &&
      document.activeElement.closest('#search-results') !== null);
  }
  check(reached, 'Tab from the search box reaches the results');
  await page.keyboard.press('Enter');
  await page.waitForURL(/projects\/public-gis\.html$/);
  check(true, 'Enter on a result opens the project');

  // A results state: axe, screenshots at 1280 and 390 px.
  await page.goto(`${base}search.html?q=${encodeURIComponent('システム')}`);
  await settled(page, 'システム');
  await page.addScriptTag({ content: fs.readFileSync(axePath, 'utf8') });
  const axe = await page.evaluate(() => axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  for (const v of axe.violations) {
    console.log(`  axe ${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target).join(' ')}`);
  }
  check(axe.violations.length === 0, `axe-core: ${axe.violations.length} violations on a results state`);
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, 'search-1280.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  check(overflow <= 390, `no horizontal scroll at 390 px (scrollWidth ${overflow})`);
  await page.screenshot({ path: path.join(shots, 'search-390.png') });
  await page.goto(`${base}index.html`);
  await page.screenshot({ path: path.join(shots, 'home-390.png') });

  // Timing and size on the shipped site.
  const s = await page.goto(`${base}search.html?q=${encodeURIComponent('情報')}`)
    .then(() => settled(page, '情報')).then(() => page.evaluate(() => ({ ...window.hyokaSearch.stats })));
  const work = (s.matchedAt - s.piecesAt) + (s.renderedAt - s.chunksAt);
  check(work < 100, `results within 100 ms of the pieces arriving (${work.toFixed(1)} ms)`);
  check(s.bytes < 300 * 1024, `2-character query downloads ${(s.bytes / 1024).toFixed(1)} KB`);

  // Everything stayed under the subpath, nothing failed.
  const outside = requests.filter((u) => !u.startsWith(base));
  check(outside.length === 0, `every request under ${base} (${outside.slice(0, 3).join(' ')})`);
  check(errors.length === 0, `no failed request or script error (${errors.slice(0, 3).join(' ')})`);
  await ctx.close();
}

try {
  if (process.env.MODE === 'bench') {
    await bench();
  } else {
    await test();
  }
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
