"""Layer_Dense's weight_init (notebook 17): the default is the book's start, the rules scale right."""

import numpy as np
import pytest

from nnfs_helpers.network import Layer_Dense, initial_std


def test_the_default_is_the_books_start_bit_for_bit():
    np.random.seed(3)
    expected = 0.01 * np.random.randn(5, 7)
    np.random.seed(3)
    layer = Layer_Dense(5, 7)
    assert np.array_equal(layer.weights, expected)
    assert np.array_equal(layer.biases, np.zeros((1, 7)))


def test_regularisers_are_kept():
    layer = Layer_Dense(3, 4, weight_regularizer_l2=5e-4, bias_regularizer_l1=1e-3, weight_init="he")
    assert (layer.weight_regularizer_l1, layer.weight_regularizer_l2) == (0, 5e-4)
    assert (layer.bias_regularizer_l1, layer.bias_regularizer_l2) == (1e-3, 0)


@pytest.mark.parametrize("weight_init, n_in, n_out, std", [
    ("he", 200, 50, np.sqrt(2 / 200)),
    ("xavier", 200, 50, np.sqrt(2 / 250)),
    ("glorot", 50, 200, np.sqrt(2 / 250)),
    (0.5, 200, 50, 0.5),
])
def test_the_rules_give_the_stated_standard_deviation(weight_init, n_in, n_out, std):
    assert np.isclose(initial_std(weight_init, n_in, n_out), std)
    np.random.seed(0)
    weights = Layer_Dense(n_in, n_out, weight_init=weight_init).weights
    # 10,000 draws: the sample std has a relative standard error of about 0.7%; allow 5%.
    assert abs(weights.std() / std - 1) < 0.05


def test_zero_gives_zero_weights():
    assert not np.any(Layer_Dense(3, 4, weight_init=0).weights)


@pytest.mark.parametrize("bad", ["He ", "kaiming", -0.01, None, True, [0.01]])
def test_bad_choices_are_refused_clearly(bad):
    with pytest.raises(ValueError, match="weight_init must be"):
        Layer_Dense(3, 4, weight_init=bad)
