// The playground: a CodeMirror editor on the left, archspec's table, diagram, explain and quiz on
// the right. archspec itself runs in Pyodide (archspec/views/web.py); Graphviz in WebAssembly draws.
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { archLanguage } from "./arch-lang.js";
import { translate } from "./i18n.js";
import { decodeState, encodeState } from "./share.js";

const $ = (id) => document.getElementById(id);
const base = new URL(".", location.href);
const STORAGE_KEY = "archspec-playground";
const DEFAULT_EXAMPLE = "lenet5.arch";
const DEBOUNCE_MS = 120;
const HEADER = {
  en: { Layer: "Layer", Kind: "Kind", Output: "Output", Params: "Params", Trainable: "Trainable", MACs: "MACs" },
  ko: { Layer: "층", Kind: "종류", Output: "출력", Params: "파라미터 수", Trainable: "학습 파라미터", MACs: "MACs" },
};
const QUIZ_FIELDS = { Output: "output", Params: "params", MACs: "macs" };

const state = { spec: "", example: DEFAULT_EXAMPLE, tab: "table", expanded: false, lang: "en", quiz: false };
let specs = {};
let call = null; // archspec.views.web.call, once Python is up
let view = null;
let result = null; // the last analysis
let selected = null; // the path whose explanation is shown
const answers = new Map(); // "path|field" -> answer typed in quiz mode
const timings = (window.__archspecTimings = []);
let viz = null;

const t = (key, ...args) => translate(state.lang, key, ...args);

function setStatus(text, error = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", error);
}

function fatal(err) {
  const box = $("fatal");
  box.hidden = false;
  box.textContent = t("fatal", String((err && err.message) || err));
  setStatus("✗", true);
  document.body.dataset.state = "failed";
}

// ------------------------------------------------------------------ Python

const loadTimes = (window.__archspecLoad = {});
const mark = (name) => (loadTimes[name] = Math.round(performance.now()));

// Started at once, while the page sets itself up: the runtime is most of the wait.
async function loadRuntime() {
  mark("start");
  const { loadPyodide } = await import(new URL("pyodide/pyodide.mjs", base).href);
  const pyodide = await loadPyodide({ indexURL: new URL("pyodide/", base).href });
  mark("pyodide");
  return pyodide;
}

async function startPython(runtime) {
  setStatus(t("loading"));
  const pyodide = await runtime;
  setStatus(t("installing"));
  const wheels = await (await fetch(new URL("wheels/wheels.json", base))).json();
  // The wheels are pure Python and pinned with their dependencies (wheels.txt): each is a zip
  // archive, unpacked straight into site-packages (micropip's resolver and its own wheel cost more
  // than the installing).
  const archives = await Promise.all(
    wheels.install.map(async (w) => (await fetch(new URL(`wheels/${w}`, base))).arrayBuffer()),
  );
  mark("fetched");
  const sitePackages = pyodide.runPython("import sysconfig\nsysconfig.get_paths()['purelib']");
  for (const archive of archives) pyodide.unpackArchive(archive, "zip", { extractDir: sitePackages });
  pyodide.runPython("import importlib\nimportlib.invalidate_caches()");
  mark("wheels");
  pyodide.FS.mkdirTree("/specs");
  for (const [name, text] of Object.entries(specs)) pyodide.FS.writeFile(`/specs/${name}`, text);
  // The zoo's folder is the working directory: a spec is `lenet5.arch`, as when checked beside it.
  const fn = pyodide.runPython("import os\nos.chdir('/specs')\nfrom archspec.views.web import call\ncall");
  mark("import");
  return (name, args) => JSON.parse(fn(name, JSON.stringify(args)));
}

// The file the editor's text stands for: beside the zoo's, so that `import "blocks.arch"` resolves.
const specFile = () => (state.example && specs[state.example] !== undefined ? state.example : "spec.arch");

// ------------------------------------------------------------------ analysis

function analyse() {
  if (!call) return;
  const text = view.state.doc.toString();
  const t0 = performance.now();
  result = call("analyse", { text, file: specFile(), lang: state.lang });
  const t1 = performance.now();
  showDiagnostics(result);
  showTable(result);
  const t2 = performance.now();
  lastMs = Math.round(t2 - t0);
  showStatus();
  timings.push({ python: t1 - t0, render: t2 - t1, total: t2 - t0, rows: result.rows.length, at: t2 });
  document.body.dataset.state = "ready";
  document.body.dataset.updates = String(timings.length);
  if (state.tab === "diagram") setTimeout(drawDiagram, 0);
  if (selected) showExplain(selected);
}

