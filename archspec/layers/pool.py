"""Pooling: windowed max/average (or adaptive with `to HxW`), adaptive, global."""

from __future__ import annotations

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
    fmt_shape,
    fmt_size,
    fmt_stride,
    per_dim,
    sliding,
    spatial,
    torch_rank_suffix,
    torch_size,
    whole,
    window_out,
    window_steps,
)


def adaptive_window(sizes: Shape, targets: Shape) -> Window:
    """PyTorch's adaptive pooling: output i pools input positions floor(i*n/m) .. ceil((i+1)*n/m) - 1.
    Where the windows vary, the largest; one output step is n/m input steps."""
    from fractions import Fraction

    kernels, offsets = [], []
    for n, m in zip(sizes, targets):
        widths = [-(-(i + 1) * n // m) - (i * n // m) for i in range(m)]
        kernels.append(max(widths))
        offsets.append(Fraction(widths[0] - 1, 2))
    return Window(tuple(kernels), tuple(Fraction(n, m) for n, m in zip(sizes, targets)), tuple(offsets))


def adaptive_steps(sizes: Shape, targets: Shape) -> list[Step]:
    return [
        Step(
            "size",
            name,
            f"{name}_out",
            str(m),
            m,
            "adaptive: output i pools the input from floor(i*{0}/{1}) to ceil((i+1)*{0}/{1})",
            (n, m),
        )
        for name, n, m in zip(dim_names(len(sizes)), sizes, targets)
    ]


_WINDOW = {
    "kernel": Opt("size", None, minimum=1),
    "stride": Opt("size", None, minimum=1),
    "pad": Opt("size", 0, minimum=0),
    "ceil_mode": Opt("bool", False),
    "to": Opt("size", None, minimum=1),
}


class _Pool(LayerKind):
    family = "pool"
    positional = ("kernel",)
    words = ("to",)
    mode: str

    def usage(self) -> str:
        return f"write it as `{self.name} 2x2 stride=2`, or `{self.name} to 6x6` for adaptive pooling"

    def resolve(self, bound):
        o = super().resolve(bound)
        if o["to"] is None and o["kernel"] is None:
            raise OptionError(f"`{self.name}` needs a kernel size or `to SIZE`", hint=self.usage())
        if o["to"] is not None:
            window = [
                k for k in ("kernel", "stride", "pad", "dilation", "ceil_mode", "count_include_pad") if k in bound
            ]
            if window:
                raise OptionError(
                    f"`{self.name} to ...` is adaptive: it takes no `{window[0]}`",
                    option=window[0],
                    hint="adaptive pooling chooses its windows from the output size",
                )
        if o["stride"] is None:
            o["stride"] = o["kernel"]  # PyTorch's default
        return o

    def output_shape(self, o, ins):
        shape = ins[0]
        rank = spatial(shape, self.name)
        if o["to"] is not None:
            return (shape[0], *per_dim("to", o["to"], rank))
        k, st, pad = (per_dim(n, o[n], rank) for n in ("kernel", "stride", "pad"))
        dil = per_dim("dilation", o["dilation"], rank) if self.mode == "max" else (1,) * rank
        for kk, p in zip(k, pad):
            if p * 2 > kk:
                raise OptionError(
                    f"padding {p} is more than half the kernel {kk}",
                    hint="PyTorch allows at most kernel // 2",
                    option="pad",
                )
        sizes = shape[1:]
        out = tuple(window_out(s, kk, t, p, d, o["ceil_mode"]) for s, kk, t, p, d in zip(sizes, k, st, pad, dil))
        if any(x < 1 for x in out):  # with ceil_mode, PyTorch lets a window hang over the edge
            raise ShapeError(
                f"{self.name} {fmt_shape(k)} does not fit the {fmt_shape(sizes)} input",
                hint="remove a pooling layer, pad the input, or pool with a smaller window",
                option="kernel",
                code="kernel-too-large",
            )
        return (shape[0], *out)

    def describe(self, o):
        if o["to"] is not None:
            return f"{self.name} to {fmt_size(o['to'])}"
        return f"{self.name} {fmt_size(o['kernel'])}{fmt_stride(o['stride'])}"

    def _geometry(self, o, shape):
        rank = len(shape) - 1
        k, st, pad = (per_dim(n, o[n], rank) for n in ("kernel", "stride", "pad"))
        dil = per_dim("dilation", o["dilation"], rank) if self.mode == "max" else (1,) * rank
        return k, st, pad, dil

    def window(self, o, ins, out):
        if o["to"] is not None:
            return adaptive_window(ins[0][1:], out[1:])
        k, st, pad, dil = self._geometry(o, ins[0])
        return sliding(tuple(d * (kk - 1) + 1 for kk, d in zip(k, dil)), st, pad)

    def formulas(self, o, ins, out):
        channels = Step("channels", "C", "C_in", str(ins[0][0]), out[0], "pooling keeps the channels")
        if o["to"] is not None:
            return [channels, *adaptive_steps(ins[0][1:], out[1:])]
        k, st, pad, dil = self._geometry(o, ins[0])
        return [channels, *window_steps(ins[0][1:], k, st, pad, dil, out[1:], o["ceil_mode"])]

    def torch_module(self, o, in_shape, inplace=False):
        rank = torch_rank_suffix(in_shape)
        title = self.mode.capitalize()
        if o["to"] is not None:
            return TorchCall(f"nn.Adaptive{title}Pool{rank}", (torch_size(o["to"]),))
        kwargs = {"kernel_size": torch_size(o["kernel"]), "stride": torch_size(o["stride"])}
        kwargs["padding"] = torch_size(o["pad"])
        if self.mode == "max":
            kwargs["dilation"] = torch_size(o["dilation"])
        kwargs["ceil_mode"] = o["ceil_mode"]
        if self.mode == "avg":
            kwargs["count_include_pad"] = o["count_include_pad"]
        defaults = {"padding": 0, "dilation": 1, "ceil_mode": False, "count_include_pad": True}
        return TorchCall(f"nn.{title}Pool{rank}", (), kwargs, defaults)


class MaxPool(_Pool):
    name = "maxpool"
    keras = "MaxPooling{r}D"
    aliases = ("max_pool", "maxpool2d")
    foreign = ("MaxPool1d", "MaxPool3d", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D")
    mode = "max"
    title = "max pooling layer"
    options = {**_WINDOW, "dilation": Opt("size", 1, minimum=1)}


class AvgPool(_Pool):
    name = "avgpool"
    keras = "AveragePooling{r}D"
    aliases = ("avg_pool", "avgpool2d", "averagepool")
    foreign = ("AvgPool1d", "AvgPool3d", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D")
    mode = "avg"
    title = "average pooling layer"
    options = {**_WINDOW, "count_include_pad": Opt("bool", True)}

    def output_shape(self, o, ins):
        shape = super().output_shape(o, ins)
        if o["to"] is None and len(ins[0]) == 4:  # PyTorch's AvgPool3d wants the kernel inside the unpadded input
            kernel = per_dim("kernel", o["kernel"], 3)
            if any(size < k for size, k in zip(ins[0][1:], kernel)):
                raise ShapeError(
                    f"avgpool {fmt_shape(kernel)} does not fit the {fmt_shape(ins[0][1:])} input "
                    "(3-D average pooling does not count the padding here)",
                    hint="use a smaller window",
                    option="kernel",
                    code="kernel-too-large",
                )
        return shape


class _Adaptive(LayerKind):
    family = "pool"
    mode: str  # `avg` or `max`
    positional = ("to",)
    words = ("to",)  # `adaptive_avgpool to 6x6` reads as well as `adaptive_avgpool 6x6`
    required = ("to",)
    options = {"to": Opt("size", minimum=1)}

    def usage(self) -> str:
        return f"write it as `{self.name} 6x6` (the output size)"

    def output_shape(self, o, ins):
        rank = spatial(ins[0], self.name)
        return (ins[0][0], *per_dim("to", o["to"], rank))

    def describe(self, o):
        return f"{self.name} {fmt_size(o['to'])}"

    def window(self, o, ins, out):
        return adaptive_window(ins[0][1:], out[1:])

    def formulas(self, o, ins, out):
        channels = Step("channels", "C", "C_in", str(ins[0][0]), out[0], "pooling keeps the channels")
        return [channels, *adaptive_steps(ins[0][1:], out[1:])]

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall(
            f"nn.Adaptive{self.mode.capitalize()}Pool{torch_rank_suffix(in_shape)}", (torch_size(o["to"]),)
        )


class AdaptiveAvgPool(_Adaptive):
    mode = "avg"
    name = "adaptive_avgpool"
    keras = "AdaptiveAveragePooling{r}D"
    aliases = ("adaptive_avg_pool",)
    foreign = ("AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d")
    title = "adaptive average pooling layer"


class AdaptiveMaxPool(_Adaptive):
    mode = "max"
    name = "adaptive_maxpool"
    keras = "AdaptiveMaxPooling{r}D"
    aliases = ("adaptive_max_pool",)
    foreign = ("AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d")
    title = "adaptive max pooling layer"


class _Global(LayerKind):
    """Pools every spatial position away: `(C, ...)` -> `(C,)`, as Keras' GlobalAveragePooling2D."""

    family = "pool"
    mode: str  # `avg` or `max`

    def output_shape(self, o, ins):
        spatial(ins[0], self.name)
        return (ins[0][0],)

    def window(self, o, ins, out):
        return whole(ins[0][1:])

    def formulas(self, o, ins, out):
        return [
            Step(
                "features",
                "C",
                "C_in",
                str(ins[0][0]),
                out[0],
                "each channel's {0} values pooled to one",
                (fmt_shape(ins[0][1:]),),
            )
        ]

    def torch_module(self, o, in_shape, inplace=False):
        # adaptive pooling to 1 keeps the size-1 dimensions: flatten them to give `(C,)`
        pool = TorchCall(f"nn.Adaptive{self.mode.capitalize()}Pool{torch_rank_suffix(in_shape)}", (1,))
        return TorchCall("nn.Sequential", (pool, TorchCall("nn.Flatten")))


class GlobalAvgPool(_Global):
    mode = "avg"
    name = "global_avgpool"
    keras = "GlobalAveragePooling{r}D"
    aliases = ("gap", "global_avg_pool", "globalavgpool")
    foreign = ("GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D")
    title = "global average pooling layer"


class GlobalMaxPool(_Global):
    mode = "max"
    name = "global_maxpool"
    keras = "GlobalMaxPooling{r}D"
    foreign = ("GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D")
    title = "global max pooling layer"
    aliases = ("global_max_pool", "globalmaxpool")


KINDS = [MaxPool(), AvgPool(), AdaptiveAvgPool(), AdaptiveMaxPool(), GlobalAvgPool(), GlobalMaxPool()]
