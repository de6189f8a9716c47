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
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "ko": KO}

__all__ = ["CATALOGUES", "EN", "KO"]