let lastMs = 0;
function showStatus() {
  if (!result) return;
  const errors = result.check.diagnostics.filter((d) => d.severity === "error").length;
  const what = errors ? (errors === 1 ? t("error1") : t("errors", errors)) : t("checks");
  setStatus(`${what} · ${t("analysed", lastMs)}`, errors > 0);
}

function showDiagnostics(res) {
  const file = specFile();
  const doc = view.state.doc;
  const marks = [];
  const list = $("diagnostics");
  list.replaceChildren();
  for (const d of res.check.diagnostics) {
    const li = document.createElement("li");
    li.className = d.severity;
    li.dataset.code = d.code;
    if (d.line) li.dataset.line = d.line;
    const pre = document.createElement("pre");
    pre.textContent = d.rendered;
    li.append(pre);
    list.append(li);
    if (d.file !== file || !d.line || d.line > doc.lines) continue;
    const line = doc.line(d.line);
    const from = Math.min(line.from + d.column - 1, line.to);
    let to = from;
    if (d.end_line && d.end_line <= doc.lines) {
      const end = doc.line(d.end_line);
      to = Math.min(end.from + Math.max(d.end_column - 1, 0), end.to);
    }
    if (to <= from) to = Math.min(from + 1, doc.length);
    const message = [`${d.severity}[${d.code}]: ${d.message}`, d.label, d.hint && `help: ${d.hint}`]
      .filter(Boolean)
      .join("\n");
    marks.push({ from, to: Math.max(to, from), severity: d.severity === "warning" ? "warning" : "error", message });
    li.addEventListener("click", () => {
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
      view.focus();
    });
  }
  view.dispatch(setDiagnostics(view.state, marks));
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function showTable(res) {
  const table = $("layers");
  if (!res.complete) {
    table.innerHTML = `<tbody><tr><td>${escapeHtml(t("noNetwork"))}</td></tr></tbody>`;
    $("totals").textContent = "";
    return;
  }
  const words = HEADER[state.lang] || HEADER.en;
  const head = res.header
    .map((h, i) => `<th class="${i >= 2 ? "num" : ""}" data-col="${h}">${escapeHtml(words[h] || h)}</th>`)
    .join("");
  const body = [];
  for (const row of res.rows) {
    const cells = row.cells.map((cell, i) => {
      const column = res.header[i];
      const field = QUIZ_FIELDS[column];
      if (state.quiz && field && row.quiz) {
        const key = `${row.path}|${field}`;
        const given = answers.get(key);
        const cls = given ? given.cls : "";
        const mark = given ? `<span class="mark">${escapeHtml(given.note)}</span>` : "";
        return `<td class="num"><input data-path="${escapeHtml(row.path)}" data-field="${field}" class="${cls}" value="${escapeHtml(given ? given.answer : "")}" aria-label="${escapeHtml(row.path)} ${field}">${mark}</td>`;
      }
      return `<td class="${i >= 2 ? "num" : ""}">${escapeHtml(cell)}</td>`;
    });
    const cls = [row.style, row.path === selected ? "selected" : ""].filter(Boolean).join(" ");
    body.push(`<tr class="${cls}" data-path="${escapeHtml(row.path)}">${cells.join("")}</tr>`);
  }
  table.innerHTML = `<thead><tr>${head}</tr></thead><tbody>${body.join("")}</tbody>`;
  $("totals").textContent = res.totals.join("\n");
}

// ------------------------------------------------------------------ explain and quiz

function showExplain(path) {
  selected = path;
  const text = view.state.doc.toString();
  const out = call("explain", { text, path, lang: state.lang, file: specFile() });
  $("explain-box").hidden = false;
  $("explain-title").textContent = t("explainOf", path);
  $("explain").textContent = out.ok ? out.text : out.error;
  for (const tr of $("layers").querySelectorAll("tr.selected")) tr.classList.remove("selected");
  const row = $("layers").querySelector(`tr[data-path="${CSS.escape(path)}"]`);
  if (row) row.classList.add("selected");
}

function gradeCell(input) {
  const { path, field } = input.dataset;
  const key = `${path}|${field}`;
  const answer = input.value.trim();
  if (!answer) {
    answers.delete(key);
    input.className = "";
    input.nextElementSibling?.remove();
    return;
  }
  const mark = call("grade", { text: view.state.doc.toString(), path, field, answer, lang: state.lang, file: specFile() });
  let cls, note;
  if (mark.ok) {
    cls = mark.result === "right" ? "right" : "wrong";
    note = mark.result === "right" ? mark.status : `${mark.status}: ${mark.correct}`;
    if (mark.note) note += ` (${mark.note})`;
    input.title = mark.formula.join("\n"); // how the right value comes about, as `archspec quiz` shows it
  } else {
    cls = "bad";
    note = mark.hint || mark.message;
    input.title = mark.message;
  }
  answers.set(key, { answer, cls, note });
  input.className = cls;
  input.dataset.result = mark.result || "bad";
  let span = input.nextElementSibling;
  if (!span) {
    span = document.createElement("span");
    span.className = "mark";
    input.after(span);
  }
  span.textContent = note;
}

function regradeAll() {
  for (const input of $("layers").querySelectorAll("input[data-field]")) if (input.value.trim()) gradeCell(input);
}

// ------------------------------------------------------------------ diagram

async function drawDiagram() {
  if (!call || state.tab !== "diagram") return;
  const box = $("diagram");
  const out = call("diagram", { text: view.state.doc.toString(), file: specFile(), expanded: state.expanded });
  if (!out.ok) {
    box.textContent = t("noNetwork");
    return;
  }
  if (!viz) {
    box.textContent = t("drawing");
    const { instance } = await import("@viz-js/viz");
    viz = await instance();
  }
  try {
    const svg = viz.renderSVGElement(out.dot);
    box.replaceChildren(svg);
    box.dataset.expanded = String(state.expanded);
  } catch (err) {
    box.textContent = String(err.message || err);
  }
}

// ------------------------------------------------------------------ the view, the hash, storage

function applyLanguage() {
  document.documentElement.lang = state.lang;
  $("lang").value = state.lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  fillExamples();
}

function applyView() {
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.tab === state.tab);
  $("table-view").hidden = state.tab !== "table";
  $("diagram-view").hidden = state.tab !== "diagram";
  $("quiz-toggle").hidden = state.tab !== "table";
  $("expand-toggle").hidden = state.tab !== "diagram";
  $("quiz").checked = state.quiz;
  $("expanded").checked = state.expanded;
  $("quiz-help").hidden = !state.quiz;
}

