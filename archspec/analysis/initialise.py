"""The `init` line: how the emitted network initialises its layers, in the schemes torchvision's
models write at the end of their `__init__` (ResNet, VGG, GoogLeNet). Without one, each layer keeps
PyTorch's own initialisation."""

from __future__ import annotations

from archspec.diagnostics import Diagnostic, did_you_mean
from archspec.frontend import syntax as s

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (5 ms) at run time
if TYPE_CHECKING:
    from typing import Any

# option -> the schemes it takes; `default` leaves those layers as PyTorch initialises them
SCHEMES: dict[str, tuple[str, ...]] = {
    "conv": ("default", "kaiming_normal", "xavier_uniform", "trunc_normal"),
    "linear": ("default", "normal", "xavier_uniform", "trunc_normal"),
    "norm": ("default", "constant"),
}
FLAGS = ("zero_init_residual",)
OPTIONS = (*SCHEMES, *FLAGS)
DEFAULT_INIT: dict[str, str | bool] = {
    "conv": "default",
    "linear": "default",
    "norm": "default",
    "zero_init_residual": False,
}

# scheme -> (what the totals and the header call it, the statement that sets `m.weight`, whether the
# bias is set to 0 as well): torchvision's ResNet and VGG (kaiming_normal, fan_out), VGG's classifier
# (normal(0, 0.01)), GoogLeNet (trunc_normal, which leaves the biases as PyTorch made them)
WEIGHTS: dict[str, tuple[str, str, bool]] = {
    "kaiming_normal": (
        "kaiming_normal (fan_out, relu)",
        'nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")',
        True,
    ),
    "xavier_uniform": ("xavier_uniform", "nn.init.xavier_uniform_(m.weight)", True),
    "trunc_normal": (
        "trunc_normal(0, 0.01, [-2, 2])",
        "nn.init.trunc_normal_(m.weight, mean=0.0, std=0.01, a=-2, b=2)",
        False,
    ),
    "normal": ("normal(0, 0.01)", "nn.init.normal_(m.weight, 0, 0.01)", True),
}

PYTORCH_DEFAULTS = (
    "PyTorch's per-layer defaults (conv and linear: kaiming_uniform_(a=sqrt(5)) weights, "
    "uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) biases; batchnorm and layernorm: weight 1, bias 0)"
)


def is_default(init: dict[str, Any]) -> bool:
    """Whether `init` leaves every layer as PyTorch initialises it (no line, or only `default`s)."""
    return all(init.get(key, value) == value for key, value in DEFAULT_INIT.items())


def describe(init: dict[str, Any]) -> str:
    """`conv kaiming_normal (fan_out, relu), norm constant, zero_init_residual`, or PyTorch's defaults."""
    if is_default(init):
        return "PyTorch's defaults"
    parts = []
    for key in SCHEMES:
        scheme = init.get(key, "default")
        if scheme != "default":
            parts.append(f"{key} {WEIGHTS[scheme][0] if scheme in WEIGHTS else scheme}")
    if init.get("zero_init_residual"):
        parts.append("zero_init_residual")
    return ", ".join(parts)


def read_init(stmt: s.Init) -> tuple[dict[str, str | bool], dict[str, s.Span], list[Diagnostic]]:
    """The options of an `init` line, with defaults for those not written, the span of each
    written option, and a diagnostic for each option that is unknown, repeated or has a bad value
    (which is then left at its default)."""
    init, spans, problems = dict(DEFAULT_INIT), {}, []
    for option in stmt.options:
        if option.key not in OPTIONS:
            hint = did_you_mean(option.key, OPTIONS) or "`init` takes " + ", ".join(f"`{o}`" for o in OPTIONS)
            message = f"`init` has no option `{option.key}`"
            problems.append(Diagnostic("unknown-option", message, option.key_span, "unknown option", hint))
            continue
        if option.key in spans:
            problems.append(Diagnostic("bad-option", f"`{option.key}` is given twice", option.key_span, "again"))
            continue
        choices = SCHEMES.get(option.key, ("true", "false"))
        word = option.value.name if isinstance(option.value, s.Name) else None
        if word not in choices:
            listed = ", ".join(f"`{c}`" for c in choices)
            message = f"`{option.key}` must be one of {listed}" + (f", not `{word}`" if word else "")
            label = "not a scheme" if option.key in SCHEMES else "not `true` or `false`"
            hint = (did_you_mean(word, choices) if word else "") or "see `init` in docs/language.md"
            problems.append(Diagnostic("bad-option", message, option.value.span, label, hint))
            continue
        init[option.key] = word == "true" if option.key in FLAGS else word
        spans[option.key] = option.span
    return init, spans, problems
