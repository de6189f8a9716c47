"""Messages by identity: a message made with an id and its arguments is its English text wherever
text is read, and each language writes it from its own catalogue (archspec.catalogue), keyed by
the id, not by matching the English."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from conftest import SPECS

import archspec
from archspec.catalogue import CATALOGUES, EN, KO
from archspec.i18n import Language, Message
from archspec.messages import translate, translated
from archspec.teaching.quiz import grade

FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")
ROOT = Path(__file__).resolve().parent.parent


def test_every_message_has_every_language_with_the_same_arguments():
    assert set(CATALOGUES) == {"en", "ko"}
    assert set(EN) == set(KO)
    hangul = re.compile("[\uac00-\ud7a3]")
    for key, english in EN.items():
        assert re.fullmatch(r"[a-z]+\.[a-z0-9-]+", key), key
        assert sorted(FIELD.findall(english)) == sorted(FIELD.findall(KO[key])), key
        assert hangul.search(KO[key]), key


def test_every_id_the_code_names_is_in_the_catalogue():
    named = set()
    for path in (ROOT / "archspec").rglob("*.py"):
        named |= set(re.findall(r'Message\(\s*"([^"]+)"', path.read_text(encoding="utf-8")))
    named |= {"sheet.errors", "sheet.error"}  # chosen by a conditional expression
    assert named and named <= set(EN), named - set(EN)


def test_a_message_is_its_english_text_and_keeps_its_id():
    m = Message("sheet.no-layer", table="conv1", file="lenet5.arch")
    assert m == "no layer `conv1` in lenet5.arch" and isinstance(m, str)
    assert (m.id, m.args) == ("sheet.no-layer", {"table": "conv1", "file": "lenet5.arch"})
    assert f"error: {m}" == "error: no layer `conv1` in lenet5.arch"
    again = pickle.loads(pickle.dumps(m))
    assert again == m and again.id == m.id


def test_a_language_writes_a_message_from_its_catalogue():
    m = Message("sheet.no-layer", table="conv1", file="a; b.arch")  # text no English pattern need match
    assert Language("ko").say(m) == "a; b.arch에 층 `conv1`이 없음"  # particle chosen by the word before it
    assert translate(m) == "a; b.arch에 층 `conv1`이 없음" and translated(m)
    assert Language().say(m) == m
    counted = Message("sheet.errors", path="s.toml", n=123_456)
    assert Language("ko").say(counted) == "s.toml: 오류 12만 3456개"
    assert Language("en").say(counted) == "s.toml: 123,456 errors"
    assert Language("ko", "en").say(counted) == "s.toml: 오류 123,456개"
    # an argument of its own: another message, or English prose the older catalogue translates
    nested = Message("usage.error", command="quiz", message=Message("sheet.not-utf8", path="k.toml"))
    assert Language("ko").say(nested) == "archspec quiz: 오류: 답안지 k.toml을 읽을 수 없음: UTF-8 글이 아님"
    prose = Message("sheet.write-as", expected="a shape like `6x28x28` or `28x28x6`")
    assert Language("ko").say(prose).endswith("형태로 적을 것") and "shape" not in Language("ko").say(prose)


def test_a_language_object_instead_of_comparing_codes():
    assert Language() == Language("en", "en") and Language().english
    assert Language("ko").unit == "ko" and Language("ko", "en").unit == "en"
    assert Language("fr") == Language("en")  # an unknown language is English
    assert Language("ko").count(61_706) == "6만 1706" and Language().count(61_706) == "61,706"
    assert Language("ko").t("output size") == "출력 크기"
    assert Language.of(None) in (Language("en"), Language("ko"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_answer_sheet_s_diagnostics_are_messages_by_identity(lang):
    net = archspec.load(SPECS / "lenet5.arch")
    sheet = 'layout = "sideways"\ncolour = 5\n[conv1]\nparams = 1\n'
    graded = grade(net, sheet, "s.toml")
    ids = [d.message.id for d in graded.diagnostics]
    assert ids == ["sheet.bad-layout", "sheet.unknown-setting", "sheet.no-layer"]
    graded = grade(net, '[c1]\nparams = "lots"\nwidth = 3\n', "s.toml")
    assert [d.message.id for d in graded.diagnostics] == ["sheet.cannot-read", "sheet.no-question"]
    assert graded.diagnostics[0].hint.id == "sheet.write-as"
    shown = [d.to_json(lang)["message"] for d in graded.diagnostics]
    if lang == "ko":
        assert shown == ["`c1.params`: `lots`를 `156`, `8,320`, `1.5K`, `163.8M`, `6만 1706` 같은 수로 읽을 수 없음",
                         "`c1`에는 답할 `width`가 없음"]  # fmt: skip
    else:
        assert shown == ["`c1.params`: cannot read `lots` as a number like `156`, `8,320`, `1.5K` or `163.8M`",
                         "`c1` has no `width` to answer"]  # fmt: skip
    broken = grade(net, "[c1\n", "s.toml").diagnostics[0]
    assert broken.message.id == "sheet.not-toml"
    assert broken.to_json("ko")["message"] == "답안지가 올바른 TOML이 아님: 표 머리의 끝에 `]`가 와야 함"
