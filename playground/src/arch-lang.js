// .arch highlighting for CodeMirror: keywords, layer kinds, options, numbers and shapes, strings, comments.
import { StreamLanguage } from "@codemirror/language";

const KEYWORDS = new Set(["network", "input", "block", "import", "expect", "freeze", "unfreeze", "init"]);
// eslint-disable-next-line no-undef
const KINDS = new Set(typeof __LAYER_KINDS__ === "undefined" ? [] : __LAYER_KINDS__);

export const archLanguage = StreamLanguage.define({
  name: "arch",
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match(/^#.*/)) return "comment";
    if (stream.match(/^"[^"\n]*"?/)) return "string";
    if (stream.match(/^[0-9][0-9_]*(\.[0-9]+)?([eE][-+]?[0-9]+)?(x[0-9]+)*/)) return "number";
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*/);
    if (word) {
      const name = word[0];
      if (stream.match(/^\s*:/, false)) return "labelName";
      if (stream.match(/^=/, false)) return "propertyName";
      if (KEYWORDS.has(name)) return "keyword";
      if (KINDS.has(name)) return "typeName";
      if (stream.match(/^\(/, false)) return "function(variableName)";
      return "variableName";
    }
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: "#" } },
});
