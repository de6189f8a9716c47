"""Receptive fields against torch's gradients: an output position depends on exactly the input
positions where its gradient is not zero (all weights 1, so nothing cancels). Skipped without torch."""

from __future__ import annotations

import pytest

import archspec
from archspec.analysis.receptive import receptive_fields

torch = pytest.importorskip("torch")
nn = torch.nn
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")

L = 200  # a 1-D input long enough that the central outputs' fields lie inside it


def ones(module):
    for p in module.parameters():
        nn.init.constant_(p, 1.0)
    return module


# (archspec lines, the same layers in torch); max pooling is measured with average pooling, which
# reads the same window and passes a gradient to all of it
CASES = {
    "two 3x3": (["conv 1 3 pad=1", "conv 1 3 pad=1"], [nn.Conv1d(1, 1, 3, padding=1), nn.Conv1d(1, 1, 3, padding=1)]),
    "strided and dilated": (
        ["conv 1 5 stride=2 pad=2", "maxpool 3 stride=2 pad=1", "conv 1 3 dilation=2", "conv 1 3 stride=3"],
        [
            nn.Conv1d(1, 1, 5, stride=2, padding=2),
            nn.AvgPool1d(3, stride=2, padding=1),
            nn.Conv1d(1, 1, 3, dilation=2),
            nn.Conv1d(1, 1, 3, stride=3),
        ],
    ),
    "pad same, even kernel": (
        ["conv 1 4 pad=same", "conv 1 3 stride=2"],
        [nn.Conv1d(1, 1, 4, padding="same"), nn.Conv1d(1, 1, 3, stride=2)],
    ),
    "separable": (
        ["sepconv 1 5 pad=1", "dwconv 3 stride=2"],
        [nn.Conv1d(1, 1, 5, padding=1), nn.Conv1d(1, 1, 1), nn.Conv1d(1, 1, 3, stride=2)],
    ),
    "deconv after a stride": (
        ["conv 1 3 stride=2 pad=1", "deconv 1 4 stride=2 pad=1"],
        [nn.Conv1d(1, 1, 3, stride=2, padding=1), nn.ConvTranspose1d(1, 1, 4, stride=2, padding=1)],
    ),
    "deconv with a stride of 3": (
        ["conv 1 5 stride=3", "deconv 1 5 stride=3 pad=2", "conv 1 3"],
        [nn.Conv1d(1, 1, 5, stride=3), nn.ConvTranspose1d(1, 1, 5, stride=3, padding=2), nn.Conv1d(1, 1, 3)],
    ),
    "adaptive": (["conv 1 3", "adaptive_avgpool 7"], [nn.Conv1d(1, 1, 3), nn.AdaptiveAvgPool1d(7)]),
    "nearest upsampling": (
        ["conv 1 3 stride=2", "upsample 2", "conv 1 3"],
        [nn.Conv1d(1, 1, 3, stride=2), nn.Upsample(scale_factor=2), nn.Conv1d(1, 1, 3)],
    ),
}


def extents(model, size: int):
    """(first, last) input position each output position depends on."""
    x = torch.ones(1, 1, size, requires_grad=True)
    y = model(x)
    out = []
    for o in range(y.shape[-1]):
        (grad,) = torch.autograd.grad(y[0, 0, o], x, retain_graph=True)
        nonzero = grad[0, 0].nonzero().flatten().tolist()
        out.append((nonzero[0], nonzero[-1]))
    return out


# layers that enlarge their input (transposed convs, upsampling) and adaptive pooling give outputs that
# do not all see as many inputs: there the size is the largest field of each such layer, carried on
IRREGULAR = {"deconv after a stride", "deconv with a stride of 3", "nearest upsampling", "adaptive"}


@pytest.mark.parametrize("case", CASES)
def test_fields_match_torchs_gradients(case):
    lines, modules = CASES[case]
    net = archspec.loads(f"network N\ninput 1x{L}\n" + "\n".join(lines) + "\n")
    fields = receptive_fields(net)
    size, jump, start = fields[-1].size[0], fields[-1].jump[0], fields[-1].start[0]
    model = nn.Sequential(*(ones(m) for m in modules))
    spans = extents(model, L)
    assert len(spans) == net.output_shape[1]
    inside = [(o, lo, hi) for o, (lo, hi) in enumerate(spans) if lo > 0 and hi < L - 1]  # not clipped by the edges
    assert inside
    widest = max(hi - lo + 1 for _, lo, hi in inside)
    if case in IRREGULAR:
        # a later layer spanning several enlarged outputs may reach one step of the coarsest grid further
        coarsest = max(f.jump[0] for f in fields)
        assert size <= widest < size + coarsest
        return
    assert widest == size
    for o, lo, hi in inside:  # every field as large, moved by the jump, centred where start says
        assert hi - lo + 1 == size
        assert (lo + hi) / 2 == start + o * jump
