"""Small figures hidden from analysts (R6: aggregates only, small counts suppressed).

A cell whose figure rests on fewer records than the threshold (default 5,
settings.YORISOI_SUPPRESSION_THRESHOLD) reads "<5". So that a hidden cell cannot be worked
out from the total and the other cells of its table, when a table shows its total and only
one cell is hidden, the smallest shown cell is hidden too (complementary suppression).
A median or a share is hidden when it rests on fewer records than the threshold; a share
also when its numerator, or what is left of the denominator, is that small (otherwise
"1 of 20" could be read back from the share and the count shown elsewhere).
"""

from dataclasses import dataclass

from django.conf import settings

from .indicators import Figure

DEFAULT_THRESHOLD = 5


def threshold() -> int:
    return int(getattr(settings, "YORISOI_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


@dataclass(frozen=True)
class Cell:
    """A figure as a user sees it: `value` is None when it is hidden or there is nothing."""

    value: int | float | None
    display: str
    suppressed: bool = False
    base: int = 0


def too_small(figure: Figure, unit: str, limit: int) -> bool:
    if unit in ("count", "people"):
        return figure.value is not None and figure.value < limit
    if figure.base < limit:
        return True
    if figure.numerator is not None:
        return figure.numerator < limit or figure.base - figure.numerator < limit
    return False


def show(figure: Figure | None, unit: str) -> Cell:
    if figure is None or figure.value is None:
        return Cell(None, "—", base=figure.base if figure else 0)
    value = figure.value
    if unit == "percent":
        text = f"{value:.1f}%"
    elif unit == "days":
        text = f"{value:g}"
    else:
        text = f"{value:,}"
    return Cell(value, text, base=figure.base)


def hidden(limit: int) -> Cell:
    return Cell(None, f"<{limit}", suppressed=True)


def table(cells: dict, total: Figure | None, unit: str, *, suppress: bool, additive: bool):
    """Cells of one breakdown (key → Figure) and its total, as (dict key → Cell, total Cell)."""
    if not suppress:
        return {k: show(f, unit) for k, f in cells.items()}, show(total, unit)
    limit = threshold()
    small = {k for k, f in cells.items() if too_small(f, unit, limit)}
    total_hidden = total is not None and too_small(total, unit, limit)
    if additive and len(small) == 1 and total is not None and not total_hidden:
        shown = sorted(
            (f.value, str(k)) for k, f in cells.items() if k not in small and f.value is not None
        )
        if shown:
            by_text = {str(k): k for k in cells}
            small.add(by_text[shown[0][1]])
    out = {k: hidden(limit) if k in small else show(f, unit) for k, f in cells.items()}
    return out, hidden(limit) if total_hidden else show(total, unit)


def single(figure: Figure | None, unit: str, *, suppress: bool) -> Cell:
    if suppress and figure is not None and too_small(figure, unit, threshold()):
        return hidden(threshold())
    return show(figure, unit)
