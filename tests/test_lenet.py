import archspec


def test_lenet5_matches_the_paper():
    net = archspec.load("specs/lenet5.arch")
    assert net.params == 61706
    assert net.output_shape == (10,)
