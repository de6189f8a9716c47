"""The parser: lark on grammar.lark, its tables kept in the per-user cache folder. Any text parses
to the same tree whatever the hash seed and whatever the cache holds (nothing, a file another
process wrote, a broken file, a folder that cannot be written)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, SPECS

from archspec.diagnostics import ArchspecError
from archspec.frontend import syntax as s
from archspec.frontend.parse import cache_file, parse

EDGES = {
    "empty": "",
    "comments only": "# a\n   # b\n\n",
    "no final newline": "network T\ninput 3x8x8\nrelu",
    "windows line ends": "network T\r\ninput 3x8x8\r\nconv 8 3x3 # c\r\nrelu\r\n",
    "tabs": "block b(w):\n\tadd:\n\t\tbranch: conv w 1x1\n\t\tshortcut: identity\n\trelu\n",
    "tab after spaces": "block b():\n    add:\n  \t  branch: relu\n  \t  shortcut: identity\n",
    "continued line": "network T\ninput 3x8x8\nconv 8 \\\n   3x3 pad=1\n",
    "parentheses over lines": "network T(n=(1 +\n   2))\ninput 3x8x8\ndense (n *\n  2)\n",
    "nested parentheses": "network T\ninput 3x8x8\nconv ((((8)))) 3x3\n",
    "operators": "network T(a=2)\ninput 3x8x8\nconv a * 4 // 2 + 1 - -1 % 3 / 1 3x3\n",
    "conditional": "block b(s=1):\n    if s == 1 and not s != 2 or s >= 3:\n        relu\n    elif s < 2:\n"
    "        tanh\n    else:\n        sigmoid\n",
    "if expression": "network T(a=2)\ninput 3x8x8\nconv (8 if a > 1 else 4) 3x3\n",
    "multiplication sign": "network T\ninput 3×8×8\nconv 8 3×3 x2\nrelu ×2\n",
    "keywords inside names": "network networks\ninput 3x8x8\nblocky: conv 8 3x3\nfromage: relu\nif_1: tanh\n",
    "split and from": "network T\ninput 4x8x8\na, b: chunk 2\nc: from a, conv 2 1x1\nd: concat(b, c)\n",
    "freeze paths": "network T\ninput 3x8x8\nf: conv 8 3x3\ng: relu\nfreeze f* g\nunfreeze f\n",
    "expect forms": "network T\ninput 3x8x8\nconv 8 3x3 expect 8x6x6 params=224 macs=7.8K shape=8x6x6\n",
    "defaults let init": "network T\ninput 3x8x8\ndefaults bn eps=0.001\nlet w = 4 * 2\ninit conv=kaiming_normal\n"
    "conv w 3x3 bn\n",
    "chain labels": "network T\ninput 3x8x8\nc1: conv 8 3x3 bn1: bn relu1: relu, maxpool 2\n",
    "tuples": "network T\ninput 4x8x8\na, b: split (1, in.c - 1)\n",
    "imports and calls": 'import "blocks.arch"\nnetwork T\ninput 64x8x8\nbottleneck(16, stride=2) x2\n',
    "comment lines in a body": "block b():\n    relu\n# out\n        # deeper\n    tanh\n",
    "trailing indentation": "block b():\n    relu\n    ",
    "deep expression": "network T\ninput 3x8x8\ndense " + " + ".join(["1"] * 150) + "\n",
}


@pytest.mark.parametrize("text", list(EDGES.values()), ids=list(EDGES))
def test_edge_texts_parse(text):
    tree = parse(text, "t.arch")
    assert isinstance(tree, s.SpecFile) and tree.file == "t.arch"


def test_positions_are_lark_s():
    """Lines and columns start at 1, end columns are exclusive; a tab counts one column."""
    (line,) = parse("network T\ninput 3x8x8\nc1:\tconv 8 3x3\n", "t.arch").body
    (elem,) = line.elems
    spans = [line.label_span, elem.span, *(a.span for a in elem.atoms)]
    assert [(x.line, x.column, x.end_line, x.end_column) for x in spans] == [
        (3, 1, 3, 3),
        (3, 5, 3, 15),
        (3, 5, 3, 9),
        (3, 10, 3, 11),
        (3, 12, 3, 15),
    ]


def test_syntax_errors_are_collected():
    """After an error in a plain line, parsing goes on and finds the next."""
    text = "network T\ninput 3x8x8\nconv 8 3x3 [1]\nrelu +\n"
    with pytest.raises(ArchspecError) as err:
        parse(text, "t.arch")
    assert [(d.span.line, d.span.column, d.message) for d in err.value.diagnostics] == [
        (3, 12, "unexpected character `[`"),
        (4, 7, "unexpected end of line"),
    ]


# Each run below is a fresh process: its parser is built or loaded the way a user's `archspec` does it.
TREES = (
    "import sys\n"
    "from archspec.frontend.parse import parse\n"
    "for path in sorted(sys.argv[1:]):\n"
    "    print(repr(parse(open(path, encoding='utf-8').read(), path)))\n"
    "print(sorted(m for m in ('networkx', 'torch', 'rich') if m in sys.modules))\n"
)
ALL_SPECS = sorted(str(p) for p in SPECS.glob("*.arch"))


def trees(cache_home, seed: int) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONHASHSEED": str(seed)}
    run = subprocess.run(
        [sys.executable, "-c", TREES, *ALL_SPECS], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    assert run.stderr == ""
    return run.stdout


def cached(cache_home) -> dict[str, int]:
    """The cache folder's files and their inodes (a file written again is a new inode)."""
    return {p.name: p.stat().st_ino for p in (cache_home / "archspec").iterdir()}


def test_the_cache_whatever_the_hash_seed(tmp_path):
    """lark's tables depend on the hash seed of the process that builds them; the trees do not.
    The first run writes one file (whole: no partial file is left), later runs load it."""
    first = trees(tmp_path, 1)
    assert first.endswith("[]\n")  # parsing imports none of networkx, torch, rich
    written = cached(tmp_path)
    assert len(written) == 1 and next(iter(written)).endswith(".lark")
    assert trees(tmp_path, 2) == first
    assert cached(tmp_path) == written  # loaded, not built and written again
    assert trees(tmp_path / "other", 3) == first  # built anew under another seed


def test_a_broken_or_unwritable_cache(tmp_path):
    good = trees(tmp_path / "good", 0)
    (broken,) = (tmp_path / "good" / "archspec").iterdir()
    broken.write_bytes(broken.read_bytes()[:100])
    assert trees(tmp_path / "good", 5) == good  # the file could not be loaded: built again
    (rewritten,) = (tmp_path / "good" / "archspec").iterdir()
    assert rewritten.stat().st_size > 100  # and written over
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    assert trees(blocked, 6) == good


def test_the_cache_file_names_the_grammar_lark_and_python():
    grammar = "start: NAME\n"
    assert cache_file(grammar) == cache_file(grammar)
    assert cache_file(grammar) != cache_file(grammar + "\n")
