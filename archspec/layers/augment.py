"""The data layers of Keras' transfer-learning lesson: random flips, rotations and zooms, which
augment the images in training and pass them on unchanged in eval, and `preprocess_input`'s
scalings. None has parameters or MACs; each keeps its input's shape."""

from __future__ import annotations

from archspec.layers.base import LayerKind, Opt, OptionError, ShapeError, TorchCall, spatial


class _Worded(LayerKind):
    """A kind whose one positional option is a word among `words`: `random_flip vertical` sets
    `mode`, where `avgpool to 6x6` would name the option by the word."""

    def arg_names(self, args):
        return list(self.positional)


class _ImageAugment(LayerKind):
    """Moves pixels within a C x H x W image (flip, rotation, zoom): the shape stays."""

    def output_shape(self, o, ins):
        spatial(ins[0], self.name, ranks=(2,))
        return ins[0]


class RandomFlip(_Worded, _ImageAugment):
    name = "random_flip"
    keras = "RandomFlip"
    title = "random flip"
    foreign = ("RandomFlip", "RandomHorizontalFlip", "RandomVerticalFlip")
    family = "regularization"
    positional = ("mode",)
    words = ("horizontal", "vertical", "horizontal_and_vertical")
    options = {"mode": Opt("word", "horizontal", choices=words)}
    torch_helper = '''class RandomFlip(nn.Module):
    """In training, flips each image left-right ("horizontal"), upside down ("vertical") or both
    ways, each with probability 0.5, as Keras' RandomFlip; the identity in eval."""

    def __init__(self, mode: str = "horizontal") -> None:
        super().__init__()
        self.mode = mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        dims = {"horizontal": (-1,), "vertical": (-2,), "horizontal_and_vertical": (-1, -2)}[self.mode]
        for dim in dims:
            flip = torch.rand(x.shape[0], 1, 1, 1, device=x.device) < 0.5
            x = torch.where(flip, x.flip(dim), x)
        return x
'''

    def describe(self, o):
        return f"random_flip {o['mode']}"

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("RandomFlip", (), {"mode": o["mode"]}, {"mode": "horizontal"})


class _RandomByFactor(_ImageAugment):
    """An augmentation drawn per image within a `factor` (Keras' RandomRotation, RandomZoom), written as
    the helper class of the same name as its Keras counterpart (`foreign[0]`)."""

    family = "regularization"
    positional = ("factor",)
    required = ("factor",)
    options = {"factor": Opt("float", minimum=0)}

    def describe(self, o):
        return f"{self.name} {o['factor']:g}"

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall(self.foreign[0], (o["factor"],))


class RandomRotation(_RandomByFactor):
    name = "random_rotation"
    keras = "RandomRotation"
    title = "random rotation"
    foreign = ("RandomRotation",)
    # Keras' RandomRotation: `factor` is a fraction of 2*pi, a positive angle turns counter-clockwise;
    # fill_mode="reflect" (d c b a | a b c d | d c b a) and bilinear interpolation by default
    # (keras/src/layers/preprocessing/image_preprocessing/random_rotation.py). grid_sample's
    # reflection padding with align_corners=False reflects about the pixels' outer edges, as that.
    torch_helper = '''class RandomRotation(nn.Module):
    """In training, rotates each image by its own angle, drawn uniformly from
    [-factor, factor] * 2*pi (counter-clockwise for a positive angle), filling the corners by
    reflection, as Keras' RandomRotation; the identity in eval."""

    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = factor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.factor == 0:
            return x
        turns = (torch.rand(x.shape[0], device=x.device) * 2 - 1) * self.factor
        return self.rotate(x, turns * 2 * torch.pi)

    @staticmethod
    def rotate(x: torch.Tensor, angles: torch.Tensor) -> torch.Tensor:
        """Each image of `x` turned counter-clockwise by its angle in `angles` (radians) about its centre."""
        h, w = x.shape[-2:]
        cos, sin, zero = angles.cos(), angles.sin(), torch.zeros_like(angles)
        # where each output position reads the input, in grid_sample's coordinates (-1 to 1 across
        # the image), scaled by h / w so that a non-square image turns without shearing
        theta = torch.stack(
            [torch.stack([cos, -sin * h / w, zero], -1), torch.stack([sin * w / h, cos, zero], -1)], -2
        )
        grid = nn.functional.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False)
        return nn.functional.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
'''


