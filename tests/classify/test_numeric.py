"""Fitted numbers rounded so that the BLAS kernel's last bits do not reach the scores."""

from __future__ import annotations

import numpy as np

from ess_nlp.classify._numeric import kernel_stable, kernel_stable_float


def test_numbers_a_few_ulps_apart_round_to_the_same_value() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(scale=3.0, size=10_000)
    nudged = values + 3 * np.spacing(values)  # what another kernel's sum order gives
    same = kernel_stable(values) == kernel_stable(nudged)
    assert same.mean() > 0.999  # only a number at a rounding boundary may differ
    assert not np.array_equal(values, nudged)


def test_rounding_keeps_shape_sign_zero_and_about_eight_digits() -> None:
    values = np.array([[0.0, -1.234567891234, 1e-300], [5e12, -0.5, 3.0]])
    out = kernel_stable(values)
    assert out.shape == values.shape and out.dtype == np.float64
    assert out[0, 0] == 0.0 and np.all(np.sign(out) == np.sign(values))
    assert np.allclose(out, values, rtol=1e-8, atol=0)
    assert kernel_stable(out).tolist() == out.tolist()  # rounding twice changes nothing
    assert kernel_stable_float(2.0633715361536280) == kernel_stable_float(2.0633715361536273)
