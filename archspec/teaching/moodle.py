"""A quiz for a learning management system or for paper: Moodle XML, and a printable Markdown
sheet with a separate key.

Moodle XML (docs.moodle.org, "Moodle XML format"): a `<quiz>` of `<question>`s, first a
`type="category"` one that files the rest under `$course$/archspec/NETWORK`. Each question with a
number for its answer (parameters, MACs, a square receptive field's side, a vector's length) is
`type="numerical"`: `<name>`, `<questiontext format="html">`, and one `<answer fraction="100">` with
the true value and a `<tolerance>` (absolute, Moodle's default "nominal" type) set by the grading
policy (`Policy.moodle_tolerance`). A shape is not one number: it is `type="shortanswer"` with its
common spellings (`6x28x28`, `6 x 28 x 28`, `(6, 28, 28)`), channels first as the question says.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

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
        if value is not None:
            answer = _text(question, "answer", str(value), fraction="100", format="moodle_auto_format")
            tolerance = policy.moodle_tolerance(value) if q.field in ("params", "macs") else 0.0
            ET.SubElement(answer, "tolerance").text = f"{tolerance:g}"
            _text(answer, "feedback", "", format="html")
        else:
            ET.SubElement(question, "usecase").text = "0"
            text = str(quiz.answers[(q.layer, q.field)])
            sizes = text.split("x")
            for spelling in dict.fromkeys([text, " x ".join(sizes), "(" + ", ".join(sizes) + ")"]):
                answer = _text(question, "answer", spelling, fraction="100", format="moodle_auto_format")
                _text(answer, "feedback", "", format="html")
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
