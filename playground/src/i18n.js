// The page's own words in English and Korean. explain's and quiz's texts come from archspec
// itself (archspec/i18n.py), through archspec.web.
export const UI = {
  en: {
    playground: "playground",
    example: "Example",
    language: "Language",
    copyLink: "Copy link",
    copied: "Link copied",
    table: "Table",
    diagram: "Diagram",
    quizMode: "Quiz mode",
    expanded: "Expanded",
    quizHelp: "Type your answers into the Output, Params and MACs cells; each is graded as `archspec quiz` grades it.",
    loading: "Loading the Python runtime…",
    installing: "Installing archspec…",
    ready: "Ready",
    analysed: "{0} ms",
    checks: "checks",
    errors: "{0} errors",
    error1: "1 error",
    noNetwork: "No table: the spec has errors (see the left).",
    drawing: "Drawing…",
    explainOf: "explain {0}",
    clickRow: "Click a row to see how its numbers come about.",
    fatal:
      "The playground could not start its Python runtime, so it cannot check specs here.\n{0}\n" +
      "The page needs a browser with WebAssembly, and the files of its dist/ folder (pyodide/, wheels/) served beside it: " +
      "build it with `npm ci && npm run build` in playground/, then `archspec playground`.",
    custom: "(your spec)",
  },
  ko: {
    playground: "놀이터",
    example: "예제",
    language: "언어",
    copyLink: "링크 복사",
    copied: "링크를 복사했음",
    table: "표",
    diagram: "다이어그램",
    quizMode: "퀴즈 모드",
    expanded: "펼치기",
    quizHelp: "출력, 파라미터, MACs 칸에 답을 적으면 `archspec quiz` 와 같이 채점함.",
    loading: "파이썬 런타임을 불러오는 중…",
    installing: "archspec 을 설치하는 중…",
    ready: "준비됨",
    analysed: "{0} ms",
    checks: "검사 통과",
    errors: "오류 {0}개",
    error1: "오류 1개",
    noNetwork: "표 없음: 명세에 오류가 있음 (왼쪽 참고).",
    drawing: "그리는 중…",
    explainOf: "explain {0}",
    clickRow: "행을 누르면 그 수가 어떻게 나오는지 보여 줌.",
    fatal:
      "파이썬 런타임을 시작하지 못해서 여기서는 명세를 검사할 수 없음.\n{0}\n" +
      "WebAssembly 를 지원하는 브라우저와, dist/ 폴더의 파일 (pyodide/, wheels/) 이 함께 제공되어야 함: " +
      "playground/ 에서 `npm ci && npm run build` 로 만든 뒤 `archspec playground`.",
    custom: "(직접 작성)",
  },
};

export function translate(lang, key, ...args) {
  const text = (UI[lang] && UI[lang][key]) ?? UI.en[key] ?? key;
  return text.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));
}
