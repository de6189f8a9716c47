"""A block's class built with arguments no call of the spec passes: random blocks of nested `if`s
over three booleans (with `elif`, `else` and residual `add:`s), called with some of the eight
combinations. The class is the definition's translation: for every combination the spec accepts,
it computes what the spec computes for a call with it (the same modules, and the same output from
the same weights), whichever combinations the spec's own calls take."""

from __future__ import annotations

import itertools
import random
import types

import pytest

import archspec
from archspec.emit.pytorch import generate

torch = pytest.importorskip("torch")

OPS = ["relu", "tanh", "bn", "sigmoid", "conv 8 1", "conv 8 3x3 pad=1", "dropout 0.5"]
PARAMS = ["a", "b", "c"]
COMBINATIONS = list(itertools.product([False, True], repeat=3))


def _condition(r: random.Random) -> str:
    p = r.choice(PARAMS)
    k = r.random()
    if k < 0.5:
        return p
    if k < 0.7:
        return "not " + p
    return f"{p} {r.choice(['and', 'or'])} {r.choice([x for x in PARAMS if x != p])}"


def _body(r: random.Random, depth: int, indent: str) -> list[str]:
    lines = []
    for _ in range(r.randint(1, 3)):
        k = r.random()
        if k < 0.4 or depth >= 2:
            lines.append(indent + r.choice(OPS))
        elif k < 0.8:
            lines.append(indent + f"if {_condition(r)}:")
            lines += _body(r, depth + 1, indent + "    ")
            if r.random() < 0.3:
                lines.append(indent + f"elif {_condition(r)}:")
                lines += _body(r, depth + 1, indent + "    ")
            if r.random() < 0.4:
                lines.append(indent + "else:")
                lines += _body(r, depth + 1, indent + "    ")
        else:
            lines += [indent + "add:", indent + "    branch:"]
            lines += _body(r, depth + 1, indent + "        ")
            lines.append(indent + "    shortcut: identity")
    return lines


def _call(values) -> str:
    return "b(" + ", ".join(f"{p}={'true' if v else 'false'}" for p, v in zip(PARAMS, values)) + ")"


def _module(source: str, name: str):
    module = types.ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("seed", range(24))
def test_a_random_blocks_class_is_the_spec_for_every_combination(seed):
    r = random.Random(seed)
    block = "block b(a=false, b=false, c=false):\n    conv 8 1\n" + "\n".join(_body(r, 0, "    ")) + "\n"
    calls = r.sample(COMBINATIONS, r.randint(1, 3))
    try:
        net = archspec.loads(block + "network T\ninput 8x8x8\n" + "\n".join(_call(c) for c in calls) + "\n")
    except archspec.ArchspecError:
        pytest.skip("the random block is not a valid spec")
    model = _module(generate(net), "t").T()  # builds: none of the spec's own calls is refused
    classes = {type(m) for name, m in model.named_children() if name.startswith("b_")}
    assert len(classes) <= 1  # one class for the definition
    checked = 0
    for values in COMBINATIONS:
        try:
            reference = archspec.build(archspec.loads(block + f"network P\ninput 8x8x8\n{_call(values)}\n")).b_1
        except archspec.ArchspecError:
            continue  # the spec refuses these arguments itself
        keywords = dict(zip(PARAMS, values))
        for cls in classes:
            built = cls(8, **keywords)  # never refused: the spec accepts these arguments
            assert list(built.state_dict()) == list(reference.state_dict()), (values, cls.__name__)
            built.load_state_dict(reference.state_dict())
            built.eval(), reference.eval()
            x = torch.randn(2, 8, 8, 8)
            assert torch.equal(built(x), reference(x)), (values, cls.__name__)
            checked += 1
    assert checked >= 1 or not classes  # the combinations the spec accepts, each compared
