"""Convolutions: ordinary, depthwise, separable (depthwise + pointwise) and transposed."""

from __future__ import annotations

import math

from archspec.layers.base import (
    LayerKind,
    Opt,
    OptionError,
    Shape,
    ShapeError,
    Step,
    TorchCall,
    Window,
    dim_names,
    fmt_product,
    fmt_shape,
    fmt_size,
    fmt_stride,
    per_dim,
    sliding,
    spatial,
    torch_rank_suffix,
    torch_size,
    window_out,
    window_steps,
)

_WINDOW = {
    "stride": Opt("size", 1, minimum=1),
    "pad": Opt("pad", 0, minimum=0),
    "dilation": Opt("size", 1, minimum=1),
    "bias": Opt("bool", True),
}


def conv_output_sizes(kind: str, o: dict, shape: Shape) -> tuple[int, ...]:
    """The spatial output sizes of a convolution over `shape`, or a ShapeError."""
    rank = spatial(shape, kind)
    k = per_dim("kernel", o["kernel"], rank)
    st = per_dim("stride", o["stride"], rank)
    dil = per_dim("dilation", o["dilation"], rank)
    pad = o["pad"]
    sizes = shape[1:]
    if pad == "same":
        if any(x != 1 for x in st):
            raise OptionError(
                "`pad=same` needs stride 1 (PyTorch does not pad unevenly)",
                hint="write the padding as a number, e.g. `pad=1` for a 3x3 kernel",
                option="pad",
            )
        return tuple(sizes)
    pads = (0,) * rank if pad == "valid" else per_dim("pad", pad, rank)
    for size, kk, p, d in zip(sizes, k, pads, dil):
        if d * (kk - 1) + 1 > size + 2 * p:
            what = f"kernel {fmt_shape(k)}" + (f" with dilation {d}" if d > 1 else "")
            padded = (
                f"{fmt_shape(tuple(s + 2 * q for s, q in zip(sizes, pads)))} (padded)"
                if any(pads)
                else fmt_shape(sizes)
            )
            raise ShapeError(
                f"{what} does not fit the {padded} input",
                hint="pad the input, use a smaller kernel, or remove a pooling layer before this one",
                option="kernel",
                code="kernel-too-large",
            )
    return tuple(window_out(s, kk, t, p, d) for s, kk, t, p, d in zip(sizes, k, st, pads, dil))


def conv_geometry(o: dict, shape: Shape) -> tuple[tuple[int, ...], ...]:
    """(kernel, stride, padding before, dilation) per spatial dimension; `pad=same` pads as
    PyTorch does (the smaller half before), `pad=valid` not at all."""
    rank = len(shape) - 1
    k, st, dil = (per_dim(n, o[n], rank) for n in ("kernel", "stride", "dilation"))
    if o["pad"] == "same":
        pads = tuple(d * (kk - 1) // 2 for kk, d in zip(k, dil))
    elif o["pad"] == "valid":
        pads = (0,) * rank
    else:
        pads = per_dim("pad", o["pad"], rank)
    return k, st, pads, dil


def conv_window(o: dict, shape: Shape) -> Window:
    k, st, pads, dil = conv_geometry(o, shape)
    return sliding(tuple(d * (kk - 1) + 1 for kk, d in zip(k, dil)), st, pads)


def conv_size_steps(o: dict, shape: Shape, out: Shape) -> list[Step]:
    if o["pad"] == "same":
        return [
            Step("size", name, f"{name}_in", str(size), size, "pad=same keeps the size (stride 1)")
            for name, size in zip(dim_names(len(shape) - 1), shape[1:])
        ]
    k, st, pads, dil = conv_geometry(o, shape)
    return window_steps(shape[1:], k, st, pads, dil, out[1:])


def _kernel_symbols(rank: int) -> str:
    return "*".join(f"K_{n.lower()}" for n in dim_names(rank))


def _out_symbols(rank: int) -> str:
    return "*".join(f"{n}_out" for n in dim_names(rank))


_CONV_DEFAULTS = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True}