function fillExamples() {
  const select = $("example");
  const options = [`<option value="">${escapeHtml(t("custom"))}</option>`];
  for (const name of Object.keys(specs)) {
    if (name !== "blocks.arch") options.push(`<option value="${escapeHtml(name)}">${escapeHtml(name)}</option>`);
  }
  select.innerHTML = options.join("");
  select.value = state.example && specs[state.example] !== undefined ? state.example : "";
}

let saveTimer = null;
function saveSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(save, 250);
}

async function save() {
  state.spec = view.state.doc.toString();
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ spec: state.spec, example: state.example }));
  } catch {
    // storage full or disabled: the hash still keeps the spec
  }
  const hash = await encodeState(shareable());
  history.replaceState(null, "", `#${hash}`);
  lastHash = location.hash;
}

const shareable = () => ({
  v: 1,
  spec: state.spec,
  example: state.example,
  tab: state.tab,
  expanded: state.expanded,
  lang: state.lang,
  quiz: state.quiz,
});

let lastHash = "";
function adopt(saved) {
  if (!saved) return false;
  if (typeof saved.spec === "string") state.spec = saved.spec;
  if (typeof saved.example === "string") state.example = saved.example;
  if (saved.tab === "table" || saved.tab === "diagram") state.tab = saved.tab;
  if (typeof saved.expanded === "boolean") state.expanded = saved.expanded;
  if (saved.lang === "en" || saved.lang === "ko") state.lang = saved.lang;
  if (typeof saved.quiz === "boolean") state.quiz = saved.quiz;
  return typeof saved.spec === "string";
}

