"""The catalogue of archspec's diagnostics and command-line messages in English and Korean.

The messages are made in English where the analyser finds a problem (`fail(...)`, `Diagnostic(...)`,
`ShapeError(...)`); they are translated at the edge, when a diagnostic is rendered or turned into
JSON under Korean (`--lang ko`, or a Korean `LANG`). Each entry pairs an English template with its
Korean one. In an English template `{name}` stands for any text (the shortest that makes the whole
message match), `{name:code}` for text without a backtick, `{name:num}` for a number; the same name
twice must be the same text. In the Korean template `{name}` puts the text back as it was, and a
conversion translates it first:

    {name!t}      the text translated by the catalogue (PHRASES or TEMPLATES); the entry does not
                  match where it cannot be
    {name!n}      a count in the chosen units (`1억 6384만` in Korean units, `163,840,000` in English)
    {name!or}     `A or B or C`, each part translated (or left as it is where it is code), joined by 또는
    {name!list}   `X gives S, Y gives T`: the inputs of a merge, each part translated
    {name!codes}  `a, b, c`: each part in backticks, unless it translates

Particles after any of them are written `은/는`, `이/가`, `을/를`, `과/와`, `이나/나`, `으로/로`, chosen
by the word before them (`archspec.i18n.particles`). A message no entry matches stays English:
translating never fails.
"""

from __future__ import annotations

import re
from functools import cache

from archspec.i18n import count, particles

# every diagnostic code: a short English and Korean description (docs/errors.md describes them)
CODES: dict[str, tuple[str, str]] = {
    "syntax-error": ("the text does not follow the grammar", "문법에 맞지 않는 글"),
    "bad-indentation": ("a line dedented to no enclosing level", "바깥 본문과 맞지 않는 들여쓰기"),
    "unknown-layer": ("not a layer kind", "알 수 없는 층 종류"),
    "unknown-option": ("no such option", "없는 옵션"),
    "bad-option": ("an option of the wrong type or value", "옵션의 형식이나 값이 잘못됨"),
    "unknown-block": ("no such block", "없는 블록"),
    "bad-argument": ("a block call's arguments are wrong", "블록 호출의 인자가 잘못됨"),
    "recursive-block": ("a block calls itself", "블록이 자기 자신을 호출함"),
    "too-many-layers": ("the network expands too far", "층이 너무 많음"),
    "bad-repeat": ("a repeat of zero", "0번 반복"),
    "kernel-too-large": ("a window larger than its input", "입력보다 큰 커널이나 창"),
    "empty-output": ("an output size of 0 or less", "크기가 0 이하인 출력"),
    "bad-input-rank": ("an input of the wrong rank", "차원 수가 맞지 않는 입력"),
    "not-flat": ("a dense layer on an image", "평탄하지 않은 입력을 받은 완전연결층"),
    "shape-mismatch": ("merged tensors do not fit together", "병합하는 텐서의 형태가 맞지 않음"),
    "shape-error": ("a layer cannot take its input", "층이 입력을 받을 수 없음"),
    "undefined-name": ("a name not defined there", "정의되지 않은 이름"),
    "bad-expression": ("an expression that cannot be computed", "계산할 수 없는 식"),
    "too-deep": ("nesting too deep to analyse", "분석하기에 너무 깊은 중첩"),
    "duplicate-name": ("a name defined twice", "두 번 정의된 이름"),
    "expected-layer": ("a line that is no layer", "층이 아닌 줄"),
    "misplaced-branch": ("a branch outside a merge", "병합 밖의 가지"),
    "expected-branch": ("a merge without its branches", "가지가 없거나 모자란 병합"),
    "bad-shortcut": ("`project` outside an `add:` shortcut", "`add:`의 숏컷 밖에 쓴 `project`"),
    "unknown-merge": ("a body opened by no merge", "병합이 아닌 본문"),
    "expect-failed": ("an `expect` does not hold", "`expect`가 맞지 않음"),
    "unknown-expect": ("an `expect` of something not computed", "계산하지 않는 값의 `expect`"),
    "bad-expect": ("an `expect` that cannot be right", "맞을 수 없는 `expect`"),
    "no-input": ("a network without `input`", "`input`이 없는 신경망"),
    "bad-input": ("an input size of 0 or too large", "0이거나 너무 큰 입력 크기"),
    "duplicate-network": ("a second `network` line", "두 번째 `network` 줄"),
    "duplicate-input": ("a second `input` line", "두 번째 `input` 줄"),
    "duplicate-init": ("a second `init` line", "두 번째 `init` 줄"),
    "misplaced-init": ("`init` outside the network's body", "신경망 본문 밖의 `init`"),
    "bad-split": ("a chunk or split that does not fit the channels", "채널 수에 맞지 않는 나누기"),
    "split-names": ("a split's names that do not match its parts", "나눈 부분과 맞지 않는 이름"),
    "ambiguous-input": ("a line after a split that does not say which part it takes", "어느 부분을 받는지 모르는 줄"),
    "import-not-found": ("an import that cannot be read", "읽을 수 없는 `import`"),
    "import-cycle": ("imports that go round in a circle", "순환하는 `import`"),
    "file-not-found": ("a file that cannot be read", "읽을 수 없는 파일"),
    "bad-file": ("a file archspec will not read as a spec", "명세로 읽지 않는 파일"),
    "too-many-errors": ("more errors than are shown", "오류가 너무 많음"),
    "expect-skipped": ("`expect` lines not checked after `--set`", "`--set` 뒤 검사하지 않은 `expect`"),
    "input-layout": ("an input that looks channels-last or batch-first", "채널이 마지막이거나 배치가 처음인 듯한 입력"),
    "bad-name": ("a name PyTorch cannot take", "PyTorch에서 쓸 수 없는 이름"),
    "unsupported": ("a construct PyTorch source cannot express", "PyTorch 소스로 쓸 수 없는 구성"),
    "internal-error": ("a bug in archspec", "archspec의 버그"),
    "sheet-syntax": ("an answer sheet that is not TOML", "TOML이 아닌 답안지"),
    "unknown-field": ("a question the sheet cannot answer", "답할 수 없는 문항"),
    "bad-answer": ("an answer that cannot be read", "읽을 수 없는 답"),
}

