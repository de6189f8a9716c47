"""The typical mistakes of the lecture notes' exercises, each with the wrong value it gives and the
feedback that names it: one list, read by the grading of answer sheets (`quiz --answers`, the
playground's quiz cells), which names the mistake an answer shows, and by the Moodle export, which
writes each mistake's value as a 0% answer with its feedback before the rounded band that would
otherwise accept it.

A mistake's wrong value is worked out by the layer kind itself, asked again with the mistake made:
the parameters of the layer with `bias=false` (the bias left out), with one input channel (the input
channels forgotten), with `groups=1` (the groups forgotten); the output shape with `pad=0` (the padding
ignored) or with the other rounding (`ceil_mode` flipped, or a conv's size rounded up). So a new kind
with a `bias`, `groups`, `pad` or `ceil_mode` option is covered without a line here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from archspec.analysis.graph import Network, Node
from archspec.i18n import KO
from archspec.layers.base import ShapeError


@dataclass(frozen=True)
class Mistake:
    name: str
    field: str  # the question it is a mistake in: output, params or macs
    feedback: str  # English
    korean: str
    wrong: Callable[[Node, Network], object]  # the wrong answer it gives for a layer (None: it cannot be made)
    total: Callable[[Network], object] | None = None  # the wrong answer for the whole network's `field`


def _ins(node: Node, net: Network) -> list[tuple[int, ...]]:
    return [net.nodes[i].shape for i in node.inputs]


def _ask(node: Node, net: Network, what: str, ins=None, **changed) -> object:
    """The kind's `what` (params, macs, output) for the layer with `changed` options or inputs;
    None where the kind refuses them."""
    options = {**node.options, **changed}
    ins = _ins(node, net) if ins is None else ins
    try:
        if what == "output":
            return node.kind.output_shape(options, ins)
        if what == "params":
            return node.kind.params(options, ins, node.shape)[0]
        return node.kind.macs(options, ins, node.shape)
    except (ShapeError, ArithmeticError, TypeError, ValueError, KeyError, IndexError):
        return None


def _biased(node: Node) -> bool:
    return node.options.get("bias") is True


def _bias(node: Node, net: Network) -> int:
    """How many parameters the layer's bias has (0 without one)."""
    if not _biased(node):
        return 0
    without = _ask(node, net, "params", bias=False)
    return node.params - without if isinstance(without, int) else 0


def _bias_left_out(node, net):
    return node.params - _bias(node, net) if _bias(node, net) else None


def _bias_twice(node, net):
    return node.params + _bias(node, net) if _bias(node, net) else None


def _bias_where_none(node, net):
    return _ask(node, net, "params", bias=True) if node.options.get("bias") is False else None


def _grouped(node: Node) -> bool:
    return "groups" in node.options and "kernel" in node.options


def _channels_forgotten(what: str):
    def wrong(node, net):
        ins = _ins(node, net)
        if not _grouped(node) or node.options.get("groups") != 1 or len(ins) != 1 or len(ins[0]) < 2:
            return None
        return _ask(node, net, what, ins=[(1, *ins[0][1:])])

    return wrong


def _groups_forgotten(what: str):
    def wrong(node, net):
        if not _grouped(node) or not isinstance(node.options.get("groups"), int) or node.options["groups"] <= 1:
            return None
        return _ask(node, net, what, groups=1)

    return wrong


def _macs_with_bias(node, net):
    return node.macs + math.prod(node.shape) if node.macs and _bias(node, net) else None


def _padding_ignored(node, net):
    pad = node.options.get("pad")
    if pad is None or pad == 0 or (isinstance(pad, tuple) and not any(pad)):
        return None
    return _ask(node, net, "output", pad=0)


def _rounded_up(node, net):
    """The output size rounded up where PyTorch rounds down (floor)."""
    if "ceil_mode" in node.options:
        return None if node.options["ceil_mode"] else _ask(node, net, "output", ceil_mode=True)
    return _conv_ceil(node, net) if _grouped(node) and "stride" in node.options else None


def _rounded_down(node, net):
    """The output size rounded down where `ceil_mode=true` rounds it up."""
    return _ask(node, net, "output", ceil_mode=False) if node.options.get("ceil_mode") is True else None


