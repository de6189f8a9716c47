"""Dense, reshaping, regularisation, normalisation, activations and the other one-input layers."""

from __future__ import annotations

import math

from archspec.layers.base import (
    LayerKind,
    Opt,
    OptionError,
    ShapeError,
    Step,
    TorchCall,
    Window,
    dim_names,
    fmt_product,
    fmt_shape,
    per_dim,
    spatial,
    whole,
)


class Dense(LayerKind):
    name = "dense"
    keras = "Dense"
    keras_activation = True
    aliases = ("linear", "fc", "fully_connected")
    family = "dense"
    inplace_safe = True
    positional = ("units",)
    required = ("units",)
    options = {"units": Opt("int", minimum=1), "bias": Opt("bool", True)}
    title = "fully connected layer"

    def usage(self) -> str:
        return "write it as `dense UNITS`, e.g. `dense 4096 relu`"

    def output_shape(self, o, ins):
        if len(ins[0]) != 1:
            raise ShapeError(
                f"dense needs a flat input, but gets {fmt_shape(ins[0])}",
                hint=f"put `flatten` before it (it gives {math.prod(ins[0])} features)",
                code="not-flat",
            )
        return (o["units"],)

    def params(self, o, ins, out):
        return ins[0][0] * o["units"] + (o["units"] if o["bias"] else 0), 0

    def macs(self, o, ins, out):
        return ins[0][0] * o["units"]

    def describe(self, o):
        return f"dense {o['units']}"

    def formulas(self, o, ins, out):
        n, units = ins[0][0], o["units"]
        params = (
            Step("params", "params", "(N_in + 1) * N_out", f"({n} + 1) * {units}", n * units + units)
            if o["bias"]
            else Step("params", "params", "N_in * N_out", f"{n} * {units}", n * units, "no bias")
        )
        return [
            Step("features", "N", "N_out", str(units), units, "the number of units"),
            params,
            Step("macs", "MACs", "N_in * N_out", f"{n} * {units}", n * units),
        ]

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("nn.Linear", (in_shape[0], o["units"]), {"bias": o["bias"]}, {"bias": True})


class Flatten(LayerKind):
    name = "flatten"
    keras = "Flatten"
    family = "reshape"
    view = True

    title = "flatten"

    def output_shape(self, o, ins):
        return (math.prod(ins[0]),)

    def window(self, o, ins, out):
        # the dense layer after it sees every position: count the whole input as one window
        return whole(ins[0][1:])

    def formulas(self, o, ins, out):
        names = ("C", *dim_names(len(ins[0]) - 1))
        return [Step("features", "N", "*".join(names), fmt_product(ins[0]), out[0], "a view: no memory of its own")]

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("nn.Flatten")


class Identity(LayerKind):
    name = "identity"
    keras = "Identity"
    title = "identity"
    family = "reshape"
    view = True

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("nn.Identity")


class Dropout(LayerKind):
    name = "dropout"
    keras = "Dropout"
    foreign = ("Dropout1d", "Dropout2d", "Dropout3d", "SpatialDropout2D")
    family = "regularization"
    title = "dropout"
    positional = ("p",)
    options = {"p": Opt("float", 0.5, minimum=0)}

    def resolve(self, bound):
        o = super().resolve(bound)
        if o["p"] > 1:
            raise OptionError(f"a dropout probability is at most 1, not {o['p']:g}", option="p")
        return o

    def describe(self, o):
        return f"dropout {o['p']:g}"

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("nn.Dropout", (), {"p": o["p"]}, {"p": 0.5})


def _scale_and_shift(o: dict, c: int) -> Step:
    """The parameters of a normalisation with a scale and a shift per channel (`affine`)."""
    if o["affine"]:
        return Step("params", "params", "2 * C", f"2 * {c}", 2 * c, "a scale and a shift per channel")
    return Step("params", "params", "0", "0", 0, "affine=false: no scale and shift")


