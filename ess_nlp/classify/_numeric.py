"""Fitted numbers that do not depend on the BLAS kernel.

A solver's dot products go through BLAS, whose kernel (``OPENBLAS_CORETYPE``, the CPU) changes
the order of the sums, hence the last bits of what it fits (about 1e-16 apart). Rounding the
fitted numbers to 27 bits of mantissa (about 8 significant digits, far finer than anything a
model's scores can use) makes them the same on every machine, except for a number that falls
within a few units in the last place of a rounding boundary (about one chance in ten million).
The rounding uses only exact operations (``frexp``, ``ldexp``, powers of two).
"""

from __future__ import annotations

import numpy as np

_BITS = 27


def kernel_stable(values: np.ndarray) -> np.ndarray:
    """``values`` (floats) rounded to :data:`_BITS` bits of mantissa, same shape and dtype float64."""
    array = np.asarray(values, dtype=np.float64)
    mantissa, exponent = np.frexp(array)
    return np.ldexp(np.round(mantissa * 2.0**_BITS) / 2.0**_BITS, exponent)


def kernel_stable_float(value: float) -> float:
    """One fitted number, rounded as :func:`kernel_stable` does."""
    return float(kernel_stable(np.array([value]))[0])
