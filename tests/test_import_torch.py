"""`archspec.from_torch` and `archspec import`: a PyTorch model written as a spec whose module has
the model's state_dict keys and, with the model's weights, its outputs; what has no layer kind is
named, never guessed."""

from __future__ import annotations

import textwrap

import pytest
from conftest import SPECS, randomise_batchnorm_statistics
from test_cli import archspec as run_cli

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import archspec  # noqa: E402
from archspec.frontend.from_torch import ImportFailed, from_torch  # noqa: E402

MODELS_SOURCE = """
import torch
from torch import nn


class Basic(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


class ResNetLike(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, 1, 1)
        self.relu = nn.ReLU()
        self.layer1 = nn.Sequential(Basic(8, 8), Basic(8, 8), Basic(8, 16, 2), Basic(16, 32, 2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.layer1(self.relu(self.conv1(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


class Branches(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 1)
        self.b = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 1, 1))
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(10 * 8 * 8, 5), nn.Softmax(dim=1))

    def forward(self, x):
        return self.head(torch.cat([self.a(x), self.b(x)], dim=1))


def resnet_like():
    return ResNetLike()


class WithLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.view = nn.LSTM(4, 4)

    def forward(self, x):
        return self.conv(x).view(x.shape[0], -1)


class Shared(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x):
        return self.conv(self.conv(x))


net = ResNetLike()


def not_a_model():
    return 3
"""


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    import importlib.util

    path = tmp_path_factory.mktemp("models") / "models.py"
    path.write_text(MODELS_SOURCE)
    spec = importlib.util.spec_from_file_location("archspec_test_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return path, module


def same_module(model: nn.Module, text: str, shape) -> None:
    """The spec's module has the model's state_dict keys and, with its weights, its outputs."""
    torch.manual_seed(0)
    randomise_batchnorm_statistics(model)
    built = archspec.build(text)
    assert sorted(built.state_dict()) == sorted(model.state_dict())  # the order: the forward's, not __init__'s
    built.load_state_dict(model.state_dict())
    model.eval()
    built.eval()
    x = torch.randn(3, *shape)
    with torch.no_grad():
        torch.testing.assert_close(built(x), model(x))


def test_a_class_used_several_times_is_a_block(models):
    _, m = models
    text = from_torch(m.ResNetLike(), (3, 16, 16))
    assert text == textwrap.dedent(
        """\
        # ResNetLike, imported from PyTorch by archspec.from_torch

        block basic():
            conv1: conv 8 3x3 pad=1 bias=false
            bn1: bn
            relu
            conv2: conv 8 3x3 pad=1 bias=false
            bn2: bn
            add(bn2, in)
            relu

        block basic_2(downsample_0_out, conv1_out, conv2_out):
            downsample: conv downsample_0_out 1x1 stride=2 bias=false, bn
            conv1: from in, conv conv1_out 3x3 stride=2 pad=1 bias=false
            bn1: bn
            relu
            conv2: conv conv2_out 3x3 pad=1 bias=false
            bn2: bn
            add(bn2, downsample)
            relu

        network ResNetLike
        input 3x16x16
        conv1: conv 8 3x3 pad=1
        relu
        layer1: basic() x2, basic_2(16, 16, 16), basic_2(32, 32, 32)
        avgpool to 1x1
        flatten
        fc: dense 10
        """
    )
    same_module(m.ResNetLike(), text, (3, 16, 16))


def test_branches_sequences_and_concatenation(models):
    _, m = models
    text = from_torch(m.Branches(), "3x8x8", name="Two")
    assert "network Two\n" in text and "concat(a, b)\n" in text  # `b` reads the input again, by its name
    assert "\nx: identity\n" in text and "\nb: from x, conv 6 3x3 pad=1, relu, maxpool 3x3 stride=1 pad=1\n" in text
    same_module(m.Branches(), text, (3, 8, 8))


@pytest.mark.parametrize(
    "name",
    ["lenet5", "resnet18", "googlenet", "inception_v3", "densenet121", "mobilenet_v3_small", "shufflenet_v1"],
)
def test_archspec_s_own_modules_come_back(name):
    """Each spec's module (its blocks are classes of their own) imported: the same keys and outputs."""
    net = archspec.load(SPECS / f"{name}.arch")
    model = archspec.build(net)
    text = from_torch(model, net.input_shape)
    assert archspec.loads(text).params == net.params
    same_module(model, text, net.input_shape)


def test_what_has_no_layer_kind_is_named(models):
    _, m = models
    with pytest.raises(ImportFailed) as err:
        from_torch(m.WithLSTM(), (3, 8, 8))
    assert str(err.value).startswith("no layer kind of archspec for: ")
    assert "`view` (a method call)" in str(err.value)
    with pytest.raises(ImportFailed, match=r"conv \(Conv2d\) called 2 times: shared weights"):
        from_torch(m.Shared(), (4, 8, 8))
    with pytest.raises(ImportFailed, match="does not run on an input of 4x8x8"):
        from_torch(m.ResNetLike(), (4, 8, 8))


def test_the_command_writes_a_spec_that_checks(models, tmp_path):
    path, _ = models
    out = tmp_path / "r.arch"
    result = run_cli("import", f"{path}:resnet_like", "--input", "3x16x16", "-o", str(out))
    assert (result.returncode, result.stdout, result.stderr) == (0, f"wrote {out}\n", "")
    assert run_cli("check", "-q", str(out)).returncode == 0
    result = run_cli("import", f"{path}:net", "--input", "3x16x16", "--name", "Net")
    assert result.returncode == 0 and "network Net\ninput 3x16x16\n" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["nothing", "--input", "3x8x8"], 2, "TARGET must be MODULE:NAME or FILE.py:NAME"),
        (["{models}:Nope", "--input", "3x8x8"], 2, "models.py has no `Nope`"),
        (["nowhere.py:Net", "--input", "3x8x8"], 2, "nowhere.py: no such file"),
        (["no_such_package_x:Net", "--input", "3x8x8"], 2, "cannot import no_such_package_x: ModuleNotFoundError"),
        (["{models}:Basic", "--input", "3x8x8"], 1, "Basic() failed: TypeError"),
        (["{models}:not_a_model", "--input", "3x8x8"], 2, "is not a torch.nn.Module"),
        (["{models}:net", "--input", "3x0x8"], 2, "--input must be a shape like 3x224x224"),
        (["{models}:WithLSTM", "--input", "3x8x8"], 1, "no layer kind of archspec for: "),
    ],
)
def test_errors(models, args, code, message):
    path, _ = models
    (models_dir) = path.parent
    args = [a.replace("{models}", str(path)) for a in args]
    result = run_cli("import", *args, cwd=models_dir)
    assert result.returncode == code, result.stderr
    assert result.stderr.startswith("archspec import: error: ") and message in result.stderr
    assert "Traceback" not in result.stderr


