from conftest import SPECS

import archspec


def test_lenet5_matches_the_paper():
    net = archspec.load(SPECS / "lenet5.arch")
    assert net.params == 61706  # (25+1)*6 + (25*6+1)*16 + (400+1)*120 + (120+1)*84 + (84+1)*10
    assert net.output_shape == (10,)
