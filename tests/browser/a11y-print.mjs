// Browser checks of a built hyoka site served over HTTP under a subpath
// (issue 14): axe-core (WCAG 2.0/2.1 A and AA) on every page type at 390 px
// and 1280 px, no page wider than a 390 px viewport, chart text between
// 12 px and the page's h2 size, no table cell on a phone narrower than about
// eight characters, and every 事務事業 project page printed to at most two A4
// pages.
//
// Usage: node a11y-print.mjs <site-dir> <base-url> <work-dir> [shots-dir]
//   site-dir  the built output folder (to list pages)
//   base-url  where it is served, e.g. http://127.0.0.1:8123/hyoka/
//   work-dir  where PDFs are written
//   shots-dir optional: screenshots (home, project, series, list; 390/1280)
// Environment: HYOKA_SHEET_SERIES (default jimu-2019) names the series whose
// project pages are printed sheets; CHROMIUM (default /usr/bin/chromium).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [site, base, work, shots] = process.argv.slice(2);
if (!site || !base || !work) {
  console.error('usage: node a11y-print.mjs <site-dir> <base-url> <work-dir> [shots-dir]');
  process.exit(2);
}
const sheetSeries = process.env.HYOKA_SHEET_SERIES || 'jimu-2019';
const exists = (p) => fs.existsSync(path.join(site, p));
const list = (dir) =>
  exists(dir)
    ? fs.readdirSync(path.join(site, dir)).filter((f) => f.endsWith('.html')).sort().map((f) => `${dir}/${f}`)
    : [];

const projects = list('projects');
const inSeries = (p, id) => fs.readFileSync(path.join(site, p), 'utf8').includes(`series/${id}.html"`);
const sheets = projects.filter((p) => inSeries(p, sheetSeries));
const other = projects.find((p) => !inSeries(p, sheetSeries));

// One page per page type; optional pages (other agents' work) when present.
const pages = [
  ['home', 'index.html'],
  ...list('series').map((p) => [`series ${p}`, p]),
  ['department', list('departments')[0]],
  ['departments list', 'departments.html'],
  ['project (sheet)', sheets[0]],
  ['project (other series)', other],
  ['downloads', 'downloads.html'],
  ['free page', list('pages')[0]],
  ['projects list', 'projects.html'],
  ['search', 'search.html'],
  ...list('lists').slice(0, 3).map((p) => [`list ${p}`, p]),
].filter(([, p]) => p && exists(p));
// The 404 page as a server shows it: at a missing path, two folders deep.
const missing = 'no/such/dir/missing.html';

const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.log(`FAIL ${msg}`);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Measurements taken in the page (no framework: plain DOM).
function measure() {
  const out = { scrollWidth: document.documentElement.scrollWidth, innerWidth, chartText: [], narrow: [] };
  const h2 = document.querySelector('main h2');
  out.h2 = h2 ? parseFloat(getComputedStyle(h2).fontSize) : 20.8;
  for (const t of document.querySelectorAll('svg text')) {
    if (!t.getClientRects().length) continue; // in a closed <details>
    const ctm = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
    out.chartText.push({ px: Math.round(px * 10) / 10, text: t.textContent.slice(0, 30) });
  }
  for (const c of document.querySelectorAll('main th, main td')) {
    const r = c.getBoundingClientRect();
    if (!r.width || c.closest('thead')) continue;
    const cs = getComputedStyle(c);
    const inner = r.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const text = c.textContent.trim();
    if (text.length >= 8 && inner < 7.5 * parseFloat(cs.fontSize)) {
      out.narrow.push(`${text.slice(0, 20)} (${Math.round(inner)} px)`);
    }
  }
  return out;
}

async function check(name, url, width, expectStatus) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const res = await page.goto(url, { waitUntil: 'load' });
  if (expectStatus && res.status() !== expectStatus) fail(`${name} @${width}: HTTP ${res.status()}, wanted ${expectStatus}`);
  if (!expectStatus && !res.ok()) fail(`${name} @${width}: HTTP ${res.status()}`);
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  for (const v of axe.violations) {
    fail(`${name} @${width}: axe ${v.id} (${v.impact}) on ${v.nodes.length} node(s): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  }
  const m = await page.evaluate(measure);
  if (width <= 400 && m.scrollWidth > m.innerWidth) fail(`${name} @${width}: page is ${m.scrollWidth} px wide`);
  const bad = m.chartText.filter((t) => t.px < 12 || t.px > Math.min(16.5, m.h2));
  if (bad.length) fail(`${name} @${width}: chart text out of 12–16 px: ${bad.slice(0, 4).map((t) => `${t.px}px "${t.text}"`).join(', ')}`);
  if (width <= 400 && m.narrow.length) fail(`${name} @${width}: cells narrower than 8 characters: ${m.narrow.slice(0, 4).join(', ')}`);
  const sizes = m.chartText.map((t) => t.px);
  console.log(`ok?  ${name} @${width}: ${axe.violations.length} axe violations, width ${m.scrollWidth}/${m.innerWidth}` +
    (sizes.length ? `, chart text ${Math.min(...sizes)}–${Math.max(...sizes)} px` : ''));
  return page;
}

for (const width of [390, 1280]) {
  for (const [name, p] of pages) {
    const page = await check(name, base + p, width);
    if (shots && ['home', 'project (sheet)', `series ${list('series')[0]}`, 'departments list', 'projects list'].includes(name)) {
      fs.mkdirSync(shots, { recursive: true });
      const file = `${name.replace(/[^a-z]+/g, '-')}-${width}.png`;
      await page.screenshot({ path: path.join(shots, file), fullPage: true });
    }
    await page.close();
  }
  await (await check('404', base + missing, width, 404)).close();
}

// Print: every sheet on at most two A4 pages.
fs.mkdirSync(work, { recursive: true });
const printed = [];
for (const p of sheets) {
  const page = await browser.newPage();
  await page.goto(base + p, { waitUntil: 'load' });
  await page.emulateMedia({ media: 'print' });
  const pdf = path.join(work, path.basename(p, '.html') + '.pdf');
  await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
  await page.close();
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const n = Number((info.match(/^Pages:\s+(\d+)/m) || [])[1]);
  printed.push(n);
  if (!(n >= 1 && n <= 2)) fail(`print ${p}: ${n} A4 pages (at most 2)`);
}
console.log(`print: ${sheets.length} sheets, pages ${printed.join(' ')}`);
await browser.close();

if (sheets.length === 0) fail(`no project page of series ${sheetSeries} found to print`);
if (failures.length) {
  console.log(`\n${failures.length} failure(s)`);
  process.exit(1);
}
console.log('\nall browser checks passed');