# words and phrases that parts of messages are made of (exact text)
PHRASES: dict[str, str] = {
    # the TOML reader's messages (tomllib's, first letter lowered), in an answer sheet's error
    "cannot overwrite a value": "값을 덮어쓸 수 없음: 같은 키를 두 번 적었음",
    "escaped character is not a Unicode scalar value": "이스케이프한 문자가 유니코드 스칼라 값이 아님",
    "expected '=' after a key in a key/value pair": "키 다음에 `=`가 와야 함 (`키 = 값`)",
    "expected ']' at the end of a table declaration": "표 머리의 끝에 `]`가 와야 함",
    "expected ']]' at the end of an array declaration": "배열 표 머리의 끝에 `]]`가 와야 함",
    "expected newline or end of document after a statement": (
        "한 줄에는 하나만 적을 것: 값 다음에 줄이 바뀌거나 파일이 끝나야 함"
    ),
    "invalid date or datetime": "잘못된 날짜나 시각",
    "invalid hex value": "잘못된 16진수 값",
    "invalid initial character for a key part": "키의 첫 글자가 잘못됨",
    "invalid statement": "잘못된 문장",
    "invalid value": "잘못된 값: 수가 아니면 따옴표로 감쌀 것",
    "unclosed array": "닫히지 않은 배열",
    "unclosed inline table": "닫히지 않은 인라인 표",
    "unescaped '\\' in a string": "문자열 안에 이스케이프하지 않은 `\\`",
    "unterminated string": "끝나지 않은 문자열",
    "not valid TOML": "올바른 TOML이 아님",
    # tokens (parse.py)
    "end of line": "줄 끝",
    "an indented line": "들여쓴 줄",
    "an indented body": "들여쓴 본문",
    "end of the indented body": "들여쓴 본문의 끝",
    "end of file": "파일 끝",
    "a name": "이름",
    "a number": "수",
    "a size like 3x3": "3x3 같은 크기",
    'a quoted path like "blocks.arch"': '"blocks.arch" 같이 따옴표로 감싼 경로',
    "the path of a layer or block, like `layer4.2.conv3`": "`layer4.2.conv3` 같은 층이나 블록의 경로",
    "a block call like `name(`": "`name(` 같은 블록 호출",
    "a repeat like x3": "x3 같은 반복",
    # labels
    "here": "여기",
    "not allowed here": "여기에 쓸 수 없음",
    "the spec stops here": "명세가 여기서 끝남",
    "dedented to here": "여기까지 내어 씀",
    "too large": "너무 큼",
    "not whole": "정수가 아님",
    "second one": "두 번째",
    "second `network`": "두 번째 `network`",
    "second `input`": "두 번째 `input`",
    "second `init`": "두 번째 `init`",
    "second definition": "두 번째 정의",
    "second name": "두 번째 이름",
    "merged here": "여기서 병합함",
    "x0": "x0",
    "outside a merge": "병합 밖",
    "too many": "너무 많음",
    "too few": "너무 적음",
    "unexpected": "예상하지 못함",
    "not a layer": "층이 아님",
    "not a layer kind": "층 종류가 아님",
    "names nothing": "이름 붙일 층이 없음",
    "a block": "블록",
    "a merge": "병합",
    "a layer": "층",
    "a shape": "형태",
    "undefined": "정의되지 않음",
    "recursive call": "재귀 호출",
    "one too many": "하나 많음",
    "unknown": "알 수 없음",
    "again": "다시 나옴",
    "missing argument": "빠진 인자",
    "not a branch": "가지가 아님",
    "one branch": "가지 하나",
    "not a name": "이름이 아님",
    "this line": "이 줄",
    "no tensor": "텐서 없음",
    "not found": "찾을 수 없음",
    "nothing to set to 0": "0으로 둘 것이 없음",
    "unknown option": "알 수 없는 옵션",
    "not a shape": "형태가 아님",
    "not a parameter of this block": "이 블록의 매개변수가 아님",
    "not a number": "수가 아님",
    "unknown attribute": "알 수 없는 속성",
    "no input yet": "아직 입력 없음",
    "no such dimension": "그런 차원이 없음",
    "divides by 0": "0으로 나눔",
    "not a scheme": "초기화 방식이 아님",
    "not `true` or `false`": "`true`나 `false`가 아님",
    "channels last?": "채널이 마지막?",
    "batch first?": "배치가 처음?",
    "imported again": "다시 가져옴",
    "expands too far": "너무 많이 펼쳐짐",
    "before any layer": "층보다 앞",
    "in this file": "이 파일",
    "this layer": "이 층",
    "in a sequence": "반복 묶음 안",
    "not an answer": "답이 아님",
    "unknown layout": "알 수 없는 배치",
    "one number?": "수 하나?",
    "the body's last line": "본문의 마지막 줄",
    "not at the start": "줄의 처음이 아님",
    "no layer": "층이 없음",
    "not a split": "나누기가 아님",
    "a repeat": "반복",
    "several tensors": "텐서 여러 개",
    "takes which?": "어느 것을 받는지?",
    # parts of messages
    "layer kind": "층 종류",
    "layer kind or parameter": "층 종류 또는 매개변수",
    "in the network": "신경망에",
    "before this line": "이 줄 앞에",
    "is a directory": "디렉터리임",
    "is not UTF-8 text": "UTF-8 텍스트가 아님",
    "no such file": "그런 파일이 없음",
    "a whole number": "정수",
    "whole numbers": "정수",
    "`true` or `false`": "`true`나 `false`",
    "a size like `3` or `3x3`": "`3`이나 `3x3` 같은 크기",
    "a number, a pair like `1x2`, `same` or `valid`": "수, `1x2` 같은 쌍, `same`, `valid` 중 하나",
    "a number of sensible size": "적당한 크기의 수",
    "no positional arguments": "위치 인자 없음",
    "a size like `5x5` or `5`": "`5x5`나 `5` 같은 크기",
    "a number like `156`, `8,320`, `1.5K` or `163.8M`": "`156`, `8,320`, `1.5K`, `163.8M`, `6만 1706` 같은 수",
    "a shape like `6x28x28` or `28x28x6`": "`6x28x28`이나 `28x28x6` 같은 형태",
    "nothing": "없음",
    "the number of parts: `chunk 2`": "나눌 개수 (예: `chunk 2`)",
    "each part's size: `split (24, 40)`": "부분마다의 크기 (예: `split (24, 40)`)",
    "the number of chunks": "나눌 개수",
    "a split's size": "나눌 부분의 크기",
    "a channel slice": "채널 슬라이스",
    "the shortcut": "숏컷",
    # what `expect` checks
    "output shape": "출력 형태",
    "params": "파라미터 수",
    "trainable": "학습 가능한 파라미터 수",
    "non_trainable": "학습하지 않는 파라미터 수",
    "buffers": "버퍼 수",
    "macs": "곱셈 수 (MACs)",
    "input_mb": "입력 크기 (MB)",
    "forward_backward_mb": "순전파/역전파 크기 (MB)",
    "params_mb": "파라미터 크기 (MB)",
    "total_mb": "추정 전체 크기 (MB)",
    # verbs of `no network to {verb}`
    "show": "보여 줄",
    "compile": "컴파일할",
    "train": "학습할",
    "evaluate": "평가할",
    "predict": "예측에 쓸",
    "export": "내보낼",
    "teach from": "설명할",
    # the check table's columns
    "Layer": "층",
    "Kind": "종류",
    "Output": "출력",
    "Params": "파라미터 수",
    "Trainable": "학습 가능",
    "MACs": "곱셈 수",
    "RF": "수용 영역",
    "Jump": "점프",
    "Start": "시작 위치",
    "PyTorch's defaults": "PyTorch 기본값",
    # hints without variables
    "sizes are written like `3x3`, pairs like `(1, 2)`": "크기는 `3x3`처럼, 쌍은 `(1, 2)`처럼 적음",
    "words are written without quotes: `pad=same`": "단어는 따옴표 없이 적음: `pad=same`",
    "names are ASCII letters, digits and `_`; other text belongs in `#` comments": (
        "이름에는 ASCII 영문자, 숫자, `_`만 씀: 다른 글은 `#` 주석에 적을 것"
    ),
    "indent the lines that belong to it": "본문에 속하는 줄을 들여쓸 것",
    "a `(` is not closed": "닫히지 않은 여는 괄호가 있음: `(`",
    "only `import` takes a quoted path; other words are written without quotes: `pad=same`": (
        "따옴표로 감싼 경로는 `import`만 받음: 다른 단어는 따옴표 없이 적음: `pad=same`"
    ),
    "write numbers without thousands separators (`61706`, or `61_706`)": (
        "수는 천 단위 구분 기호 없이 적을 것 (`61706` 또는 `61_706`)"
    ),
    "indent it exactly as far as the line that opened the body, or as its siblings": (
        "본문을 연 줄이나 같은 본문의 다른 줄과 똑같이 들여쓸 것"
    ),
    "give each named line its own name": "이름 붙인 줄마다 다른 이름을 붙일 것",
    "the input is too small here: remove a pooling layer or a stride": (
        "여기서는 입력이 너무 작음: 풀링층이나 스트라이드를 하나 없앨 것"
    ),
    "move it to the network's body (unindented, after `input`): it initialises the whole network": (
        "신경망 본문으로 옮길 것 (`input` 다음에 들여쓰지 않고): 신경망 전체를 초기화함"
    ),
    "remove the line, or write `x1` or more": "줄을 지우거나 `x1` 이상을 적을 것",
    "indent it under a merge": "병합 아래에 들여쓸 것",
    "is the count a typo?": "반복 횟수를 잘못 적지 않았는지?",
    "put the next layer on a line of its own": "다음 층은 다음 줄에 적을 것",
    "put it on a line of its own": "한 줄에 따로 적을 것",
    "the layer kinds are listed in docs/language.md": "층 종류 목록은 docs/language.md에 있음",
    "write the layer on a line of its own to name it": "이름을 붙이려면 층을 한 줄에 따로 적을 것",
    "a block cannot contain itself; repeat it with `xN` instead": (
        "블록은 자기 자신을 담을 수 없음: 대신 `xN`으로 반복할 것"
    ),
    "write `branch:` before each parallel path": "나란한 경로마다 앞에 `branch:`을/를 적을 것",
    "write `shortcut: project` inside `add:`": "`add:` 안에 `shortcut: project`으로/로 적을 것",
    "remove one of them": "둘 중 하나를 지울 것",
    "rename one of them": "둘 중 하나의 이름을 바꿀 것",
    "add `shortcut: project` or `branch: identity`": "`shortcut: project`이나/나 `branch: identity`을/를 더할 것",
    "merge the outputs of earlier lines": "앞 줄들의 출력을 병합할 것",
    "name a line with `NAME: ...` to refer to its output": "줄의 출력을 가리키려면 `NAME: ...`으로/로 이름을 붙일 것",
    "it zeroes the last batchnorm of each `add:` branch, as torchvision's ResNet does (not a projected "
    "shortcut's): remove it, or end the branches with `bn`": (
        "torchvision의 ResNet처럼 `add:` 가지마다 마지막 배치 정규화를 0으로 둠 (사영 숏컷의 것은 빼고): "
        "이 옵션을 지우거나 가지를 `bn`으로/로 끝낼 것"
    ),
    "archspec counts `macs`, which torchvision's GFLOPS and the papers' FLOPs are; "
    "torch.utils.flop_counter counts 2 FLOPs per MAC": (
        "archspec은/는 `macs`을/를 셈: torchvision의 GFLOPS와 논문의 FLOPs가 이것임: "
        "`torch.utils.flop_counter`은/는 MAC 하나를 2 FLOPs로 셈"
    ),
    "write the shape alone: `expect 6x28x28`": "형태만 따로 적을 것: `expect 6x28x28`",
    "write e.g. `in.c` for the incoming channels": "들어오는 채널 수는 `in.c`처럼 적을 것",
    "see `init` in docs/language.md": "docs/language.md의 `init`을/를 볼 것",
    "dense layers take flat inputs; convolutions and pooling take images": (
        "완전연결층은 평탄한 입력을, 합성곱층과 풀링층은 이미지를 받음"
    ),
    "the number of groups must divide both the input and the output channels": (
        "그룹 수는 입력 채널 수와 출력 채널 수를 모두 나누어떨어지게 해야 함"
    ),
    "write the padding as a number, e.g. `pad=1` for a 3x3 kernel": "패딩을 수로 적을 것. 예: 3x3 커널이면 `pad=1`",
    "pad the input, use a smaller kernel, or remove a pooling layer before this one": (
        "입력에 패딩을 더하거나, 더 작은 커널을 쓰거나, 이 층 앞의 풀링층을 하나 없앨 것"
    ),
    "reduce the padding": "패딩을 줄일 것",
    "make the branches end with the same channels, or use `shortcut: project`": (
        "가지들이 같은 채널 수로 끝나게 하거나 `shortcut: project`을/를 쓸 것"
    ),
    "pad or pool the branches to the same spatial size": "가지들을 패딩하거나 풀링해서 공간 크기를 맞출 것",
    "pool to `C x 1 x 1` with `avgpool to 1x1` (not `global_avgpool`, which gives `C`)": (
        "`avgpool to 1x1`으로/로 `C x 1 x 1`까지 풀링할 것 (`global_avgpool`은/는 `C`을/를 줌)"
    ),
    "sizes must be equal or 1 in each dimension (e.g. 64x56x56 times 64x1x1)": (
        "차원마다 크기가 같거나 1이어야 함 (예: 64x56x56 곱하기 64x1x1)"
    ),
    "the branch must keep the input's rank": "가지는 입력의 차원 수를 유지해야 함",
    "the branch's output size must be its input's divided by a stride; is a `pad=` missing in the branch?": (
        "가지의 출력 크기는 입력 크기를 스트라이드로 나눈 값이어야 함: 가지에 `pad=`이/가 빠지지 않았는지?"
    ),
    "with p = 1 the branch is dropped in every training step: it never trains": (
        "p = 1이면 학습 단계마다 가지가 빠지므로 가지가 전혀 학습되지 않음"
    ),
    "on flat features, `layernorm` normalises them all": "평탄한 특징에는 `layernorm`이/가 특징 전체를 정규화함",
    "the zoom is drawn from [1 - factor, 1 + factor], as Keras' RandomZoom": (
        "확대/축소 배율은 Keras의 `RandomZoom`처럼 `[1 - factor, 1 + factor]`에서 뽑음"
    ),
    "`preprocess tf` scales any number of channels": "`preprocess tf`은/는 채널 수와 상관없이 값을 조정함",
    "adaptive pooling chooses its windows from the output size": "적응형 풀링은 출력 크기에 맞춰 창을 정함",
    "PyTorch allows at most kernel // 2": "PyTorch은/는 `kernel // 2`까지만 허용함",
    "remove a pooling layer, pad the input, or pool with a smaller window": (
        "풀링층을 하나 없애거나, 입력에 패딩을 더하거나, 더 작은 창으로 풀링할 것"
    ),
    "use a smaller window": "더 작은 창을 쓸 것",
    "this is a bug in archspec: please report it with this spec": "archspec의 버그임: 이 명세와 함께 알려 주기 바람",
    "import paths are relative to the importing file": "`import` 경로는 가져오는 파일의 위치를 기준으로 함",
    "check the repeat counts (`xN`) and nested blocks": "반복 횟수(`xN`)와 중첩된 블록을 확인할 것",
    "add a line like `input 3x224x224` (channels x height x width)": (
        "`input 3x224x224` (채널 x 높이 x 너비) 같은 줄을 더할 것"
    ),
    "split long expressions and deeply nested blocks": "긴 식과 깊이 중첩된 블록을 나눌 것",
    "rename the line": "줄의 이름을 바꿀 것",
    "name a layer or block defined above, as `check` lists it": (
        "위에서 정의한 층이나 블록의 이름을 `check`이/가 보여 주는 대로 적을 것"
    ),
    "merge named tensors of the block's own body": "블록 자신의 본문에서 이름 붙인 텐서를 병합할 것",
    "write the merge on a line of its own": "병합을 한 줄에 따로 적을 것",
    "write the slice on a line of its own": "슬라이스를 한 줄에 따로 적을 것",
    "start from the output of an earlier line": "앞 줄의 출력에서 시작할 것",
    "remove it": "지울 것",
    "a split gives at least two tensors": "나누면 텐서가 둘 이상 나옴",
    "give each part's size: `split (...)`": "부분마다 크기를 적을 것: `split (...)`",
    "the sizes must add up to the input's channels, `in.c`": "크기의 합이 입력 채널 수 `in.c`와 같아야 함",
    "write `a, b: chunk 2`: equal parts of the channels, as PyTorch's `x.chunk(2, dim=1)`": (
        "`a, b: chunk 2`처럼 적을 것: PyTorch의 `x.chunk(2, dim=1)`처럼 채널을 같은 크기로 나눔"
    ),
    "write `a, b: split (24, 40)`: parts of the channels of these sizes, as `torch.split(x, [24, 40], dim=1)`": (
        "`a, b: split (24, 40)`처럼 적을 것: `torch.split(x, [24, 40], dim=1)`처럼 채널을 이 크기들로 나눔"
    ),
    "write `slice START END` for channels `START` to `END - 1` (`x[:, START:END]`), or `slice START` for the rest": (
        "채널 `START`부터 `END - 1`까지는 `slice START END` (`x[:, START:END]`), 끝까지는 `slice START`처럼 적을 것"
    ),
    "merge named tensors of the same body": "같은 본문의 이름 붙인 텐서를 병합할 것",
    'write answers as `params = 156` or `output = "6x28x28"` under a `[layer]` header': (
        '답은 `[layer]` 머리 아래에 `params = 156`이나 `output = "6x28x28"`처럼 적을 것'
    ),
    # messages without variables
    "unexpected end of file": "파일이 예상보다 일찍 끝남",
    "unexpected indentation": "예상하지 못한 들여쓰기",
    "expected an indented body after the colon": "쌍점(`:`) 뒤에 들여쓴 본문이 와야 함",
    "this line's indentation matches no enclosing level": "이 줄의 들여쓰기가 바깥 본문의 어느 단계와도 맞지 않음",
    "a number too long to read": "너무 길어서 읽을 수 없는 수",
    "a file describes one network": "파일 하나에는 신경망을 하나만 적음",
    "the network already has an input": "신경망에 이미 입력이 있음",
    "`init` belongs to the network's body": "`init`은/는 신경망 본문에 적음",
    "a line repeats at least once": "줄은 적어도 한 번 반복해야 함",
    "a block call stands alone: nothing may follow it on the line": (
        "블록 호출은 한 줄에 혼자 씀: 같은 줄에서 뒤에 아무것도 올 수 없음"
    ),
    "a line starts with a layer kind or a block call": "줄은 층 종류나 블록 호출로 시작함",
    "two names for one layer": "층 하나에 이름이 둘",
    "`from` starts a line": "`from`은/는 줄의 처음에 씀",
    "a channel slice inside a sequence cannot be written as an nn.Sequential member": (
        "반복 묶음 안의 채널 슬라이스는 `nn.Sequential`의 구성원으로 쓸 수 없음"
    ),
    "a block call stands alone on its line": "블록 호출은 한 줄에 혼자 씀",
    "the layers of a sequence are numbered: they take no names": "반복 묶음의 층에는 번호가 붙음: 이름을 붙일 수 없음",
    "`project` is a shortcut of `add:`": "`project`은/는 `add:`의 숏컷에만 씀",
    "an `add:` has one projected shortcut": "`add:` 하나에는 사영 숏컷이 하나뿐임",
    "`zero_init_residual=true`: no residual branch of the network ends in a batchnorm": (
        "`zero_init_residual=true`: 신경망의 잔차 가지 중 배치 정규화로 끝나는 것이 없음"
    ),
    "the network already has an `init` line": "신경망에 이미 `init` 줄이 있음",
    "numbers are written without thousands separators": "수는 천 단위 구분 기호 없이 적음",
    "division by zero": "0으로 나눔",
    "not true or false": "참도 거짓도 아님",
    "compare with `==`: `if stride == 1:`": "비교는 `==`로 씀: `if stride == 1:`",
    "unknown function": "알 수 없는 함수",
    "this name": "이 이름",
    "a layer kind": "층 종류",
    "the input": "입력",
    "`in` has no shape here": "여기서는 `in`에 형태가 없음",
    "`pad=same` needs stride 1 (PyTorch does not pad unevenly)": (
        "`pad=same`에는 스트라이드 1이 필요함 (PyTorch은/는 비대칭 패딩을 하지 않음)"
    ),
    "`upsample` needs a scale factor or `to SIZE` (one of them)": "`upsample`에는 배율이나 `to SIZE` 중 하나가 필요함",
    "every input size must be positive": "입력 크기는 모두 양수여야 함",
    "archspec lost track of the network's output without an error": "archspec이 오류 없이 신경망의 출력을 놓침",
    "the network has no `input` shape": "신경망에 `input` 형태가 없음",
    "the spec nests too deeply to analyse": "명세가 너무 깊이 중첩되어 분석할 수 없음",
    "a block that reads tensors from outside it cannot be written as a PyTorch module": (
        "바깥의 텐서를 읽는 블록은 PyTorch 모듈로 쓸 수 없음"
    ),
    "archspec cannot place this layer in a module": "archspec이 이 층을 모듈 안에 둘 수 없음",
    "a merge by name inside a sequence cannot be written as an nn.Sequential member": (
        "반복 묶음 안에서 이름으로 병합하면 `nn.Sequential`의 구성원으로 쓸 수 없음"
    ),
    "this layer reads a tensor from outside its block or sequence member": (
        "이 층이 자기 블록이나 반복 묶음 구성원 바깥의 텐서를 읽음"
    ),
    # `archspec train`'s header
    "synthetic data": "합성 데이터",
    # the rarer one-line errors of `archspec train` (traindata.py, train.py), and their parts
    "move the images into one sub-folder per class": "이미지를 클래스마다 하위 폴더 하나로 옮길 것",
    "put each class's images in a sub-folder": "클래스마다 이미지를 하위 폴더에 넣을 것",
    "this PyTorch is built for the CPU only": "이 PyTorch는 CPU 전용으로 빌드됨",
    "none is visible": "보이는 장치가 없음",
    "--amp-dtype fp16 needs a CUDA device; on the CPU use bf16": (
        "`--amp-dtype fp16`에는 CUDA 장치가 필요함: CPU에서는 `bf16`을/를 쓸 것"
    ),
    "--amp-dtype bf16: this GPU has no bfloat16; use fp16": (
        "`--amp-dtype bf16`: 이 GPU에는 bfloat16이 없음: `fp16`을/를 쓸 것"
    ),
    "to load into a part only, write PART=FILE (e.g. --weights features=vgg16.pth)": (
        "일부에만 읽어 들이려면 `PART=FILE`처럼 적을 것 (예: `--weights features=vgg16.pth`)"
    ),
    # why a weight file cannot be loaded (weights.py), after `--weights FILE: `
    "is a folder, not a weight file": "가중치 파일이 아니라 폴더임",
    "not a PyTorch weight file (torch.save of a state_dict)": (
        "PyTorch 가중치 파일이 아님 (`state_dict`을/를 `torch.save`로 저장한 파일이어야 함)"
    ),
    "holds no state_dict (a dict of tensors by name)": "`state_dict` (이름별 텐서의 dict)이/가 없음",
    "channels-last": "채널 마지막 메모리 배치",
    "compiled": "`torch.compile`로 컴파일함",
    "logit": "로짓",
    "probability": "확률",
    "the whole network": "신경망 전체",
    "the network": "신경망",
    # the columns of its table of epochs (progress.py)
    "epoch": "에포크",
    "train loss": "학습 손실",
    "train acc": "학습 정확도",
    "val loss": "검증 손실",
    "val acc": "검증 정확도",
    "seconds": "초",
    # `archspec evaluate`'s tables and plot (evaluate_cli.py, plot.py)
    "class": "클래스",
    "images": "이미지",
    "predicted": "예측",
    "precision": "정밀도",
    "recall": "재현율",
    "true class": "실제 클래스",
    "predicted class": "예측한 클래스",
    "confusion matrix: a row per true class, a column per predicted class": (
        "혼동 행렬: 행은 실제 클래스, 열은 예측한 클래스"
    ),
    "the `graphviz` Python package is missing: pip install graphviz": (
        "`graphviz` 파이썬 패키지가 없음: `pip install graphviz`"
    ),
}

