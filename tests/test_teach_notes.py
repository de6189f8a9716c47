"""explain's shapes said once, its receptive-field lines said in words (offset, start, a field
larger than the image), and calc on a channel count alone (seed 004's 1x1 question)."""

from __future__ import annotations

import json

from conftest import SPECS
from test_cli import archspec as run_cli

import archspec
from archspec.i18n import KO, translator
from archspec.teaching.explain import START_NOTE, explain, render_text, select, to_json

EN, KO_T = translator("en"), translator("ko")


def explained(spec: str, *names: str):
    net = archspec.load(SPECS / spec) if spec.endswith(".arch") else archspec.loads(spec)
    return explain(net, select(net, list(names)))


def test_a_shape_of_1000_channels_is_said_once():
    # googlenet's dropout before fc: `same as the input = 1024x1x1`, not `= 1024x1x1 = 1,024x1x1`
    text = render_text(explained("googlenet.arch"), EN)
    assert "= 1024x1x1 = 1,024x1x1" not in text and "1,024x1x1" not in text
    assert "shape = same as the input = 1024x1x1\n" in text
    # a vector of 9,216 (alexnet's dropout): once, as shapes are written
    text = render_text(explained("alexnet.arch"), EN)
    assert "= 9216 = 9,216" not in text and "shape = same as the input = 9216\n" in text


def test_start_line_says_what_offset_and_start_are():
    (e,) = explained("lenet5.arch", "c1")
    start = next(line for line in render_text([e], EN).splitlines() if "start_in + offset * j_in" in line)
    assert start.endswith(f"({START_NOTE})")
    assert "offset: the centre of this layer's first window" in start and "in input pixels" in start
    korean = render_text([e], KO_T)
    assert KO[START_NOTE] in korean and "첫 윈도우 중심" in korean
    assert to_json(e, EN)["rf_steps"][-1]["note"] == START_NOTE


def test_a_field_larger_than_the_image_gets_a_note():
    # resnet50's global average pooling sees 619x619 of a 224x224 image
    (e,) = explained("resnet50.arch", "avgpool")
    assert e.field.text() == "619x619"
    text = render_text([e], EN)
    note = next(line for line in text.splitlines() if line.startswith("  note: "))
    assert "the field (619x619) is larger than the 224x224 image because the padding adds zeros" in note
    # centre 96, half-width 309: -213..405, of which the image's 0..223
    assert "spans positions -213..405: pixels 0..223 of it (224x224) are real" in note
    assert to_json(e, EN)["notes"] == [note.removeprefix("  note: ")]
    korean = render_text([e], KO_T)
    assert "참고: 수용 영역(619x619)이 224x224 이미지보다 큼" in korean
    # a field within the image: no note
    (small,) = explained("lenet5.arch", "c1")
    assert small.notes == () and "note:" not in render_text([small], EN)


def test_the_note_for_a_field_past_one_edge_only():
    # 1x8x8, two 5x5 convs with pad=2: field 9x9 > 8, centred on pixel 0: -4..4, real 0..4
    (e,) = explained("network T\ninput 1x8x8\nconv 1 5x5 pad=2\nlast: conv 1 5x5 pad=2\n", "last")
    assert e.field.text() == "9x9"
    (note,) = [EN(text, *args) for text, args in e.notes]
    assert "spans positions -4..4: pixels 0..4 of it (5x5) are real" in note


def test_calc_takes_a_channel_count_alone():
    # seed 004's quiz: 64 channels into 128 1x1 filters, no image size given
    result = run_cli("calc", "conv 128 1x1", "--input", "64")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("channels only, no image size") and "(--input 64xHxW)" in lines[0]
    assert "  input 64 channels -> 128 channels" in lines
    assert "params = (K_h*K_w*C_in + 1) * C_out = (1*1*64 + 1) * 128 = 8,320" in result.stdout
    assert "H = " not in result.stdout and "1024" not in result.stdout  # nothing of the stand-in size
    assert lines[-3:] == ["Total params: 8,320", "MACs: need an image size (--input 64xHxW)", "Output channels: 128"]
    out = json.loads(run_cli("calc", "conv 128 1x1", "--input", "64", "--json").stdout)
    assert out["channels_only"] is True and out["input"] == [64]
    assert out["params"] == 8320 and out["output_channels"] == 128
    assert out["output"] is None and out["macs"] is None
    (layer,) = out["layers"]
    assert layer["input_channels"] == [64] and layer["output_channels"] == 128 and layer["macs"] is None
    assert {s["quantity"] for s in layer["steps"]} == {"channels", "params"}
    from archspec.teaching.teach import CHANNELS_ONLY

    assert CHANNELS_ONLY in KO
    korean = run_cli("calc", "conv 128 1x1", "--input", "64", "--lang", "ko").stdout
    assert "채널 수만 주어짐" in korean and "입력 64 채널 -> 128 채널" in korean


def test_calc_channels_alone_refused_where_the_parameters_need_the_size():
    result = run_cli("calc", "conv 8 3x3; flatten; dense 10", "--input", "64")
    assert result.returncode == 2
    assert "depend on the image size" in result.stderr and "64xHxW" in result.stderr


def test_calc_a_flat_input_for_dense_layers_is_still_a_vector():
    result = run_cli("calc", "dense 10", "--input", "84")
    assert result.returncode == 0 and "channels only" not in result.stdout
    assert result.stdout.splitlines()[-1] == "Output shape: 10"
