"""Random networks, written both as .arch text and, independently, as a PyTorch module built here
layer by layer: archspec must report an error exactly when torch refuses the network, and
otherwise the module archspec emits must agree with the analysis and with the reference module
(output shape, parameter count). Chains, concatenated branches, residual additions with a
projected shortcut, 1-, 2- and 3-D inputs; random kernels, strides, padding, dilation, groups."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_codegen import agree

import archspec
from archspec.analysis.load import analyse
from archspec.emit.pytorch import generate

torch = pytest.importorskip("torch")
nn = torch.nn
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CONV = st.fixed_dictionaries(
    {
        "kind": st.just("conv"),
        "out": st.integers(1, 3),
        "k": st.integers(1, 4),
        "stride": st.integers(1, 3),
        "pad": st.one_of(st.integers(0, 2), st.sampled_from(["same", "valid"])),
        "dilation": st.integers(1, 2),
        "groups": st.integers(1, 2),
        "bias": st.booleans(),
    }
)
POOL = st.fixed_dictionaries(
    {
        "kind": st.just("pool"),
        "mode": st.sampled_from(["max", "avg"]),
        "k": st.integers(1, 3),
        "stride": st.integers(1, 2),
        "pad": st.integers(0, 1),
        "ceil": st.booleans(),
    }
)
ACT = st.fixed_dictionaries({"kind": st.just("act"), "name": st.sampled_from(["relu", "tanh", "gelu", "leaky_relu"])})
SIMPLE = st.one_of(CONV, CONV, POOL, ACT, st.just({"kind": "bn"}))
CONCAT = st.fixed_dictionaries(
    {"kind": st.just("concat"), "branches": st.lists(st.lists(SIMPLE, min_size=1, max_size=2), min_size=2, max_size=3)}
)
RESIDUAL = st.fixed_dictionaries({"kind": st.just("residual"), "branch": st.lists(CONV, min_size=1, max_size=2)})
ITEMS = st.lists(st.one_of(SIMPLE, SIMPLE, CONCAT, RESIDUAL), min_size=1, max_size=4)


@st.composite
def inputs(draw):
    rank = draw(st.integers(1, 3))
    sizes = draw(st.lists(st.integers(1, 10 if rank < 3 else 5), min_size=rank, max_size=rank))
    return (draw(st.integers(1, 4)), *sizes)


# ----------------------------------------------------------------------------- .arch text


def text_of(items: list[dict], indent: str = "") -> list[str]:
    lines = []
    for it in items:
        kind = it["kind"]
        if kind == "conv":
            bias = "true" if it["bias"] else "false"
            lines.append(
                f"{indent}conv {it['out'] * it['groups']} {it['k']} stride={it['stride']} pad={it['pad']} "
                f"dilation={it['dilation']} groups={it['groups']} bias={bias}"
            )
        elif kind == "pool":
            ceil = "true" if it["ceil"] else "false"
            lines.append(f"{indent}{it['mode']}pool {it['k']} stride={it['stride']} pad={it['pad']} ceil_mode={ceil}")
        elif kind == "act":
            lines.append(indent + it["name"])
        elif kind == "bn":
            lines.append(indent + "bn")
        elif kind == "concat":
            lines.append(f"{indent}concat:")
            for branch in it["branches"]:
                lines += [f"{indent}    branch:", *text_of(branch, indent + "        ")]
        else:
            lines += [f"{indent}add:", f"{indent}    branch:", *text_of(it["branch"], indent + "        ")]
            lines += [f"{indent}    shortcut: project", f"{indent}relu"]
    return lines


def spec_of(shape: tuple[int, ...], items: list[dict]) -> str:
    return "\n".join(["network R", "input " + "x".join(map(str, shape)), *text_of(items)]) + "\n"


# ----------------------------------------------------------------------------- the reference module


class Concat(nn.Module):
    def __init__(self, branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], dim=1)


class Residual(nn.Module):
    """PyTorch's view of `add: branch ... shortcut: project` then relu: the input itself where the
    shapes agree, else a 1x1 conv without bias (the stride that takes each size to the branch's)
    and a batchnorm, made on the first call; archspec's `add` does not broadcast."""

    def __init__(self, branch, rank):
        super().__init__()
        self.branch, self.rank, self.project = branch, rank, None

    def forward(self, x):
        out = self.branch(x)
        if out.shape != x.shape:
            if self.project is None:
                strides = [max(1, math.ceil(s / t)) for s, t in zip(x.shape[2:], out.shape[2:])]
                conv = getattr(nn, f"Conv{self.rank}d")(x.shape[1], out.shape[1], 1, tuple(strides), bias=False)
                self.project = nn.Sequential(conv, getattr(nn, f"BatchNorm{self.rank}d")(out.shape[1]))
            x = self.project(x)
        if x.shape != out.shape:  # `add` takes equal shapes; torch would broadcast a size of 1
            raise RuntimeError(f"no 1x1 conv projects {tuple(x.shape)} to {tuple(out.shape)}")
        return torch.relu(out + x)


def reference(items: list[dict], channels: int, rank: int) -> tuple[nn.Module, int]:
    """The module the items describe, built from PyTorch's classes (raises where torch refuses)."""
    layers = []
    for it in items:
        kind = it["kind"]
        if kind == "conv":
            out = it["out"] * it["groups"]
            conv = getattr(nn, f"Conv{rank}d")
            pad = 0 if it["pad"] == "valid" else it["pad"]
            layers.append(conv(channels, out, it["k"], it["stride"], pad, it["dilation"], it["groups"], it["bias"]))
            channels = out
        elif kind == "pool":
            mode = "Max" if it["mode"] == "max" else "Avg"
            layers.append(getattr(nn, f"{mode}Pool{rank}d")(it["k"], it["stride"], it["pad"], ceil_mode=it["ceil"]))
        elif kind == "act":
            layers.append({"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "leaky_relu": nn.LeakyReLU}[it["name"]]())
        elif kind == "bn":
            layers.append(getattr(nn, f"BatchNorm{rank}d")(channels))
        elif kind == "concat":
            branches = [reference(b, channels, rank) for b in it["branches"]]
            layers.append(Concat([b for b, _ in branches]))
            channels = sum(c for _, c in branches)
        else:
            branch, out = reference(it["branch"], channels, rank)
            layers.append(Residual(branch, rank))
            channels = out
    return nn.Sequential(*layers), channels


def run_reference(items, shape):
    """(output shape, parameter count) of the reference module on a batch of two, or None where
    torch refuses it (an error, or an empty output, which archspec calls an error)."""
    try:
        module, _ = reference(items, shape[0], len(shape) - 1)
        with torch.no_grad():
            y = module(torch.zeros(2, *shape))
    except (RuntimeError, ValueError):
        return None
    if 0 in y.shape:
        return None
    return tuple(y.shape[1:]), sum(p.numel() for p in module.parameters())


@SETTINGS
@given(shape=inputs(), items=ITEMS)
def test_random_networks_against_torch(shape, items):
    spec = spec_of(shape, items)
    result = analyse(spec)
    expected = run_reference(items, shape)
    if expected is None:
        assert not result.ok, f"torch refuses this network, archspec accepts it:\n{spec}"
        return
    assert result.ok, f"torch accepts this network:\n{spec}\n{[d.message for d in result.diagnostics]}"
    net = result.network
    assert (net.output_shape, net.params) == expected
    agree(net, archspec.build(net))


# ----------------------------------------------------------------------------- one block, several calls


@st.composite
def block_networks(draw):
    """A residual block with random geometry, called with random arguments: one class, built right
    for every call (the constructor's parameters are matched to each call's values)."""
    k = draw(st.sampled_from([1, 3, 5]))
    mult = draw(st.integers(1, 3))
    rank = draw(st.integers(1, 2))
    calls = draw(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 2), st.booleans()), min_size=1, max_size=4))
    block = [
        "block rb(w, s=1):",
        "    add:",
        "        branch:",
        f"            conv1: conv w {k} stride=s pad={k // 2} bias=false bn relu",
        f"            conv2: conv w*{mult} {k} pad={k // 2} bias=false bn",
        "        shortcut: project",
        "    relu",
    ]
    lines = [*block, "network B", "input 3" + "x9" * rank]
    for i, (w, s, keyword) in enumerate(calls):
        lines.append(f"b{i}: rb({w}, s={s})" if keyword else f"b{i}: rb({w}, {s})")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(spec=block_networks())
def test_one_block_class_serves_every_call(spec):
    net = archspec.loads(spec)
    source = generate(net)
    assert re.findall(r"^class (\w+)", source, re.M) == ["Rb", "B"]
    agree(net, archspec.build(net))