def torch_conv(cin: int, cout: int, o: dict, in_shape: Shape, groups: int, bias: bool) -> TorchCall:
    """`nn.Conv2d(...)` for a conv-like layer's options; `pad=valid` is PyTorch's padding 0."""
    pad = 0 if o["pad"] == "valid" else torch_size(o["pad"])
    kwargs = {"kernel_size": torch_size(o["kernel"]), "stride": torch_size(o["stride"]), "padding": pad}
    kwargs["dilation"] = torch_size(o["dilation"])
    kwargs.update(groups=groups, bias=bias)
    return TorchCall(f"nn.Conv{torch_rank_suffix(in_shape)}", (cin, cout), kwargs, _CONV_DEFAULTS)


def _groups_check(name: str, cin: int, cout: int, groups: int) -> None:
    hint = "the number of groups must divide both the input and the output channels"
    if cin % groups:
        raise OptionError(f"{name}: {cin} input channels cannot be split into {groups} groups", hint, "groups")
    if cout % groups:
        raise OptionError(f"{name}: {cout} output channels cannot be split into {groups} groups", hint, "groups")


class Conv(LayerKind):
    name = "conv"
    keras = "Conv{r}D"
    keras_activation = True
    aliases = ("conv2d", "convolution")
    foreign = ("Conv1d", "Conv3d", "Conv1D", "Conv2D", "Conv3D")
    family = "conv"
    inplace_safe = True
    positional = ("out", "kernel")
    required = ("out", "kernel")
    options = {
        "out": Opt("int", minimum=1),
        "kernel": Opt("size", minimum=1),
        "groups": Opt("int", 1, minimum=1),
        **_WINDOW,
    }
    title = "convolutional layer"

    def usage(self) -> str:
        return "write it as `conv OUT_CHANNELS KERNEL`, e.g. `conv 64 3x3 stride=1 pad=1`"

    def output_shape(self, o, ins):
        _groups_check("conv", ins[0][0], o["out"], o["groups"])
        out = conv_output_sizes("conv", o, ins[0])
        return (o["out"], *out)

    def params(self, o, ins, out):
        rank = len(ins[0]) - 1
        k = math.prod(per_dim("kernel", o["kernel"], rank))
        return o["out"] * (ins[0][0] // o["groups"]) * k + (o["out"] if o["bias"] else 0), 0

    def macs(self, o, ins, out):
        rank = len(ins[0]) - 1
        k = math.prod(per_dim("kernel", o["kernel"], rank))
        return math.prod(out) * (ins[0][0] // o["groups"]) * k

    def describe(self, o):
        return f"conv {o['out']}, {fmt_size(o['kernel'])}{fmt_stride(o['stride'])}" + (
            f" g{o['groups']}" if o["groups"] > 1 else ""
        )

    def window(self, o, ins, out):
        return conv_window(o, ins[0])

    def formulas(self, o, ins, out):
        rank = len(ins[0]) - 1
        k = per_dim("kernel", o["kernel"], rank)
        cin, g = ins[0][0], o["groups"]
        per_filter = f"{fmt_product(k)}*{cin}" if g == 1 else f"{fmt_product(k)}*({cin}/{g})"
        per_filter_sym = f"{_kernel_symbols(rank)}*C_in" + ("/groups" if g > 1 else "")
        if o["bias"]:
            params = Step("params", "params", f"({per_filter_sym} + 1) * C_out", f"({per_filter} + 1) * {o['out']}", 0)
        else:
            params = Step("params", "params", f"{per_filter_sym} * C_out", f"{per_filter} * {o['out']}", 0, "no bias")
        macs_sym = f"({_out_symbols(rank)}*C_out) * ({per_filter_sym})"
        macs_num = f"({fmt_product(out[1:])}*{o['out']}) * ({per_filter})"
        return [
            Step("channels", "C", "C_out", str(o["out"]), o["out"], "the number of filters"),
            *conv_size_steps(o, ins[0], out),
            _with_result(
                params,
                self.params(o, ins, out)[0],
                "grouped convolution: each filter sees C_in/groups channels" if g > 1 else "",
            ),
            Step("macs", "MACs", macs_sym, macs_num, self.macs(o, ins, out)),
        ]

    def torch_module(self, o, in_shape, inplace=False):
        return torch_conv(in_shape[0], o["out"], o, in_shape, o["groups"], o["bias"])


class DepthwiseConv(LayerKind):
    name = "dwconv"
    keras = "DepthwiseConv{r}D"
    keras_activation = True
    aliases = ("depthwise", "depthwise_conv")
    foreign = ("DepthwiseConv2D", "DepthwiseConv1D")
    family = "conv"
    inplace_safe = True
    positional = ("kernel",)
    required = ("kernel",)
    options = {"kernel": Opt("size", minimum=1), "multiplier": Opt("int", 1, minimum=1), **_WINDOW}
    title = "depthwise convolution"

    def usage(self) -> str:
        return "write it as `dwconv KERNEL`, e.g. `dwconv 3x3 pad=1`"

    def output_shape(self, o, ins):
        out = conv_output_sizes("dwconv", o, ins[0])
        return (ins[0][0] * o["multiplier"], *out)

    def params(self, o, ins, out):
        k = math.prod(per_dim("kernel", o["kernel"], len(ins[0]) - 1))
        return out[0] * k + (out[0] if o["bias"] else 0), 0

    def macs(self, o, ins, out):
        return math.prod(out) * math.prod(per_dim("kernel", o["kernel"], len(ins[0]) - 1))

    def describe(self, o):
        return f"dwconv {fmt_size(o['kernel'])}{fmt_stride(o['stride'])}"

    def window(self, o, ins, out):
        return conv_window(o, ins[0])

    def formulas(self, o, ins, out):
        rank = len(ins[0]) - 1
        k = fmt_product(per_dim("kernel", o["kernel"], rank))
        cout = out[0]
        channels = Step("channels", "C", "C_in * multiplier", f"{ins[0][0]}*{o['multiplier']}", cout)
        if o["bias"]:
            params = Step("params", "params", f"({_kernel_symbols(rank)} + 1) * C_out", f"({k} + 1) * {cout}", 0)
        else:
            params = Step("params", "params", f"{_kernel_symbols(rank)} * C_out", f"{k} * {cout}", 0, "no bias")
        return [
            channels,
            *conv_size_steps(o, ins[0], out),
            _with_result(params, self.params(o, ins, out)[0]),
            Step(
                "macs",
                "MACs",
                f"({_out_symbols(rank)}*C_out) * {_kernel_symbols(rank)}",
                f"({fmt_product(out[1:])}*{cout}) * {k}",
                self.macs(o, ins, out),
                "one filter per channel",
            ),
        ]

    def torch_module(self, o, in_shape, inplace=False):
        cin = in_shape[0]
        return torch_conv(cin, cin * o["multiplier"], o, in_shape, cin, o["bias"])


class SeparableConv(LayerKind):
    """Depthwise conv (no bias, as Keras' SeparableConv2D) followed by a 1x1 pointwise conv."""

    name = "sepconv"
    keras = "SeparableConv{r}D"
    keras_activation = True
    aliases = ("separable_conv", "separable")
    foreign = ("SeparableConv2D", "SeparableConv1D")
    family = "conv"
    inplace_safe = True
    positional = ("out", "kernel")
    required = ("out", "kernel")
    options = {
        "out": Opt("int", minimum=1),
        "kernel": Opt("size", minimum=1),
        "multiplier": Opt("int", 1, minimum=1),
        **_WINDOW,
    }
    title = "depthwise separable convolution"

    def usage(self) -> str:
        return "write it as `sepconv OUT_CHANNELS KERNEL`, e.g. `sepconv 128 3x3 pad=1`"

    def output_shape(self, o, ins):
        out = conv_output_sizes("sepconv", o, ins[0])
        return (o["out"], *out)

    def params(self, o, ins, out):
        k = math.prod(per_dim("kernel", o["kernel"], len(ins[0]) - 1))
        mid = ins[0][0] * o["multiplier"]
        return mid * k + o["out"] * mid + (o["out"] if o["bias"] else 0), 0

    def macs(self, o, ins, out):
        k = math.prod(per_dim("kernel", o["kernel"], len(ins[0]) - 1))
        mid = ins[0][0] * o["multiplier"]
        spatial_out = math.prod(out[1:])
        return spatial_out * mid * k + spatial_out * mid * o["out"]

    def describe(self, o):
        return f"sepconv {o['out']}, {fmt_size(o['kernel'])}{fmt_stride(o['stride'])}"

    def window(self, o, ins, out):
        return conv_window(o, ins[0])

    def formulas(self, o, ins, out):
        rank = len(ins[0]) - 1
        k = fmt_product(per_dim("kernel", o["kernel"], rank))
        ks = _kernel_symbols(rank)
        cin, m, cout = ins[0][0], o["multiplier"], o["out"]
        bias = " + C_out" if o["bias"] else ""
        bias_num = f" + {cout}" if o["bias"] else ""
        spatial_out = fmt_product(out[1:])
        return [
            Step("channels", "C", "C_out", str(cout), cout, "the number of pointwise 1x1 filters"),
            *conv_size_steps(o, ins[0], out),
            Step(
                "params",
                "params",
                f"{ks}*(C_in*multiplier) + (C_in*multiplier)*C_out{bias}",
                f"{k}*({cin}*{m}) + ({cin}*{m})*{cout}{bias_num}",
                self.params(o, ins, out)[0],
                "depthwise (no bias) then pointwise 1x1",
            ),
            Step(
                "macs",
                "MACs",
                f"({_out_symbols(rank)}*C_in*multiplier) * {ks} + ({_out_symbols(rank)}*C_in*multiplier) * C_out",
                f"({spatial_out}*{cin}*{m}) * {k} + ({spatial_out}*{cin}*{m}) * {cout}",
                self.macs(o, ins, out),
            ),
        ]

    def torch_module(self, o, in_shape, inplace=False):
        cin = in_shape[0]
        mid = cin * o["multiplier"]
        depthwise = torch_conv(cin, mid, o, in_shape, cin, False)
        pointwise = torch_conv(
            mid, o["out"], {"kernel": 1, "stride": 1, "pad": 0, "dilation": 1}, in_shape, 1, o["bias"]
        )
        return TorchCall("nn.Sequential", (depthwise, pointwise))


class TransposedConv(LayerKind):
    name = "deconv"
    keras = "Conv{r}DTranspose"
    keras_activation = True
    foreign = (
        "ConvTranspose1d",
        "ConvTranspose2d",
        "ConvTranspose3d",
        "Conv2DTranspose",
        "Conv1DTranspose",
        "Conv3DTranspose",
    )
    aliases = ("convtranspose", "conv_transpose", "transposed_conv", "upconv")
    family = "conv"
    inplace_safe = True
    positional = ("out", "kernel")
    required = ("out", "kernel")
    options = {
        "out": Opt("int", minimum=1),
        "kernel": Opt("size", minimum=1),
        "groups": Opt("int", 1, minimum=1),
        "output_padding": Opt("size", 0, minimum=0),
        **_WINDOW,
    }
    options["pad"] = Opt("size", 0, minimum=0)
    title = "transposed convolution"

    def usage(self) -> str:
        return "write it as `deconv OUT_CHANNELS KERNEL`, e.g. `deconv 64 2x2 stride=2`"

    def output_shape(self, o, ins):
        rank = spatial(ins[0], "deconv")
        _groups_check("deconv", ins[0][0], o["out"], o["groups"])
        k, st, pad, dil, op = (
            per_dim(n, o[n], rank) for n in ("kernel", "stride", "pad", "dilation", "output_padding")
        )
        for p, t, d in zip(op, st, dil):
            if p >= max(t, d):
                raise OptionError(
                    f"`output_padding` ({p}) must be smaller than the stride or the dilation",
                    hint=f"make it smaller than the stride ({t})",
                    option="output_padding",
                )
        sizes = tuple(
            (i - 1) * t - 2 * p + d * (kk - 1) + q + 1 for i, t, p, d, kk, q in zip(ins[0][1:], st, pad, dil, k, op)
        )
        if any(x <= 0 for x in sizes):
            raise ShapeError(
                f"deconv gives an empty output ({fmt_shape(sizes)}) for the {fmt_shape(ins[0])} input",
                hint="reduce the padding",
                option="pad",
                code="empty-output",
            )
        return (o["out"], *sizes)

    def params(self, o, ins, out):
        k = math.prod(per_dim("kernel", o["kernel"], len(ins[0]) - 1))
        return ins[0][0] * (o["out"] // o["groups"]) * k + (o["out"] if o["bias"] else 0), 0

    def macs(self, o, ins, out):
        # each input pixel is multiplied by the whole kernel: the count torch's flop counter uses
        k = math.prod(per_dim("kernel", o["kernel"], len(ins[0]) - 1))
        return math.prod(ins[0][1:]) * ins[0][0] * (o["out"] // o["groups"]) * k

    def describe(self, o):
        return f"deconv {o['out']}, {fmt_size(o['kernel'])}{fmt_stride(o['stride'])}"

    def window(self, o, ins, out):
        # Output x gets input i where i*S - P + dil*t = x (t = 0..K-1): at most ceil(K_eff / S)
        # input positions, one output step is 1/S input steps, and the first output's window is
        # centred at (P - (K_eff - 1) / 2) / S.
        from fractions import Fraction

        rank = len(ins[0]) - 1
        k, st, pad, dil = (per_dim(n, o[n], rank) for n in ("kernel", "stride", "pad", "dilation"))
        eff = tuple(d * (kk - 1) + 1 for kk, d in zip(k, dil))
        return Window(
            tuple(-(-e // s) for e, s in zip(eff, st)),
            tuple(Fraction(1, s) for s in st),
            tuple(Fraction(2 * p - (e - 1), 2 * s) for p, e, s in zip(pad, eff, st)),
        )

    def formulas(self, o, ins, out):
        rank = len(ins[0]) - 1
        k, st, pad, dil, op = (
            per_dim(n, o[n], rank) for n in ("kernel", "stride", "pad", "dilation", "output_padding")
        )
        sizes = []
        for name, i, kk, s, p, d, q, res in zip(dim_names(rank), ins[0][1:], k, st, pad, dil, op, out[1:]):
            sizes.append(
                Step(
                    "size",
                    name,
                    f"({name}_in - 1)*S - 2*P + dil*(K - 1) + output_padding + 1",
                    f"({i} - 1)*{s} - 2*{p} + {d}*({kk} - 1) + {q} + 1",
                    res,
                )
            )
        cin, cout, g = ins[0][0], o["out"], o["groups"]
        per_in = f"({cout}/{g})*{fmt_product(k)}" if g > 1 else f"{cout}*{fmt_product(k)}"
        per_in_sym = ("(C_out/groups)" if g > 1 else "C_out") + f"*{_kernel_symbols(rank)}"
        bias = (" + C_out", f" + {cout}") if o["bias"] else ("", "")
        in_sym = "*".join(f"{n}_in" for n in dim_names(rank))
        return [
            Step("channels", "C", "C_out", str(cout), cout, "the number of filters"),
            *sizes,
            Step(
                "params",
                "params",
                f"C_in * {per_in_sym}{bias[0]}",
                f"{cin} * {per_in}{bias[1]}",
                self.params(o, ins, out)[0],
            ),
            Step(
                "macs",
                "MACs",
                f"({in_sym}*C_in) * {per_in_sym}",
                f"({fmt_product(ins[0][1:])}*{cin}) * {per_in}",
                self.macs(o, ins, out),
                "every input value is multiplied by a whole kernel",
            ),
        ]

    def torch_module(self, o, in_shape, inplace=False):
        kwargs = {
            "kernel_size": torch_size(o["kernel"]),
            "stride": torch_size(o["stride"]),
            "padding": torch_size(o["pad"]),
            "output_padding": torch_size(o["output_padding"]),
            "groups": o["groups"],
            "bias": o["bias"],
            "dilation": torch_size(o["dilation"]),
        }
        defaults = {**_CONV_DEFAULTS, "output_padding": 0}
        return TorchCall(f"nn.ConvTranspose{torch_rank_suffix(in_shape)}", (in_shape[0], o["out"]), kwargs, defaults)


def _with_result(step: Step, result: int, note: str = "") -> Step:
    return Step(step.quantity, step.symbol, step.formula, step.numbers, result, note or step.note)


KINDS = [Conv(), DepthwiseConv(), SeparableConv(), TransposedConv()]