def test_errors_in_korean(models):
    path, _ = models
    result = run_cli("import", f"{path}:Nope", "--input", "3x8x8", "--lang", "ko")
    assert result.stderr == f"archspec import: 오류: {path}에 `Nope`가 없음\n"


class ConvNormAct(nn.Sequential):
    """torchvision's Conv2dNormActivation, as it is: an nn.Sequential of the model's own."""

    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU6(inplace=True))


class Stem(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(ConvNormAct(3, 8, 2), ConvNormAct(8, 16))

    def forward(self, x):
        return self.features(x)


def test_a_sequential_of_the_models_own_is_a_block_that_is_one_sequence():
    text = from_torch(Stem(), "3x16x16")
    assert "    conv " in text and ", bn, relu6\n" in text  # the block's body: one sequence, numbered 0, 1, 2
    same_module(Stem(), text, (3, 16, 16))
    assert "features.0.0.weight" in archspec.build(text).state_dict()


def test_a_model_that_is_a_sequential_is_refused_with_the_way_out():
    with pytest.raises(ImportFailed, match="import a module that holds it"):
        from_torch(nn.Sequential(ConvNormAct(3, 8, 2)), "3x16x16")


class Pools(nn.Module):
    """Pooling written as functions, as torchvision's Inception writes it."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        x = nn.functional.max_pool2d(self.conv(x), kernel_size=3, stride=2)
        x = nn.functional.avg_pool2d(x, 3, 1, 1)
        return nn.functional.avg_pool2d(x, kernel_size=2, count_include_pad=False)


def test_pooling_called_as_a_function_is_a_pooling_layer():
    text = from_torch(Pools(), "3x32x32")
    assert "maxpool 3x3 stride=2\navgpool 3x3 stride=1 pad=1\navgpool 2x2 count_include_pad=false\n" in text
    same_module(Pools(), text, (3, 32, 32))
