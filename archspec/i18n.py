"""The message catalogue: the English text of `explain`, `calc` and `quiz` and its Korean, in the
lecture notes' terms (출력 크기, 파라미터 수, 수용 영역, 합성곱층, 풀링층, 완전연결층).

Messages are looked up by their English text, as gettext does; text without a translation stays
English (formulas such as `floor((H_in + 2*P - K) / S) + 1` need none).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

LANGUAGES = ("en", "ko")

KO: dict[str, str] = {
    # what the layers are (LayerKind.title)
    "convolutional layer": "합성곱층",
    "depthwise convolution": "깊이별 합성곱층",
    "depthwise separable convolution": "깊이별 분할 합성곱층",
    "transposed convolution": "디컨볼루션 (전치 합성곱)",
    "max pooling layer": "최대 풀링층",
    "average pooling layer": "평균 풀링층",
    "adaptive average pooling layer": "적응형 평균 풀링층",
    "adaptive max pooling layer": "적응형 최대 풀링층",
    "global average pooling layer": "전역 평균 풀링층",
    "global max pooling layer": "전역 최대 풀링층",
    "fully connected layer": "완전연결층",
    "flatten": "평탄화",
    "identity": "항등 연산",
    "dropout": "드롭아웃",
    "batch normalization": "배치 정규화",
    "layer normalization": "층 정규화",
    "local response normalization": "국소 응답 정규화",
    "group normalization": "그룹 정규화",
    "layer normalization over the channels": "채널 방향 층 정규화",
    "layer scale": "층 스케일 (layer scale)",
    "stochastic depth": "확률적 깊이 (stochastic depth)",
    "activation function": "활성화 함수",
    "channel shuffle": "채널 섞기",
    "upsampling": "업샘플링",
    "rescaling": "값 스케일 조정",
    "random flip": "무작위 뒤집기",
    "random rotation": "무작위 회전",
    "random zoom": "무작위 확대/축소",
    "input preprocessing": "입력 전처리",
    "channel slice": "채널 슬라이스 (채널 나누기)",
    "concatenation": "연접",
    "elementwise addition": "원소별 덧셈 (잔차 연결)",
    "elementwise multiplication": "원소별 곱셈",
    "input": "입력",
    # quantities
    "channels": "채널 수 (깊이)",
    "output size": "출력 크기",
    "parameters": "파라미터 수",
    "buffers": "버퍼",
    "MACs": "곱셈 수 (MACs)",
    "receptive field": "수용 영역",
    "jump": "점프",
    "start": "시작 위치",
    "totals": "합계",
    # formulas in words and notes (Step.formula, Step.note)
    "same as the input": "입력과 같음",
    "the inputs' common shape": "입력들의 공통 형태",
    "max of the inputs' sizes per dimension (sizes of 1 broadcast)": (
        "차원마다 입력 크기의 최댓값 (크기 1은 브로드캐스트)"
    ),
    "the number of filters": "필터 수",
    "the number of pointwise 1x1 filters": "점별 1x1 필터 수",
    "the number of units": "유닛 수",
    "no bias": "편향(바이어스) 없음",
    "grouped convolution: each filter sees C_in/groups channels": "집단 컨볼루션: 필터 하나가 C_in/groups개 채널을 봄",
    "one filter per channel": "채널마다 필터 하나",
    "depthwise (no bias) then pointwise 1x1": "채널별 합성곱(편향 없음) 후 1x1 합성곱",
    "every input value is multiplied by a whole kernel": "입력 값 하나마다 커널 전체를 곱함",
    "pad=same keeps the size (stride 1)": "pad=same은/는 크기를 유지함 (스트라이드 1)",
    "dilated: the kernel spans {0} pixels": "팽창 컨볼루션: 커널이 {0} 픽셀에 걸침",
    "the last window would start in the padding, so PyTorch drops it": (
        "마지막 창이 패딩에서 시작하므로 PyTorch은/는 버림"
    ),
    "pooling keeps the channels": "풀링층은 채널 수(깊이)를 바꾸지 않음",
    "adaptive: output i pools the input from floor(i*{0}/{1}) to ceil((i+1)*{0}/{1})": (
        "적응형: 출력 i는 입력의 floor(i*{0}/{1})부터 ceil((i+1)*{0}/{1})까지를 풀링함"
    ),
    "each channel's {0} values pooled to one": "채널마다 {0}개 값을 하나로 풀링함",
    "a view: no memory of its own": "뷰(view): 따로 메모리를 쓰지 않음",
    "a scale and a shift per channel": "채널마다 스케일과 시프트",
    "a scale and a shift per element": "원소마다 스케일과 시프트",
    "affine=false: no scale and shift": "affine=false: 스케일과 시프트 없음",
    "one learnable factor per channel": "채널마다 학습하는 배율 하나",
    "an elementwise product: counted as no MACs, as batchnorm's scale": (
        "원소별 곱: 배치 정규화의 스케일처럼 곱셈 수 (MACs)로 세지 않음"
    ),
    "running mean, running variance and the batch counter are buffers, not parameters": (
        "이동 평균, 이동 분산, 배치 카운터는 파라미터가 아닌 버퍼임"
    ),
    "given": "지정된 값",
    "sum over every layer": "모든 층의 합",
    "sum over the block's layers": "블록 안 모든 층의 합",
    "{0} layers": "{0}개 층",
    "the inputs are stacked along the channels; the other sizes must agree": (
        "입력들을 채널 방향으로 연접함: 나머지 크기는 같아야 함"
    ),
    "elementwise sum: every input has the same shape": "원소별 덧셈: 모든 입력의 형태가 같음",
    "the part's size": "그 부분의 크기",
    "the input's, with C channels": "입력과 같되 채널 수만 C",
    "part {0} of {1} equal parts: channels {2} to {3}": "같은 크기로 나눈 {1}개 중 {0}번째: 채널 {2}부터 {3}까지",
    "part {0} of the split {1}: channels {2} to {3}": "{1}으로/로 나눈 것 중 {0}번째: 채널 {2}부터 {3}까지",
    "channels {0} to {1}": "채널 {0}부터 {1}까지",
    "union of the inputs' receptive fields": "입력들의 수용 영역의 합집합",
    "{0} of the input": "입력의 {0} 영역",
    # explain and calc
    "{0} -> {1}": "{0} -> {1}",
    "input {0}": "입력 {0}",
    "Total params: {0}": "총 파라미터 수: {0}",
    "MACs: {0}": "곱셈 수 (MACs): {0}",
    "Output shape: {0}": "출력 형태: {0}",
    # quiz
    "Layer": "층",
    "Question": "문항",
    "Answer": "제출한 답",
    "Correct": "정답",
    "Result": "결과",
    "right": "맞음",  # not 정답: that is the Correct column
    "wrong": "틀림",
    "missing": "답 없음",
    "Score: {0} / {1}": "점수: {0} / {1}",
    "{0}: output shape?": "{0}: 출력 크기는?",
    "{0}: parameters?": "{0}: 파라미터 수는?",
    "{0}: MACs?": "{0}: 곱셈 수 (MACs)는?",
    "{0}: receptive field?": "{0}: 수용 영역은?",
    "formula: {0}": "공식: {0}",
    "output shape": "출력 크기",
    "reads as channels-last ({0}); the rest of the sheet is channels-first": (
        "채널이 마지막인 형태({0})로 읽힘: 답안지의 나머지는 채널이 처음임"
    ),
    "reads as channels-first ({0}); the rest of the sheet is channels-last": (
        "채널이 처음인 형태({0})로 읽힘: 답안지의 나머지는 채널이 마지막임"
    ),
    "ambiguous: `{0}` is right as {1} but not as {2}; write `layout = ...` in the sheet": (
        "모호함: `{0}`은/는 {1}으로/로 읽으면 맞고 {2}으로/로 읽으면 틀림: 답안지에 `layout = ...` 줄을 적을 것"
    ),
    "right as {0}, but the sheet says {1}": "{0}으로/로는 맞지만 답안지는 {1}임",
    "channels-first": "채널 처음 (C x H x W)",
    "channels-last": "채널 마지막 (H x W x C)",
    "Answer each question for the network in {0}.": "{0}의 신경망에 대해 각 문항에 답하시오.",
    "Answer each question for the network {0} below.": "아래 신경망 {0}에 대해 각 문항에 답하시오.",
    "{0} (line {1})": "{0} ({1}번 줄)",
    "{0} (line {1}, called on line {2})": "{0} ({1}번 줄, {2}번 줄에서 호출)",
    "line {0}": "{0}번 줄",
    "Shapes as C x H x W or H x W x C; numbers exactly or rounded (1.5K, 163.8M).": (
        "형태는 C x H x W 또는 H x W x C로, 수는 정확히 또는 반올림해서 (1.5K, 163.8M) 적을 것."
    ),
    "no layer to explain: the network is its input alone": "설명할 층이 없음: 신경망에 입력만 있음",
    # --- explain: receptive-field notes and calc with channels only (explain.py, teach.py) ---
    "offset: the centre of this layer's first window, in positions of its input; start: the centre of the "
    "first output's field, in input pixels (negative: in the padding)": (
        "offset: 이 층의 첫 윈도우 중심 (층 입력의 위치 단위); start: 첫 출력의 수용 영역 중심 "
        "(입력 픽셀 단위, 음수면 패딩 안)"
    ),
    "note: {0}": "참고: {0}",
    "the field ({0}) is larger than the {1} image because the padding adds zeros around the image and "
    "the field counts them as positions. The first output's field spans positions {2}: pixels {3} of "
    "it ({4}) are real, the rest padding; outputs near the middle see the whole image.": (
        "수용 영역({0})이 {1} 이미지보다 큼: 패딩이 이미지 둘레에 0을 덧붙이고 수용 영역은 그 자리도 셈. "
        "첫 출력의 수용 영역은 위치 {2}에 걸치며, 그중 픽셀 {3} ({4})만 실제 픽셀이고 나머지는 패딩임. "
        "가운데 근처의 출력은 이미지 전체를 봄."
    ),
    "channels only, no image size: parameters and channels hold for any image size; "
    "output sizes and MACs need one (--input {0}xHxW)": (
        "채널 수만 주어짐 (이미지 크기 없음): 파라미터 수와 채널 수는 이미지 크기와 무관함. "
        "출력 크기와 곱셈 수 (MACs)는 이미지 크기가 있어야 계산됨 (--input {0}xHxW)"
    ),
    "Output channels: {0}": "출력 채널 수: {0}",
    "{0} channels": "{0} 채널",
    "MACs: need an image size (--input {0}xHxW)": "곱셈 수 (MACs): 이미지 크기가 필요함 (--input {0}xHxW)",
    # --- end of the block ---
    # --- quiz: making sheets and their keys, variants, exports, the grading policy (archspec/teaching/quiz.py,
    # archspec/teaching/moodle.py, archspec/teaching/teach.py) ---
    "archspec quiz: {0} ({1}), seed {2}, {3} questions": "archspec 퀴즈: {0} ({1}), 시드 {2}, {3}문항",
    "uncomment if you write shapes as H x W x C": "형태를 H x W x C로 적으면 이 줄의 주석을 풀 것",
    "A rounded number needs at least two significant digits (62K, not 0.1M).": (
        "반올림한 수는 유효숫자가 두 자리 이상이어야 함 (0.1M이 아니라 62K)."
    ),
    "Graded {0}": "채점 기준: {0}",
    "exact: every digit of parameters and MACs": "정확히: 파라미터 수와 곱셈 수 (MACs)의 모든 자릿수",
    "tolerance: parameters and MACs within {0} of the true value": (
        "허용 오차: 파라미터 수와 곱셈 수 (MACs)가 참값의 {0} 이내"
    ),
    "rounded: exact, or the true value rounded to at least two significant digits": (
        "반올림: 정확한 값, 또는 유효숫자 두 자리 이상으로 반올림한 참값"
    ),
    "`{0}` has one significant digit: write at least two": "`{0}`은/는 유효숫자가 한 자리임: 두 자리 이상 적을 것",
    "asked for {0} questions; {1} gives {2}: one per quantity of a layer or block it names that the kind "
    "does not fix": "{0}문항을 요청했지만 {1}에서는 {2}문항만 나옴: 명세가 이름 붙인 층과 블록의 값 가운데 "
    "종류만으로 정해지지 않는 것마다 한 문항",
    "wrote the answer key to {0}": "정답지를 {0}에 씀",
    "wrote {0}": "{0}을/를 씀",
    "Name": "이름",
    "Answer key": "정답지",
    "Write shapes as C x H x W.": "형태는 C x H x W로 적을 것.",
    "Write the receptive field's side in input pixels.": "수용 영역의 한 변을 입력 픽셀 수로 적을 것.",
    "the whole network": "신경망 전체",
    # --- end of quiz ---
    # --- diagrams: the title, the key and the boxes (archspec/views/diagram.py) ---
    "output": "출력",
    "output {0}": "출력 {0}",
    "input {0}, output {1}": "입력 {0}, 출력 {1}",
    "{0} params": "파라미터 수 {0}",
    "{0} trainable": "학습 가능 {0}",
    "{0} MACs": "곱셈 수 (MACs) {0}",
    "frozen": "고정",
    "conv": "합성곱층",  # the key's layer families
    "pool": "풀링층",
    "dense": "완전연결층",
    "norm": "정규화",
    "activation": "활성화 함수",
    "merge": "병합",
    "reshape": "형태 바꾸기",
    "regularization": "규제",
    "other": "기타",
    "block": "블록",
    "shortcut": "숏컷",
    "box": "네모",
    "cut corners": "모서리를 자른 네모",
    "rounded": "둥근 네모",
    "dashed": "점선 테두리",
    "oval": "타원",
    "folded corner": "접힌 모서리",
    "dotted": "점 테두리",
    "3-D box": "입체 상자",
    "{0}: box": "{0}: 네모",
    # --- end of diagrams ---
}

CATALOGUES = {"ko": KO}


def language(requested: str | None = None, environ: dict[str, str] | None = None) -> str:
    """`en` or `ko`: the one asked for, else the first of LC_ALL, LC_MESSAGES, LANG that is set
    (as gettext reads them), else English."""
    if requested:
        return requested
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def translator(lang: str) -> Callable[..., str]:
    """`t("output size")` -> `출력 크기` in Korean; `t("Score: {0} / {1}", 3, 4)` fills the blanks."""
    catalogue = CATALOGUES.get(lang, {})

    def t(text: str, *args) -> str:
        out = catalogue.get(text, text)
        out = out.format(*args) if args else out
        return particles(out) if lang == "ko" else out

    return t


# ----------------------------------------------------------------------------- particles (조사)
# A Korean particle takes its form from the last sound of the word it follows: 은/는, 이/가, 을/를,
# 과/와, 이나/나 and 으로/로 after a final consonant (받침) or a vowel, 로 after ㄹ. Templates write both
# forms, `은/는`, and `particles()` chooses, reading the word before them as a Korean reader would:
#   - text in parentheses just before the particle is skipped, as Korean writing does:
#     `채널 마지막 (H x W x C)으로` follows 마지막; backticks, quotes and `.,:;` are skipped too;
#   - a Hangul syllable: its own 받침;
#   - a number is read in Sino-Korean: by its last digit (3x3 -> 삼 곱하기 삼: 삼 -> 을; 6 -> 육 ->
#     을; 2 -> 이 -> 를; 1, 7, 8 -> 일, 칠, 팔: ㄹ, so 로), or by its round unit where it ends in
#     zeros (10 십, 100 백, 1,000 천, 10,000 만, 10^8 억: all end in a consonant); digits after a
#     decimal point are read one by one (0.5 -> 오 -> 를);
#   - a single Latin letter or a word of capitals (`C`, `RGB`, `H x W x C`'s C) is read by the names
#     of the letters: L, R (엘, 알) end in ㄹ, M, N (엠, 엔) in another consonant, the others in a
#     vowel (`C`는, `RGB`는);
#   - another Latin word is read as English: after -l or -le: ㄹ (`kernel`로, `scale`로, `maxpool`은);
#     after -m, -n, -ng, -c, -ck, -p, -me, -ne, or a vowel and -t: another consonant (`same`을,
#     `archspec`은, `init`은); after anything else, a vowel (`relu`를, `stride`를, and `conv`를,
#     read 콘브). English spelling does not always tell (`input` 인풋 reads as `init` does not):
#     templates put Korean words before particles where they can.
PAIRS = {
    "은/는": ("은", "는"),
    "이/가": ("이", "가"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
    "으로/로": ("으로", "로"),
    "이나/나": ("이나", "나"),
}

NONE, CONSONANT, RIEUL = 0, 1, 2  # the final sound: a vowel, a consonant other than ㄹ, ㄹ

_DIGIT_SOUND = {"0": CONSONANT, "1": RIEUL, "2": NONE, "3": CONSONANT, "4": NONE, "5": NONE, "6": CONSONANT,
                "7": RIEUL, "8": RIEUL, "9": NONE}  # 영 일 이 삼 사 오 육 칠 팔 구  # fmt: skip
_LETTER_SOUND = {"l": RIEUL, "r": RIEUL, "m": CONSONANT, "n": CONSONANT}  # 엘 알 엠 엔; the rest end in a vowel
# a punctuation mark alone in backticks is read by its Korean name: 쌍점, 쌍반점, 쉼표, 마침표, 괄호, 등호, ...
_SYMBOL_SOUND = {":": CONSONANT, ";": CONSONANT, ",": NONE, ".": NONE, "(": NONE, ")": NONE, "[": NONE, "]": NONE,
                 "=": NONE, "+": NONE, "*": NONE, "-": NONE, "/": NONE}  # fmt: skip
_SKIPPED = "`'\"“”‘’.,:;!? \t"
_PARTICLE: list[re.Pattern] = []  # compiled when Korean text first needs it


def _particle_pattern() -> re.Pattern:
    if not _PARTICLE:
        _PARTICLE.append(re.compile("|".join(re.escape(p) for p in sorted(PAIRS, key=len, reverse=True))))
    return _PARTICLE[0]


def final_sound(text: str) -> int:
    """NONE, CONSONANT or RIEUL: how the text ends when read aloud (see the rule above)."""
    symbol = re.search(r"`(.)`\s*$", text)
    if symbol and symbol.group(1) in _SYMBOL_SOUND:  # `:` read by its name: 쌍점이
        return _SYMBOL_SOUND[symbol.group(1)]
    text = text.rstrip(_SKIPPED)
    while text.endswith(")") and "(" in text:  # `마지막 (H x W x C)`: the word before the parentheses
        depth, i = 0, len(text) - 1
        for i in range(len(text) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[i], 0)
            if depth == 0:
                break
        text = text[1:-1] if i == 0 else text[:i]  # all of it in parentheses: read what is inside
        text = text.rstrip(_SKIPPED)
    if not text:
        return NONE
    last = text[-1]
    if "가" <= last <= "힣":
        jong = (ord(last) - ord("가")) % 28
        return NONE if jong == 0 else RIEUL if jong == 8 else CONSONANT
    if last.isdigit():
        return _number_sound(re.search(r"[0-9][0-9,_.]*$", text).group())
    if last.isascii() and last.isalpha():
        word = re.search(r"[A-Za-z]+$", text).group()
        if len(word) == 1 or word.isupper():
            return _LETTER_SOUND.get(last.lower(), NONE)
        return _english_sound(word.lower())
    return NONE


def _number_sound(number: str) -> int:
    digits = number.replace(",", "").replace("_", "").rstrip(".")
    if "." in digits:  # read digit by digit after the point
        return _DIGIT_SOUND[digits[-1]]
    whole = digits.lstrip("0")
    if not whole:
        return CONSONANT  # 영
    zeros = len(whole) - len(whole.rstrip("0"))
    if zeros == 0:
        return _DIGIT_SOUND[whole[-1]]
    return CONSONANT  # 십, 백, 천, 만, 십만, 백만, 천만, 억, ...: all end in ㅂ, ㄱ, ㄴ


def _english_sound(word: str) -> int:
    if word.endswith(("l", "le")):
        return RIEUL
    if word.endswith(("m", "n", "ng", "c", "ck", "p", "me", "ne")):
        return CONSONANT
    if re.search(r"[aeiou]t$", word):  # a vowel and t: `init` 이닛, `out` 아웃, `concat` 콘캣 (`input` 인풋 is not)
        return CONSONANT
    return NONE


def particle(word: str, pair: str) -> str:
    """The form of `pair` (`을/를`) that follows `word`: `particle("채널", "으로/로")` -> `로`."""
    with_consonant, with_vowel = PAIRS[pair]
    sound = final_sound(word)
    if pair == "으로/로":
        return with_consonant if sound == CONSONANT else with_vowel
    return with_consonant if sound != NONE else with_vowel


def particles(text: str) -> str:
    """Choose every `은/는`, `이/가`, `을/를`, `과/와`, `으로/로` in `text` by the word before it."""
    if "/" not in text:
        return text
    out, start = [], 0
    for m in _particle_pattern().finditer(text):
        out.append(text[start : m.start()])
        out.append(particle("".join(out), m.group()))
        start = m.end()
    out.append(text[start:])
    return "".join(out)


# ----------------------------------------------------------------------------- numbers
UNITS = ("en", "ko")


def units(requested: str | None, lang: str) -> str:
    """`ko` (만 and 억) or `en` (thousands separators): the one asked for, else Korean's under Korean."""
    return requested or ("ko" if lang == "ko" else "en")