class BatchNorm(LayerKind):
    name = "batchnorm"
    keras = "BatchNormalization"
    aliases = ("bn", "batch_norm")
    folds_as = "bn"
    foreign = ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "BatchNormalization")
    family = "norm"
    inplace_safe = True
    options = {
        "eps": Opt("float", 1e-5, minimum=0),
        "momentum": Opt("float", 0.1, minimum=0),
        "affine": Opt("bool", True),
    }
    title = "batch normalization"

    def output_shape(self, o, ins):
        if len(ins[0]) > 4:
            spatial(ins[0], "batchnorm")
        return ins[0]

    def params(self, o, ins, out):
        c = ins[0][0]
        # weight and bias; running mean, running var and num_batches_tracked are buffers
        return (2 * c if o["affine"] else 0), 2 * c + 1

    def describe(self, o):
        return "batchnorm"

    def formulas(self, o, ins, out):
        c = ins[0][0]
        return [
            Step("shape", "shape", "same as the input", fmt_shape(ins[0]), out),
            _scale_and_shift(o, c),
            Step(
                "buffers",
                "buffers",
                "2 * C + 1",
                f"2 * {c} + 1",
                2 * c + 1,
                "running mean, running variance and the batch counter are buffers, not parameters",
            ),
        ]

    def torch_module(self, o, in_shape, inplace=False):
        rank = max(len(in_shape) - 1, 1)  # features `(F,)` and sequences `(C, L)` both take BatchNorm1d
        kwargs = {"eps": o["eps"], "momentum": o["momentum"], "affine": o["affine"]}
        defaults = {"eps": 1e-5, "momentum": 0.1, "affine": True}
        return TorchCall(f"nn.BatchNorm{rank}d", (in_shape[0],), kwargs, defaults)


class LayerNorm(LayerKind):
    name = "layernorm"
    keras = "LayerNormalization"
    aliases = ("layer_norm", "ln")
    foreign = ("LayerNormalization",)
    family = "norm"
    inplace_safe = True
    options = {"eps": Opt("float", 1e-5, minimum=0), "affine": Opt("bool", True)}
    title = "layer normalization"

    def params(self, o, ins, out):
        return (2 * math.prod(ins[0]) if o["affine"] else 0), 0

    def formulas(self, o, ins, out):
        n = math.prod(ins[0])
        return [
            Step("shape", "shape", "same as the input", fmt_shape(ins[0]), out),
            Step(
                "params",
                "params",
                "2 * " + "*".join(("C", *dim_names(len(ins[0]) - 1))),
                f"2 * {fmt_product(ins[0])}",
                2 * n,
                "a scale and a shift per element",
            )
            if o["affine"]
            else Step("params", "params", "0", "0", 0, "affine=false: no scale and shift"),
        ]

    def torch_module(self, o, in_shape, inplace=False):
        kwargs = {"eps": o["eps"], "elementwise_affine": o["affine"]}
        return TorchCall("nn.LayerNorm", (tuple(in_shape),), kwargs, {"eps": 1e-5, "elementwise_affine": True})


class GroupNorm(LayerKind):
    """Normalises each sample over groups of channels (with all their positions), then scales and
    shifts each channel: `nn.GroupNorm(groups, C)`. Any channels-first input, flat features too."""

    name = "groupnorm"
    keras = "GroupNormalization"
    aliases = ("group_norm", "gn")
    folds_as = "gn"
    foreign = ("GroupNorm", "GroupNormalization")
    family = "norm"
    inplace_safe = True
    positional = ("groups",)
    required = ("groups",)
    options = {"groups": Opt("int", minimum=1), "eps": Opt("float", 1e-5, minimum=0), "affine": Opt("bool", True)}
    title = "group normalization"

    def usage(self) -> str:
        return "write it as `groupnorm GROUPS`, e.g. `groupnorm 32`"

    def output_shape(self, o, ins):
        c, groups = ins[0][0], o["groups"]
        if c % groups:
            fits = [str(g) for g in range(1, c + 1) if c % g == 0]
            shown = ", ".join(fits[:12]) + (", ..." if len(fits) > 12 else "")
            raise OptionError(
                f"groupnorm: {c} channels cannot be split into {groups} groups",
                hint=f"numbers of groups that divide {c}: {shown}",
                option="groups",
            )
        return ins[0]

    def params(self, o, ins, out):
        return (2 * ins[0][0] if o["affine"] else 0), 0

    def describe(self, o):
        return f"groupnorm {o['groups']}"

    def formulas(self, o, ins, out):
        return [Step("shape", "shape", "same as the input", fmt_shape(ins[0]), out), _scale_and_shift(o, ins[0][0])]

    def torch_module(self, o, in_shape, inplace=False):
        kwargs = {"eps": o["eps"], "affine": o["affine"]}
        return TorchCall("nn.GroupNorm", (o["groups"], in_shape[0]), kwargs, {"eps": 1e-5, "affine": True})


