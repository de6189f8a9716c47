"""A block call identical to an earlier one (same block, arguments, input shape, depth and `if`
arms around it) is expanded once and copied (`expand.Instance`). What the analysis gives must not
depend on it: every spec of `specs/` and a few that stress it analyse to equal networks with and
without the copies."""

from __future__ import annotations

import pytest
from conftest import SPECS

from archspec.analysis import expand
from archspec.analysis.load import analyse

SPEC_FILES = sorted(SPECS.glob("*.arch"))

STRESS = {
    "nested and repeated": """block inner(c):
    conv c 3x3 pad=1 bn relu
block outer(c, s=1):
    add:
        branch:
            inner(c)
            conv c 3x3 pad=1 stride=s
        shortcut: project
    relu
network N
input 8x16x16
outer(8) x3
a: outer(16, s=2)
outer(16)
outer(16)
b: conv 16 1
outer(16) x2
""",
    "projected shortcuts repeated": """block p(c):
    add:
        branch:
            conv c 3x3 pad=1 bn relu
            conv c 3x3 pad=1 bn
        shortcut: project
    relu
network N
input 8x8x8
p(16)
conv 8 1
p(16)
conv 8 1
p(16)
init zero_init_residual=true
""",
    "split, slices, lets and ifs": """block unit(c, k=1):
    let h = in.c // 2
    x1, x2: chunk 2
    y: from x2, conv h 1 relu
    if k > 1:
        conv h 1
    concat(x1, y)
network N
input 16x8x8
unit(16) x3
unit(16, k=2)
unit(16, k=2)
""",
    "a call that fails, then identical calls": """block b(c):
    conv c 3x3
network N
input 4x2x2
b(4)
b(4)
""",
    "int and float arguments": """block b(w):
    conv (int(w * 4)) 1
    dropout (w / 10)
network N
input 4x4x4
b(2)
b(2.0)
b(2)
""",
}


def _both(text: str, file: str, monkeypatch):
    once = analyse(text, file)
    with monkeypatch.context() as m:
        m.setattr(expand, "_instance_key", lambda *args: None)  # every call expanded on its own
        each = analyse(text, file)
    return once, each


def _same(once, each) -> None:
    assert [d.render() if hasattr(d, "render") else d for d in once.diagnostics] == [
        d.render() if hasattr(d, "render") else d for d in each.diagnostics
    ]
    if each.network is None:
        assert once.network is None
        return
    a, b = once.network, each.network
    assert a.nodes == b.nodes
    assert a.groups == b.groups
    assert a == b


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: p.stem)
def test_every_spec_analyses_the_same_with_and_without_copied_calls(path, monkeypatch):
    _same(*_both(path.read_text(encoding="utf-8"), str(path), monkeypatch))


@pytest.mark.parametrize("name", STRESS)
def test_copied_calls_are_the_calls(name, monkeypatch):
    _same(*_both(STRESS[name], f"{name}.arch", monkeypatch))


def test_identical_calls_are_expanded_once(monkeypatch):
    """ResNet-152's 50 bottleneck calls are 8 expansions: the first call of each stage, its
    second (the input has the stage's width from then on), and the rest copied."""
    made = []
    original = expand.Instance.record.__func__

    def counting(cls, *args):
        made.append(args[2])
        return original(cls, *args)

    monkeypatch.setattr(expand.Instance, "record", classmethod(counting))
    path = SPECS / "resnet152.arch"
    result = analyse(path.read_text(encoding="utf-8"), str(path))
    assert result.network is not None and not result.diagnostics
    assert len([p for p in made if p.count(".") == 2]) == 8
