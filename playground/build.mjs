// Builds the playground into dist/: the page, its script bundled by esbuild, Pyodide's runtime
// copied from the pinned npm package, archspec and its dependencies as wheels, and the zoo's specs.
// `npm run build`; PYTHON names the Python whose pip makes the wheels (default: python3).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const dist = join(here, "dist");
const python = process.env.PYTHON || "python3";
const started = Date.now();

function py(args, options = {}) {
  return execFileSync(python, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], ...options }).toString();
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "wheels"), { recursive: true });

// Pyodide's runtime, from the npm package: nothing is fetched from a CDN at run time.
const pyodide = join(here, "node_modules", "pyodide");
mkdirSync(join(dist, "pyodide"));
for (const file of ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]) {
  cpSync(join(pyodide, file), join(dist, "pyodide", file));
}

// Wheels: archspec from this checkout, its dependencies pinned in wheels.txt.
py(["-m", "pip", "wheel", "-q", "--no-deps", "--wheel-dir", join(dist, "wheels"), root]);
py([
  "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:", "--python-version", "3.13",
  "--dest", join(dist, "wheels"), "-r", join(here, "wheels.txt"),
]);
const wheels = readdirSync(join(dist, "wheels")).filter((f) => f.endsWith(".whl")).sort();
writeFileSync(join(dist, "wheels", "wheels.json"), JSON.stringify({ install: wheels }, null, 1));

// The zoo, for the examples menu; blocks.arch too, which the others import.
const specs = {};
for (const file of readdirSync(join(root, "specs")).filter((f) => f.endsWith(".arch")).sort()) {
  specs[file] = readFileSync(join(root, "specs", file), "utf8");
}
writeFileSync(join(dist, "specs.json"), JSON.stringify(specs));

// The layer kinds, for the editor's highlighting.
const kinds = py(["-c", "import json; from archspec.layers import CATALOGUE; print(json.dumps(sorted(CATALOGUE)))"], {
  env: { ...process.env, PYTHONPATH: root },
});

await esbuild.build({
  entryPoints: [join(here, "src", "main.js")],
  bundle: true,
  format: "esm",
  splitting: true, // viz.js (Graphviz in WebAssembly, 1.5 MB) is loaded when a diagram is first drawn
  target: "es2022",
  minify: true,
  legalComments: "none",
  outdir: dist,
  entryNames: "app",
  chunkNames: "chunks/[name]-[hash]",
  define: { __LAYER_KINDS__: kinds.trim() },
  logLevel: "warning",
});
cpSync(join(here, "src", "index.html"), join(dist, "index.html"));
cpSync(join(here, "src", "style.css"), join(dist, "style.css"));
console.log(`built ${dist} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${wheels.length} wheels`);