function setText(text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

let timer = null;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(analyse, DEBOUNCE_MS);
}

async function main() {
  window.__archspecStarted = true;
  // Pyodide's loader can fail inside a promise that nobody awaits (a WebAssembly file that does not
  // arrive): while it loads, any such failure is the runtime's.
  const onFailure = (event) => {
    if (!call) fatal(event.reason || event.error || event.message);
  };
  window.addEventListener("unhandledrejection", onFailure);
  window.addEventListener("error", onFailure);
  const runtime = loadRuntime();
  runtime.catch(() => {}); // reported when awaited below
  try {
    specs = await (await fetch(new URL("specs.json", base))).json();
  } catch (err) {
    specs = {};
  }
  let fromLink = adopt(await decodeState(location.hash));
  lastHash = location.hash;
  if (!fromLink) {
    try {
      fromLink = adopt(JSON.parse(localStorage.getItem(STORAGE_KEY) || "null"));
    } catch {
      fromLink = false;
    }
  }
  if (!fromLink) state.spec = specs[DEFAULT_EXAMPLE] ?? "network Net\ninput 1x28x28\nflatten\ndense 10\n";
  if (!navigator.language?.startsWith("ko") || location.hash) applyLanguage();
  else {
    state.lang = "ko";
    applyLanguage();
  }
  applyView();

  view = new EditorView({
    parent: $("editor"),
    state: EditorState.create({
      doc: state.spec,
      extensions: [
        basicSetup,
        archLanguage,
        lintGutter(),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          if (state.example && update.state.doc.toString() !== specs[state.example]) {
            state.example = ""; // edited: the menu says so (imports still resolve beside the zoo)
            $("example").value = "";
          }
          schedule();
          saveSoon();
        }),
      ],
    }),
  });
  window.__archspecView = view;

  $("example").addEventListener("change", (e) => {
    const name = e.target.value;
    state.example = name;
    if (name && specs[name] !== undefined) {
      selected = null;
      $("explain-box").hidden = true;
      answers.clear();
      setText(specs[name]);
      state.example = name; // setText's edit reset it
      $("example").value = name;
    }
    saveSoon();
  });
  $("lang").addEventListener("change", (e) => {
    state.lang = e.target.value;
    applyLanguage();
    if (call) analyse();  // diagnostics and totals in the new language
    else showStatus();
    if (selected && call) showExplain(selected);
    if (call) regradeAll();
    saveSoon();
  });
  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", () => {
      state.tab = tab.dataset.tab;
      applyView();
      if (state.tab === "diagram") drawDiagram();
      saveSoon();
    });
  }
  $("quiz").addEventListener("change", (e) => {
    state.quiz = e.target.checked;
    applyView();
    if (result) showTable(result);
    saveSoon();
  });
  $("expanded").addEventListener("change", (e) => {
    state.expanded = e.target.checked;
    drawDiagram();
    saveSoon();
  });
  $("layers").addEventListener("click", (e) => {
    if (e.target.closest("input")) return;
    const tr = e.target.closest("tbody tr[data-path]");
    if (tr && call) showExplain(tr.dataset.path);
  });
  $("layers").addEventListener("change", (e) => {
    if (e.target.matches("input[data-field]") && call) gradeCell(e.target);
  });
  $("layers").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.matches("input[data-field]") && call) gradeCell(e.target);
  });
  $("share").addEventListener("click", async () => {
    await save();
    try {
      await navigator.clipboard.writeText(location.href);
    } catch {
      // no clipboard permission: the address bar holds the same link
    }
    setStatus(t("copied"));
  });
  window.addEventListener("hashchange", async () => {
    if (location.hash === lastHash) return;
    lastHash = location.hash;
    if (adopt(await decodeState(location.hash))) {
      applyLanguage();
      applyView();
      setText(state.spec);
    }
  });

  try {
    call = await startPython(runtime);
  } catch (err) {
    console.error(err);
    fatal(err);
    return;
  }
  window.removeEventListener("unhandledrejection", onFailure);
  window.removeEventListener("error", onFailure);
  window.__archspecCall = call;
  window.__archspecReady = performance.now();
  analyse();
  if (state.tab === "diagram") drawDiagram();
}

main().catch(fatal);
