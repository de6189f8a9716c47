// Tokenise every spec in specs/ (and the files named on the command line) with the extension's
// TextMate grammar, as VS Code does (vscode-textmate on the oniguruma engine), and fail where:
// - a character is left unmatched (only the file's root scope) or matched as invalid.illegal;
// - a keyword of the language is not scoped as one where it stands at a line's start
//   (`network`, `input`, `block`, `import`, `expect`, `let`, `init`, `freeze`, `defaults`, `if`);
// - a layer kind written as a layer (after a label, at a line's start or after a comma) is not
//   scoped as a layer kind, or a label as a label.
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const GRAMMAR = path.resolve(__dirname, "..", "syntaxes", "arch.tmLanguage.json");
const KEYWORDS = ["network", "input", "block", "import", "expect", "let", "init", "freeze", "unfreeze", "defaults", "if", "elif"];

async function grammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.arch" ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR) : null,
  });
  return registry.loadGrammar("source.arch");
}

function layerKinds() {
  const raw = JSON.parse(fs.readFileSync(GRAMMAR, "utf8"));
  const rule = raw.repository.expression.patterns.find((p) => p.name === "support.function.layer.arch");
  return new Set(rule.match.replace(/^\\b\(/, "").replace(/\)\\b$/, "").split("|"));
}

function check(g, file, kinds) {
  const problems = [];
  const counts = { tokens: 0, keywords: 0, kinds: 0, labels: 0 };
  let stack = vsctm.INITIAL;
  const lines = fs.readFileSync(file, "utf8").split(/\r?\n/);
  lines.forEach((line, i) => {
    const result = g.tokenizeLine(line, stack);
    stack = result.ruleStack;
    const where = `${path.relative(ROOT, file)}:${i + 1}`;
    const tokens = result.tokens.map((t) => ({
      text: line.slice(t.startIndex, t.endIndex),
      start: t.startIndex,
      scopes: t.scopes,
    }));
    counts.tokens += tokens.length;
    for (const t of tokens) {
      const inner = t.scopes.slice(1).join(" ");
      if (t.text.trim() && (t.scopes.length === 1 || /invalid/.test(inner))) {
        problems.push(`${where}:${t.start + 1}: \`${t.text}\` is ${inner || "unmatched"}`);
      }
    }
    const words = tokens.filter((t) => /^[A-Za-z_]\w*$/.test(t.text));
    if (!words.length || line.trimStart().startsWith("#")) return;
    const first = words[0];
    const scope = (t) => t.scopes[t.scopes.length - 1];
    const afterFirst = tokens.find((u) => u.start > first.start && u.text.trim());
    const labelled = afterFirst && afterFirst.text.trim() === ":";
    if (KEYWORDS.includes(first.text) && !labelled && first.start === line.length - line.trimStart().length) {
      counts.keywords++;
      if (!/^keyword\./.test(scope(first))) problems.push(`${where}: keyword \`${first.text}\` scoped ${scope(first)}`);
    }
    tokens.forEach((t, k) => {
      const next = tokens.slice(k + 1).find((u) => u.text.trim());
      const prev = tokens.slice(0, k).reverse().find((u) => u.text.trim());
      const condition = /^\s*(if|elif)\b/.test(line); // `if x == proj:` ends in a colon, not a label
      if (/^[A-Za-z_]\w*$/.test(t.text) && next && next.text.trim() === ":" && !condition && !/^keyword\./.test(scope(t))) {
        counts.labels++;
        if (scope(t) !== "entity.name.tag.label.arch") problems.push(`${where}: label \`${t.text}\` scoped ${scope(t)}`);
      }
      const layerPlace = !prev || [":", ","].includes(prev.text.trim());
      if (kinds.has(t.text) && layerPlace && !(next && next.text.trim() === ":") && !(next && next.text.startsWith("="))) {
        counts.kinds++;
        if (scope(t) !== "support.function.layer.arch") problems.push(`${where}: layer kind \`${t.text}\` scoped ${scope(t)}`);
      }
    });
  });
  return { problems, counts };
}

async function main() {
  const g = await grammar();
  const kinds = layerKinds();
  const files = process.argv.length > 2
    ? process.argv.slice(2)
    : fs.readdirSync(path.join(ROOT, "specs")).filter((f) => f.endsWith(".arch")).sort().map((f) => path.join(ROOT, "specs", f));
  const total = { tokens: 0, keywords: 0, kinds: 0, labels: 0 };
  let problems = [];
  for (const file of files) {
    const r = check(g, file, kinds);
    problems = problems.concat(r.problems);
    for (const k of Object.keys(total)) total[k] += r.counts[k];
  }
  for (const p of problems) console.error(p);
  console.log(
    `${files.length} files, ${total.tokens} tokens: ${total.keywords} keywords, ${total.kinds} layer kinds, ` +
      `${total.labels} labels checked; ${problems.length} problems`,
  );
  if (!files.length || !total.keywords || !total.kinds || !total.labels) {
    console.error("nothing checked");
    process.exit(1);
  }
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
