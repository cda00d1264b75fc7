"""Physical constants and conventional levels used across bayspec (one place for each).

Values are exact SI definitions (CODATA 2018 / SI 2019) where they exist.
"""

from __future__ import annotations

__all__ = ["KEV_TO_ERG", "H_KEV_S", "ONE_SIGMA"]

#: 1 keV in erg (e = 1.602176634e-19 C exactly, so 1 keV = 1.602176634e-9 erg).
KEV_TO_ERG = 1.602176634e-9
#: Planck constant in keV s (h = 6.62607015e-34 J s exactly).
H_KEV_S = 6.62607015e-34 / 1.602176634e-16
#: Two-sided probability content of ±1σ of a normal distribution, erf(1/√2).
ONE_SIGMA = 0.6826894921370859

