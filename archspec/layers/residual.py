"""What ConvNeXt-, EfficientNet- and RegNet-style residual branches add before the sum: a learnable
scale per channel (`layer_scale`) and stochastic depth, which drops the whole branch of a sample
in training (`stochastic_depth`). Both keep their input's shape; PyTorch has no module for either,
so `archspec compile` writes each as a small `nn.Module` class in plain PyTorch (no torchvision)."""

from __future__ import annotations

from archspec.layers.base import LayerKind, Opt, OptionError, Step, TorchCall, fmt_shape


class LayerScale(LayerKind):
    """Multiplies each channel by a learnable factor that starts at `value`: ConvNeXt's layer scale
    (torchvision's CNBlock: `self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)`,
    multiplied onto the branch's output). C parameters, of the shape `C x 1 x 1` (one 1 per spatial
    dimension) as torchvision's. No MACs: an elementwise product, which torchvision's figures (conv
    and linear weights) and torch's FLOP counter leave out, as batchnorm's scale."""

    name = "layer_scale"
    keras = "LayerScale"  # keras.applications.convnext's own class (C weights, gamma)
    aliases = ("layerscale",)
    foreign = ("LayerScale",)
    family = "other"  # not "norm": `init norm=constant` and `zero_init_residual` set a norm's `weight`
    inplace_safe = True
    positional = ("value",)
    required = ("value",)
    options = {"value": Opt("float")}
    title = "layer scale"
    torch_helper = '''class LayerScale(nn.Module):
    """Multiplies each channel by its own learnable factor, which starts at `value`, as ConvNeXt's
    layer scale (torchvision's CNBlock). `scale` has the shape (C, 1, 1) for images (one 1 per
    spatial dimension, `dims`), as torchvision's `layer_scale` parameter."""

    def __init__(self, channels: int, value: float, dims: int = 2) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(channels, *(1,) * dims) * value)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * x
'''

    def usage(self) -> str:
        return "write it as `layer_scale VALUE`, e.g. `layer_scale 1e-6`"

    def params(self, o, ins, out):
        return ins[0][0], 0

    def describe(self, o):
        return f"layer_scale {o['value']:g}"

    def formulas(self, o, ins, out):
        c = ins[0][0]
        return [
            Step("shape", "shape", "same as the input", fmt_shape(ins[0]), out),
            Step("params", "params", "C", str(c), c, "one learnable factor per channel"),
            Step("macs", "MACs", "0", "0", 0, "an elementwise product: counted as no MACs, as batchnorm's scale"),
        ]

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("LayerScale", (in_shape[0], o["value"]), {"dims": len(in_shape) - 1}, {"dims": 2})


class StochasticDepth(LayerKind):
    """torchvision.ops.StochasticDepth(p, mode) (Huang et al., 2016, "Deep Networks with Stochastic
    Depth"): in training, zeroes the whole input of each sample (`row`) or of the whole batch
    (`batch`) with probability p and divides what survives by 1 - p; the identity in eval. At the
    end of a residual branch it drops the branch, leaving the shortcut. No parameters, no MACs."""

    name = "stochastic_depth"
    keras = "StochasticDepth"  # keras.applications.convnext's own class
    aliases = ("drop_path",)
    foreign = ("StochasticDepth", "DropPath")
    family = "regularization"
    positional = ("p",)
    required = ("p",)
    options = {"p": Opt("float", minimum=0), "mode": Opt("word", "row", choices=("row", "batch"))}
    title = "stochastic depth"
    # torchvision/ops/stochastic_depth.py, `stochastic_depth(input, p, mode, training)`, statement for
    # statement (its checks of p and mode are archspec's, at check time; its if/else for the noise's
    # size is one expression, which ruff's SIM rules ask for): the same draws from torch's generator,
    # so after the same torch.manual_seed both give the same output
    torch_helper = '''class StochasticDepth(nn.Module):
    """In training, zeroes the whole input of each sample ("row") or of the whole batch ("batch")
    with probability p and divides what survives by 1 - p, as torchvision.ops.StochasticDepth;
    the identity in eval. At the end of a residual branch it drops the branch."""

    def __init__(self, p: float, mode: str = "row") -> None:
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        survival_rate = 1.0 - self.p
        size = [x.shape[0] if self.mode == "row" else 1] + [1] * (x.ndim - 1)  # per sample or per batch
        noise = torch.empty(size, dtype=x.dtype, device=x.device)
        noise = noise.bernoulli_(survival_rate)
        if survival_rate > 0.0:
            noise.div_(survival_rate)
        return x * noise
'''

    def usage(self) -> str:
        return "write it as `stochastic_depth P`, e.g. `stochastic_depth 0.1`"

    def resolve(self, bound):
        o = super().resolve(bound)
        if o["p"] >= 1:
            raise OptionError(
                f"a stochastic depth probability is below 1, not {o['p']:g}",
                hint="with p = 1 the branch is dropped in every training step: it never trains",
                option="p",
            )
        return o

    def describe(self, o):
        return f"stochastic_depth {o['p']:g}" + (" batch" if o["mode"] == "batch" else "")

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("StochasticDepth", (o["p"],), {"mode": o["mode"]}, {"mode": "row"})


KINDS = [LayerScale(), StochasticDepth()]