class RandomZoom(_RandomByFactor):
    name = "random_zoom"
    keras = "RandomZoom"
    title = "random zoom"
    foreign = ("RandomZoom",)
    # Keras' RandomZoom(height_factor): "A positive value means zooming out, while a negative value
    # means zooming in"; a single float F draws the zoom from [1 - F, 1 + F], and width_factor=None
    # uses the same zoom for the width (keras/src/layers/preprocessing/image_preprocessing/
    # random_zoom.py: `_get_zoom_matrix` reads the input at zoom * x + (W - 1) / 2 * (1 - zoom),
    # so a zoom above 1 shows more of the image). fill_mode="reflect", bilinear, as the rotation.
    torch_helper = '''class RandomZoom(nn.Module):
    """In training, scales each image about its centre by its own zoom, drawn uniformly from
    [1 - factor, 1 + factor]: above 1 zooms out (the border filled by reflection), below 1 zooms
    in, as Keras' RandomZoom; the identity in eval."""

    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = factor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.factor == 0:
            return x
        zooms = 1 + (torch.rand(x.shape[0], device=x.device) * 2 - 1) * self.factor
        return self.zoom(x, zooms)

    @staticmethod
    def zoom(x: torch.Tensor, zooms: torch.Tensor) -> torch.Tensor:
        """Each image of `x` read at its zoom times the distance from its centre."""
        zero = torch.zeros_like(zooms)
        theta = torch.stack([torch.stack([zooms, zero, zero], -1), torch.stack([zero, zooms, zero], -1)], -2)
        grid = nn.functional.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False)
        return nn.functional.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
'''

    def resolve(self, bound):
        o = super().resolve(bound)
        if o["factor"] > 1:
            raise OptionError(
                f"a zoom factor is at most 1, not {o['factor']:g}",
                hint="the zoom is drawn from [1 - factor, 1 + factor], as Keras' RandomZoom",
                option="factor",
            )
        return o


class Preprocess(_Worded):
    name = "preprocess"
    title = "input preprocessing"
    foreign = ("preprocess_input",)
    family = "reshape"
    positional = ("mode",)
    required = ("mode",)
    words = ("caffe", "tf", "torch")
    options = {"mode": Opt("word", choices=words)}
    # keras.applications.imagenet_utils.preprocess_input (`_preprocess_numpy_input` and
    # `_preprocess_tensor_input` in keras/src/applications/imagenet_utils.py, looked up there):
    # caffe reverses the channels RGB -> BGR, then subtracts the mean [103.939, 116.779, 123.68]
    # (B, G, R) without scaling; tf is x / 127.5 - 1; torch is x / 255, then minus the mean
    # [0.485, 0.456, 0.406] and divided by the std [0.229, 0.224, 0.225] (R, G, B).
    torch_helper = '''class Preprocess(nn.Module):
    """Scales 0-255 RGB images as keras.applications' preprocess_input(x, mode=...): "caffe"
    (RGB to BGR, minus the ImageNet mean), "tf" (to -1..1) or "torch" (to 0..1, then the ImageNet
    mean and standard deviation); the same in training and eval."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not x.is_floating_point():
            x = x.float()
        if self.mode == "tf":
            return x / 127.5 - 1
        shape = (3,) + (1,) * (x.dim() - 2)  # one value per channel, channels first
        if self.mode == "caffe":
            return x.flip(1) - x.new_tensor([103.939, 116.779, 123.68]).view(shape)
        mean = x.new_tensor([0.485, 0.456, 0.406]).view(shape)
        std = x.new_tensor([0.229, 0.224, 0.225]).view(shape)
        return (x / 255 - mean) / std
'''

    def output_shape(self, o, ins):
        channels = ins[0][0]
        if o["mode"] != "tf" and channels != 3:
            raise ShapeError(
                f"preprocess {o['mode']} needs 3 channels (RGB), the input has {channels}",
                hint="`preprocess tf` scales any number of channels",
            )
        return ins[0]

    def describe(self, o):
        return f"preprocess {o['mode']}"

    def torch_module(self, o, in_shape, inplace=False):
        return TorchCall("Preprocess", (o["mode"],))


KINDS = [RandomFlip(), RandomRotation(), RandomZoom(), Preprocess()]
