// How live the playground feels, in headless Chromium (Debian's, through playwright-core):
// the time from opening the page to its first table, with where it goes, and from a keystroke to
// the updated table for ResNet-50 and GoogLeNet.
// Run from playground/ after `npm ci && npm run build`: `npm run bench` (PYTHON: the Python with archspec).
// Prints a summary and writes it as JSON to bench/results/playground.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch, root, serve, updates, waitForUpdates } from "../playground/e2e/lib.mjs";

const LOADS = Number(process.env.LOADS || 3);
const KEYS = Number(process.env.KEYS || 15);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 10) / 10;

const server = await serve();
const browser = await launch();
const summary = { loads: [], keystrokes: {} };
try {
  for (let i = 0; i < LOADS; i++) {
    // A new page each time; the first load of the run also fills the browser's cache.
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForSelector("body[data-state=ready]", { timeout: 120000 });
    const load = await page.evaluate(() => ({
      ...window.__archspecLoad,
      table: Math.round(window.__archspecTimings[0].at),
      domContentLoaded: Math.round(performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd),
    }));
    summary.loads.push(load);
    console.log(
      `load ${i + 1}: first table at ${load.table} ms (page ${load.domContentLoaded}, Pyodide ${load.pyodide - load.start}, ` +
        `fetching wheels ${load.fetched - load.pyodide}, unpacking ${load.wheels - load.fetched}, import ${load.import - load.wheels}, ` +
        `first analysis ${load.table - load.import})`,
    );
    await page.close();
  }

  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.waitForSelector("body[data-state=ready]", { timeout: 120000 });
  for (const example of ["resnet50.arch", "googlenet.arch"]) {
    let before = await updates(page);
    await page.selectOption("#example", example);
    await waitForUpdates(page, before + 1);
    // Type at the end of the first line (a comment): each keystroke changes the text, so each is analysed anew.
    await page.evaluate(() => {
      const view = window.__archspecView;
      view.dispatch({ selection: { anchor: view.state.doc.line(1).to } });
      view.focus();
    });
    const samples = [];
    for (let k = 0; k < KEYS; k++) {
      before = await updates(page);
      const pressed = await page.evaluate(() => performance.now());
      await page.keyboard.type("x");
      await waitForUpdates(page, before + 1);
      const last = await page.evaluate(() => window.__archspecTimings.at(-1));
      samples.push({ ...last, sinceKey: last.at - pressed });
    }
    const rows = samples[0].rows;
    const s = {
      rows,
      python: round(median(samples.map((x) => x.python))),
      render: round(median(samples.map((x) => x.render))),
      total: round(median(samples.map((x) => x.total))),
      sinceKey: round(median(samples.map((x) => x.sinceKey))),
      max: round(Math.max(...samples.map((x) => x.total))),
    };
    summary.keystrokes[example] = s;
    console.log(
      `${example}: ${rows} rows; keystroke -> table (median of ${KEYS}): analysis ${s.python} ms + table ${s.render} ms = ` +
        `${s.total} ms (max ${s.max}); with the ${Math.round(s.sinceKey - s.total)} ms typing pause: ${s.sinceKey} ms`,
    );
  }
} finally {
  await browser.close();
  server.stop();
}
mkdirSync(join(root, "bench", "results"), { recursive: true });
writeFileSync(join(root, "bench", "results", "playground.json"), JSON.stringify(summary, null, 1));