class LayerNorm2d(LayerKind):
    """LayerNorm over the channels of each position of a channels-first map, as torchvision's
    `LayerNorm2d` (ConvNeXt's norm before each downsampling): the statistics of the C values at one
    position, a scale and a shift per channel. On `C x L` and `C x D x H x W` inputs as well.

    The default eps is PyTorch's and torchvision's class default, 1e-5 (`nn.LayerNorm`, which
    `LayerNorm2d` subclasses); torchvision's ConvNeXt passes `eps=1e-6`, which its specs write."""

    name = "layernorm2d"
    keras = "LayerNormalization"  # Keras's default axis=-1 is the channels of channels-last data
    aliases = ("layer_norm2d", "channel_layernorm")
    foreign = ("LayerNorm2d",)
    family = "norm"
    inplace_safe = True
    options = {"eps": Opt("float", 1e-5, minimum=0), "affine": Opt("bool", True)}
    title = "layer normalization over the channels"
    # torchvision.models.convnext.LayerNorm2d permutes (N, C, H, W) to (N, H, W, C) and back; moving
    # dim 1 last is the same permutation for images and works for 1-D and 3-D data too
    torch_helper = '''class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels at each position of a channels-first batch (N, C, ...), as
    torchvision's LayerNorm2d (ConvNeXt): the channels moved last, normalised, moved back. Its
    state_dict holds `weight` and `bias` of C values each, as torchvision's."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.movedim(1, -1)
        x = nn.functional.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.movedim(-1, 1)
'''

    def output_shape(self, o, ins):
        if len(ins[0]) == 1:
            raise ShapeError(
                f"layernorm2d needs a C x L or C x H x W or C x D x H x W input, but gets {fmt_shape(ins[0])}",
                hint="on flat features, `layernorm` normalises them all",
                code="bad-input-rank",
            )
        spatial(ins[0], "layernorm2d")
        return ins[0]

    def params(self, o, ins, out):
        return (2 * ins[0][0] if o["affine"] else 0), 0

    def formulas(self, o, ins, out):
        return [Step("shape", "shape", "same as the input", fmt_shape(ins[0]), out), _scale_and_shift(o, ins[0][0])]

    def torch_module(self, o, in_shape, inplace=False):
        kwargs = {"eps": o["eps"], "elementwise_affine": o["affine"]}
        return TorchCall("LayerNorm2d", (in_shape[0],), kwargs, {"eps": 1e-5, "elementwise_affine": True})


class LocalResponseNorm(LayerKind):
    name = "lrn"
    aliases = ("local_response_norm",)
    foreign = ("LocalResponseNorm", "LocalResponseNormalization")
    family = "norm"
    title = "local response normalization"
    positional = ("size",)
    options = {
        "size": Opt("int", 5, minimum=1),
        "alpha": Opt("float", 1e-4),
        "beta": Opt("float", 0.75),
        "k": Opt("float", 1.0),
    }

    def output_shape(self, o, ins):
        if len(ins[0]) < 2:
            raise ShapeError(f"lrn needs channels and at least one spatial dimension, but gets {fmt_shape(ins[0])}")
        return ins[0]

    def describe(self, o):
        return f"lrn {o['size']}"

    def torch_module(self, o, in_shape, inplace=False):
        kwargs = {"alpha": o["alpha"], "beta": o["beta"], "k": o["k"]}
        return TorchCall("nn.LocalResponseNorm", (o["size"],), kwargs, {"alpha": 1e-4, "beta": 0.75, "k": 1.0})


