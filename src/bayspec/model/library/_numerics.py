"""Numerical helpers shared by the components."""

from __future__ import annotations

import numpy as np

#: Exponents are floored here: exp(-700) ≈ 1e-304 is still a normal double, and the
#: underflow / subnormal path of ``np.exp`` is ~20x slower than the vectorised one.
EXP_FLOOR = -700.0


def _safe_exp(x):
    """``exp(max(x, -700))``: no subnormal slowdown; values below 1e-304 become 1e-304."""
    return np.exp(np.maximum(x, EXP_FLOOR))