# templates with variable parts: (English, Korean); the first that matches a whole text is used
TEMPLATES: list[tuple[str, str]] = [
    # ---------------------------------------------------------------- syntax (parse.py)
    ("unexpected character `{c}`", "예상하지 못한 문자 `{c}`"),
    ("unexpected {token!t}", "예상하지 못한 {token!t}"),
    ("expected {what!or}", "{what!or}이/가 와야 함"),
    (
        "only the body of `block`, {merges}, `branch:` and `shortcut:` is indented",
        "`block`, {merges}, `branch:`, `shortcut:`의 본문만 들여씀",
    ),
    ("did you forget the `:` after `{word}`?", "`{word}` 뒤에 쌍점(`:`)이 빠지지 않았는지?"),
    ("`{n}` is too large a number", "`{n}`: 너무 큰 수"),
    ("a size is a whole number, not `{x}`", "크기는 정수로 적음: `{x}`은/는 정수가 아님"),
    ("`{name}` has two parameters named `{p}`", "`{name}`의 매개변수 `{p}`이/가 두 번 나옴"),
    # ---------------------------------------------------------------- names, layers, options (expand.py)
    (
        "`{name}` is archspec's name for an earlier unnamed layer",
        "`{name}`은/는 archspec이 앞의 이름 없는 층에 붙인 이름임",
    ),
    ("`{name}` is already defined in this body", "`{name}`은/는 이 본문에서 이미 정의됨"),
    (
        "{kind} gives an empty output ({out}) for the {shape} input",
        "`{kind}`의 출력이 비어 있음: 입력 {shape}에서 ({out})",
    ),
    ("{kind} gives an empty output {out} for the {shape} input", "`{kind}`의 출력이 비어 있음: 입력 {shape}에서 {out}"),
    ("{kind}: the sizes are too large (at most {max})", "`{kind}`: 크기가 너무 큼 (최대 {max})"),
    ("input {shape}", "입력 {shape}"),
    ("inside {where!t}", "{where!t} 안"),
    ("`{label}:` belongs inside a merge ({words})", "`{label}:`은/는 병합 ({words}) 안에 적음"),
    ("x{n:num} repeats past the limit of {max} layers", "x{n}: 층 수 제한 {max}개를 넘음"),
    (
        "`{label}:` names the layer that follows it, and none does",
        "`{label}:`은/는 뒤따르는 층의 이름인데 뒤따르는 층이 없음",
    ),
    ("`{label}:` names the layer that follows it", "`{label}:`은/는 뒤따르는 층의 이름임"),
    ("write a layer kind after `{label}:`, or remove the name", "`{label}:` 뒤에 층 종류를 적거나 이름을 지울 것"),
    ("write a layer kind after `{label}:`, e.g. `{example}`", "`{label}:` 뒤에 층 종류를 적을 것. 예: `{example}`"),
    (
        "`{kind}` merges tensors: it is no layer of a chain",
        "`{kind}`은/는 텐서를 병합함: 한 줄에 이어 쓰는 층이 될 수 없음",
    ),
    (
        "write `{kind:code}:` with branches, or `{kind:code}(a, b)` with names",
        "가지와 함께 `{kind}:`을/를, 또는 이름으로 `{kind}(a, b)`을/를 적을 것",
    ),
    ("`{name}` is a block: call it with parentheses", "`{name}`은/는 블록임: 괄호를 붙여 호출할 것"),
    ("unknown {what!t} `{name}`", "알 수 없는 {what!t} `{name}`"),
    ("not a {what!t}", "{what!t}이/가 아님"),
    ("archspec writes `{a}` as `{b}`, without parentheses", "archspec에서는 `{a}`을/를 괄호 없이 `{b}`으로/로 적음"),
    (
        "archspec writes `{a}` as `{b}`: `{c}` merges named tensors",
        "archspec에서는 `{a}`을/를 `{b}`으로/로 적음: `{c}`은/는 이름 붙인 텐서를 병합함",
    ),
    ("archspec writes `{a}` as `{b}`", "archspec에서는 `{a}`을/를 `{b}`으로/로 적음"),
    ("did you mean `{x}`?", "혹시 `{x}`?"),
    ("`{key}` is a layer: write `{written}`", "`{key}`은/는 층임: `{written}`처럼 따로 적을 것"),
    (
        "options belong to the layer they follow: put `{key}` before `{kind}`, after `{owner}`",
        "옵션은 바로 앞의 층에 속함: `{key}`을/를 `{kind}` 앞, `{owner}` 뒤에 둘 것",
    ),
    ("`{kind}` takes no options", "`{kind}`에는 옵션이 없음"),
    ("`{kind}` has no option `{key}`", "`{kind}`에는 `{key}` 옵션이 없음"),
    ("`{key}` is given twice", "`{key}`이/가 두 번 주어짐"),
    ("`{name}` is a layer kind, not a block", "`{name}`은/는 블록이 아니라 층 종류임"),
    ("write `{name:code} ...` without parentheses", "괄호 없이 `{name} ...`처럼 적을 것"),
    ("no block named `{name}`", "이름이 `{name}`인 블록이 없음"),
    ("block `{name}` calls itself: {cycle}", "블록 `{name}`이/가 자기 자신을 호출함: {cycle}"),
    ("`{name}` takes {n:num} argument, not {m:num}", "`{name}`은/는 인자를 {n}개 받음 ({m}개가 아님)"),
    ("`{name}` takes {n:num} arguments, not {m:num}", "`{name}`은/는 인자를 {n}개 받음 ({m}개가 아님)"),
    ("`{name}` has no parameter `{p}`", "`{name}`에는 `{p}` 매개변수가 없음"),
    ("`{name}` needs `{p}`", "`{name}`에는 `{p}`이/가 필요함"),
    ("`{head}:` is not a merge", "`{head}:`은/는 병합이 아님"),
    ("expected {words:codes}", "{words} 가운데 하나가 와야 함"),
    (
        "the body of `{head}:` is made of `branch:` and `shortcut:` entries",
        "`{head}:`의 본문은 `branch:`과/와 `shortcut:` 항목으로 이루어짐",
    ),
    ("`{head}:` needs at least two branches", "`{head}:`에는 가지가 둘 이상 필요함"),
    ("gives {shape}", "출력 {shape}"),
    ("`{name}(...)` takes names only", "`{name}(...)`에는 이름만 적음"),
    ("`{name}(...)` merges at least two named tensors", "`{name}(...)`은/는 이름 붙인 텐서를 둘 이상 병합함"),
    ("e.g. {example}", "예: {example}"),
    ("`{name}(...)` takes names of earlier lines", "`{name}(...)`에는 앞 줄들의 이름을 적음"),
    ("`{name}` is this line's own name: it has no output yet", "`{name}`은/는 이 줄 자신의 이름임: 아직 출력이 없음"),
    ("`{name}` has no output here", "`{name}`은/는 여기서 아직 출력이 없음"),
    ("`{name}` is not defined before this line", "`{name}`은/는 이 줄 앞에서 정의되지 않음"),
    ("no layer or block `{path}` {where!t}", "{where!t} 층이나 블록 `{path}`이/가 없음"),
    ("write all the options on the first one, at line {n:num}", "{n}번째 줄의 첫 `init`에 옵션을 모두 적을 것"),
    ("write `{a:code}` or `{b:code}`", "`{a}` 또는 `{b}`으로/로 적을 것"),
    ("write `{a:code}`", "`{a}`으로/로 적을 것"),
    ("write `{a:code}` (or ignore this for a 3-D input)", "`{a}`으로/로 적을 것 (3차원 입력이면 무시해도 됨)"),
    ("{call:call}", "사용법: `{call}`"),
    ("in `{path}`, the `{block}` called at {where}", "`{path}` 안 ({where}에서 호출한 `{block}`)"),
    # ---------------------------------------------------------------- several outputs (expand.py)
    (
        "the body ends with `{names}:`, which gives {n:num} tensors, not one",
        "본문이 `{names}:`으로/로 끝남: 텐서 하나가 아니라 {n}개가 나옴",
    ),
    (
        "end it with a line that merges them (`{merge}`) or starts `from {name}`",
        "나눈 부분들을 병합하는 줄(`{merge}`)이나 `from {name}`으로/로 시작하는 줄로 본문을 끝낼 것",
    ),
    (
        "the line before gives {n:num} tensors ({names}): this line does not say which it takes",
        "앞 줄에서 텐서가 {n}개 ({names}) 나옴: 이 줄은 어느 것을 받는지 말하지 않음",
    ),
    (
        "start it with `from {name},` (or another part), or merge the parts: `{merge}`",
        "줄을 `from {name},` (또는 다른 부분)으로/로 시작하거나, 나눈 부분들을 병합할 것: `{merge}`",
    ),
    (
        "write `from {name}` first on the line, then a comma and the layers",
        "줄의 처음에 `from {name}`, 그다음 쉼표와 층들을 적을 것",
    ),
    (
        "a line that starts `from {name}` needs a layer after it",
        "`from {name}`으로/로 시작하는 줄에는 뒤에 층이 필요함",
    ),
    (
        "write the layers after a comma, `from {name}, conv ...`, or use the name `{same}` itself",
        "쉼표 뒤에 층들을 적거나 (`from {name}, conv ...`), 이름 `{same}`을/를 그대로 쓸 것",
    ),
    (
        "`{names}:` names the parts of `chunk` or `split`",
        "`{names}:`은/는 `chunk`나 `split`으로/로 나눈 부분들의 이름임",
    ),
    (
        "write `{a}: chunk {n:num}` or `{b}: split (...)`; a line of layers takes one name, and the layers "
        "after a split go on lines of their own",
        "`{a}: chunk {n}`이나/나 `{b}: split (...)`처럼 적을 것: 층을 적는 줄에는 이름이 하나뿐이고, "
        "나눈 뒤의 층들은 다음 줄들에 따로 적음",
    ),
    ("`{word}` is not repeated", "`{word}`은/는 반복하지 않음"),
    (
        "`{word}` stands alone: the layers after it go on lines of their own",
        "`{word}`은/는 한 줄에 혼자 씀: 뒤의 층들은 다음 줄들에 따로 적음",
    ),
    ("on the next line: `{example}`", "다음 줄에: `{example}`"),
    ("`{word}` needs {what!t}", "`{word}`에는 {what!t}이/가 필요함"),
    ("{what!t} is a whole number of at least 1, not {v}", "{what!t}은/는 1 이상의 정수여야 함: {v}은/는 안 됨"),
    ("{c:num} channels do not make {n:num} equal chunks", "채널 {c}개를 같은 크기 {n}개로 나눌 수 없음"),
    (
        "chunk into {counts!or}, or give each part's size: `split (...)`",
        "{counts!or}개로 나누거나, 부분마다 크기를 적을 것: `split (...)`",
    ),
    (
        "the sizes add up to {total:num} ({sums}), but the input has {c:num} channels",
        "크기의 합이 {total} ({sums})인데 입력 채널은 {c}개임",
    ),
    (
        "the sizes must add up to the input's channels, `in.c`: e.g. `{example}`",
        "크기의 합이 입력 채널 수 `in.c`와 같아야 함. 예: `{example}`",
    ),
    (
        "`{word}` gives {n:num} tensors, but {m:num} names are written",
        "`{word}`에서 텐서가 {n}개 나오는데 이름은 {m}개임",
    ),
    ("{m:num} names", "이름 {m}개"),
    ("write {n:num} names: `{example}`", "이름을 {n}개 적을 것: `{example}`"),
    ("`{word}` gives several tensors: name each of them", "`{word}`에서 텐서가 여러 개 나옴: 하나하나 이름을 붙일 것"),
    (
        "write it on a line of its own, `{example}`, and start the next line `from {name},`",
        "한 줄에 따로 적고 (`{example}`), 다음 줄을 `from {name},`으로/로 시작할 것",
    ),
    ("`{slice}` ends past the input's {c:num} channels", "`{slice}`이/가 입력 채널 {c}개를 넘어감"),
    (
        "the channels are numbered 0 to {last:num}: end at {c:num} at most",
        "채널 번호는 0부터 {last}까지임: 끝은 {c} 이하로 적을 것",
    ),
    ("`{slice}` is empty: it must start before it ends", "`{slice}`이/가 비어 있음: 시작이 끝보다 앞이어야 함"),
    # ---------------------------------------------------------------- expectations (expect.py)
    (
        "{where}: expected {key:key!k} {text}, found {shown!n}",
        "`{where}`의 {key!k}: 기대한 값 {text}, 실제 값 {shown}",
    ),
    ("expected {key:key!k} {text}, found {shown!n}", "{key!k}: 기대한 값 {text}, 실제 값 {shown}"),
    ("found {shown!n}", "실제 값 {shown}"),
    ("cannot expect `{key}`", "`{key}`은/는 `expect`로 확인할 수 없음"),
    ("expect a shape or {keys!codes}", "`expect`에는 형태나 {keys!codes}을/를 적을 것"),
    ("`{key}` is a number, not a shape like `{text}`", "`{key}`은/는 수임: `{text}` 같은 형태가 아님"),
    ("a shape is whole sizes, not `{text}`", "형태는 정수 크기로 적음: `{text}`은/는 형태가 아님"),
    # ---------------------------------------------------------------- expressions (expr.py)
    ("`{name}` is not defined", "`{name}`은/는 정의되지 않음"),
    ("the names here are {names}", "여기서 쓸 수 있는 이름: {names}"),
    ("arithmetic needs numbers, not `{value}`", "산술 연산에는 수가 필요함: `{value}`은/는 수가 아님"),
    ("a condition is true or false, not `{value}`", "조건은 참이나 거짓임: `{value}`은/는 조건이 아님"),
    (
        "compare it, e.g. `x != 0`, or pass `true` or `false`",
        "비교할 것 (예: `x != 0`), 또는 `true`나 `false`를 넘길 것",
    ),
    ("`{name}` is not a function", "`{name}`은/는 함수가 아님"),
    ("the functions are {names}", "함수: {names}"),
    ("`{name}` takes no `key=value`", "`{name}`에는 `key=value`를 적지 않음"),
    ("`{name}` takes at least {n} arguments, not {count}", "`{name}`의 인수는 {n}개 이상임: {count}개가 아님"),
    ("`{name}` takes {a} or {b} arguments, not {count}", "`{name}`의 인수는 {a}개나 {b}개임: {count}개가 아님"),
    ("`{name}` takes {n} arguments, not {count}", "`{name}`의 인수는 {n}개임: {count}개가 아님"),
    ("`{name}` takes {n} argument, not {count}", "`{name}`의 인수는 {n}개임: {count}개가 아님"),
    ("`round`'s digits are a whole number", "`round`의 자릿수는 정수임"),
    ("`{call}` has no value", "`{call}`의 값이 없음"),
    (
        "`{name}` is {what!t}: a `let` value cannot take its name",
        "`{name}`은/는 {what!t}임: `let` 값에 이 이름을 붙일 수 없음",
    ),
    (
        "`{name}(...)` gives a number: use it in a layer's arguments, e.g. `{example}`",
        "`{name}(...)`은/는 수를 냄: 층의 인수 안에 쓸 것 (예: `{example}`)",
    ),
    ("`{obj}.{attr}`: only `in` has attributes", "`{obj}.{attr}`: 속성이 있는 것은 `in`뿐임"),
    ("`in.{attr}` is not a size", "`in.{attr}`은/는 크기가 아님"),
    ("the sizes are {sizes}", "크기: {sizes}"),
    ("`in.{attr}` does not exist for the {shape} input", "입력 {shape}에는 `in.{attr}`이/가 없음"),
    # ---------------------------------------------------------------- options (layers, initialise.py)
    ("`{key}` must be one of {choices}, not `{value}`", "`{key}`은/는 {choices} 중 하나여야 함: `{value}`은/는 안 됨"),
    ("`{key}` must be one of {choices}", "`{key}`은/는 {choices} 중 하나여야 함"),
    ("`{key}` must be {expected!t}, not `{value}`", "`{key}`에는 {expected!t}을/를 적어야 함: `{value}`은/는 안 됨"),
    ("`{key}` must be at least {minimum}, not {value}", "`{key}`은/는 {minimum} 이상이어야 함: {value}은/는 안 됨"),
    ("`{key}` is too large: {value} (at most {max})", "`{key}`이/가 너무 큼: {value} (최대 {max})"),
    (
        "`{key}` has {n:num} sizes ({value}) but the input has {rank:num} spatial dimension",
        "`{key}`에 크기가 {n}개 ({value}) 있지만 입력의 공간 차원은 {rank}개임",
    ),
    (
        "`{key}` has {n:num} sizes ({value}) but the input has {rank:num} spatial dimensions",
        "`{key}`에 크기가 {n}개 ({value}) 있지만 입력의 공간 차원은 {rank}개임",
    ),
    (
        "write one size per dimension, or a single number for all {rank:num}",
        "차원마다 크기를 하나씩 적거나, {rank}개 모두에 쓸 수 하나를 적을 것",
    ),
    (
        "`{kind}` takes {takes!codes}; `{extra}` is one argument too many",
        "`{kind}`의 위치 인자: {takes!codes}: `{extra}`은/는 하나 더 많은 인자임",
    ),
    ("`{kind}` takes {options!codes}", "`{kind}`의 옵션: {options!codes}"),
    (
        "write `{kind:code} {word:code} SIZE`: one value after `{word:code}`",
        "`{kind} {word} SIZE`처럼 적을 것: `{word}` 뒤에는 값이 하나",
    ),
    (
        "write `{kind:code} {word:code} SIZE`: a value after `{word:code}`",
        "`{kind} {word} SIZE`처럼 적을 것: `{word}` 뒤에 값이 필요함",
    ),
    (
        "{kind} needs a {accepted!or} input, but gets {shape}",
        "`{kind}`에는 {accepted!or} 입력이 필요하지만 {shape}이/가 들어옴",
    ),
    ("write it as `{a}`, e.g. `{b}`", "`{a}`처럼 적을 것. 예: `{b}`"),
    (
        "write it as `{a}`, or `{b}` for adaptive pooling",
        "`{a}`처럼, 적응형 풀링이면 `{b}`처럼 적을 것",
    ),
    ("write it as `{a}` (scale factor) or `{b}`", "`{a}` (배율)나 `{b}`처럼 적을 것"),
    ("write it as `{a}` (the output size)", "`{a}` (출력 크기)처럼 적을 것"),
    ("dense needs a flat input, but gets {shape}", "`dense`에는 평탄한 입력이 필요하지만 {shape}이/가 들어옴"),
    ("put `flatten` before it (it gives {n!n} features)", "앞에 `flatten`을/를 둘 것 (특징 {n!n}개가 나옴)"),
    ("a dropout probability is at most 1, not {p}", "드롭아웃 확률은 1 이하여야 함: {p}은/는 안 됨"),
    (
        "lrn needs channels and at least one spatial dimension, but gets {shape}",
        "`lrn`에는 채널과 하나 이상의 공간 차원이 필요하지만 {shape}이/가 들어옴",
    ),
    (
        "softmax over dim {dim}, but the input {shape} has {n}",
        "`softmax`의 차원은 {dim}인데 입력 {shape}의 차원은 {n}개임",
    ),
    (
        "shuffle needs channels and a spatial size, but gets {shape}",
        "`shuffle`에는 채널과 공간 크기가 필요하지만 {shape}이/가 들어옴",
    ),
    ("{c:num} channels cannot be shuffled in {g:num} groups", "채널 {c}개를 그룹 {g}개로 섞을 수 없음"),
    (
        "{kind}: {c:num} channels cannot be split into {g:num} groups",
        "`{kind}`: 채널 {c}개를 그룹 {g}개로 나눌 수 없음",
    ),
    ("numbers of groups that divide {c:num}: {fits}", "{c}을/를 나누어떨어지게 하는 그룹 수: {fits}"),
    (
        "a stochastic depth probability is below 1, not {p}",
        "`stochastic_depth`의 확률은 1보다 작아야 함: {p}은/는 안 됨",
    ),
    (
        "mode `{mode}` works on {n}-D data, the input is {rank}-D",
        "모드 `{mode}`은/는 {n}차원 데이터에 쓰는데 입력은 {rank}차원임",
    ),
    (
        "{kind}: {c:num} input channels cannot be split into {g:num} groups",
        "`{kind}`: 입력 채널 {c}개를 그룹 {g}개로 나눌 수 없음",
    ),
    (
        "{kind}: {c:num} output channels cannot be split into {g:num} groups",
        "`{kind}`: 출력 채널 {c}개를 그룹 {g}개로 나눌 수 없음",
    ),
    (
        "kernel {k} with dilation {d} does not fit the {shape} (padded) input",
        "팽창 {d}인 커널 {k}이/가 패딩한 입력 {shape}보다 큼",
    ),
    ("kernel {k} with dilation {d} does not fit the {shape} input", "팽창 {d}인 커널 {k}이/가 입력 {shape}보다 큼"),
    ("kernel {k} does not fit the {shape} (padded) input", "커널 {k}이/가 패딩한 입력 {shape}보다 큼"),
    ("kernel {k} does not fit the {shape} input", "커널 {k}이/가 입력 {shape}보다 큼"),
    (
        "{kind} {k} does not fit the {shape} input (3-D average pooling does not count the padding here)",
        "`{kind}` {k} 창이 입력 {shape}보다 큼 (3차원 평균 풀링은 여기서 패딩을 세지 않음)",
    ),
    ("{kind} {k} does not fit the {shape} input", "`{kind}` {k} 창이 입력 {shape}보다 큼"),
    (
        "`output_padding` ({p}) must be smaller than the stride or the dilation",
        "`output_padding` ({p})은/는 스트라이드나 팽창보다 작아야 함",
    ),
    ("make it smaller than the stride ({t})", "스트라이드 ({t})보다 작게 할 것"),
    ("add needs equal shapes: {inputs!list}", "`add`에는 같은 형태가 필요함: {inputs!list}"),
    (
        "concat needs the same sizes apart from channels: {inputs!list}",
        "`concat`에는 채널 말고는 크기가 같아야 함: {inputs!list}",
    ),
    ("mul needs tensors of one rank: {inputs!list}", "`mul`에는 차원 수가 같은 텐서가 필요함: {inputs!list}"),
    ("mul cannot broadcast: {inputs!list}", "`mul`: 브로드캐스트할 수 없음: {inputs!list}"),
    ("branch {n:num} gives {shape}", "가지 {n}은/는 {shape}"),
    ("the shortcut gives {shape}", "숏컷은 {shape}"),
    ("`{name}` gives {shape}", "`{name}`은/는 {shape}"),
    (
        "one branch strides ({a} and {b}): `shortcut: project` strides the shortcut too",
        "가지 하나에 스트라이드가 있음 ({a}과/와 {b}): `shortcut: project`은/는 숏컷에도 스트라이드를 줌",
    ),
    (
        "the sizes differ ({a} and {b}): is a `pad=` missing?",
        "크기가 다름 ({a}과/와 {b}): `pad=`이/가 빠지지 않았는지?",
    ),
    (
        "the shortcut cannot project {a} to {b}: no stride of a 1x1 conv takes {x} to {y}",
        "숏컷이 {a}을/를 {b}으로/로 사영할 수 없음: 1x1 합성곱의 어떤 스트라이드로도 {x}이/가 {y}이/가 되지 않음",
    ),
    ("the shortcut cannot project {a} to {b}", "숏컷이 {a}을/를 {b}으로/로 사영할 수 없음"),
    ("a zoom factor is at most 1, not {f}", "확대/축소 비율은 1 이하여야 함: {f}은/는 안 됨"),
    (
        "preprocess {mode} needs 3 channels (RGB), the input has {c}",
        "`preprocess {mode}`에는 채널 3개 (RGB)가 필요하지만 입력의 채널은 {c}개임",
    ),
    ("`{kind}` needs a kernel size or `to SIZE`", "`{kind}`에는 커널 크기나 `to SIZE`이/가 필요함"),
    ("`{kind} to ...` is adaptive: it takes no `{key}`", "`{kind} to ...`은/는 적응형임: `{key}`을/를 받지 않음"),
    ("padding {p} is more than half the kernel {k}", "패딩 {p}이/가 커널 {k}의 절반보다 큼"),
    # ---------------------------------------------------------------- files, input, imports (load.py)
    ("an input size is too large (at most {max})", "입력 크기가 너무 큼 (최대 {max})"),
    (
        "`{written}` looks channels-last; archspec reads channels x height x width",
        "`{written}`은/는 채널이 마지막인 형태로 보임: archspec은/는 채널 x 높이 x 너비로 읽음",
    ),
    (
        "does `{written}` include the batch dimension? archspec's shapes leave it out",
        "`{written}`에 배치 차원이 들어 있는지? archspec의 형태에는 배치 차원을 적지 않음",
    ),
    ("imports go round in a circle: {cycle}", "`import`이/가 순환함: {cycle}"),
    ("block `{name}` is defined twice", "블록 `{name}`이/가 두 번 정의됨"),
    ("the network expands to more than {n} layers", "신경망을 펼치면 층이 {n}개를 넘음"),
    ("`{path}` {reason!t} (looked for {target})", "`{path}`: {reason!t} (찾은 위치: {target})"),
    ("cannot be read ({error})", "읽을 수 없음 ({error})"),
    # ---------------------------------------------------------------- PyTorch source (codegen.py)
    (
        "`{name}` is a Python keyword: it cannot name a PyTorch submodule",
        "`{name}`은/는 파이썬 예약어임: PyTorch 하위 모듈의 이름이 될 수 없음",
    ),
    (
        "`{name}` cannot name a PyTorch submodule: nn.Module keeps names starting with `_`",
        "`{name}`은/는 PyTorch 하위 모듈의 이름이 될 수 없음: `nn.Module`은/는 `_`으로/로 시작하는 이름을 씀",
    ),
    (
        "`{name}` cannot name a PyTorch submodule: nn.Module has an attribute of that name",
        "`{name}`은/는 PyTorch 하위 모듈의 이름이 될 수 없음: `nn.Module`에 같은 이름의 속성이 있음",
    ),
    ("rename the line, e.g. `{name}`", "줄의 이름을 바꿀 것. 예: `{name}`"),
    ("`{path}` does not fit the module tree", "`{path}`이/가 모듈 트리에 맞지 않음"),
    ("block `{name}` makes no layer", "블록 `{name}`이/가 층을 하나도 만들지 않음"),
    # ---------------------------------------------------------------- answer sheets (quiz.py; the rest of its
    # messages are by identity, in archspec/catalogue.py)
    # the TOML reader's own messages (tomllib's, first letter lowered), as the sheet's error shows them
    ("cannot declare {key} twice", "{key} 표를 두 번 선언할 수 없음"),
    ("cannot mutate immutable namespace {key}", "바꿀 수 없는 이름공간 {key}을/를 바꾸려 함"),
    ("cannot redefine namespace {key}", "이름공간 {key}을/를 다시 정의할 수 없음"),
    ("duplicate inline table key {key}", "인라인 표의 키 {key}이/가 두 번 나옴"),
    ("expected '{c}'", "`{c}`이/가 와야 함"),
    ("found invalid character '{c}'", "잘못된 문자 `{c}`"),
    ("illegal character '{c}'", "쓸 수 없는 문자 `{c}`"),
    ("no layer `{table}` in {file}", "{file}에 층 `{table}`이/가 없음"),
    # ---------------------------------------------------------------- the command line (cli.py, teach.py)
    ("{path}: {n:num} error", "{path}: 오류 {n}개"),
    ("{path}: {n:num} errors", "{path}: 오류 {n}개"),
    ("{path}: {n:num} error; nothing written", "{path}: 오류 {n}개: 아무것도 쓰지 않음"),
    ("{path}: {n:num} errors; nothing written", "{path}: 오류 {n}개: 아무것도 쓰지 않음"),
    ("{path}: {n:num} error; fix the spec before training", "{path}: 오류 {n}개: 명세를 고친 뒤 학습할 것"),
    ("{path}: {n:num} errors; fix the spec before training", "{path}: 오류 {n}개: 명세를 고친 뒤 학습할 것"),
    (
        "the command line has {n:num} error (above): {options}",
        "명령줄의 옵션에 오류 {n}개가 있음 (위를 볼 것): {options}",
    ),
    (
        "the command line has {n:num} errors (above): {options}",
        "명령줄의 옵션에 오류 {n}개가 있음 (위를 볼 것): {options}",
    ),
    (
        "{path}: no network to {verb!t}; the file defines {blocks!t}",
        "{path}: {verb!t} 신경망이 없음: 파일에 정의된 것: {blocks!t}",
    ),
    (
        "{path}: no network to {verb!t}; the file defines {blocks}",
        "{path}: {verb!t} 신경망이 없음: 파일에 정의된 것: {blocks}",
    ),
    ("{path}: no network; defines {blocks!t}", "{path}: 신경망이 없음: 정의된 것: {blocks!t}"),
    ("{path}: no network; defines {blocks}", "{path}: 신경망이 없음: 정의된 것: {blocks}"),
    ("`-o {out}` says {a}, `--format` says {b}", "`-o {out}`은/는 {a}, `--format`은/는 {b}"),
    ("cannot write {path}: {reason!m}", "{path}에 쓸 수 없음: {reason!m}"),
    ("cannot read {path}: {reason}", "{path}을/를 읽을 수 없음: {reason}"),
    ("wrote the checkpoint {path} (epoch {e:num})", "체크포인트를 {path}에 씀 (에포크 {e})"),
    (
        "wrote {path} (ONNX opset {n:num}, input {shape} with a dynamic batch dimension)",
        "{path}에 씀 (ONNX opset {n}, 입력 {shape}, 배치 차원은 가변)",
    ),
    ("wrote {path}", "{path}에 씀"),
    # `archspec fmt` (fmt_cli.py)
    ("{path}: {n:num} error; not reformatted", "{path}: 오류 {n}개: 정리하지 않음"),
    ("{path}: {n:num} errors; not reformatted", "{path}: 오류 {n}개: 정리하지 않음"),
    ("reformatted {path}", "{path}을/를 정리함"),
    ("would reformat {path}", "{path}: 정리할 곳이 있음"),
    ("{n:num} file would be reformatted", "정리할 곳이 있는 파일 {n}개"),
    ("{n:num} files would be reformatted", "정리할 곳이 있는 파일 {n}개"),
    # `archspec export` (emit/export_cli.py)
    (
        "exporting to ONNX needs {names}, which is not installed: pip install 'archspec[onnx]'",
        "ONNX로 내보내려면 {names}이/가 필요하지만 설치되어 있지 않음: pip install 'archspec[onnx]'",
    ),
    (
        "exporting to ONNX needs {names}, which are not installed: pip install 'archspec[onnx]'",
        "ONNX로 내보내려면 {names}이/가 필요하지만 설치되어 있지 않음: pip install 'archspec[onnx]'",
    ),
    (
        "exporting builds the network with PyTorch, which is not installed: pip install 'archspec[torch]'",
        "내보내려면 PyTorch로 신경망을 만들어야 하지만 PyTorch가 설치되어 있지 않음: pip install 'archspec[torch]'",
    ),
    ("PyTorch cannot export {name} to ONNX: {reason}", "PyTorch가 {name}을/를 ONNX로 내보낼 수 없음: {reason}"),
    ("archspec {command:code}: error: {message!m}", "archspec {command}: 오류: {message!m}"),
    # after the line above, which they would match whole: messages that start with a name
    (
        "{path}: formatting would change what the spec says; left as it is",
        "{path}: 정리하면 명세의 뜻이 바뀌므로 그대로 둠",
    ),
    # `archspec import` (import_cli.py, frontend/from_torch.py)
    (
        "--input must be a shape like 3x224x224 (no batch dimension), not {value}",
        "--input은/는 3x224x224 같은 형태여야 함 (배치 차원 없이): {value}은/는 안 됨",
    ),
    (
        "TARGET must be MODULE:NAME or FILE.py:NAME, e.g. torchvision.models:resnet18, not {value}",
        "TARGET은/는 MODULE:NAME이나 FILE.py:NAME이어야 함 (예: torchvision.models:resnet18): {value}은/는 안 됨",
    ),
    (
        "importing a model needs PyTorch, which is not installed: pip install 'archspec[torch]'",
        "모델을 가져오려면 PyTorch가 필요하지만 설치되어 있지 않음: pip install 'archspec[torch]'",
    ),
    ("importing {where} exited", "{where}을/를 가져오다가 프로그램이 끝남"),
    ("cannot import {where}: {reason}", "{where}을/를 가져올 수 없음: {reason}"),
    ("{where} has no `{name}`", "{where}에 `{name}`이/가 없음"),
    ("{target}() failed: {reason}", "{target}() 호출이 실패함: {reason}"),
    ("{target} is not a torch.nn.Module, nor makes one", "{target}은/는 torch.nn.Module이 아니고 만들지도 않음"),
    ("torch.fx cannot trace {name}: {reason}", "torch.fx로 {name}을/를 추적할 수 없음: {reason}"),
    ("{name} does not run on an input of {shape}: {reason}", "{name}은/는 {shape} 입력으로 실행되지 않음: {reason}"),
    ("no layer kind of archspec for: {listing}", "archspec에 해당하는 층 종류가 없음: {listing}"),
    (
        "{name} is an nn.Sequential, whose layers are named 0, 1, ..., which a network's lines cannot be: "
        "import a module that holds it as an attribute (`self.features = ...`)",
        "{name}은/는 nn.Sequential이라 층 이름이 0, 1, ...인데, 네트워크의 줄 이름은 그럴 수 없음: "
        "이것을 속성으로 가진 모듈을 가져올 것 (`self.features = ...`)",
    ),
    (
        "the spec made of {target} does not check (above); nothing written",
        "{target}에서 만든 명세가 검사를 통과하지 못함 (위를 볼 것): 아무것도 쓰지 않음",
    ),
    # `archspec lsp` (lsp/)
    (
        "{path}: is larger than {n:num} KB: the editor's checks stop there",
        "{path}: {n}KB보다 커서 편집기에서는 검사하지 않음",
    ),
    ("`archspec check` checks it (up to 4 MB)", "`archspec check`으로/로 검사할 것 (4MB까지)"),
    (
        "the language server needs pygls and lsprotocol ({reason}): pip install 'archspec[lsp]'",
        "언어 서버에는 pygls와 lsprotocol이 필요함 ({reason}): pip install 'archspec[lsp]'",
    ),
    # ---------------------------------------------------------------- the check table's totals (report.py)
    ("Total params: {n!n}", "총 파라미터 수: {n!n}"),
    ("Trainable params: {n!n}", "학습 가능한 파라미터 수: {n!n}"),
    ("Non-trainable params: {n!n} (frozen: {frozen})", "학습하지 않는 파라미터 수: {n!n} (고정: {frozen})"),
    ("Non-trainable params: {n!n}", "학습하지 않는 파라미터 수: {n!n}"),
    ("Buffers (batchnorm statistics): {n!n}", "버퍼 (배치 정규화 통계): {n!n}"),
    ("Initialisation: {how!m}", "초기화: {how!m}"),
    (
        "MACs: {n!n} ({short}; as FLOPs counted 2 per MAC: {flops})",
        "곱셈 수 (MACs): {n!n} ({short}: MAC 하나를 2 FLOPs로 세면 {flops})",
    ),
    ("Output shape: {shape}", "출력 형태: {shape}"),
    ("Input size (MB): {mb}", "입력 크기 (MB): {mb}"),
    ("Forward/backward pass size (MB): {mb}", "순전파/역전파 크기 (MB): {mb}"),
    ("Params size (MB): {mb}", "파라미터 크기 (MB): {mb}"),
    ("Estimated Total Size (MB): {mb}", "추정 전체 크기 (MB): {mb}"),
    (
        "Memory as torchsummary estimates it (MB = 2**20 bytes; --memory torchinfo for torchinfo's):",
        "메모리: `torchsummary`의 추정 (MB = 2**20 바이트; `torchinfo`의 추정은 `--memory torchinfo`):",
    ),
    (
        "Memory as torchinfo estimates it (MB = 10**6 bytes; --memory torchsummary for torchsummary's):",
        "메모리: `torchinfo`의 추정 (MB = 10**6 바이트; `torchsummary`의 추정은 `--memory torchsummary`):",
    ),
    # ---------------------------------------------------------------- freeze lines, names in chains, files
    ("no layer or block `{path}` before this line", "이 줄 앞에 층이나 블록 `{path}`이/가 없음"),
    ("no layer or block `{path}` in the network", "신경망에 층이나 블록 `{path}`이/가 없음"),
    ("not found", "찾을 수 없음"),
    (
        "name a layer or block defined above, as `check` lists it",
        "위에서 정의한 층이나 블록의 이름을 `check`이/가 보여 주는 대로 적을 것",
    ),
    (
        "`{word:code}` is a word of the language: it cannot name a line",
        "`{word}`은/는 언어의 낱말이라 줄 이름이 될 수 없음",
    ),
    ("rename the line, e.g. `{name}`", "줄 이름을 바꿀 것 (예: `{name}`)"),
    (
        "`{label:code}:` names the layer that follows it, and none does",
        "`{label}:`은/는 뒤따르는 층의 이름인데 뒤에 층이 없음",
    ),
    ("`{label:code}:` names the layer that follows it", "`{label}:`은/는 뒤따르는 층의 이름임"),
    ("names nothing", "이름 붙일 층이 없음"),
    ("a parameter here", "여기서는 매개변수임"),
    (
        "`{name:code}` is a parameter of this block, which hides the layer kind: "
        "rename the parameter, e.g. `{other:code}`",
        "`{name}`은/는 이 블록의 매개변수라서 같은 이름의 층 종류를 가림: 매개변수 이름을 바꿀 것 (예: `{other}`)",
    ),
    ("not a layer kind", "층 종류가 아님"),
    (
        "write a layer kind after `{label}:`, or remove the name",
        "`{label}:` 뒤에 층 종류를 적거나 이름을 지울 것",
    ),
    ("write a layer kind after `{label}:`, e.g. `{example}`", "`{label}:` 뒤에 층 종류를 적을 것 (예: `{example}`)"),
    ("two names for one layer", "층 하나에 이름이 둘"),
    ("second name", "두 번째 이름"),
    ("the layers of a sequence are numbered: they take no names", "시퀀스의 층은 번호로 불리므로 이름을 붙일 수 없음"),
    ("a name", "이름"),
    ("write the layer on a line of its own to name it", "이름을 붙이려면 그 층을 따로 한 줄에 적을 것"),
    (
        "{n!n} more errors not shown (archspec shows the first {cap})",
        "오류 {n!n}개를 더 보이지 않음 (archspec은 처음 {cap}개만 보임)",
    ),
    ("fix the errors above and check again", "위의 오류를 고치고 다시 검사할 것"),
    ("the network has no parameter `{name}`", "신경망에 매개변수 `{name}`이/가 없음"),
    ("`expect` lines are not checked: --set changes {names}", "`expect` 줄을 검사하지 않음: --set이 {names}을/를 바꿈"),
    (
        "the spec's `expect` lines describe the network with its own values",
        "명세의 `expect` 줄은 명세 자신의 값으로 만든 신경망을 기술함",
    ),
    ("not a parameter", "매개변수가 아님"),
    ("not {what!t}", "{what!t}이/가 아님"),
    ("name a line with a colon: `{example}`", "줄의 이름 뒤에는 쌍점(`:`)을 적을 것: `{example}`"),
    ("as its default: `{example}`", "기본값처럼: `{example}`"),
    ("with the network's parameters as --set gives them: {given}", "--set이 준 신경망 매개변수로: {given}"),
    ("the network's parameters: {names!m}", "신경망의 매개변수: {names!m}"),
    (
        "none: write them as `network NAME(p=VALUE, ...)`",
        "없음: `network NAME(p=VALUE, ...)`처럼 적을 것",
    ),
    ("the network's parameter `{p}` needs a default", "신경망의 매개변수 `{p}`에 기본값이 필요함"),
    ("no default", "기본값 없음"),
    ("write `{p}=VALUE`; `--set {p2}=VALUE` changes it", "`{p}=VALUE`로 적을 것: `--set {p2}=VALUE`로 바꿀 수 있음"),
    ("{path}: is not a regular file (a pipe or a device?)", "{path}: 일반 파일이 아님 (파이프나 장치?)"),
    (
        "{path}: is larger than {mb:num} MB, more than a spec can sensibly be",
        "{path}: {mb} MB보다 큼: 명세로는 지나치게 큼",
    ),
    (
        "{path}: has a line of {n} characters (line {line:num}); a line may have {cap}",
        "{path}: {line}번째 줄이 {n}자임: 한 줄은 {cap}자까지",
    ),
    (
        "{path}: is not UTF-8 text (byte {byte} at line {line:num}, column {col:num})",
        "{path}: UTF-8 글이 아님 ({line}번째 줄 {col}번째 칸의 바이트 {byte})",
    ),
    ("save the file as UTF-8", "파일을 UTF-8로 저장할 것"),
    ("a spec is a text file of .arch lines", "명세는 .arch 줄로 된 텍스트 파일임"),
    # ---------------------------------------------------------------- `archspec render` (cli.py, diagram.py)
    (
        "the network has no block or sequence `{path:code}`; the top-level ones are {names!codes}",
        "신경망에 블록이나 반복 묶음 `{path}`이/가 없음: 맨 바깥의 것: {names!codes}",
    ),
    (
        "the network has no block or sequence `{path:code}`; it has none",
        "신경망에 블록이나 반복 묶음 `{path}`이/가 없음: 블록도 반복 묶음도 없음",
    ),
    (
        "{name} has no block or sequence `{path:code}`; the top-level ones are {names!codes}",
        "{name}에 블록이나 반복 묶음 `{path}`이/가 없음: 맨 바깥의 것: {names!codes}",
    ),
    (
        "{name} has no block or sequence `{path:code}`; it has none",
        "{name}에 블록이나 반복 묶음 `{path}`이/가 없음: 블록도 반복 묶음도 없음",
    ),
    (
        "--dpi sets a PNG's resolution; {fmt} is drawn in points, at any size",
        "`--dpi`은/는 PNG의 해상도를 정함: {fmt}은/는 포인트 단위로 그려서 크기에 제한이 없음",
    ),
    ("--input is for --block NAME: `{usage:code}`", "`--input`은/는 `--block NAME` 옵션과 함께 씀: `{usage}`"),
    ("`{arg:code}` is for --block NAME: `{usage:code}`", "`{arg}`은/는 `--block NAME` 옵션과 함께 씀: `{usage}`"),
    (
        "{file} has no block `{block:code}`; it defines no blocks",
        "{file}에 블록 `{block}`이/가 없음: 정의된 블록이 없음",
    ),
    (
        "{file} has no block `{block:code}`; it defines {names!codes}",
        "{file}에 블록 `{block}`이/가 없음: 정의된 블록: {names!codes}",
    ),
    (
        "--block {block:code} needs the shape it takes: --input SHAPE (e.g. --input {shape:code})",
        "`--block {block}`에는 블록이 받는 입력 형태가 필요함: `--input SHAPE` (예: `--input {shape}`)",
    ),
    (
        "`{arg:code}` is not an argument: write ARG=VALUE, e.g. width=64",
        "`{arg}`은/는 인자가 아님: `ARG=VALUE`처럼 적을 것. 예: `width=64`",
    ),
    ("cannot call {call} on {shape}: see above", "{shape}에 `{call}`을/를 호출할 수 없음: 위를 볼 것"),
    ("`{key:code}` is not a block parameter name", "`{key}`은/는 블록 매개변수의 이름이 아님"),
    (
        "block argument `{key:code}` must be a number, a word or a tuple of whole numbers, not {value}",
        "블록 인자 `{key}`은/는 수, 낱말, 정수의 튜플 중 하나여야 함: {value}은/는 안 됨",
    ),
    (
        "Graphviz's `dot` program is not installed: install Graphviz (`apt-get install graphviz` or "
        "`brew install graphviz`), or use `--format dot`",
        "Graphviz의 `dot` 프로그램이 설치되어 있지 않음: Graphviz를 설치하거나 (`apt-get install graphviz` 또는 "
        "`brew install graphviz`) `--format dot`을/를 쓸 것",
    ),
    ("Graphviz's `dot` failed: {detail}", "Graphviz의 `dot`이/가 실패함: {detail}"),
    ("Graphviz's `dot` failed", "Graphviz의 `dot`이/가 실패함"),
    # ---------------------------------------------------------------- `archspec train` (train.py, progress.py)
    (
        "training {name} ({file}) on {source!m}: {classes!t}, {a:num} training and {b:num} validation images; "
        "{setup!list}",
        "{name} ({file}) 학습: {source!m}, {classes!t}, 학습 이미지 {a}장과 검증 이미지 {b}장: {setup!list}",
    ),
    ("{n:num} classes", "클래스 {n}개"),
    # ---------------------------------------------------------------- check's table: a group's title (graph.group_text)
    ("{n:num} x {block:code}", "{block} {n}개"),
    ("sequence of {n:num}", "{n}개로 된 시퀀스"),
    (
        "2 classes (one output, the {what!t} of `{c:code}`: binary cross-entropy)",
        "클래스 2개 (출력 하나가 `{c}`의 {what!t}: 이진 교차 엔트로피)",
    ),
    ("{device:device} x {n:num} processes", "`{device}` 프로세스 {n}개"),
    ("{device:device}", "`{device}`"),
    ("batch {n:num}", "배치 {n}"),
    ("{optimizer:code} lr {lr}", "`{optimizer}` 학습률 {lr}"),
    ("amp {dtype:code}", "혼합 정밀도 `{dtype}`"),
    ("epoch {e:num}/{n:num}", "에포크 {e}/{n}"),
    ("loss {l} acc {a} {r} img/s", "손실 {l} 정확도 {a} {r} img/s"),
    (
        "{t:num!n} trainable parameters, {f:num!n} frozen in {names} and {k:num} more",
        "학습할 파라미터 {t!n}개, 고정된 파라미터 {f!n}개: {names!m} 외 {k}개",
    ),
    (
        "{t:num!n} trainable parameters, {f:num!n} frozen in {names}",
        "학습할 파라미터 {t!n}개, 고정된 파라미터 {f!n}개: {names!m}",
    ),
    ("{t:num!n} trainable parameters, none frozen", "학습할 파라미터 {t!n}개, 고정된 파라미터 없음"),
    (
        "loaded {n:num} tensors from {file} into the network; "
        "{k:num} entries of the file outside `{part:code}` not used",
        "{file}에서 텐서 {n}개를 신경망에 읽어 들임: 파일에서 `{part}` 밖의 항목 {k}개는 쓰지 않음",
    ),
    ("loaded {n:num} tensors from {file} into the network", "{file}에서 텐서 {n}개를 신경망에 읽어 들임"),
    (
        "loaded {n:num} tensors from {file} into `{part:code}`; {k:num} entries of the file outside `{part}` not used",
        "{file}에서 텐서 {n}개를 `{part}`에 읽어 들임: 파일에서 `{part}` 밖의 항목 {k}개는 쓰지 않음",
    ),
    ("loaded {n:num} tensors from {file} into `{part:code}`", "{file}에서 텐서 {n}개를 `{part}`에 읽어 들임"),
    # an unreadable image, as the loading process of a distributed run reports it (before `{path}: ...`)
    ("process {r:num}: {error!t}", "프로세스 {r}: {error!t}"),
    # ------------------------------------------------------- `archspec evaluate` and `predict` (evaluate_cli.py)
    (
        "evaluating {name} ({file}) with {weights} (epoch {e:num}) on {root}: {n:num} images in {k:num} class folders",
        "{name} ({file}) 평가: 가중치 {weights} (에포크 {e}), 데이터 {root}: 클래스 폴더 {k}개, 이미지 {n}장",
    ),
    (
        "evaluating {name} ({file}) with {weights} on {root}: {n:num} images in {k:num} class folders",
        "{name} ({file}) 평가: 가중치 {weights}, 데이터 {root}: 클래스 폴더 {k}개, 이미지 {n}장",
    ),
    ("accuracy {a} ({c:num} of {n:num} images), loss {l}", "정확도 {a} (이미지 {n}장 중 {c}장), 손실 {l}"),
    ("top-5 accuracy {a} ({c:num} of {n:num} images)", "상위 5개 정확도 {a} (이미지 {n}장 중 {c}장)"),
    ("{name}: accuracy {a} ({c:num} of {n:num} images)", "{name}: 정확도 {a} (이미지 {n}장 중 {c}장)"),
    (
        "the confusion matrix of {k:num} classes is too wide to show; --json has it, --plot draws it",
        "클래스 {k}개의 혼동 행렬은 너무 넓어 보여 줄 수 없음: `--json`에 있고 `--plot`으로 그림",
    ),
    ("{path}: is a folder, not an image", "{path}: 이미지가 아니라 폴더임"),
    (
        "--data {root}: {names}: not among the classes {weights} was trained on ({classes})",
        "`--data {root}`: {names}: {weights}이/가 학습한 클래스({classes})에 없음",
    ),
    (
        "--plot {path}: the plot is a PNG; give a name that ends in .png",
        "`--plot {path}`: 그림은 PNG임: .png로 끝나는 이름을 줄 것",
    ),
    ("--plot {path}: cannot be written ({reason})", "`--plot {path}`: 쓸 수 없음 ({reason})"),
    (
        "the checkpoint is of {which!t}, whose layers differ from {file}; give the spec it was saved from ({saved})",
        "체크포인트는 {which!t}의 것으로, 층이 {file}과/와 다름: 저장할 때의 명세를 줄 것 ({saved})",
    ),
    ("an earlier version of `{name:code}`", "`{name}`의 이전 버전"),
    (
        "the checkpoint was trained with {given}; give the same",
        "체크포인트는 `{given}`으로/로 학습했음: 같은 값을 줄 것",
    ),
    ("{path}: cannot be read as an image ({reason})", "{path}: 이미지로 읽을 수 없음 ({reason})"),
    # its one-line errors (train_cli.py, traindata.py, train.py, weights.py)
    (
        "--weights and --resume: a resumed run goes on from its checkpoint's weights; give one",
        "`--weights`과/와 `--resume`: 이어서 하는 학습은 체크포인트의 가중치에서 이어짐: 둘 중 하나만 줄 것",
    ),
    (
        "--resume needs --save CKPT: the checkpoint to go on from, and to go on writing",
        "`--resume`에는 `--save CKPT`이/가 필요함: 이어서 학습하고 계속 쓸 체크포인트",
    ),
    ("--resume {path}: no such checkpoint", "`--resume {path}`: 그런 체크포인트가 없음"),
    ("{option:option} {path}: the folder {folder} does not exist", "`{option} {path}`: 폴더 {folder}이/가 없음"),
    (
        "every parameter of {name} is frozen: nothing to train; unfreeze a part (`unfreeze PATH` in the spec, "
        "or --unfreeze PATH)",
        "{name}의 파라미터가 모두 고정됨: 학습할 것이 없음: 일부를 풀 것 (명세에 `unfreeze PATH`, "
        "또는 `--unfreeze PATH`)",
    ),
    (
        "--metrics {path}: cannot be written ({reason})",
        "`--metrics {path}`: 쓸 수 없음 ({reason})",
    ),
    (
        "archspec {command:code} needs PyTorch, which cannot be imported ({error}); install it with: "
        "pip install 'archspec[train]' (or: pip install torch pillow)",
        "archspec {command}에는 PyTorch가 필요하지만 가져올 수 없음 ({error}): 설치할 것: "
        "`pip install 'archspec[train]'` (또는 `pip install torch pillow`)",
    ),
    (
        "reading an image folder needs Pillow, which is not installed; install it with: "
        "pip install 'archspec[train]' (or: pip install pillow)",
        "이미지 폴더를 읽으려면 Pillow가 필요하지만 설치되어 있지 않음: 설치할 것: "
        "`pip install 'archspec[train]'` (또는 `pip install pillow`)",
    ),
    ("--weights {option}: {error!m}", "가중치 `--weights {option}`: {error!m}"),
    ("--data {root}: no such folder", "`--data {root}`: 그런 폴더가 없음"),
    (
        "--data {root}: not a folder (give a folder with one sub-folder of images per class)",
        "`--data {root}`: 폴더가 아님 (클래스마다 이미지 하위 폴더가 하나씩 있는 폴더를 줄 것)",
    ),
    (
        "--device cuda: no CUDA device ({why!m}); use --device cpu or --device auto",
        ("`--device cuda`: CUDA 장치가 없음 ({why!m}): `--device cpu`이나/나 `--device auto`을/를 쓸 것"),
    ),
    (
        "out of GPU memory with --batch-size {n:num}: try a smaller one",
        "`--batch-size {n}`에서 GPU 메모리가 모자람: 더 작게 해 볼 것",
    ),
    (
        "a batch of one image cannot train this network (batchnorm needs two or more): use --batch-size 2 or more",
        "이미지 하나짜리 배치로는 이 신경망을 학습할 수 없음 (배치 정규화에는 둘 이상 필요함): "
        "`--batch-size 2` 이상을 쓸 것",
    ),
    ("{path}: is a folder, not a weight file", "{path}: 가중치 파일이 아니라 폴더임"),
    ("cannot be read ({reason})", "읽을 수 없음 ({reason})"),
    (
        "{file}: the network gives {n:num} class scores, but {root} has {k:num} class folders ({names}); {change!t}",
        "{file}: 신경망이 내는 클래스 점수는 {n}개인데 {root}에는 클래스 폴더가 {k}개 있음 ({names}): {change!t}",
    ),
    (
        "{file}: the network gives 1 output, which classifies two classes, but {root} has {k:num} class "
        "folders ({names}); give it exactly two, or {change!t}",
        "{file}: 신경망의 출력 하나는 두 클래스를 가르는데 {root}에는 클래스 폴더가 {k}개 있음 ({names}): "
        "폴더를 꼭 두 개만 주거나 {change!t}",
    ),
    ("add --set {p:code}={k:num}", "`--set {p}={k}`을/를 덧붙일 것"),
    ("end the network with `dense {k:num}`", "신경망을 `dense {k}`으로/로 끝낼 것"),
    (
        "{path}: not a PyTorch weight file (torch.save of a state_dict)",
        "{path}: PyTorch 가중치 파일이 아님 (`state_dict`을/를 `torch.save`로 저장한 파일이어야 함)",
    ),
    ("{path}: holds no state_dict (a dict of tensors by name)", "{path}: `state_dict` (이름별 텐서의 dict)이/가 없음"),
    # the rarer ones
    ("--data {root}: cannot be read ({reason})", "`--data {root}`: 읽을 수 없음 ({reason})"),
    (
        "--data {root}: no class folders ({hint!t}, e.g. {a}, {b})",
        "`--data {root}`: 클래스 폴더가 없음 ({hint!t}. 예: {a}, {b})",
    ),
    (
        "--data {root}: the class folder `{name:code}` has no images ({suffixes})",
        "`--data {root}`: 클래스 폴더 `{name}`에 이미지가 없음 ({suffixes})",
    ),
    (
        "--data {root}: one class folder ({names}); a classifier needs two or more",
        "`--data {root}`: 클래스 폴더가 하나뿐임 ({names}): 분류기에는 둘 이상 필요함",
    ),
    (
        "{file}: the network's output is {shape}; training a classifier needs one score per class, a vector such "
        "as `10` (end with `flatten` and `dense K`, or `dense 1 sigmoid` for two classes)",
        "{file}: 신경망의 출력이 {shape}임: 분류기에는 클래스마다 점수 하나, 곧 `10` 같은 벡터가 필요함 "
        "(`flatten`과 `dense K`로 끝내거나, 두 클래스면 `dense 1 sigmoid`로 끝낼 것)",
    ),
    (
        "{file}: the network ends in a softmax over its one output, which is always 1 and cannot learn; end it "
        "with `dense 1 sigmoid` (two classes) or `dense K softmax` (K classes)",
        "{file}: 신경망이 출력 하나에 대한 소프트맥스로 끝남: 그 값은 늘 1이라 학습할 수 없음: "
        "`dense 1 sigmoid`(두 클래스)나 `dense K softmax`(K 클래스)로 끝낼 것",
    ),
    (
        "{file}: the input {shape} is not an image; an image folder needs an input of 1xHxW (grayscale) or 3xHxW (RGB)",
        "{file}: 입력 {shape}은/는 이미지가 아님: 이미지를 읽으려면 입력이 1xHxW(흑백)이나 3xHxW(RGB)여야 함",
    ),
    ("--resume {path}: is a folder, not a checkpoint", "`--resume {path}`: 체크포인트가 아니라 폴더임"),
    ("--resume {path}: cannot be read ({reason})", "`--resume {path}`: 읽을 수 없음 ({reason})"),
    (
        "--resume {path}: not a checkpoint written by `archspec train --save`",
        "`--resume {path}`: `archspec train --save`이/가 쓴 체크포인트가 아님",
    ),
    (
        "--resume {path}: the checkpoint is of {which!t} ({saved}), whose layers differ from {file}; resume with "
        "the spec it was saved from, or start afresh without --resume",
        "`--resume {path}`: 체크포인트는 {which!t}({saved})의 것으로, 층이 {file}과/와 다름: 저장할 때의 명세로 "
        "이어서 하거나 `--resume` 없이 처음부터 학습할 것",
    ),
    (
        "--resume {path}: the checkpoint was trained on the classes {a}, not {b}",
        "`--resume {path}`: 체크포인트가 학습한 클래스는 {b}이/가 아니라 {a}임",
    ),
    (
        "--resume {path}: the checkpoint was trained with --optimizer {o:code}; pass the same optimizer to resume",
        "`--resume {path}`: 체크포인트는 `--optimizer {o}`으로/로 학습했음: 이어서 하려면 같은 옵티마이저를 줄 것",
    ),
    (
        "--resume {path}: the checkpoint has trained {n:num} epochs already; ask for more with --epochs {m:num} "
        "or more",
        "`--resume {path}`: 체크포인트가 이미 에포크 {n}번을 학습했음: `--epochs {m}` 이상을 줄 것",
    ),
    (
        "--resume {path}: the checkpoint has trained 1 epoch already; ask for more with --epochs {m:num} or more",
        "`--resume {path}`: 체크포인트가 이미 에포크 1번을 학습했음: `--epochs {m}` 이상을 줄 것",
    ),
    (
        "--resume {path}: does not fit the module built from {file} ({error})",
        "`--resume {path}`: {file}에서 만든 모듈에 맞지 않음 ({error})",
    ),
    (
        "--save {path}: cannot write the checkpoint ({reason}); the previous one is intact",
        "`--save {path}`: 체크포인트를 쓸 수 없음 ({reason}): 이전 체크포인트는 그대로임",
    ),
    (
        "the training loss became {x} in epoch {e:num}: training diverged; try a smaller --lr",
        "에포크 {e}에서 학습 손실이 {x}이/가 됨: 학습이 발산함: 더 작은 `--lr`을/를 써 볼 것",
    ),
    (
        "--channels-last needs an image input (CxHxW or CxDxHxW), not {shape}",
        "`--channels-last`에는 이미지 입력(CxHxW 또는 CxDxHxW)이 필요함: {shape}은/는 안 됨",
    ),
    (
        "process {r:num} on this machine has no GPU of its own ({n:num} visible): start at most {m:num} processes "
        "per machine",
        "이 컴퓨터의 프로세스 {r}에는 자기 GPU가 없음 (보이는 GPU {n}개): 컴퓨터마다 프로세스를 {m}개까지만 시작할 것",
    ),
    (
        "cannot start {n:num} processes with {backend:code} ({reason}); launch with torchrun",
        "{backend}으로/로 프로세스 {n}개를 시작할 수 없음 ({reason}): torchrun으로 실행할 것",
    ),
    ("{file}: the network has no parameters to train", "{file}: 신경망에 학습할 파라미터가 없음"),
    ("interrupted in epoch {e:num}; no checkpoint was saved", "에포크 {e}에서 중단됨: 저장한 체크포인트가 없음"),
    (
        "interrupted in epoch {e:num}; {path} holds epoch {s:num}",
        "에포크 {e}에서 중단됨: {path}에 에포크 {s}이/가 저장되어 있음",
    ),
    (
        "archspec {command:code}: interrupted in epoch {e:num}; no checkpoint was saved",
        "archspec {command}: 에포크 {e}에서 중단됨: 저장한 체크포인트가 없음",
    ),
    (
        "archspec {command:code}: interrupted in epoch {e:num}; {path} holds epoch {s:num}",
        "archspec {command}: 에포크 {e}에서 중단됨: {path}에 에포크 {s}이/가 저장되어 있음",
    ),
    # a weight file that does not fit (weights.py): up to three kinds of keys, and a hint
    # (the most parts first: a part's `({keys})` would take in the parts after it)
    ("does not fit {into!t}: {a!t}; {b!t}; {c!t}; {d!t}", "{into!t}에 맞지 않음: {a!t}; {b!t}; {c!t}; {d!t}"),
    ("does not fit {into!t}: {a!t}; {b!t}; {c!t}", "{into!t}에 맞지 않음: {a!t}; {b!t}; {c!t}"),
    ("does not fit {into!t}: {a!t}; {b!t}", "{into!t}에 맞지 않음: {a!t}; {b!t}"),
    ("does not fit {into!t}: {a!t}", "{into!t}에 맞지 않음: {a!t}"),
    ("{n:num} missing from the file ({keys})", "파일에 없는 항목 {n}개 ({keys})"),
    ("{n:num} not in {into!t} ({keys})", "{into!t}에 없는 항목 {n}개 ({keys})"),
    ("{n:num} of another shape ({keys})", "형태가 다른 항목 {n}개 ({keys})"),
    (
        "is the file a whole network's? its keys would start with `{part:code}`",
        "파일이 신경망 전체의 것인지? 그렇다면 키가 `{part}`으로/로 시작할 것",
    ),
    ("the network has no part `{part:code}`; {hint!t}", "신경망에 부분 `{part}`이/가 없음: {hint!t}"),
    ("the top-level parts are {names}", "맨 바깥 부분: {names}"),
    # ---------------------------------------------------------------- argparse's usage errors (cli.py's _Parser)
    ("archspec {command:code}: error: {message!t}", "archspec {command}: 오류: {message!t}"),
    ("archspec: error: {message!t}", "archspec: 오류: {message!t}"),
    ("unrecognized arguments: {args!codes}", "알 수 없는 인자: {args!codes}"),
    ("the following arguments are required: {names!codes}", "다음 인자가 필요함: {names!codes}"),
    (
        "argument {arg}: invalid choice: {value} (choose from {choices})",
        "인자 `{arg}`: 잘못된 값 {value} (고를 수 있는 값: {choices})",
    ),
    ("argument {arg}: expected one argument", "인자 `{arg}`: 값이 하나 필요함"),
    ("argument {arg}: {message!t}", "인자 `{arg}`: {message!t}"),
    ("argument {arg}: invalid {type:code} value: {value}", "인자 `{arg}`: 잘못된 {type} 값: {value}"),
    ("expected a whole number above 0, not {text}", "0보다 큰 정수여야 함: {text}은/는 안 됨"),
    ("expected a whole number of 1 or more, not {text}", "1 이상의 정수여야 함: {text}은/는 안 됨"),
    ("expected a whole number (0 or more), not {text}", "0 이상의 정수여야 함: {text}은/는 안 됨"),
    ("expected a positive number, not {text}", "양수여야 함: {text}은/는 안 됨"),
    # ---------------------------------------------------------------- `archspec tree`'s title
    (
        "{name}  {a:code} -> {b:code}, {p:num!n} params, {m:num!n} MACs  ({file})",
        "{name}  {a} -> {b}, 파라미터 수 {p!n}, 곱셈 수 {m!n}  ({file})",
    ),
    # last, as it matches widely: `x.arch: no such file` (file-not-found)
    ("{path}: {reason!t}", "{path}: {reason!t}"),
]

_FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")
_SLOT = re.compile(r"\{(\w+)(?:!(\w+))?\}")
_KINDS = {
    "code": r"[^`]+?",
    "num": r"[0-9][0-9,_]*",
    "call": r"[A-Za-z_]\w*\([\w, ]*\)",
    "codes": r"`[^`]+`(?:, `[^`]+`)*",
    "key": r"output shape|\w+",
    "device": r"cpu|cuda(?::[0-9]+)?|mps|xpu",
    "option": r"--[a-z][a-z-]*",
    "": r".+?",
}


@cache
def _compiled() -> list[tuple[re.Pattern, str]]:
    out = []
    for english, korean in TEMPLATES:
        parts, seen, last = [], set(), 0
        for m in _FIELD.finditer(_english_fields(english)):
            parts.append(re.escape(_english_fields(english)[last : m.start()]))
            name = m.group(1)
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{_KINDS[m.group(2) or '']})")
            seen.add(name)
            last = m.end()
        parts.append(re.escape(_english_fields(english)[last:]))
        out.append((re.compile("".join(parts), re.DOTALL), korean))
    return out


def _english_fields(english: str) -> str:
    """The English template with its conversions (`{what!t}`) dropped: they say how to translate."""
    return re.sub(r"\{(\w+)(:\w+)?![a-z]+\}", r"{\1\2}", english)