def count(n: int | float, unit: str = "en") -> str:
    """A count as the lecture notes write it. `en`: 163,840,000. `ko`: in groups of four digits
    named 만 (10^4), 억 (10^8), 조 (10^12), each group without a separator, as the notes write
    `1억 3800만` and Korean orthography `12억 3456만 7898`: 163,840,000 -> `1억 6384만`,
    62,006 -> `6만 2006`, 100,000,000 -> `1억`. Below 10,000 both write `1,000`."""
    if isinstance(n, float) and not n.is_integer():
        return f"{n:,}"
    n = int(n)
    if unit != "ko" or abs(n) < 10_000:
        return f"{n:,}"
    sign, n = ("-" if n < 0 else ""), abs(n)
    groups = []
    for name in ("", "만", "억", "조", "경"):
        n, group = divmod(n, 10_000)
        if group:
            groups.append(f"{group}{name}")
        if not n:
            break
    if n:  # beyond 경: the rest in front
        groups.append(f"{n:,}경")
    return sign + " ".join(reversed(groups))


# ----------------------------------------------------------------------------- messages by identity
_ARGUMENT = re.compile(r"\{(\w+)(?::(\w+))?\}")


class Message(str):
    """A message as its raise site makes it: an id in archspec.catalogue and its arguments. As a
    `str` it is its English text, so whatever reads messages as text goes on working; a language
    writes it from its own catalogue (`Language.say`), not by matching the English."""

    id: str
    args: dict

    def __new__(cls, id: str, /, **args) -> Message:
        self = super().__new__(cls, _written(id, args, Language()))
        self.id, self.args = id, args
        return self

    def __reduce__(self):
        return _message, (self.id, self.args)

    def written(self, language: Language) -> str:
        return _written(self.id, self.args, language)


