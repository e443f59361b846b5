"""THE indicators of the yearly evaluation (計画 Ⅴ, DOMAIN.md "What the city measures"), in one
place: each one's name, its short Japanese description shown next to the figure, and how it
is counted from the records the other apps keep. Nothing here is typed in by anyone.

An indicator is computed for several periods (one SQL query per period, a range on an
indexed date) and, optionally, broken down by one
dimension (機関, 分野, 地区 …). What a user may see — the whole city or one agency, exact or
suppressed small figures — is the Scope, which evaluation.access makes from the user.

How figures are computed lives in computations.py, the catalogue of indicators in catalogue.py.
"""

from .catalogue import GROUPS, INDICATORS, get
from .computations import DIMENSIONS, Figure, Indicator, Scope

__all__ = ["DIMENSIONS", "GROUPS", "INDICATORS", "Figure", "Indicator", "Scope", "get"]