def _conversions(english: str) -> dict[str, str]:
    return dict(re.findall(r"\{(\w+)(?::\w+)?!([a-z]+)\}", english))


class _NoMatch(Exception):
    pass


def _convert(value: str, how: str, unit: str) -> str:
    if how == "t":
        out = _lookup(value, unit)
        if out is None:
            raise _NoMatch
        return out
    if how == "m":  # translated where it can be, else as it is
        out = _lookup(value, unit)
        return value if out is None else out
    if how == "k":  # a key of `expect`
        return PHRASES.get(value, f"`{value}`")
    if how == "n":
        digits = value.replace(",", "").replace("_", "")
        return count(int(digits), unit) if digits.isdigit() else value
    if how == "or":
        return " 또는 ".join(_part(p, unit) for p in value.split(" or "))
    if how == "list":
        return ", ".join(_convert(p, "t", unit) for p in value.split(", "))
    if how == "codes":
        if value in PHRASES:
            return PHRASES[value]
        return ", ".join(p if p.startswith("`") else f"`{p}`" for p in value.split(", "))
    raise ValueError(how)


def _part(value: str, unit: str) -> str:
    """One alternative of `A or B`: translated, or as it is where it is code (`)` in backticks, `C x H x W`)."""
    out = _lookup(value, unit)
    if out is not None:
        return out
    if re.fullmatch(r"`[^`]*`|[A-Z0-9 x]+", value):
        return value
    raise _NoMatch


