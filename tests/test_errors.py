"""Every diagnostic archspec emits: its code, where it points (line and column), and the key part
of its message and hint. Then: several errors in one run, and the rendered text (caret placement
in terminal cells, with Korean text and tabs)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

import archspec
from archspec.analysis.load import analyse
from archspec.diagnostics import render

H = "network T\ninput 3x32x32\n"
BLOCK = "block b(width):\n    conv width 1x1\n"


def column(text: str, line: int, needle: str) -> int:
    """1-based column of the first `needle` on `line` of `text`: where the caret must point."""
    src = text.splitlines()[line - 1]
    assert needle in src, (needle, src)
    return src.index(needle) + 1


# (id, spec, code, line, culprit on that line (or a column number), part of the message, part of the hint)
CASES = [
    # ------------------------------------------------------------------ syntax
    ("syntax-bracket", H + "conv 8 3x3 [1]\n", "syntax-error", 3, "[", "unexpected character `[`", "3x3"),
    ("syntax-unexpected-plus", H + "conv 8 3x3 stride=3x3+1\n", "syntax-error", 3, "+", "unexpected `+`", ""),
    (
        "syntax-unexpected-indent",
        H + "conv 8 3x3\n    relu\n",
        "syntax-error",
        4,
        1,
        "unexpected indentation",
        "indented",
    ),
    (
        "syntax-block-call-not-alone",
        BLOCK + H + "b(8) relu\n",
        "syntax-error",
        5,
        "relu",
        "stands alone",
        "line of its own",
    ),
    ("syntax-body-at-end-of-file", H + "add:\n", "syntax-error", 3, 5, "expected an indented body", "indent the lines"),
    (
        "bad-indentation",
        H + "add:\n    branch: conv 3 1x1\n  branch: identity\n",
        "bad-indentation",
        5,
        1,
        "indentation matches no enclosing level",
        "indent it exactly",
    ),
    (
        "network-parameter-without-default",
        "network T(n)\ninput 3x32x32\ndense n\n",
        "bad-argument",
        1,
        11,  # the parameter `n` in `network T(n)`
        "needs a default",
        "--set n=",
    ),
    ("syntax-freeze-as-a-name", H + "freeze: conv 8 3x3\n", "syntax-error", 3, ":", "`freeze` is a word", "rename"),
    (
        "freeze-unknown-path",
        H + "body: conv 8 3x3\nfreeze bdy\n",
        "undefined-name",
        4,
        "bdy",
        "no layer or block `bdy`",
        "`body`",
    ),
    ("freeze-before-the-layer", H + "freeze c1\nc1: conv 8 3x3\n", "undefined-name", 3, "c1", "before this line", ""),
    (
        "chain-name-names-nothing",
        H + "conv 8 3x3 bn1:\n",
        "expected-layer",
        3,
        "bn1",
        "names the layer that follows",
        "remove",
    ),
    (
        "chain-name-before-a-number",
        H + "conv 8 bn1: 3x3\n",
        "expected-layer",
        3,
        "3x3",
        "names the layer",
        "layer kind",
    ),
    ("chain-name-in-a-sequence", H + "s: conv 8 3x3 bn1: bn, relu\n", "syntax-error", 3, "bn1", "numbered", "own"),
    # ------------------------------------------------------------------ names of kinds, options, blocks
    (
        "unknown-layer",
        H + "conv 8 3x3\nrelu\nmaxpol 2\n",
        "unknown-layer",
        5,
        "maxpol",
        "unknown layer kind `maxpol`",
        "did you mean `maxpool`?",
    ),
    (
        "unknown-layer-in-chain",
        H + "conv 8 3x3 bn rleu\n",
        "unknown-layer",
        3,
        "rleu",
        "unknown layer kind `rleu`",
        "did you mean `relu`?",
    ),
    ("unknown-layer-is-a-block", BLOCK + H + "b 8\n", "unknown-layer", 5, "b", "is a block", "write `b(...)`"),
    (
        "unknown-layer-a-name-without-colon",
        H + "c1 conv 16 3x3\n",
        "unknown-layer",
        3,
        "c1",
        "unknown layer kind `c1`",
        "name a line with a colon: `c1: conv`",
    ),
    (
        "unknown-layer-a-name-without-colon-before-a-call",
        BLOCK + H + "b1 b(8)\n",
        "unknown-layer",
        5,
        "b1",
        "unknown layer kind `b1`",
        "`b1: b(...)`",
    ),
    (
        "unknown-option",
        H + "conv 8 3x3 strid=2\n",
        "unknown-option",
        3,
        "strid",
        "`conv` has no option `strid`",
        "did you mean `stride`?",
    ),
    (
        "unknown-option-no-options",
        H + "relu inplace=true\n",
        "unknown-option",
        3,
        "inplace",
        "`relu` has no option `inplace`",
        "`relu` takes no options",
    ),
    (
        "unknown-option-merge-by-name",
        H + "a: relu\nb: relu\nconcat(a, b, dim=1)\n",
        "unknown-option",
        5,
        "dim",
        "takes names only",
        "",
    ),
    ("bad-option-type", H + "conv 8 3x3 stride=foo\n", "bad-option", 3, "stride=foo", "`stride` must be a size", ""),
    (
        "bad-option-twice",
        H + "conv 8 3x3 stride=2 stride=2\n",
        "bad-option",
        3,
        len("conv 8 3x3 stride=2 ") + 1,
        "given twice",
        "",
    ),
    (
        "bad-option-extra-positional",
        H + "conv 8 3x3 5\n",
        "bad-option",
        3,
        "5",
        "one argument too many",
        "conv OUT_CHANNELS KERNEL",
    ),
    ("bad-option-minimum", H + "conv 0 3x3\n", "bad-option", 3, "0", "`out` must be at least 1", ""),
    ("bad-option-whole-number", H + "conv 8.5 3x3\n", "bad-option", 3, "8.5", "`out` must be a whole number", ""),
    ("bad-option-bool", H + "conv 8 3x3 bias=maybe\n", "bad-option", 3, "bias=maybe", "`true` or `false`", ""),
    (
        "bad-option-groups",
        H + "conv 8 3x3 groups=3\n",
        "bad-option",
        3,
        "groups=3",
        "8 output channels cannot be split into 3 groups",
        "",
    ),
    (
        "bad-option-same-stride",
        H + "conv 8 3x3 pad=same stride=2\n",
        "bad-option",
        3,
        "pad=same",
        "`pad=same` needs stride 1",
        "pad=1",
    ),
    (
        "bad-option-kernel-rank",
        H + "conv 8 3x3x3\n",
        "bad-option",
        3,
        "3x3x3",
        "`kernel` has 3 sizes",
        "one size per dimension",
    ),
    (
        "bad-option-pool-pad",
        H + "maxpool 2 pad=2\n",
        "bad-option",
        3,
        "pad=2",
        "more than half the kernel",
        "kernel // 2",
    ),
    ("bad-option-dropout", H + "dropout 1.5\n", "bad-option", 3, "1.5", "a dropout probability is at most 1", ""),
    ("bad-option-adaptive-kernel", H + "maxpool to 4x4 kernel=2\n", "bad-option", 3, "kernel=2", "adaptive", ""),
    ("bad-option-shuffle", H + "shuffle 5\n", "bad-option", 3, "5", "3 channels cannot be shuffled in 5 groups", ""),
    ("bad-option-upsample-mode", H + "upsample 2 mode=trilinear\n", "bad-option", 3, "mode=trilinear", "3-D data", ""),
    (
        "bad-option-groupnorm",
        H + "groupnorm 2\n",
        "bad-option",
        3,
        "2",
        "groupnorm: 3 channels cannot be split into 2 groups",
        "numbers of groups that divide 3: 1, 3",
    ),
    (
        "bad-option-stochastic-depth",
        H + "stochastic_depth 1\n",
        "bad-option",
        3,
        "1",
        "a stochastic depth probability is below 1, not 1",
        "never trains",
    ),
    ("bad-option-stochastic-depth-negative", H + "drop_path p=-0.1\n", "bad-option", 3, "p=-0.1", "at least 0", ""),
    (
        "bad-option-stochastic-depth-mode",
        H + "stochastic_depth 0.1 mode=sample\n",
        "bad-option",
        3,
        "mode=sample",
        "one of `row`, `batch`",
        "",
    ),
    (
        "bad-input-rank-layernorm2d",
        H + "flatten layernorm2d\n",
        "bad-input-rank",
        3,
        "layernorm2d",
        "layernorm2d needs a C x L or C x H x W or C x D x H x W input, but gets 3072",
        "`layernorm` normalises them all",
    ),
    ("bad-option-softmax-dim", H + "softmax dim=5\n", "bad-option", 3, "dim=5", "softmax over dim 5", ""),
    (
        "bad-argument-too-many",
        BLOCK + H + "b(8, 9)\n",
        "bad-argument",
        5,
        "9",
        "`b` takes 1 argument, not 2",
        "b(width)",
    ),
    (
        "bad-argument-unknown",
        BLOCK + H + "b(widht=8)\n",
        "bad-argument",
        5,
        "widht",
        "`b` has no parameter `widht`",
        "did you mean `width`?",
    ),
    ("bad-argument-missing", BLOCK + H + "b()\n", "bad-argument", 5, "b()", "`b` needs `width`", "b(width)"),
    ("bad-argument-twice", BLOCK + H + "b(3, width=3)\n", "bad-argument", 5, "width=", "`width` is given twice", ""),
    (
        "unknown-block",
        "block bottleneck(w):\n    conv w 1x1\n" + H + "botleneck(8)\n",
        "unknown-block",
        5,
        "botleneck",
        "no block named `botleneck`",
        "did you mean `bottleneck`?",
    ),
    (
        "unknown-block-is-a-layer",
        H + "conv(8)\n",
        "unknown-block",
        3,
        "conv",
        "`conv` is a layer kind, not a block",
        "without parentheses",
    ),
    # ------------------------------------------------------------------ shapes
    (
        "kernel-too-large-conv",
        H + "conv 8 33x33\n",
        "kernel-too-large",
        3,
        "33x33",
        "kernel 33x33 does not fit the 32x32 input",
        "smaller kernel",
    ),
    (
        "kernel-too-large-pool",
        "network T\ninput 3x2x2\nmaxpool 3\n",
        "kernel-too-large",
        3,
        "3",
        "maxpool 3x3 does not fit the 2x2 input",
        "",
    ),
    ("empty-output-upsample", H + "upsample 0.01\n", "empty-output", 3, "upsample", "empty output", ""),
    (
        "empty-output-deconv",
        H + "deconv 8 1x1 pad=20\n",
        "empty-output",
        3,
        "pad=20",
        "empty output",
        "reduce the padding",
    ),
    (
        "shape-mismatch-add",
        H + "add:\n    branch: conv 8 1x1\n    branch: identity\n",
        "shape-mismatch",
        4,
        "conv",
        "branch 1 gives 8x32x32, branch 2 gives 3x32x32",
        "shortcut: project",
    ),
    (
        "shape-mismatch-concat",
        H + "concat:\n    branch: conv 8 1x1\n    branch: maxpool 2\n",
        "shape-mismatch",
        5,
        "maxpool",
        "branch 1 gives 8x32x32, branch 2 gives 3x16x16",
        "same spatial size",
    ),
    (
        "shape-mismatch-mul-rank",
        H + "mul:\n    branch: conv 8 1x1\n    branch: global_avgpool\n",
        "shape-mismatch",
        5,
        "global_avgpool",
        "mul needs tensors of one rank",
        "avgpool to 1x1",
    ),
    (
        "shape-mismatch-mul",
        H + "mul:\n    branch: conv 8 1x1\n    branch: avgpool to 1x1 conv 4 1x1\n",
        "shape-mismatch",
        5,
        "avgpool",
        "mul cannot broadcast",
        "equal or 1",
    ),
    (
        "shape-mismatch-project",
        H + "add:\n    branch: conv 8 3x3\n    shortcut: project\n",
        "shape-mismatch",
        4,
        "conv 8 3x3",
        "cannot project 3x32x32 to 8x30x30",
        "pad=",
    ),
    (
        "not-flat",
        H + "dense 10\n",
        "not-flat",
        3,
        "dense",
        "dense needs a flat input, but gets 3x32x32",
        "put `flatten` before it (it gives 3072 features)",
    ),
    (
        "bad-input-rank",
        H + "flatten\nconv 8 3x3\n",
        "bad-input-rank",
        4,
        "conv",
        "but gets 3072",
        "convolutions and pooling take images",
    ),
    ("shape-error-lrn-flat", "network T\ninput 10\nlrn\n", "shape-error", 3, "lrn", "lrn needs channels", ""),
    (
        "shape-error-preprocess-gray",
        "network T\ninput 1x28x28\npreprocess caffe\n",
        "shape-error",
        3,
        "preprocess",
        "preprocess caffe needs 3 channels (RGB), the input has 1",
        "`preprocess tf` scales any number of channels",
    ),
    (
        "bad-input-rank-random-zoom",
        "network T\ninput 3x16\nrandom_zoom 0.2\n",
        "bad-input-rank",
        3,
        "random_zoom",
        "random_zoom needs a C x H x W input, but gets 3x16",
        "",
    ),
    (
        "bad-option-random-zoom",
        H + "random_zoom 1.5\n",
        "bad-option",
        3,
        "1.5",
        "a zoom factor is at most 1",
        "1 + factor",
    ),
    (
        "bad-option-random-flip",
        H + "random_flip mode=sideways\n",
        "bad-option",
        3,
        "mode=sideways",
        "`mode` must be one of",
        "",
    ),
    ("bad-input", "network T\ninput 0x3x3\nrelu\n", "bad-input", 2, "0x3x3", "must be positive", ""),
    # ------------------------------------------------------------------ names and expressions
    (
        "undefined-name-param",
        "block b(width):\n    conv widht*2 1x1\n" + H + "b(8)\n",
        "undefined-name",
        2,
        "widht",
        "`widht` is not defined",
        "did you mean `width`?",
    ),
    (
        "undefined-name-tensor",
        H + "enc1: relu\nup1: relu\nconcat(enc1, up2)\n",
        "undefined-name",
        5,
        "up2",
        "`up2` is not defined before this line",
        "did you mean `up1`?",
    ),
    ("undefined-name-attr", H + "conv 8 in.q 1x1\n", "undefined-name", 3, "in.q", "`in.q` is not a size", "in.c"),
    ("undefined-name-object", H + "conv foo.c 1x1\n", "undefined-name", 3, "foo.c", "only `in` has attributes", "in.c"),
    (
        "bad-expression-div-zero",
        "block b(w):\n    conv w//0 1x1\n" + H + "b(8)\n",
        "bad-expression",
        2,
        "w//0",
        "division by zero",
        "",
    ),
    (
        "bad-expression-not-number",
        "block b(w):\n    conv w*2 1x1\n" + H + "b(3x3)\n",
        "bad-expression",
        2,
        "w",
        "arithmetic needs numbers, not `3x3`",
        "",
    ),
    (
        "bad-expression-condition",
        "block b(w):\n    if w:\n        conv w 1x1\n" + H + "b(8)\n",
        "bad-expression",
        2,
        "w",
        "a condition is true or false, not `8`",
        "compare it",
    ),
    (
        "bad-expression-unknown-function",
        H + "conv (maxx(8, 2)) 1x1\n",
        "bad-expression",
        3,
        "maxx",
        "`maxx` is not a function",
        "did you mean `max`?",
    ),
    ("bad-expression-function-arguments", H + "conv (max(8)) 1x1\n", "bad-expression", 3, "max(8)", "at least 2", ""),
    (
        "bad-expression-order-of-words",
        H + "let a = relu\nif a < 2:\n    relu\n",
        "bad-expression",
        4,
        "a",
        "numbers",
        "",
    ),
    ("bad-name-let", H + "let conv = 3\n", "bad-name", 3, "conv", "a `let` value cannot take its name", "conv_value"),
    ("syntax-assign-in-if", H + "let a = 1\nif a = 1:\n    relu\n", "syntax-error", 4, "=", "unexpected `=`", "=="),
    ("unknown-option-defaults", H + "defaults bn epsilon=0.1\n", "unknown-option", 3, "epsilon", "no option", "eps"),
    ("unknown-layer-defaults", H + "defaults bnorm eps=0.1\n", "unknown-layer", 3, "bnorm", "unknown", "batchnorm"),
    (
        "bad-option-from-defaults",
        H + "defaults bn eps=small\nconv 8 1x1 bn\n",
        "bad-option",
        3,
        "eps=small",
        "eps",
        "",
    ),
    (
        "unknown-block-function",
        H + "max(3, 4)\n",
        "unknown-block",
        3,
        "max",
        "no block named `max`",
        "gives a number",
    ),
    (
        "expected-layer-number",
        H + "8 3x3\n",
        "expected-layer",
        3,
        "8",
        "starts with a layer kind or a block call",
        "conv 64 3x3",
    ),
    (
        "expected-layer-param",
        "block b(w):\n    w 1x1\n" + H + "b(8)\n",
        "expected-layer",
        2,
        "w",
        "starts with a layer kind",
        "",
    ),
    (
        "expected-layer-param-hides-kind",  # torchvision's `dropout` argument, written as it names it
        "block head(dropout=0.2):\n    conv 8 1x1\n    dropout dropout\n" + H + "head()\n",
        "expected-layer",
        3,
        "dropout",
        "starts with a layer kind",
        "hides the layer kind: rename the parameter, e.g. `dropout_value`",
    ),
    (
        "recursive-block",
        "block a(w):\n    b(w)\nblock b(w):\n    a(w)\n" + H + "a(3)\n",
        "recursive-block",
        4,
        "a",
        "a -> b -> a",
        "repeat it with `xN`",
    ),
    (
        "recursive-block-self",
        "block b(w):\n    b(w)\n" + H + "b(8)\n",
        "recursive-block",
        2,
        "b",
        "block `b` calls itself",
        "",
    ),
    ("too-many-layers-repeat", H + "relu x300000\n", "too-many-layers", 3, "x300000", "repeats past the limit", "typo"),
    ("bad-repeat", H + "relu x0\n", "bad-repeat", 3, "x0", "repeats at least once", "x1"),
    ("too-deep", H + "conv 8 " + "+".join(["1"] * 5000) + " 3x3\n", "too-deep", 1, 1, "nests too deeply", ""),
    (
        "expect-failed-shape",
        H + "conv 8 3x3 expect 8x31x31\n",
        "expect-failed",
        3,
        "8x31x31",
        "expected output shape 8x31x31, found 8x30x30",
        "",
    ),
    (
        "expect-failed-params",
        H + "conv 8 3x3 expect params=200\n",
        "expect-failed",
        3,
        "params=200",
        f"expected params 200, found {(3 * 9 + 1) * 8}",
        "",
    ),
    ("duplicate-name-line", H + "a: conv 8 1x1\na: relu\n", "duplicate-name", 4, "a", "`a` is already defined", ""),
    (
        "duplicate-name-block",
        "block b(w):\n    conv w 1x1\nblock b(w):\n    relu\n" + H + "b(3)\n",
        "duplicate-name",
        3,
        "b(w)",
        "block `b` is defined twice",
        "",
    ),
    ("duplicate-network", H + "network U\n", "duplicate-network", 3, "network", "one network", ""),
    ("duplicate-input", H + "input 3x3x3\n", "duplicate-input", 3, "3x3x3", "already has an input", ""),
    ("no-input", "network T\nconv 8 3x3\n", "no-input", 1, "network", "no `input` shape", "input 3x224x224"),
    ("no-input-no-network", "conv 8 3x3\n", "no-input", 1, "conv", "no `input` shape", ""),
    (
        "import-not-found",
        'import "nope.arch"\n' + H + "relu\n",
        "import-not-found",
        1,
        "import",
        "`nope.arch` not found",
        "relative to the importing file",
    ),
    # ------------------------------------------------------------------ merges
    (
        "misplaced-branch-line",
        H + "branch: conv 8 3x3\n",
        "misplaced-branch",
        3,
        "branch",
        "`branch:` belongs inside",
        "indent it under a merge",
    ),
    (
        "misplaced-branch-compound",
        H + "shortcut:\n    conv 8 1x1\n",
        "misplaced-branch",
        3,
        "shortcut",
        "`shortcut:` belongs inside",
        "",
    ),
    (
        "expected-branch-body",
        H + "add:\n    conv 8 3x3\n",
        "expected-branch",
        4,
        "conv",
        "made of `branch:` and `shortcut:`",
        "write `branch:`",
    ),
    (
        "expected-branch-one",
        H + "add:\n    branch: identity\n",
        "expected-branch",
        3,
        "add",
        "at least two branches",
        "shortcut: project",
    ),
    (
        "expected-branch-by-name",
        H + "a: relu\nconcat(a)\n",
        "expected-branch",
        4,
        "concat(a)",
        "at least two named tensors",
        "concat(up1, enc1)",
    ),
    (
        "bad-shortcut-concat",
        H + "concat:\n    branch: identity\n    shortcut: project\n",
        "bad-shortcut",
        5,
        "shortcut",
        "`project` is a shortcut of `add:`",
        "inside `add:`",
    ),
    (
        "bad-shortcut-branch",
        H + "add:\n    branch: conv 8 1x1\n    branch: project\n",
        "bad-shortcut",
        5,
        "branch",
        "`project` is a shortcut",
        "",
    ),
    (
        "unknown-merge",
        H + "ad:\n    branch: identity\n    branch: identity\n",
        "unknown-merge",
        3,
        "ad",
        "`ad:` is not a merge",
        "did you mean `add`?",
    ),
    (
        "bad-expect",
        H + "conv 8 3x3 expect params=8x30x30\n",
        "bad-expect",
        3,
        "params=8x30x30",
        "`params` is a number, not a shape",
        "write the shape alone",
    ),
    # ------------------------------------------------------------------ the `init` line
    (
        "init-unknown-option",
        H + "init conv=kaiming_normal lineaer=normal\nconv 8 3x3\n",
        "unknown-option",
        3,
        "lineaer",
        "`init` has no option `lineaer`",
        "did you mean `linear`?",
    ),
    (
        "init-bad-scheme",
        H + "init conv=kaiming_uniform\nconv 8 3x3\n",
        "bad-option",
        3,
        "kaiming_uniform",
        "`conv` must be one of `default`, `kaiming_normal`, `xavier_uniform`, `trunc_normal`, not `kaiming_uniform`",
        "did you mean `kaiming_normal`?",
    ),
    (
        "init-bad-flag",
        H + "init zero_init_residual=yes\nconv 8 3x3\n",
        "bad-option",
        3,
        "yes",
        "`zero_init_residual` must be one of `true`, `false`, not `yes`",
        "docs/language.md",
    ),
    (
        "init-option-twice",
        H + "init norm=constant norm=default\nconv 8 3x3\n",
        "bad-option",
        3,
        "norm=default",
        "`norm` is given twice",
        "",
    ),
    (
        "init-in-a-block",
        "block b(c):\n    conv c 3x3\n    init conv=kaiming_normal\n" + H + "b(8)\n",
        "misplaced-init",
        3,
        "init",
        "`init` belongs to the network's body",
        "move it to the network's body",
    ),
    (
        "init-in-a-merge",
        H + "conv 8 3x3 pad=1\nadd:\n    branch:\n        init norm=constant\n        conv 8 3x3 pad=1\n"
        "    branch: identity\n",
        "misplaced-init",
        6,
        "init",
        "`init` belongs to the network's body",
        "move it to the network's body",
    ),
    (
        "init-twice",
        H + "init conv=kaiming_normal\nconv 8 3x3\ninit norm=constant\n",
        "duplicate-init",
        5,
        "init",
        "the network already has an `init` line",
        "at line 3",
    ),
    (
        "init-zero-residual-without-one",
        H + "init conv=kaiming_normal zero_init_residual=true\nconv 8 3x3 bn relu\n"
        "add:\n    branch: conv 8 3x3 pad=1 bn relu\n    branch: identity\n",
        "bad-option",
        3,
        "zero_init_residual",
        "no residual branch of the network ends in a batchnorm",
        "end the branches with `bn`",
    ),
    # ------------------------------------------------------------------ several outputs and `from`
    # (H's input has 3 channels; `conv 6 1` gives 6)
    (
        "chunk-not-dividing",
        H + "a, b, c, d: chunk 4\nconcat(a, b, c, d)\n",
        "bad-split",
        3,
        "chunk 4",
        "3 channels do not make 4 equal chunks",
        "give each part's size: `split (...)`",
    ),
    (
        "split-sizes-not-adding-up",
        H + "conv 6 1\na, b: split (2, 3)\nconcat(a, b)\n",
        "bad-split",
        4,
        "2, 3",
        "the sizes add up to 5 (2 + 3), but the input has 6 channels",
        "`split (2, in.c - 2)`",
    ),
    ("split-size-zero", H + "a, b: split (3, 0)\nconcat(a, b)\n", "bad-split", 3, "0", "at least 1, not 0", "split"),
    ("chunk-without-count", H + "a, b: chunk\nconcat(a, b)\n", "bad-split", 3, "chunk", "needs the number", "chunk"),
    (
        "chunk-names-count",
        H + "conv 6 1\na, b, c: chunk 2\nconcat(a, b, c)\n",
        "split-names",
        4,
        "a, b, c",
        "`chunk` gives 2 tensors, but 3 names are written",
        "write 2 names",
    ),
    (
        "split-names-count",
        H + "a, b: split (1, 1, 1)\nconcat(a, b)\n",
        "split-names",
        3,
        "a, b",
        "`split` gives 3 tensors, but 2 names are written",
        "`a, b, c: split ...`",
    ),
    (
        "several-names-for-layers",
        H + "a, b: conv 8 1x1\nconcat(a, b)\n",
        "split-names",
        3,
        "conv",
        "`a, b:` names the parts of `chunk` or `split`",
        "a line of layers takes one name",
    ),
    ("chunk-with-one-name", H + "x: chunk 3\n", "split-names", 3, "chunk", "name each of them", "`a, b: chunk ...`"),
    (
        "line-after-a-chunk",
        H + "conv 6 1\nx1, x2: chunk 2\nconv 8 1x1\n",
        "ambiguous-input",
        5,
        "conv 8",
        "does not say which it takes",
        "`from x1,`",
    ),
    (
        "merge-body-after-a-chunk",
        H + "conv 6 1\nx1, x2: chunk 2\nadd:\n    branch: identity\n    branch: identity\n",
        "ambiguous-input",
        5,
        "add",
        "the line before gives 2 tensors (x1, x2)",
        "`concat(x1, x2)`",
    ),
    (
        "body-ends-with-a-chunk",
        "block u(c):\n    conv c 1\n    x1, x2: chunk 2\n" + H + "u(6)\n",
        "ambiguous-input",
        3,
        "x1, x2",
        "the body ends with `x1, x2:`, which gives 2 tensors, not one",
        "starts `from x1`",
    ),
    (
        "from-an-unknown-name",
        H + "conv 6 1\nleft, right: chunk 2\nb: from rigth, conv 8 1x1\nconcat(left, b)\n",
        "undefined-name",
        5,
        "rigth",
        "`rigth` is not defined before this line",
        "did you mean `right`?",
    ),
    ("from-its-own-name", H + "b: from b, conv 8 1x1\n", "undefined-name", 3, "b,", "this line's own name", "earlier"),
    (
        "from-and-no-layer",
        H + "a: conv 8 1x1\nb: from a\n",
        "expected-layer",
        4,
        "from",
        "a line that starts `from a` needs a layer after it",
        "use the name `a` itself",
    ),
    (
        "from-inside-a-line",
        H + "a: conv 8 1x1\nconv 8 1x1, from a, relu\n",
        "syntax-error",
        4,
        "from",
        "`from` starts a line",
        "write `from a` first",
    ),
    ("layers-after-a-chunk", H + "a, b: chunk 3 relu\n", "syntax-error", 3, "relu", "stands alone", "`from a, relu"),
    ("slice-past-the-channels", H + "slice 1 4\n", "bad-option", 3, "4", "ends past the input's 3 channels", "0 to 2"),
    ("slice-empty", H + "slice 2 2\n", "bad-option", 3, "2 2", "`slice 2:2` is empty", "slice START END"),
    (
        "unknown-expect",
        H + "conv 8 3x3 expect parms=8\n",
        "unknown-expect",
        3,
        "parms",
        "cannot expect `parms`",
        "did you mean `params`?",
    ),
]


@pytest.mark.parametrize("spec, code, line, culprit, message, hint", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_error(spec, code, line, culprit, message, hint):
    with pytest.raises(archspec.ArchspecError) as info:
        archspec.loads(spec, "spec.arch")
    diags = info.value.diagnostics
    assert [d.code for d in diags] == [code], [(d.code, d.message) for d in diags]
    d = diags[0]
    col = culprit if isinstance(culprit, int) else column(spec, line, culprit)
    assert d.span is not None
    assert (d.span.file, d.span.line, d.span.column) == ("spec.arch", line, col)
    assert message in d.message
    assert hint in d.hint
    assert d.severity == "error"


def test_every_code_archspec_emits_has_a_case():
    import re
    from pathlib import Path

    source = "\n".join(p.read_text() for p in Path(archspec.__file__).parent.rglob("*.py"))
    emitted = set(re.findall(r'(?:fail\(|Diagnostic\(|code=)\s*"([a-z-]+)"', source))
    emitted.add("shape-error")  # ShapeError's default code
    elsewhere = {"file-not-found", "import-cycle"}  # need files: tested below with tmp_path
    elsewhere |= {"bad-file", "too-many-errors", "too-deep"}  # tests/test_robustness.py
    elsewhere.add("expect-skipped")  # a warning after --set: tests/test_language.py
    elsewhere.add("internal-error")  # a guard against archspec's own bugs: no spec should reach it
    elsewhere.add("input-layout")  # a warning: tested in test_channels_last_and_batch_first_inputs_are_warned_about
    elsewhere |= {"sheet-syntax", "unknown-field", "bad-answer"}  # answer sheets: tests/test_teach_quiz.py
    covered = {c[2] for c in CASES} | elsewhere
    assert emitted <= covered, sorted(emitted - covered)


# ---------------------------------------------------------------------- required arguments
# A layer without its required argument names the layer it belongs to.
MISSING = [
    ("conv 8", "`conv` needs `kernel`"),
    ("dense", "`dense` needs `units`"),
    ("shuffle", "`shuffle` needs `groups`"),
    ("groupnorm", "`groupnorm` needs `groups`"),
    ("layer_scale", "`layer_scale` needs `value`"),
    ("stochastic_depth", "`stochastic_depth` needs `p`"),
    ("maxpool", "needs a kernel size or `to SIZE`"),
    ("upsample", "needs a scale factor or `to SIZE`"),
    ("avgpool to", "a value after `to`"),
]


@pytest.mark.parametrize("line, message", MISSING, ids=[m[0] for m in MISSING])
def test_missing_argument_message(line, message):
    result = analyse(H + line + "\n", "spec.arch")
    assert [d.code for d in result.diagnostics] == ["bad-option"]
    assert message in result.diagnostics[0].message


@pytest.mark.parametrize("line", [m[0] for m in MISSING])
def test_missing_argument_points_at_the_layer(line):
    result = analyse(H + line + "\n", "spec.arch")
    d = result.diagnostics[0]
    assert d.span is not None
    assert (d.span.line, d.span.column) == (3, 1)


def test_thousands_separator_hint():
    result = analyse(H + "conv 8 3x3\nexpect params=61,706\n", "spec.arch")
    (d,) = result.diagnostics
    assert d.code == "syntax-error"
    assert (d.span.line, d.span.column) == (4, column(H + "conv 8 3x3\nexpect params=61,706\n", 4, ","))
    assert "61_706" in d.hint


@pytest.mark.parametrize("spec", [H + "add:\nrelu\n", "block b(w):\nrelu\n" + H + "b(1)\n"], ids=["add", "block"])
def test_missing_indented_body(spec):
    result = analyse(spec, "spec.arch")
    (d,) = result.diagnostics
    assert d.code == "syntax-error"
    assert "indented body" in d.message + d.hint


def test_too_many_layers_from_nested_blocks():
    # 4 blocks of 4 blocks of 8 layers: 128 layers; with a limit of 100 the whole network line is blamed
    spec = "block a(w):\n    conv w 1x1 x8\nblock b(w):\n    a(w) x4\n" + H + "b(3) x4\n"
    result = analyse(spec, "spec.arch", max_nodes=100)
    (d,) = result.diagnostics
    assert d.code == "too-many-layers"
    assert "expands to more than 100 layers" in d.message
    assert (d.span.line, d.span.column) == (7, 1)
    assert analyse(spec, "spec.arch", max_nodes=200).ok  # 1 + 128 nodes fit


# ---------------------------------------------------------------------- imports (files on disk)
def test_import_cycle(tmp_path):
    (tmp_path / "a.arch").write_text('import "b.arch"\nblock a(w):\n    conv w 1x1\n')
    (tmp_path / "b.arch").write_text('import "a.arch"\nblock b(w):\n    conv w 1x1\n')
    (tmp_path / "main.arch").write_text('import "a.arch"\nnetwork T\ninput 3x8x8\na(4)\n')
    with pytest.raises(archspec.ArchspecError) as info:
        archspec.load(tmp_path / "main.arch")
    (d,) = info.value.diagnostics
    assert d.code == "import-cycle"
    assert "a.arch -> b.arch -> a.arch" in d.message
    assert d.span.file.endswith("b.arch") and (d.span.line, d.span.column) == (1, 1)


def test_import_of_itself_is_a_cycle(tmp_path):
    (tmp_path / "self.arch").write_text('import "self.arch"\nnetwork T\ninput 3x8x8\nrelu\n')
    with pytest.raises(archspec.ArchspecError) as info:
        archspec.load(tmp_path / "self.arch")
    assert [d.code for d in info.value.diagnostics] == ["import-cycle"]


def test_import_not_found_is_relative_to_the_importing_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "m.arch").write_text('import "blocks.arch"\nnetwork T\ninput 3x8x8\nrelu\n')
    (tmp_path / "blocks.arch").write_text("block b(w):\n    relu\n")  # one folder up: not where m.arch looks
    with pytest.raises(archspec.ArchspecError) as info:
        archspec.load(tmp_path / "sub" / "m.arch")
    (d,) = info.value.diagnostics
    assert d.code == "import-not-found"
    assert str(tmp_path / "sub" / "blocks.arch") in d.message


def test_error_inside_an_imported_block_points_into_that_file(tmp_path):
    (tmp_path / "blocks.arch").write_text("block c(w):\n    conv w 1x1 strid=2\n")
    main = tmp_path / "main.arch"
    main.write_text('import "blocks.arch"\nnetwork T\ninput 3x8x8\nc(4)\n')
    result = analyse(main.read_text(), str(main))
    (d,) = result.diagnostics
    assert d.code == "unknown-option"
    assert d.span.file == str(tmp_path / "blocks.arch")
    assert (d.span.line, d.span.column) == (2, len("    conv w 1x1 ") + 1)
    text = render(d, result.sources)
    assert "    conv w 1x1 strid=2" in text


def test_file_not_found(tmp_path):
    with pytest.raises(archspec.ArchspecError) as info:
        archspec.load(tmp_path / "missing.arch")
    assert [d.code for d in info.value.diagnostics] == ["file-not-found"]
    assert "missing.arch" in info.value.diagnostics[0].message


# ---------------------------------------------------------------------- several errors, one run
def test_several_errors_are_all_reported():
    spec = H + (
        "conv 8 3x3 expect 8x31x31\n"  # 3: expect-failed
        "maxpol 2\n"  # 4: unknown-layer
        "relu padd=1\n"  # 5: unknown-option (reported although the input is unknown now)
        "cnv 8 3x3\n"  # 6: unknown-layer
    )
    with pytest.raises(archspec.ArchspecError) as info:
        archspec.loads(spec)
    got = [(d.code, d.span.line) for d in info.value.diagnostics]
    assert got == [("expect-failed", 3), ("unknown-layer", 4), ("unknown-option", 5), ("unknown-layer", 6)]
    assert "(and 3 more)" in str(info.value)


def test_several_syntax_errors_are_all_reported():
    spec = H + (
        "c1: conv 16 [3,3] relu\n"  # 3: a list where a size goes
        "c2: conv 32 3x3 pad=1 relu\n"
        "block b(w):\n"
        "    conv w 3x3 = 1\n"  # 6: a stray `=`
        "    relu\n"
        "c3: conv 64 3x3 stride=2,,\n"  # 8: a doubled comma
        "dense 10\n"
    )
    result = analyse(spec, "spec.arch")
    assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [
        ("syntax-error", 3, column(spec, 3, "[")),
        ("syntax-error", 6, column(spec, 6, "=")),
        ("syntax-error", 8, column(spec, 8, ",,") + 1),
    ]


def test_an_error_in_a_body_header_stops_the_syntax_errors_there():
    # `block b(w:` opens a body that would be read wrongly: no made-up errors after it
    spec = H + "conv 8 [3]\nblock b(w:\n    relu\nconv 8 ]\n"
    result = analyse(spec, "spec.arch")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("syntax-error", 3), ("syntax-error", 4)]


def test_unknown_options_on_several_lines_are_all_reported():
    spec = H + "conv 8 3x3 strid=2\nrelu slope=2\nconv 8 3x3 padd=1\n"
    result = analyse(spec)
    assert [(d.code, d.span.line) for d in result.diagnostics] == [
        ("unknown-option", 3),
        ("unknown-option", 4),
        ("unknown-option", 5),
    ]


def test_a_shape_error_does_not_cascade():
    # after the conv fails nothing is known of the tensor: the dense line must not add a not-flat error
    result = analyse(H + "conv 8 33x33\ndense 10\nrelu\n")
    assert [d.code for d in result.diagnostics] == ["kernel-too-large"]


def test_a_merge_of_lines_after_an_error_does_not_cascade():
    # the lines after the failed conv have no input, so their names have no tensor: the merges naming
    # them are skipped, not reported as merging names with no output
    block = "block se(c):\n    a: conv c 1x1\n    t: conv c 1x1 sigmoid\n    mul(a, t)\n"
    result = analyse(block + H + "conv 8 33x33\nx1: conv 4 1x1\nx2: conv 4 1x1\nadd(x1, x2)\nse(4)\n")
    assert [d.code for d in result.diagnostics] == ["kernel-too-large"]


def test_errors_in_two_blocks_are_both_reported():
    spec = "block a(w):\n    conv w 1x1 strid=1\nblock b(w):\n    conv w 1x1 dilaton=1\n" + H + "a(4)\nb(4)\n"
    result = analyse(spec)
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("unknown-option", 2), ("unknown-option", 4)]


def test_analyse_returns_the_diagnostics_loads_raises():
    spec = H + "maxpol 2\n"
    result = analyse(spec)
    assert not result.ok
    with pytest.raises(archspec.ArchspecError) as info:
        archspec.loads(spec)
    assert info.value.diagnostics == result.diagnostics


# ---------------------------------------------------------------------- rendering
def _render_one(spec: str, file: str = "spec.arch") -> str:
    result = analyse(spec, file)
    assert len(result.diagnostics) == 1, result.diagnostics
    return render(result.diagnostics[0], result.sources)


def _caret(rendered: str, line: int) -> tuple[str, str]:
    """The rendered source line and the caret line under it, without their gutters."""
    rows = rendered.splitlines()
    src_row = next(i for i, r in enumerate(rows) if r.startswith(f"{line} | "))
    gutter = len(f"{line} | ")
    return rows[src_row][gutter:], rows[src_row + 1][gutter:]


def test_render_snapshot():
    spec = H + "conv 8 3x3 strid=2\n"
    assert _render_one(spec) == (
        "error[unknown-option]: `conv` has no option `strid`\n"
        "  --> spec.arch:3:12\n"
        "  |\n"
        "3 | conv 8 3x3 strid=2\n"
        "  |            ^^^^^ unknown option\n"
        "  |\n"
        "help: did you mean `stride`?"
    )


def test_render_has_the_parts():
    spec = H + "conv 8 3x3\nmaxpol 2\n"
    text = _render_one(spec)
    assert text.startswith("error[unknown-layer]: unknown layer kind `maxpol`\n")
    assert "  --> spec.arch:4:1\n" in text
    src, caret = _caret(text, 4)
    assert src == "maxpol 2"
    assert caret.startswith("^^^^^^ ")  # six carets: the whole culprit, no more
    assert text.endswith("help: did you mean `maxpool`?")


def test_render_with_a_korean_comment_before_the_culprit_line():
    spec = H + "# 합성곱 층: 3x3 커널\nconv 8 3x3 strid=1   # 보폭 오타\n"
    text = _render_one(spec)
    assert "  --> spec.arch:4:12" in text
    src, caret = _caret(text, 4)
    assert src == "conv 8 3x3 strid=1   # 보폭 오타"
    assert caret == " " * len("conv 8 3x3 ") + "^" * len("strid") + " unknown option"


def test_render_caret_after_wide_characters_on_the_same_line():
    # the culprit (`x`) follows a path with Korean (double-width) characters
    spec = 'import "모델.arch" x\n' + H + "relu\n"
    text = _render_one(spec)
    src, caret = _caret(text, 1)
    before = src[: src.index(" x") + 1]
    assert caret.index("^") == cell_len(before)
    assert cell_len(before) == len(before) + 2  # two Korean characters, one extra cell each


def test_render_caret_under_a_wide_culprit():
    spec = H + "conv 8 3x3 pad=1 한\n"
    text = _render_one(spec)
    assert "unexpected character `한`" in text
    src, caret = _caret(text, 3)
    assert caret.index("^") == cell_len("conv 8 3x3 pad=1 ")
    assert caret.count("^") == cell_len("한") == 2


def test_render_caret_after_control_characters_shown_as_their_pictures():
    """Control characters (a binary file's NULs) are shown as Unicode's pictures of them, one cell
    each, never written to the terminal as they are: the caret stays under its column."""
    spec = H + "conv 8 3x3 \x00\x01\x7f maxpol 2\n"
    text = _render_one(spec)
    src, caret = _caret(text, 3)
    assert "conv 8 3x3 \u2400\u2401\u2421 maxpol 2" in src
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text)
    assert caret.index("^") == len("conv 8 3x3 ")  # the first control character is the unexpected one


def test_render_caret_after_a_tab():
    spec = H + "c2:\tconv 8 3x3\tpadd=1\n"
    text = _render_one(spec)
    assert "  --> spec.arch:3:" + str(len("c2:\tconv 8 3x3\t") + 1) in text
    src, caret = _caret(text, 3)
    assert "\t" not in src  # tabs expanded in the source line ...
    assert src[caret.index("^") :].startswith("padd=1")  # ... and the caret right under the culprit
    assert caret.count("^") == len("padd")


def test_render_caret_after_korean_and_tab_in_an_imported_path():
    spec = 'import "블록\t.arch" x\n' + H + "relu\n"
    text = _render_one(spec)
    src, caret = _caret(text, 1)
    assert "\t" not in src
    assert caret.index("^") == cell_len(src[: src.rindex("x")])
    assert caret.count("^") == 1


def test_render_without_a_location():
    from archspec.diagnostics import Diagnostic

    text = render(Diagnostic("file-not-found", "x.arch: no such file", None), {})
    assert text == "error[file-not-found]: x.arch: no such file"


def test_an_error_inside_a_block_says_which_instance_and_call():
    spec = "block blk(c):\n    conv c 3x3 relu\n" + "network N\ninput 3x12x12\nb1: blk(8) x3\nb2: blk(8) x3\n"
    result = analyse(spec, "spec.arch")
    (d,) = result.diagnostics  # the same error in later instances is not repeated
    assert (d.code, d.span.line, d.span.column) == ("kernel-too-large", 2, 12)
    assert d.notes == ("in `b2.2`, the `blk` called at spec.arch:6:5",)
    assert "note: in `b2.2`" in render(d, {"spec.arch": spec})


# ---------------------------------------------------------------------- hints for what students write
@pytest.mark.parametrize(
    "body, code, hint",
    [
        ("conv 16 3x3 groups=2\n", "bad-option", "must divide both the input and the output channels"),
        ("deconv 3 3x3 stride=2 output_padding=2\n", "bad-option", "smaller than the stride (2)"),
        ("flatten\ndense 1,000 relu\n", "syntax-error", "write `1000` or `1_000`"),
        ("conv 16 3x3 relu pad=1\n", "unknown-option", "put `pad=` before `relu`, after `conv`"),
        ("flatten\ndense 20 relu dropout=0.5\n", "unknown-option", "`dropout` is a layer: write `dropout 0.5`"),
        ("MaxPooling2D 2x2\n", "unknown-layer", "archspec writes `MaxPooling2D` as `maxpool`"),
        ("BatchNorm2d\n", "unknown-layer", "archspec writes `BatchNorm2d` as `batchnorm`"),
        ("Conv2D(32, 3)\n", "unknown-block", "as `conv`, without parentheses"),
        ("conv 8 3x3 pad='same'\n", "syntax-error", "without quotes"),
        ('conv 8 3x3 pad="same"\n', "syntax-error", "without quotes"),
        ("add:\n    branch: conv 3 3x3\n    branch: identity\n", "shape-mismatch", "is a `pad=` missing?"),
        ("add:\n    branch: conv 3 3x3 stride=2 pad=1\n    branch: identity\n", "shape-mismatch", "shortcut: project"),
        ("conv 8 3x3 bn=true\n", "unknown-option", "`bn` is a layer: write `bn`"),
        ("a: relu\nb: relu\nAdd(a, b)\n", "unknown-block", "`add(a, b)` merges named tensors"),
        ("flatten\ndense 1,000,000\n", "syntax-error", "write `1000000` or `1_000_000`"),
        ("conv 8 3x3 pad=1,000\n", "syntax-error", "write `1000` or `1_000`"),
        ("avgpool to 3 ceil_mode=true\n", "bad-option", "adaptive pooling chooses its windows"),
    ],
)
def test_hints_for_common_mistakes(body, code, hint):
    result = analyse(H + body, "spec.arch")
    assert [d.code for d in result.diagnostics] == [code], [(d.code, d.message) for d in result.diagnostics]
    assert hint in result.diagnostics[0].hint


def test_input_hint_names_no_grammar_rule():
    (d,) = analyse("network N\ninput shape 1x28x28\n", "spec.arch").diagnostics
    assert "`shape`" not in d.hint


def test_a_failed_expect_inside_a_block_says_which_call():
    spec = "block blk(c):\n    conv c 3x3 pad=1 relu   expect params=999\n" + H + "b1: blk(64)\nb2: blk(32)\n"
    notes = [d.notes for d in analyse(spec, "spec.arch").diagnostics]
    assert notes == [("in `b1`, the `blk` called at spec.arch:5:5",), ("in `b2`, the `blk` called at spec.arch:6:5",)]


def test_channels_last_and_batch_first_inputs_are_warned_about():
    for shape, hint in (("224x224x3", "input 3x224x224"), ("1x3x32x32", "input 3x32x32")):
        result = analyse(f"network N\ninput {shape}\nrelu\n", "spec.arch")
        (d,) = result.diagnostics
        assert (d.severity, d.code, d.span.line) == ("warning", "input-layout", 2)
        assert hint in d.hint
        assert result.ok  # a warning does not fail the check


def test_a_header_without_its_colon_makes_up_no_second_error():
    result = analyse("block foo(a)\n    conv a 3x3\n" + H + "relu\n", "spec.arch")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("syntax-error", 1)]


def test_a_number_of_thousands_of_digits_is_a_diagnostic():
    (d,) = analyse("network N\ninput 3x" + "9" * 5000 + "x8\n", "spec.arch").diagnostics
    assert (d.code, d.span.line) == ("bad-expression", 2)


def test_an_unknown_option_inside_a_block_says_which_instance():
    spec = "block b(c):\n    conv c 1x1 strid=1\n" + H + "b(4)\n"
    (d,) = analyse(spec, "spec.arch").diagnostics
    assert d.code == "unknown-option" and d.notes == ("in `b_1`, the `b` called at spec.arch:5:1",)
