// Opens a report.html in headless Chromium (Debian's, through puppeteer-core; nothing is
// downloaded) with every network request refused, and prints what a reader would see as JSON:
// console errors, per figure the marks drawn against the points it has, the tooltip shown on
// hovering a mark, the marks left after hiding one series, a table sorted by a numeric column, the
// time until every figure was drawn. Waits are generous bounds (a slow machine only waits longer);
// what is checked is what the page shows, never how fast.
// Usage: node check_report.mjs REPORT.html SCREENSHOT.png [CHROMIUM]
import puppeteer from 'puppeteer-core';
import { pathToFileURL } from 'node:url';

const [page_path, screenshot, chromium = '/usr/bin/chromium'] = process.argv.slice(2);
if (!page_path || !screenshot) {
  console.error('usage: node check_report.mjs REPORT.html SCREENSHOT.png [CHROMIUM]');
  process.exit(2);
}
const url = pathToFileURL(page_path).href;
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
const result = { console_errors: [], remote_requests: [], figures: [] };
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  page.setDefaultTimeout(120000);
  page.setDefaultNavigationTimeout(120000);
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') result.console_errors.push(m.text()); });
  page.on('pageerror', (e) => result.console_errors.push(String(e)));
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    if (r.url().startsWith('file:')) return r.continue();
    result.remote_requests.push(r.url());
    return r.abort();
  });
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-figures-drawn], body[data-figures-error]', { timeout: 120000 });
  result.open_ms = Date.now() - started;
  result.draw_ms = Number(await page.$eval('body', (b) => b.getAttribute('data-draw-ms')));
  result.figures_error = await page.$eval('body', (b) => b.getAttribute('data-figures-error'));

  const names = await page.$$eval('figure[data-figure]', (fs) => fs.map((f) => f.getAttribute('data-figure')));
  for (const name of names) {
    const figure = { name };
    const sel = `figure[data-figure="${name}"]`;
    Object.assign(figure, await page.$eval(sel, (f) => ({
      points: Number(f.getAttribute('data-points')),
      series: JSON.parse(f.getAttribute('data-series')),
      marks: f.querySelectorAll('.chart svg g.points_marks > path').length,
    })));
    // Hover the first mark: the tooltip shows its values.
    const mark = await page.$(`${sel} .chart svg g.points_marks > path`);
    if (mark) {
      await mark.scrollIntoView();
      await mark.hover();
      await page.waitForFunction(() => document.getElementById('tooltip').style.display === 'block', { timeout: 30000 })
        .catch(() => {});
      figure.tooltip = await page.$eval('#tooltip', (t) => (t.style.display === 'block' ? t.textContent : ''));
      await page.mouse.move(0, 0);
    }
    // Hide the first series: its marks go, the others stay.
    const boxes = await page.$$(`${sel} .toggles input`);
    if (boxes.length > 1) {
      figure.toggled = await boxes[0].evaluate((b) => b.value);
      await boxes[0].click();
      await page.waitForFunction((s, want) => document.querySelectorAll(`${s} .chart svg g.points_marks > path`).length === want,
        { timeout: 30000 }, sel, figure.points - figure.series[figure.toggled]).catch(() => {});
      figure.marks_after_toggle = await page.$$eval(`${sel} .chart svg g.points_marks > path`, (p) => p.length);
      await boxes[0].click();
    }
    result.figures.push(figure);
  }
  // Clicking a numeric column's header sorts the rows by it, ascending, then descending.
  result.sortable_tables = await page.$$eval('table.sortable', (t) => t.length);
  const tables = await page.$$('table.sortable');
  for (const [index, t] of tables.entries()) {
    const rows = await t.$$eval('tbody tr', (r) => r.length);
    const th = await t.$('th:nth-child(2)');
    const values = await t.$$eval('tbody tr td:nth-child(2)', (cells) => cells.map((c) => parseFloat(c.textContent)));
    if (rows < 2 || !th || values.some(Number.isNaN) || new Set(values).size < 2) continue;
    await th.click();
    const up = await t.$$eval('tbody tr td:nth-child(2)', (cells) => cells.map((c) => parseFloat(c.textContent)));
    await th.click();
    const down = await t.$$eval('tbody tr td:nth-child(2)', (cells) => cells.map((c) => parseFloat(c.textContent)));
    const sorted = [...values].sort((a, b) => a - b);
    result.sorting = {
      table: index,
      column: await th.evaluate((h) => h.textContent),
      ascending: JSON.stringify(up) === JSON.stringify(sorted),
      descending: JSON.stringify(down) === JSON.stringify([...sorted].reverse()),
    };
    break;
  }
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result, null, 1));
