"""Dense, reshaping, regularisation, normalisation, activations and the other one-input layers."""

from __future__ import annotations

import math

from .base import LayerKind, Opt, OptionError, ShapeError, fmt_shape, per_dim, spatial


class Dense(LayerKind):
    name = "dense"
    aliases = ("linear", "fc", "fully_connected")
    family = "dense"
    positional = ("units",)
    required = ("units",)
    options = {"units": Opt("int", minimum=1), "bias": Opt("bool", True)}

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


class Flatten(LayerKind):
    name = "flatten"
    family = "reshape"
    view = True

    def output_shape(self, o, ins):
        return (math.prod(ins[0]),)


class Identity(LayerKind):
    name = "identity"
    family = "reshape"
    view = True


class Dropout(LayerKind):
    name = "dropout"
    foreign = ("Dropout1d", "Dropout2d", "Dropout3d", "SpatialDropout2D")
    family = "regularization"
    positional = ("p",)
    options = {"p": Opt("float", 0.5, minimum=0)}

    def resolve(self, bound):
        o = super().resolve(bound)
        if o["p"] > 1:
            raise OptionError(f"a dropout probability is at most 1, not {o['p']:g}", option="p")
        return o

    def describe(self, o):
        return f"dropout {o['p']:g}"


class BatchNorm(LayerKind):
    name = "batchnorm"
    aliases = ("bn", "batch_norm")
    foreign = ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "BatchNormalization")
    family = "norm"
    options = {
        "eps": Opt("float", 1e-5, minimum=0),
        "momentum": Opt("float", 0.1, minimum=0),
        "affine": Opt("bool", True),
    }

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


class LayerNorm(LayerKind):
    name = "layernorm"
    aliases = ("layer_norm", "ln")
    foreign = ("LayerNormalization",)
    family = "norm"
    options = {"eps": Opt("float", 1e-5, minimum=0), "affine": Opt("bool", True)}

    def params(self, o, ins, out):
        return (2 * math.prod(ins[0]) if o["affine"] else 0), 0


class LocalResponseNorm(LayerKind):
    name = "lrn"
    aliases = ("local_response_norm",)
    foreign = ("LocalResponseNorm", "LocalResponseNormalization")
    family = "norm"
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


class Activation(LayerKind):
    family = "activation"

    def __init__(self, name: str, options: dict | None = None, aliases: tuple = ()):
        self.name = name
        self.options = options or {}
        self.aliases = aliases


class Softmax(Activation):
    probabilities = True

    def __init__(self):
        super().__init__("softmax", {"dim": Opt("int", 0, minimum=0)})

    def output_shape(self, o, ins):
        if o["dim"] >= len(ins[0]):
            raise OptionError(
                f"softmax over dim {o['dim']}, but the input {fmt_shape(ins[0])} has {len(ins[0])}", option="dim"
            )
        return ins[0]


class ChannelShuffle(LayerKind):
    name = "shuffle"
    aliases = ("channel_shuffle",)
    foreign = ("ChannelShuffle",)
    family = "reshape"
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


class Upsample(LayerKind):
    name = "upsample"
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


class Rescale(LayerKind):
    name = "rescale"
    aliases = ("rescaling",)
    family = "reshape"
    positional = ("scale",)
    required = ("scale",)
    options = {"scale": Opt("float"), "offset": Opt("float", 0.0)}


_ACTIVATIONS = [
    Activation("relu"),
    Activation("relu6"),
    Activation("leaky_relu", {"slope": Opt("float", 0.01)}, ("leakyrelu",)),
    Activation("elu", {"alpha": Opt("float", 1.0)}),
    Activation("tanh"),
    Activation("sigmoid"),
    Softmax(),
    Activation("gelu"),
    Activation("silu", aliases=("swish",)),
    Activation("hardswish", aliases=("hard_swish",)),
    Activation("hardsigmoid", aliases=("hard_sigmoid",)),
]

KINDS = [
    Dense(),
    Flatten(),
    Identity(),
    Dropout(),
    BatchNorm(),
    LayerNorm(),
    LocalResponseNorm(),
    *_ACTIVATIONS,
    ChannelShuffle(),
    Upsample(),
    Rescale(),
]
