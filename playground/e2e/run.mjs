// End-to-end tests of the built playground in headless Chromium (Debian's, driven by playwright-core).
// `node e2e/run.mjs [OUT]`: screenshots and results.json go to OUT (default: a new temporary folder).
// Ends with `N passed, N failed` and exits 1 when any failed.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkJson, launch, readTable, root, serve, setEditor, updates, waitForUpdates } from "./lib.mjs";

const out = process.argv[2] || mkdtempSync(join(tmpdir(), "archspec-e2e-"));
mkdirSync(out, { recursive: true });
const results = [];
let server;
let browser;

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a.slice(0, 400)}, expected ${e.slice(0, 400)}`);
}

async function test(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, ok: false, ms: Date.now() - started, error: String(err.stack || err) });
    console.log(`FAIL ${name}\n     ${String(err.message || err).split("\n").join("\n     ")}`);
  }
}

const shot = (page, name) => page.screenshot({ path: join(out, `${name}.png`) });
const fmt = (n) => n.toLocaleString("en-US");
const shape = (s) => (s ? s.join("x") : "-");

/** The page's table against `archspec check --json` for the same spec: every row's path, output,
 *  params and MACs, and the totals. */
function compareWithCli(table, cli) {
  assert(cli.layers.length > 0, "the CLI gave no layers");
  assertEqual(
    table.rows.map((r) => r.path),
    cli.layers.map((l) => l.path),
    "row paths",
  );
  const col = (name) => table.header.indexOf(name);
  table.rows.forEach((row, i) => {
    const layer = cli.layers[i];
    assertEqual(row.cells[col("Output")], shape(layer.output), `${layer.path} output`);
    assertEqual(row.cells[col("Params")], fmt(layer.params), `${layer.path} params`);
    assertEqual(row.cells[col("MACs")], layer.macs ? fmt(layer.macs) : "-", `${layer.path} MACs`);
  });
  const totals = table.totals.join("\n");
  assert(totals.includes(`Total params: ${fmt(cli.params)}\n`), `totals lack params ${cli.params}: ${totals}`);
  assert(totals.includes(`MACs: ${fmt(cli.macs)} (`), `totals lack MACs ${cli.macs}`);
  assert(totals.includes(`Output shape: ${shape(cli.output)}`), "totals lack the output shape");
  assert(totals.includes(`Trainable params: ${fmt(cli.trainable_params)}`), "totals lack trainable params");
}

const TYPED = [
  "network Typed",
  "input 1x32x32",
  "c1: conv 6 5x5 tanh",
  "s2: avgpool 2x2 stride=2",
  "c3: conv 16 5x5 tanh",
  "s4: maxpool 2x2 stride=2",
  "flatten",
  "f5: dense 120 relu",
  "out: dense 10 softmax",
];

try {
  server = await serve();
  browser = await launch();
  const { context } = browser;
  const external = [];
  context.on("request", (req) => {
    const url = new URL(req.url());
    if (!["127.0.0.1", "localhost"].includes(url.hostname) && !["data:", "blob:"].includes(url.protocol)) {
      external.push(req.url());
    }
  });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("pageerror", (err) => consoleErrors.push(String(err)));

  await test("the page loads archspec and shows the default example's table", async () => {
    await page.goto(server.url);
    await page.waitForSelector("body[data-state=ready]", { timeout: 60000 });
    const table = await readTable(page);
    compareWithCli(table, checkJson("specs/lenet5.arch"));
    await shot(page, "01-loaded");
  });

  await test("a spec typed key by key gives the CLI's rows and totals", async () => {
    await page.click("#editor .cm-content");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    const before = await updates(page);
    for (const line of TYPED) {
      await page.keyboard.type(line, { delay: 2 });
      await page.keyboard.press("Enter");
    }
    await waitForUpdates(page, before + 1);
    await page.waitForFunction(() => document.querySelector('#layers tr[data-path="out_softmax"]'));
    await page.waitForTimeout(300); // the debounced last analysis
    const text = await page.evaluate(() => window.__archspecView.state.doc.toString());
    assertEqual(text.trim(), TYPED.join("\n"), "the editor's text");
    const file = join(out, "typed.arch");
    writeFileSync(file, text);
    compareWithCli(await readTable(page), checkJson(file));
    await shot(page, "02-typed");
  });

  await test("an example that imports blocks.arch (ResNet-50) gives the CLI's rows and totals", async () => {
    const before = await updates(page);
    await page.selectOption("#example", "resnet50.arch");
    await waitForUpdates(page, before + 1);
    compareWithCli(await readTable(page), checkJson("specs/resnet50.arch"));
  });

  await test("an error is underlined on its line, with the CLI's code and message", async () => {
    await setEditor(page, TYPED.join("\n").replace("s4: maxpool 2x2 stride=2", "s4: maxpool 64x64") + "\n");
    const file = join(out, "bad.arch");
    writeFileSync(file, await page.evaluate(() => window.__archspecView.state.doc.toString()));
    const cli = checkJson(file);
    const want = cli.diagnostics[0];
    assertEqual(want.code, "kernel-too-large", "the CLI's code");
    const item = await page.waitForSelector(`#diagnostics li[data-code="${want.code}"][data-line="${want.line}"]`);
    const shown = await item.textContent();
    assert(shown.includes(want.message), `the list shows ${shown}`);
    assert(shown.includes(`help: ${want.hint}`), "the list lacks the hint");
    await page.waitForSelector(".cm-lintRange-error");
    const lines = await page.evaluate(() =>
      [...document.querySelectorAll(".cm-line")]
        .map((line, i) => (line.querySelector(".cm-lintRange-error") ? i + 1 : 0))
        .filter(Boolean),
    );
    assertEqual(lines, [want.line], "underlined lines");
    const underlined = await page.textContent(".cm-lintRange-error");
    assertEqual(underlined, "64x64", "the underlined text");
    await page.hover(".cm-lintRange-error");
    await page.waitForSelector(".cm-tooltip-lint", { timeout: 5000 });
    const tip = await page.textContent(".cm-tooltip-lint");
    assert(tip.includes(`error[${want.code}]`), `the tooltip says ${tip}`);
    await shot(page, "03-error");
  });

  await test("the diagram is drawn, collapsed and expanded", async () => {
    const before = await updates(page);
    await page.selectOption("#example", "googlenet.arch");
    await waitForUpdates(page, before + 1);
    await page.click('.tab[data-tab="diagram"]');
    await page.waitForSelector('#diagram[data-expanded="false"] svg', { timeout: 30000 });
    const collapsed = await page.locator("#diagram svg g.node").count();
    await shot(page, "04-diagram");
    await page.check("#expanded");
    await page.waitForSelector('#diagram[data-expanded="true"] svg');
    const expanded = await page.locator("#diagram svg g.node").count();
    assert(expanded > collapsed && collapsed > 3, `nodes collapsed ${collapsed}, expanded ${expanded}`);
    await shot(page, "05-diagram-expanded");
  });

  let link;
  await test("a shared link opens the same spec and view in a new tab", async () => {
    await page.selectOption("#lang", "ko");
    await page.click("#share");
    await page.waitForFunction(() => location.hash.startsWith("#z="));
    await page.waitForTimeout(400);
    link = page.url();
    const spec = await page.evaluate(() => window.__archspecView.state.doc.toString());
    const other = await context.newPage();
    await other.goto(link);
    await other.waitForSelector("body[data-state=ready]", { timeout: 60000 });
    assertEqual(await other.evaluate(() => window.__archspecView.state.doc.toString()), spec, "the spec");
    await other.waitForSelector('#diagram[data-expanded="true"] svg', { timeout: 30000 });
    assertEqual(await other.getAttribute(".tab.active", "data-tab"), "diagram", "the tab");
    assertEqual(await other.inputValue("#lang"), "ko", "the language");
    assertEqual(await other.inputValue("#example"), "googlenet.arch", "the example");
    await shot(other, "06-shared-link");
    await other.close();
  });

  await test("in Korean, the interface and explain speak Korean", async () => {
    await page.click('.tab[data-tab="table"]');
    await page.selectOption("#example", "lenet5.arch");
    await page.waitForSelector('#layers tr[data-path="c1"]');
    assertEqual(await page.textContent('#layers th[data-col="Layer"]'), "층", "the header");
    assertEqual(await page.textContent('.tab[data-tab="table"]'), "표", "the tab");
    const totals = await page.textContent("#totals");
    assert(totals.includes("총 파라미터 수: 6만 1706"), `the totals say ${totals.slice(0, 120)}`);
    await page.click('#layers tr[data-path="c1"]');
    await page.waitForSelector("#explain-box:not([hidden])");
    const text = await page.textContent("#explain");
    assert(text.includes("합성곱층") && text.includes("출력 크기"), `explain says ${text.slice(0, 200)}`);
    assert(text.includes("floor((32 + 2*0 - 5) / 1) + 1 = 28"), "explain lacks the output-size formula");
    await shot(page, "07-korean-explain");
  });

  await test("quiz mode grades a cell as archspec quiz does", async () => {
    await page.selectOption("#lang", "en");
    await page.check("#quiz");
    const params = page.locator('#layers input[data-path="c1"][data-field="params"]');
    await params.fill("156");
    await params.press("Enter");
    await page.waitForSelector('#layers input[data-path="c1"][data-field="params"].right');
    const output = page.locator('#layers input[data-path="c3"][data-field="output"]');
    await output.fill("16x12x12");
    await output.press("Enter");
    await page.waitForSelector('#layers input[data-path="c3"][data-field="output"].wrong');
    const note = await page.textContent('#layers tr[data-path="c3"] .mark');
    assert(note.includes("16x10x10"), `the mark says ${note}`);
    const formula = await output.getAttribute("title");
    assert(formula.includes("H = floor((H_in + 2*P - K) / S) + 1"), `the formula: ${formula}`);
    const macs = page.locator('#layers input[data-path="c1"][data-field="macs"]');
    await macs.fill("117.6K");
    await macs.press("Enter");
    await page.waitForSelector('#layers input[data-path="c1"][data-field="macs"].right');
    const bad = page.locator('#layers input[data-path="s2"][data-field="output"]');
    await bad.fill("lots");
    await bad.press("Enter");
    await page.waitForSelector('#layers input[data-path="s2"][data-field="output"].bad');
    await shot(page, "08-quiz");
  });

  await test("the last spec comes back from localStorage on a page opened without a link", async () => {
    await page.uncheck("#quiz");
    await setEditor(page, "network Kept\ninput 3x8x8\nc: conv 4 3x3\n");
    await page.waitForTimeout(600); // saved after 250 ms
    const other = await context.newPage();
    await other.goto(server.url);
    await other.waitForSelector("body[data-state=ready]", { timeout: 60000 });
    assert((await other.evaluate(() => window.__archspecView.state.doc.toString())).includes("network Kept"), "kept");
    await other.close();
  });

  await test("a runtime that fails to load gives a clear message, not a blank page", async () => {
    const other = await context.newPage();
    await other.route("**/pyodide.asm.wasm", (route) => route.abort());
    await other.goto(server.url);
    await other.waitForSelector("#fatal:not([hidden])", { timeout: 60000 });
    const message = await other.textContent("#fatal");
    assert(message.includes("could not start its Python runtime"), `the message: ${message}`);
    assert(await other.isVisible("#editor .cm-content"), "the editor is gone");
    await shot(other, "09-runtime-failed");
    await other.close();
  });

  await test("nothing was fetched from another host, and no page error", async () => {
    assertEqual(external, [], "requests to other hosts");
    assertEqual(consoleErrors, [], "page errors");
  });
} catch (err) {
  results.push({ name: "setup", ok: false, error: String(err.stack || err) });
  console.log(`FAIL setup\n     ${err.stack || err}`);
} finally {
  if (browser) await browser.close();
  if (server) server.stop();
}

writeFileSync(join(out, "results.json"), JSON.stringify(results, null, 1));
const failed = results.filter((r) => !r.ok).length;
console.log(`screenshots and results in ${out}`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