def _message(id: str, args: dict) -> Message:
    return Message(id, **args)


def _written(id: str, args: dict, language: Language) -> str:
    from archspec.catalogue import CATALOGUES

    template = CATALOGUES.get(language.code, {}).get(id) or CATALOGUES["en"][id]

    def field(m: re.Match) -> str:
        value, how = args[m.group(1)], m.group(2)
        if how == "count":
            return language.count(value)
        if how == "say":
            return language.say(value)
        return str(value)

    text = _ARGUMENT.sub(field, template)
    return particles(text) if language.code == "ko" else text


class Language:
    """A language and the way it writes counts: what archspec speaks in, in one object instead of
    `lang == "ko"` tests. `Language()` is English; `Language.of(requested)` the one asked for (else
    the environment's, as `language` reads it) with its units (`units`)."""

    __slots__ = ("code", "unit")

    def __init__(self, code: str = "en", unit: str | None = None):
        self.code = code if code in LANGUAGES else "en"
        self.unit = units(unit, self.code)

    @classmethod
    def of(cls, requested: str | None = None, unit: str | None = None) -> Language:
        return cls(language(requested), unit)

    def __repr__(self) -> str:
        return f"Language({self.code!r}, {self.unit!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Language) and (self.code, self.unit) == (other.code, other.unit)

    def __hash__(self) -> int:
        return hash((self.code, self.unit))

    @property
    def english(self) -> bool:
        return self.code == "en"

    def t(self, text: str, *args) -> str:
        """The teaching commands' words (`output size` -> `출력 크기`), as `translator` gives them."""
        return translator(self.code)(text, *args)

    def count(self, n: int | float) -> str:
        return count(n, self.unit)

    def say(self, text: str) -> str:
        """A message in this language: a `Message` from its catalogue; English text made before
        messages had ids, by archspec.messages' matching of it; counts in this language's units."""
        if isinstance(text, Message):
            return text.written(self)
        if not text or (self.english and self.unit == "en"):
            return text
        from archspec.messages import translate

        return translate(text, self.code, self.unit)