def _lookup(text: str, unit: str) -> str | None:
    """Korean for `text` with its particles still to choose, or None."""
    if text in PHRASES:
        return PHRASES[text]
    if re.fullmatch(r"`[^`]*`", text):  # code alone: `)`
        return text
    for (pattern, korean), (english, _) in zip(_compiled(), TEMPLATES):
        m = pattern.fullmatch(text)
        if m is None:
            continue
        how = _conversions(english)
        try:
            values = {name: _convert(v, how[name], unit) if name in how else v for name, v in m.groupdict().items()}
        except _NoMatch:
            continue
        return _SLOT.sub(lambda s, values=values: values[s.group(1)], korean)
    return None


def translate(text: str, lang: str = "ko", unit: str | None = None) -> str:
    """`text` in `lang`: Korean where the catalogue has it, else the English text unchanged.
    `unit`: how counts are written (`ko`: 만 and 억; default: Korean's under Korean)."""
    from archspec.i18n import Language, Message

    if isinstance(text, Message):  # a message by identity: its language's catalogue writes it
        return text.written(Language(lang, unit))
    if lang != "ko" or not text:
        return text
    out = _lookup(text, unit or "ko")
    return text if out is None else particles(out)


def translated(text: str) -> bool:
    """Whether the catalogue has a Korean form of `text` (a message by identity: archspec.catalogue's)."""
    from archspec.catalogue import KO
    from archspec.i18n import Message

    if isinstance(text, Message):
        return text.id in KO and all(translated(v) for v in text.args.values() if isinstance(v, Message))
    return _lookup(text, "ko") is not None