class Activation(LayerKind):
    """An elementwise activation: PyTorch's class `torch_class`, whose constructor takes the options
    as `torch_options` name them (`slope` -> `negative_slope`), and `inplace=` where `can_inplace`."""

    family = "activation"
    title = "activation function"

    def __init__(
        self,
        name: str,
        torch_class: str,
        options: dict | None = None,
        aliases: tuple = (),
        torch_options: dict[str, str] | None = None,
        can_inplace: bool = True,
        keras: str = "",
    ):
        self.name = name
        self.keras = keras
        self.options = options or {}
        self.aliases = aliases
        self.torch_class = torch_class
        self.torch_options = torch_options or {}
        self.can_inplace = can_inplace

    def torch_module(self, o, in_shape, inplace=False):
        kwargs = {self.torch_options.get(key, key): o[key] for key in self.options}
        defaults = {self.torch_options.get(key, key): opt.default for key, opt in self.options.items()}
        if self.can_inplace:
            kwargs["inplace"], defaults["inplace"] = inplace, False
        return TorchCall(f"nn.{self.torch_class}", (), kwargs, defaults)


class Sigmoid(Activation):
    unit_probabilities = True

    def __init__(self):
        super().__init__("sigmoid", "Sigmoid", can_inplace=False)


class Softmax(Activation):
    probabilities = True

    def __init__(self):
        super().__init__("softmax", "Softmax", {"dim": Opt("int", 0, minimum=0)}, can_inplace=False, keras="Softmax")

    def output_shape(self, o, ins):
        if o["dim"] >= len(ins[0]):
            raise OptionError(
                f"softmax over dim {o['dim']}, but the input {fmt_shape(ins[0])} has {len(ins[0])}", option="dim"
            )
        return ins[0]

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("nn.Softmax", (), {"dim": o["dim"] + 1})  # + 1: the batch dimension comes first


class ChannelShuffle(LayerKind):
    name = "shuffle"
    aliases = ("channel_shuffle",)
    foreign = ("ChannelShuffle",)
    family = "reshape"
    title = "channel shuffle"
    positional = ("groups",)
    required = ("groups",)
    options = {"groups": Opt("int", minimum=1)}

    def output_shape(self, o, ins):
        if len(ins[0]) < 2:
            raise ShapeError(
                f"shuffle needs channels and a spatial size, but gets {fmt_shape(ins[0])}", code="bad-input-rank"
            )
        if ins[0][0] % o["groups"]:
            raise OptionError(f"{ins[0][0]} channels cannot be shuffled in {o['groups']} groups", option="groups")
        return ins[0]

    def describe(self, o):
        return f"shuffle g{o['groups']}"

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("nn.ChannelShuffle", (o["groups"],))


