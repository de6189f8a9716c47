"""Messages by identity: one catalogue per language, keyed by the message's id.

A message made with `archspec.i18n.Message("sheet.no-layer", table="conv1", file="lenet5.arch")` is
its English text wherever text is read (it is a `str`), and carries its id and arguments, so that
it is written in another language by looking its id up here, not by matching its English text.
In a template, `{name}` is the argument as it is; `{name:count}` a count as the language writes it
(`6만 1706` in Korean units, `61,706` in English); `{name:say}` text of its own (another message,
or English prose) in the language. Korean particles are written `은/는`, `이/가`, ... and chosen by
the word before them (archspec.i18n.particles).

The messages still made as English text are translated by matching it (archspec.messages); a
message moves here when its raise site names it by id.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "usage.error": "archspec {command}: error: {message:say}",
    # ---------------------------------------------------------------- answer sheets (teaching/quiz.py)
    "sheet.not-toml": "the answer sheet is not valid TOML: {error:say}",
    "sheet.cannot-read": "`{table}.{field}`: cannot read `{written}` as {expected:say}",
    "sheet.write-as": "write {expected:say}",
    "sheet.no-layer": "no layer `{table}` in {file}",
    "sheet.layers-are": "the spec's layers are {names}",
    "sheet.no-question": "`{table}` has no `{key}` to answer",
    "sheet.bad-layout": '`layout` must be "channels_first" or "channels_last", not {value}',
    "sheet.unknown-setting": "unknown setting `{key}`",
    # ---------------------------------------------------------------- grading them (teaching/teach.py)
    "sheet.errors": "{path}: {n:count} errors",
    "sheet.error": "{path}: {n:count} error",
    "sheet.unreadable": "cannot read the answer sheet {path}: {reason}",
    "sheet.not-utf8": "cannot read the answer sheet {path}: it is not UTF-8 text",
    "sheet.no-answers": "{path}: the sheet answers no question; see `archspec quiz --make`",
    # ---------------------------------------------------------------- explain and calc (teaching/teach.py, explain.py)
    "explain.no-layer": "no layer `{name}` in {file}; {hint:say}",
    "explain.no-layer-here": "no layer `{name}`; {hint:say}",
    "explain.spec-names": "the spec names {names}",
    "calc.bad-input": "--input must be a shape like 3x32x32 (channels x height x width), not {value}",
    "calc.no-operation": 'give at least one operation, e.g. "conv 64 3x3"',
    "calc.channels-only": "--input {given} gives channels only, and these operations' parameters depend on the "
    "image size (a dense layer after flatten): give it as {channels}xHxW",
    "quiz.fewer-variants": "asked for {n} variants; {k} of {file} check and differ",
    # ---------------------------------------------------------------- the playground (views/web.py)
    "web.nothing-to-draw": "the spec does not check: nothing to draw",
    "web.nothing-to-explain": "the spec does not check: nothing to explain",
    "web.nothing-to-grade": "the spec does not check: nothing to grade",
    # ---------------------------------------------------------------- the command line (cli.py)
    "cli.error": "archspec: error: {message:say}",
    "cli.unknown-command": "unknown command `{name}`; {hint:say}",
    "cli.commands-are": "the commands are {names}",
}

KO: dict[str, str] = {
    "usage.error": "archspec {command}: 오류: {message:say}",
    "sheet.not-toml": "답안지가 올바른 TOML이 아님: {error:say}",
    "sheet.cannot-read": "`{table}.{field}`: `{written}`을/를 {expected:say}으로/로 읽을 수 없음",
    "sheet.write-as": "{expected:say}으로/로 적을 것",
    "sheet.no-layer": "{file}에 층 `{table}`이/가 없음",
    "sheet.layers-are": "명세의 층: {names}",
    "sheet.no-question": "`{table}`에는 답할 `{key}`이/가 없음",
    "sheet.bad-layout": '`layout`은/는 "channels_first"나 "channels_last"여야 함: {value}은/는 안 됨',
    "sheet.unknown-setting": "알 수 없는 설정 `{key}`",
    "sheet.errors": "{path}: 오류 {n:count}개",
    "sheet.error": "{path}: 오류 {n:count}개",
    "sheet.unreadable": "답안지 {path}을/를 읽을 수 없음: {reason}",
    "sheet.not-utf8": "답안지 {path}을/를 읽을 수 없음: UTF-8 글이 아님",
    "sheet.no-answers": "{path}: 답안지에 답한 문항이 없음: `archspec quiz --make`을/를 볼 것",
    "explain.no-layer": "{file}에 층 `{name}`이/가 없음: {hint:say}",
    "explain.no-layer-here": "층 `{name}`이/가 없음: {hint:say}",
    "explain.spec-names": "명세에 있는 이름: {names}",
    "calc.bad-input": "`--input`은/는 3x32x32 같은 형태 (채널 x 높이 x 너비)여야 함: {value}은/는 안 됨",
    "calc.no-operation": '연산을 하나 이상 줄 것. 예: "conv 64 3x3"',
    "calc.channels-only": "`--input {given}`은/는 채널 수만 주지만 이 연산들의 파라미터 수는 이미지 크기에 따라 "
    "달라짐 (평탄화 뒤의 완전연결층): {channels}xHxW처럼 줄 것",
    "quiz.fewer-variants": "변형 {n}개를 요청했지만 {file}의 변형 가운데 검사를 통과하고 서로 다른 것은 {k}개임",
    "web.nothing-to-draw": "명세가 검사를 통과하지 못함: 그릴 것이 없음",
    "web.nothing-to-explain": "명세가 검사를 통과하지 못함: 설명할 것이 없음",
    "web.nothing-to-grade": "명세가 검사를 통과하지 못함: 채점할 것이 없음",
    "cli.error": "archspec: 오류: {message:say}",
    "cli.unknown-command": "알 수 없는 명령 `{name}`: {hint:say}",
    "cli.commands-are": "고를 수 있는 명령: {names}",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "ko": KO}

__all__ = ["CATALOGUES", "EN", "KO"]