def _conv_ceil(node: Node, net: Network):
    """A conv's output with its sizes rounded up: ceil((in + 2P - D(K-1) - 1) / S) + 1."""
    ins = _ins(node, net)
    if len(ins) != 1 or len(ins[0]) < 2:
        return None
    rank = len(ins[0]) - 1

    def per_dim(value):
        return value if isinstance(value, tuple) else (value,) * rank

    kernel, stride = per_dim(node.options["kernel"]), per_dim(node.options["stride"])
    pad, dilation = per_dim(node.options.get("pad", 0)), per_dim(node.options.get("dilation", 1))
    if not all(isinstance(v, int) for v in (*kernel, *stride, *pad, *dilation)):
        return None
    sizes = tuple(
        -((-(size + 2 * p - d * (k - 1) - 1)) // s) + 1
        for size, k, s, p, d in zip(ins[0][1:], kernel, stride, pad, dilation)
    )
    return (node.shape[0], *sizes)


def _total_without_biases(net: Network):
    biases = sum(_bias(n, net) for n in net.nodes if n.kind is not None)
    return net.params - biases if biases else None


def _total_macs_with_bias(net: Network):
    extra = sum(math.prod(n.shape) for n in net.nodes if n.kind is not None and n.macs and _bias(n, net))
    return net.macs + extra if extra else None


MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "bias-left-out",
        "params",
        "the bias is left out: each filter (or unit) has one bias besides its weights",
        "편향(바이어스)이 빠짐: 필터(또는 유닛)마다 가중치 말고도 편향이 하나씩 있음",
        _bias_left_out,
        _total_without_biases,
    ),
    Mistake(
        "bias-counted-twice",
        "params",
        "the bias is counted twice: each filter (or unit) has one bias",
        "편향(바이어스)을 두 번 셈: 필터(또는 유닛)마다 편향은 하나임",
        _bias_twice,
    ),
    Mistake(
        "bias-where-none",
        "params",
        "a bias is counted, but the layer has none (bias=false): count the weights alone",
        "편향(바이어스)을 셌지만 이 층에는 편향이 없음 (bias=false): 가중치만 셀 것",
        _bias_where_none,
    ),
    Mistake(
        "input-channels-forgotten",
        "params",
        "the input channels are left out: each filter spans every input channel (K_h*K_w*C_in weights)",
        "입력 채널 수가 빠짐: 필터 하나는 입력 채널 전체에 걸침 (가중치 K_h*K_w*C_in개)",
        _channels_forgotten("params"),
    ),
    Mistake(
        "groups-forgotten",
        "params",
        "the groups are left out: with groups=g each filter sees C_in/g channels",
        "그룹 수가 빠짐: groups=g이면 필터 하나는 C_in/g개 채널만 봄",
        _groups_forgotten("params"),
    ),
    Mistake(
        "macs-count-the-bias",
        "macs",
        "the bias is counted as MACs: MACs count the multiplications by weights, and adding a bias is none",
        "편향 덧셈까지 곱셈 수 (MACs)로 셈: MACs는 가중치 곱셈만 세고 편향 덧셈은 세지 않음",
        _macs_with_bias,
        _total_macs_with_bias,
    ),
    Mistake(
        "macs-input-channels-forgotten",
        "macs",
        "the input channels are left out: each output value takes K_h*K_w*C_in multiplications",
        "입력 채널 수가 빠짐: 출력 값 하나에 곱셈이 K_h*K_w*C_in번 듦",
        _channels_forgotten("macs"),
    ),
    Mistake(
        "macs-groups-forgotten",
        "macs",
        "the groups are left out: with groups=g each output value takes K_h*K_w*C_in/g multiplications",
        "그룹 수가 빠짐: groups=g이면 출력 값 하나에 곱셈이 K_h*K_w*C_in/g번 듦",
        _groups_forgotten("macs"),
    ),
    Mistake(
        "ceil-for-floor",
        "output",
        "rounded up: the output size rounds down, floor((H_in + 2*P - K) / S) + 1, unless ceil_mode=true",
        "올림을 함: ceil_mode=true가 아니면 출력 크기는 내림함, floor((H_in + 2*P - K) / S) + 1",
        _rounded_up,
    ),
    Mistake(
        "floor-for-ceil",
        "output",
        "rounded down: with ceil_mode=true the output size rounds up, ceil((H_in + 2*P - K) / S) + 1",
        "내림을 함: ceil_mode=true이면 출력 크기는 올림함, ceil((H_in + 2*P - K) / S) + 1",
        _rounded_down,
    ),
    Mistake(
        "padding-ignored",
        "output",
        "the padding is left out: the input grows by 2*P before the kernel slides over it",
        "패딩이 빠짐: 커널이 지나가기 전에 입력 크기가 2*P만큼 커짐",
        _padding_ignored,
    ),
)

KO.update({m.feedback: m.korean for m in MISTAKES})  # the catalogue `t` reads; the Korean lives here


def typical(net: Network, layer: str, field: str) -> list[tuple[Mistake, object]]:
    """The typical wrong answers to `field` of `layer` (a layer's path, or "total"), each with the
    mistake that gives it, in MISTAKES' order; none equal to the right answer or to an earlier one.
    A block's questions have none."""
    if layer == "total":
        right = {"params": net.params, "macs": net.macs, "output": net.output_shape}.get(field)
        found = [(m, m.total(net)) for m in MISTAKES if m.field == field and m.total is not None]
    else:
        node = next((n for n in net.nodes if n.path == layer and n.kind is not None), None)
        if node is None:
            return []
        right = {"params": node.params, "macs": node.macs, "output": node.shape}.get(field)
        found = [(m, m.wrong(node, net)) for m in MISTAKES if m.field == field]
    out, seen = [], {right}
    for mistake, value in found:
        if value is None or value in seen:
            continue
        seen.add(value)
        out.append((mistake, value))
    return out


__all__ = ["MISTAKES", "Mistake", "typical"]
