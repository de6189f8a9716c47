"""A quiz for a learning management system or for paper: Moodle XML, and a printable Markdown
sheet with a separate key.

Moodle XML (docs.moodle.org, "Moodle XML format"): a `<quiz>` of `<question>`s, first a
`type="category"` one that files the rest under `$course$/archspec/NETWORK` (a variant's network is
`NAME_vN`: each variant has its own category, and its own question names). Each question with a
number for its answer (parameters, MACs, a square receptive field's side, a vector's length) is
`type="numerical"`: `<name>`, `<questiontext format="html">` (the network, numbered, then the
question), and its `<answer>`s, each with a `fraction`, a `<text>`, a `<tolerance>` (absolute,
Moodle's default "nominal" type) and a `<feedback>`.

Moodle grades a numerical response by the first answer, in order, whose interval (value plus or
minus tolerance) holds it (qtype_numerical_question::get_matching_answer). So the answers come in
this order: the exact value (100%, tolerance 0); then the typical wrong answers
(archspec.teaching.mistakes) at 0%, tolerance 0, each with the feedback that names its mistake,
leaving out any that equals the right value; then, where the grading policy accepts rounded answers,
the right value again at 100% with the policy's tolerance (`Policy.moodle_tolerance`). A typical
mistake inside the rounding band (2400 for 2416, the bias left out) is caught before the band.

A shape is not one number: it is `type="shortanswer"` with its common spellings (`6x28x28`,
`6 x 28 x 28`, `(6, 28, 28)`), channels first as the question says, then the typical wrong shapes'
spellings at 0% with their feedback (shortanswer too takes the first answer that matches).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from archspec.layers.base import fmt_shape
from archspec.teaching.quiz import LABELS, QUESTIONS, Policy, Question, Quiz

RF_HINT = "Write the receptive field's side in input pixels."


def _text(parent: ET.Element, tag: str, text: str, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "text").text = text
    return element


def _number(quiz: Quiz, q: Question) -> int | None:
    """The answer as one whole number, where it is one."""
    value = quiz.answers[(q.layer, q.field)]
    if isinstance(value, int):
        return value
    sides = str(value).split("x")
    if q.field == "rf" and all(p.isdigit() for p in sides) and len(set(sides)) == 1:
        return int(sides[0])
    if q.field == "output" and str(value).isdigit():
        return int(value)
    return None


def _question_html(quiz: Quiz, q: Question, t) -> str:
    """The question with the whole network above it (Moodle shows a question alone, in any order)."""
    if quiz.listing:
        parts = [f"<p>{html.escape(t('Answer each question for the network {0} below.', quiz.name))}</p>"]
        parts.append("<pre>" + html.escape("\n".join(quiz.listing)) + "</pre>")
    else:
        parts = [f"<p>{html.escape(t('Answer each question for the network in {0}.', quiz.source))}</p>"]
    if q.statement:
        parts.append(f"<p><code>{html.escape(q.layer)}: {html.escape(q.statement)}</code></p>")
    parts.append(f"<p>{html.escape(t(QUESTIONS[q.field], q.where(t)))}</p>")
    if q.field == "output":
        parts.append(f"<p>{html.escape(t('Write shapes as C x H x W.'))}</p>")
    elif q.field == "rf":
        parts.append(f"<p>{html.escape(t(RF_HINT))}</p>")
    return "".join(parts)


def _spellings(shape: str) -> list[str]:
    """`6x28x28`, `6 x 28 x 28`, `(6, 28, 28)`: the ways a shape is written, channels first."""
    sizes = shape.split("x")
    return list(dict.fromkeys([shape, " x ".join(sizes), "(" + ", ".join(sizes) + ")"]))


def _numerical(question: ET.Element, value: int, fraction: int, tolerance: float, feedback: str) -> None:
    answer = _text(question, "answer", str(value), fraction=str(fraction), format="moodle_auto_format")
    ET.SubElement(answer, "tolerance").text = f"{tolerance:g}"
    _text(answer, "feedback", html.escape(feedback), format="html")


def to_moodle(quiz: Quiz, t, policy: Policy) -> str:
    """The quiz as Moodle XML (UTF-8 text, escaped by the XML writer)."""
    root = ET.Element("quiz")
    category = ET.SubElement(root, "question", {"type": "category"})
    _text(category, "category", f"$course$/archspec/{quiz.name}")
    for number, q in enumerate(quiz.questions, 1):
        value = _number(quiz, q)
        question = ET.SubElement(root, "question", {"type": "numerical" if value is not None else "shortanswer"})
        _text(question, "name", f"{quiz.name} {number:02d} {q.layer}: {t(LABELS[q.field])}")
        _text(question, "questiontext", _question_html(quiz, q, t), format="html")
        ET.SubElement(question, "defaultgrade").text = "1"
        mistakes = quiz.mistakes.get((q.layer, q.field), ())
        if value is not None:
            _numerical(question, value, 100, 0, "")
            for mistake, wrong in mistakes:
                wrong = wrong[0] if isinstance(wrong, tuple) and len(wrong) == 1 else wrong
                if isinstance(wrong, int) and wrong != value:
                    _numerical(question, wrong, 0, 0, t(mistake.feedback))
            band = policy.moodle_tolerance(value) if q.field in ("params", "macs") else 0.0
            if band:  # last: a rounded answer, once the typical wrong answers have had their say
                _numerical(question, value, 100, band, "")
        else:
            ET.SubElement(question, "usecase").text = "0"
            text = str(quiz.answers[(q.layer, q.field)])
            right = _spellings(text)
            for spelling in right:
                answer = _text(question, "answer", spelling, fraction="100", format="moodle_auto_format")
                _text(answer, "feedback", "", format="html")
            for mistake, wrong in mistakes:
                for spelling in _spellings(fmt_shape(wrong)) if isinstance(wrong, tuple) else ():
                    if spelling not in right:
                        answer = _text(question, "answer", spelling, fraction="0", format="moodle_auto_format")
                        _text(answer, "feedback", html.escape(t(mistake.feedback)), format="html")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_print(quiz: Quiz, t) -> tuple[str, str]:
    """(sheet, key) as Markdown: numbered questions with blank answer lines, and the key alone."""
    title, *lines = _header(quiz, t)
    shown = ["```", *quiz.listing, "```", ""] if quiz.listing else []
    sheet = [f"# {title}", "", f"{t('Name')}: ______________________________", "", *lines, "", *shown]
    key = [f"# {title} — {t('Answer key')}", ""]
    for number, q in enumerate(quiz.questions, 1):
        where = q.where(t) if q.layer == "total" else q.where(t).replace(q.layer, f"`{q.layer}`", 1)
        stated = f" (`{q.statement}`)" if q.statement else ""
        asked = t(QUESTIONS[q.field], where)
        sheet += [f"{number}. {asked}{stated}", "", "   ______________________________", ""]
        key += [f"{number}. {asked}{stated}: **{quiz.answer_text(q)}**"]
    return "\n".join(sheet).rstrip("\n") + "\n", "\n".join(key) + "\n"


def _header(quiz: Quiz, t) -> list[str]:
    from archspec.teaching.quiz import header

    return header(quiz, t)


__all__ = ["to_moodle", "to_print"]