class Upsample(LayerKind):
    name = "upsample"
    keras = "UpSampling{r}D"
    aliases = ("upsampling",)
    foreign = ("UpSampling1D", "UpSampling2D", "UpSampling3D", "Upsample")
    family = "reshape"
    positional = ("scale",)
    words = ("to",)
    options = {
        "scale": Opt("float", None, minimum=0),
        "to": Opt("size", None, minimum=1),
        "mode": Opt("word", "nearest", choices=("nearest", "linear", "bilinear", "bicubic", "trilinear")),
    }
    title = "upsampling"

    def usage(self) -> str:
        return "write it as `upsample 2` (scale factor) or `upsample to 32x32`"

    def resolve(self, bound):
        o = super().resolve(bound)
        if (o["scale"] is None) == (o["to"] is None):
            raise OptionError("`upsample` needs a scale factor or `to SIZE` (one of them)", hint=self.usage())
        return o

    def output_shape(self, o, ins):
        rank = spatial(ins[0], "upsample")
        needs = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}.get(o["mode"])
        if needs is not None and needs != rank:
            raise OptionError(f"mode `{o['mode']}` works on {needs}-D data, the input is {rank}-D", option="mode")
        if o["to"] is not None:
            return (ins[0][0], *per_dim("to", o["to"], rank))
        return (ins[0][0], *(math.floor(s * o["scale"]) for s in ins[0][1:]))

    def describe(self, o):
        return f"upsample x{o['scale']:g}" if o["scale"] is not None else "upsample"

    def window(self, o, ins, out):
        # each output position reads 1 input position per dimension (nearest), 2 (linear) or 4
        # (bicubic), centred on the position it maps to; one output step is in/out input steps
        from fractions import Fraction

        reads = {"nearest": 1, "bicubic": 4}.get(o["mode"], 2)
        sizes, outs = ins[0][1:], out[1:]
        return Window(
            (reads,) * len(sizes),
            tuple(Fraction(n, m) for n, m in zip(sizes, outs)),
            (Fraction(0),) * len(sizes),
        )

    def formulas(self, o, ins, out):
        channels = Step("channels", "C", "C_in", str(ins[0][0]), out[0])
        names = dim_names(len(ins[0]) - 1)
        if o["to"] is not None:
            sizes = [Step("size", n, f"{n}_out", str(m), m, "given") for n, m in zip(names, out[1:])]
        else:
            sizes = [
                Step("size", n, f"floor({n}_in * scale)", f"floor({i} * {o['scale']:g})", m)
                for n, i, m in zip(names, ins[0][1:], out[1:])
            ]
        return [channels, *sizes]

    def torch_module(self, o, in_shape, inplace=False):
        if o["to"] is not None:
            kwargs = {"size": per_dim("to", o["to"], len(in_shape) - 1)}
        else:
            kwargs = {"scale_factor": o["scale"]}
        kwargs["mode"] = o["mode"]
        return TorchCall("nn.Upsample", (), kwargs, {"mode": "nearest"})


class Rescale(LayerKind):
    name = "rescale"
    keras = "Rescaling"
    title = "rescaling"
    aliases = ("rescaling",)
    family = "reshape"
    positional = ("scale",)
    required = ("scale",)
    options = {"scale": Opt("float"), "offset": Opt("float", 0.0)}
    torch_helper = '''class Rescale(nn.Module):
    """Multiplies by `scale` and adds `offset`, as Keras' Rescaling layer."""

    def __init__(self, scale: float, offset: float = 0.0) -> None:
        super().__init__()
        self.scale = scale
        self.offset = offset

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale + self.offset
'''

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("Rescale", (o["scale"],), {"offset": o["offset"]}, {"offset": 0.0})


_ACTIVATIONS = [
    Activation("relu", "ReLU", keras="ReLU"),
    Activation("relu6", "ReLU6"),
    Activation(
        "leaky_relu",
        "LeakyReLU",
        {"slope": Opt("float", 0.01)},
        ("leakyrelu",),
        {"slope": "negative_slope"},
        keras="LeakyReLU",
    ),  # fmt: skip
    Activation("elu", "ELU", {"alpha": Opt("float", 1.0)}, keras="ELU"),
    Activation("tanh", "Tanh", can_inplace=False),
    Sigmoid(),
    Softmax(),
    Activation("gelu", "GELU", can_inplace=False),
    Activation("silu", "SiLU", aliases=("swish",)),
    Activation("hardswish", "Hardswish", aliases=("hard_swish",)),
    Activation("hardsigmoid", "Hardsigmoid", aliases=("hard_sigmoid",)),
]

KINDS = [
    Dense(),
    Flatten(),
    Identity(),
    Dropout(),
    BatchNorm(),
    LayerNorm(),
    GroupNorm(),
    LayerNorm2d(),
    LocalResponseNorm(),
    *_ACTIVATIONS,
    ChannelShuffle(),
    Upsample(),
    Rescale(),
]
