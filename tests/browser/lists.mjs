// Real-browser test of projects.html and a list page: filters, sorting,
// URL state and the back button, axe-core at 390 px and 1280 px, and the
// page without JavaScript. Run by tests/browser/run-lists.sh, which serves
// the built site under a subpath and passes:
//   BASE         http://127.0.0.1:PORT/hyoka/  (the site's root)
//   MODULES      folder holding node_modules with playwright-core, axe-core
//   SHOTS        folder for the screenshots
//   LIST_PAGE    a list page, relative to BASE
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(path.join(process.env.MODULES, "node_modules", "x.js"));
const { chromium } = require("playwright-core");
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const BASE = process.env.BASE;
const SHOTS = process.env.SHOTS;
const LIST_PAGE = process.env.LIST_PAGE;
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures += 1;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function newPage(width, js = true) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: js });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => check(false, `no script error (${e.message})`));
  // Nothing may leave the local server.
  await page.route("**/*", (route) =>
    route.request().url().startsWith(BASE) ? route.continue() : route.abort());
  return page;
}

const visible = (page) => page.$$eval("table[data-list] tbody tr",
  (rs) => rs.filter((r) => !r.hidden).length);
const query = (page) => new URL(page.url()).search;

try {
  const page = await newPage(1280);
  await page.goto(BASE + "projects.html");
  const total = await page.$$eval("table[data-list] tbody tr", (rs) => rs.length);
  check(total > 0 && (await visible(page)) === total, `all ${total} rows shown at first`);
  check(await page.isVisible("form.filter-form"), "the script adds the filter form");
  check(!(await page.isVisible("nav[data-filters] section")), "the link lists give way to the form");

  // Filter by series: the count matches the rows that carry that series.
  const series = await page.$$eval("#filter-series option", (os) => os.map((o) => o.value).filter(Boolean));
  check(series.length >= 1, `series options: ${series.join(", ")}`);
  await page.selectOption("#filter-series", series[series.length - 1]);
  const inSeries = await page.$$eval("table[data-list] tbody tr",
    (rs, s) => rs.filter((r) => r.dataset.series === s).length, series[series.length - 1]);
  check((await visible(page)) === inSeries && inSeries < total, `series filter shows ${inSeries} rows`);
  check(query(page) === `?series=${series[series.length - 1]}`, `URL holds the series (${query(page)})`);

  // Then a rating: the count agrees with its static list page.
  const rating = await page.$$eval("#filter-rating option",
    (os, s) => os.map((o) => o.value).filter((v) => v.startsWith(s + "/")), series[series.length - 1]);
  const pick = rating[rating.length - 1];
  await page.selectOption("#filter-rating", pick);
  const shown = await visible(page);
  const [sid, per, lvl] = pick.split("/");
  const staticPage = await browser.newPage();
  await staticPage.goto(`${BASE}lists/rating/${sid}/${per}/${lvl}.html`);
  const staticRows = await staticPage.$$eval("table[data-list] tbody tr", (rs) => rs.length);
  await staticPage.close();
  check(shown === staticRows && shown > 0, `rating ${pick}: ${shown} rows, its page lists ${staticRows}`);
  check(query(page).includes(`rating=${encodeURIComponent(pick)}`), `URL holds the rating (${query(page)})`);
  check((await page.textContent("form.filter-form [role=status]")).includes(`${shown}件を表示`), "status says how many rows");

  // Clear the filters, then sort by 決算額 (column 4): ascending, then descending.
  await page.click("form.filter-form button");
  check((await visible(page)) === total, "clearing shows every row again");
  const th = "table[data-list] thead th:nth-child(5)";
  await page.click(`${th} button`);
  const keys = () => page.$$eval("table[data-list] tbody tr", (rs) =>
    rs.map((r) => r.cells[4].dataset.key).filter((k) => k !== "").map(Number));
  const asc = await keys();
  check(asc.length > 1 && asc.every((k, i) => i === 0 || asc[i - 1] <= k), "sorted by 決算額, ascending");
  check((await page.getAttribute(th, "aria-sort")) === "ascending", "aria-sort ascending");
  await page.click(`${th} button`);
  const desc = await keys();
  check(desc.every((k, i) => i === 0 || desc[i - 1] >= k), "sorted by 決算額, descending");
  check(query(page) === "?sort=4&order=desc", `URL holds the sort (${query(page)})`);
  const lastKey = await page.$eval("table[data-list] tbody tr:last-child td:nth-child(5)", (c) => c.dataset.key);
  check(lastKey === "" || asc.length === total, "rows without a 決算額 stay last");

  // Back: descending → ascending → unsorted → rating filter → series filter.
  await page.goBack();
  check(query(page) === "?sort=4&order=asc" && (await page.getAttribute(th, "aria-sort")) === "ascending",
    `back: ascending again (${query(page)})`);
  await page.goBack();
  check(query(page) === "" && (await page.getAttribute(th, "aria-sort")) === null, "back: unsorted");
  await page.goBack();
  check((await page.inputValue("#filter-rating")) === pick && (await visible(page)) === shown,
    `back: rating filter restored (${query(page)})`);
  await page.goBack();
  check((await page.inputValue("#filter-rating")) === "" && (await visible(page)) === inSeries,
    "back: only the series filter");
  await page.goForward();
  check((await visible(page)) === shown, "forward: the rating filter again");

  // A shared URL opens in the same state.
  const shared = await newPage(1280);
  await shared.goto(`${BASE}projects.html?series=${series[0]}&sort=0&order=asc`);
  const names = await shared.$$eval("table[data-list] tbody tr:not([hidden]) th", (hs) => hs.map((h) => h.textContent.trim()));
  const sortedNames = [...names].sort(new Intl.Collator("ja").compare);
  check(names.length > 0 && JSON.stringify(names) === JSON.stringify(sortedNames), `shared URL: ${names.length} rows by name`);
  check((await shared.inputValue("#filter-series")) === series[0], "shared URL: series selected");
  // Unknown values in the URL are ignored, never shown.
  await shared.goto(`${BASE}projects.html?series=%3Cimg%20src%3Dx%3E&sort=99`);
  check((await visible(shared)) === total && (await shared.inputValue("#filter-series")) === "", "unknown URL values are ignored");

  // Without JavaScript: the full table and the filter links.
  const nojs = await newPage(1280, false);
  await nojs.goto(BASE + "projects.html");
  check((await nojs.$$("form.filter-form")).length === 0, "no JS: no form");
  check((await visible(nojs)) === total, "no JS: every row");
  const links = await nojs.$$eval("nav[data-filters] a[data-value]", (as) => as.length);
  check(links > 0 && (await nojs.isVisible("nav[data-filters] section")), `no JS: ${links} filter links`);

  // axe-core and screenshots at both widths, on projects.html and a list page.
  for (const width of [390, 1280]) {
    for (const [name, url] of [["projects", "projects.html"], ["list", LIST_PAGE]]) {
      const p = await newPage(width);
      await p.goto(BASE + url);
      await p.addScriptTag({ content: axeSource });
      const res = await p.evaluate(() => window.axe.run(document,
        { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
      for (const v of res.violations) {
        console.log(`  axe ${v.id}: ${v.help} (${v.nodes.length})`);
        for (const n of v.nodes.slice(0, 3)) console.log(`    ${n.target.join(" ")}`);
      }
      check(res.violations.length === 0, `axe: 0 violations on ${url} at ${width}px`);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(overflow <= 0, `${url} at ${width}px: the page itself does not scroll sideways (${overflow})`);
      await p.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`) });
      await p.evaluate(() => document.querySelector("table[data-list]").scrollIntoView());
      await p.screenshot({ path: path.join(SHOTS, `${name}-${width}-table.png`) });
      await p.context().close();
    }
  }
} catch (e) {
  check(false, `no exception (${e && e.stack})`);
} finally {
  await browser.close();
}
console.log(failures ? `${failures} failure(s)` : "browser test: all passed");
process.exit(failures ? 1 : 0);