def say(text: str) -> str:
    """`text` in the language the command line chose (`archspec.diagnostics.set_output_language`)."""
    from archspec.diagnostics import say as said

    return said(text)


_GROUP_TITLE = re.compile(r"[0-9][0-9,]* x [A-Za-z_]\w*|sequence of [0-9][0-9,]*")


def localise_table(lines: list[tuple[str, str]], lang: str, unit: str | None = None) -> list[tuple[str, str]]:
    """The lines of `check`'s table (archspec.views.report.table_lines: a title, the header, a rule, the
    rows, a rule, the totals) with the header and the totals in `lang`, the columns aligned again
    in terminal cells (a Korean character takes two)."""
    if lang != "ko" or len(lines) < 3:
        return lines
    from rich.cells import cell_len

    end = next((i for i in range(3, len(lines)) if lines[i][0] and set(lines[i][0]) == {"─"}), len(lines))
    header = [PHRASES.get(c.strip(), c.strip()) for c in lines[1][0].split(" │ ")]
    # the first two columns are left-aligned (a block's rows indented): keep their leading spaces
    rows = [
        ([c.rstrip() if i < 2 else c.strip() for i, c in enumerate(text.split(" │ "))], style)
        for text, style in lines[3:end]
    ]
    for cells, _ in rows:  # a sequence's title in the Kind column (`3 x bottleneck`): the layers' notation stays
        title = cells[1].lstrip() if len(cells) > 1 else ""
        if _GROUP_TITLE.fullmatch(title):
            cells[1] = cells[1][: len(cells[1]) - len(title)] + translate(title, lang, unit)
    if any(len(cells) != len(header) for cells, _ in rows):
        return lines  # not the table this expects: leave it English rather than misalign it
    widths = [max([cell_len(h)] + [cell_len(cells[i]) for cells, _ in rows]) for i, h in enumerate(header)]

    def line(values) -> str:
        out = []
        for i, (v, w) in enumerate(zip(values, widths)):
            pad = " " * (w - cell_len(v))
            out.append(v + pad if i < 2 else pad + v)
        return " │ ".join(out)

    totals = [(translate(text, lang, unit), style) for text, style in lines[end + 1 :]]
    return [
        lines[0],
        (line(header), lines[1][1]),
        ("─┼─".join("─" * w for w in widths), lines[2][1]),
        *((line(cells), style) for cells, style in rows),
        ("─" * (sum(widths) + 3 * (len(widths) - 1)), lines[end][1] if end < len(lines) else "dim"),
        *totals,
    ]
