// What the end-to-end tests and the benchmark share: serving dist with `archspec playground`,
// starting Debian's Chromium headless through playwright-core, and reading archspec's CLI answers.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
export const python = process.env.PYTHON || "python3";
export const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const pyEnv = { ...process.env, PYTHONPATH: [root, process.env.PYTHONPATH].filter(Boolean).join(":") };

/** `archspec playground --no-browser --port 0`: resolves to { url, stop }. */
export function serve() {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ["-m", "archspec", "playground", "--no-browser", "--port", "0"], {
      cwd: root,
      env: pyEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve({ url: m[0], stop: () => child.kill("SIGINT") });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("exit", (code) => reject(new Error(`archspec playground exited ${code}: ${err.trim()}`)));
  });
}

/** Headless Chromium with a fresh profile: { context, close }. */
export async function launch() {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}`);
  const profile = mkdtempSync(join(tmpdir(), "archspec-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    locale: "en-US",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      // and --user-data-dir=PROFILE: playwright passes it from the first argument (it refuses it here)
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** `archspec check --json FILE`, parsed (its exit status is 1 for a spec with errors). */
export function checkJson(file) {
  try {
    return JSON.parse(execFileSync(python, ["-m", "archspec", "check", "--json", file], { cwd: root, env: pyEnv }));
  } catch (err) {
    if (err.stdout && err.stdout.length) return JSON.parse(err.stdout);
    throw err;
  }
}

/** The page's table, read from the DOM: path and cells of every row, and the totals' lines. */
export async function readTable(page) {
  return page.evaluate(() => {
    const header = [...document.querySelectorAll("#layers thead th")].map((th) => th.dataset.col);
    const rows = [...document.querySelectorAll("#layers tbody tr[data-path]")].map((tr) => ({
      path: tr.dataset.path,
      cells: [...tr.children].map((td) => td.textContent),
    }));
    return { header, rows, totals: document.getElementById("totals").textContent.split("\n") };
  });
}

/** Waits until the page has analysed the editor's text `count` times (body[data-updates]). */
export async function waitForUpdates(page, count, timeout = 30000) {
  await page.waitForFunction((n) => Number(document.body.dataset.updates || 0) >= n, count, { timeout });
}

export const updates = (page) => page.evaluate(() => Number(document.body.dataset.updates || 0));

/** Replaces the editor's whole text as one edit (as a paste does). */
export async function setEditor(page, text) {
  const before = await updates(page);
  await page.evaluate((t) => {
    const view = window.__archspecView;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t } });
  }, text);
  await waitForUpdates(page, before + 1);
}
