"""Bar and line charts as PNG, readable when the committee prints them in grey-scale.

Grey-scale (issue 6, 3): colour is never the only difference between series. Bar series differ
in fill lightness AND hatch; line series in marker AND line style. The target is a black dashed
line labelled 目標 in the legend and at its right end. Missing values (None: no data or
suppressed) are gaps, never zeros.

Thread-safety: a `Figure` with its own Agg canvas, never `pyplot`, and no rcParams changes, so
two requests can render at once. Output is deterministic for the same input.
"""

from __future__ import annotations

import io
import math

from django.utils.translation import gettext as _
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from . import fonts
from .document import Chart, format_number

# Width × height of the drawing in inches; width_px only changes the resolution, so a chart
# looks the same on screen (800 px) and in the PDF (1600 px).
FIG_SIZE = (8.0, 4.5)

# (fill, hatch, hatch colour): fills alternate dark / light so even without hatches two
# neighbouring series differ in grey; hatch colour contrasts with its fill.
_BAR_STYLES = [
    ("#1b365d", "", "#ffffff"),  # dark navy, solid
    ("#d9d9d9", "///", "#000000"),  # light grey, diagonal
    ("#7f3b08", "...", "#ffffff"),  # dark brown, dots
    ("#ffffff", "xxx", "#000000"),  # white, cross-hatch
    ("#4d4d4d", "\\\\\\", "#ffffff"),  # dark grey, back-diagonal
    ("#9ecae1", "---", "#000000"),  # light blue, horizontal
]
# (colour, marker, line style): dark colours; dashes are kept for the target line.
_LINE_STYLES = [
    ("#1b365d", "o", "-"),
    ("#7f3b08", "s", "-."),
    ("#000000", "^", ":"),
    ("#4d4d4d", "D", (0, (8, 2, 1, 2, 1, 2))),
    ("#2d5a27", "v", (0, (1, 1))),
    ("#5e3c99", "P", (0, (10, 3))),
]
_TARGET_STYLE = {"color": "#000000", "linestyle": (0, (6, 3)), "linewidth": 1.8}
_MAX_VALUE_LABELS = 36  # more labels than this would overlap: gridlines carry the reading


def chart_png(chart: Chart, *, width_px: int = 800) -> bytes:
    return _png(chart_figure(chart, width_px=width_px))


def chart_figure(chart: Chart, *, width_px: int = 800) -> Figure:
    """The drawn figure behind `chart_png`; tests measure where each bar landed."""
    fonts.register_matplotlib()
    font = FontProperties(fname=str(fonts.font_path()))
    small = FontProperties(fname=str(fonts.font_path()), size=8)

    fig = Figure(figsize=FIG_SIZE, dpi=width_px / FIG_SIZE[0], layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title(chart.title, fontproperties=FontProperties(fname=str(fonts.font_path()), size=13))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    n = len(chart.categories)
    if n == 0 or not chart.series:
        ax.set_axis_off()
        ax.text(0.5, 0.5, _("データがありません"), ha="center", va="center", fontproperties=font)
        return fig

    labels_fit = n * len(chart.series) <= _MAX_VALUE_LABELS
    if chart.kind == "bar":
        half_width = _draw_bars(ax, chart, small, labels_fit)
    else:
        half_width = 0.0
        _draw_lines(ax, chart, small, labels_fit)
    if chart.target is not None:
        _draw_target(ax, chart.target, half_width, small)

    ax.set_xticks(range(n))
    long_labels = sum(len(c) for c in chart.categories) > 40
    ax.set_xticklabels(
        chart.categories,
        fontproperties=font,
        rotation=30 if long_labels else 0,
        ha="right" if long_labels else "center",
    )
    ax.set_xlim(-0.6, n - 0.4)
    if chart.y_label:
        ax.set_ylabel(chart.y_label, fontproperties=font)
    ax.grid(axis="y", color="#b0b0b0", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.yaxis.set_major_formatter(lambda v, _pos: format_number(v))
    ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]), top=ax.get_ylim()[1] * 1.08)
    handles, names = ax.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: names[i] == _("目標"))  # target last
    ax.legend(
        [handles[i] for i in order],
        [names[i] for i in order],
        prop=font,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
    )
    return fig


def _draw_bars(ax, chart: Chart, font: FontProperties, labels_fit: bool) -> float:
    count = len(chart.series)
    width = 0.8 / count
    for i, (name, values) in enumerate(chart.series):
        fill, hatch, hatch_colour = _BAR_STYLES[i % len(_BAR_STYLES)]
        offset = (i - (count - 1) / 2) * width
        xs = [x + offset for x, v in enumerate(values) if v is not None]
        heights = [v for v in values if v is not None]
        bars = ax.bar(
            xs,
            heights,
            width=width,
            label=name,
            color=fill,
            edgecolor="#000000",
            hatch=hatch or None,
            hatchcolor=hatch_colour,
            linewidth=0.8,
        )
        if labels_fit:
            ax.bar_label(
                bars, labels=[format_number(h) for h in heights], padding=2, fontproperties=font
            )
    return 0.4


def _draw_lines(ax, chart: Chart, font: FontProperties, labels_fit: bool) -> None:
    for i, (name, values) in enumerate(chart.series):
        colour, marker, style = _LINE_STYLES[i % len(_LINE_STYLES)]
        ys = [math.nan if v is None else v for v in values]  # NaN breaks the line: a gap
        ax.plot(
            range(len(ys)),
            ys,
            label=name,
            color=colour,
            marker=marker,
            markersize=7,
            markerfacecolor="#ffffff" if i % 2 else colour,
            linestyle=style,
            linewidth=2,
        )
        if labels_fit:
            for x, v in enumerate(values):
                if v is not None:
                    ax.annotate(
                        format_number(v),
                        (x, v),
                        xytext=(0, 7),
                        textcoords="offset points",
                        ha="center",
                        fontproperties=font,
                    )


def _draw_target(ax, target: list[float | None], half_width: float, font: FontProperties) -> None:
    label = _("目標")
    if half_width:  # bars: one dashed bar-wide segment per category
        first = True
        for x, t in enumerate(target):
            if t is None:
                continue
            ax.plot(
                [x - half_width, x + half_width],
                [t, t],
                label=label if first else None,
                **_TARGET_STYLE,
            )
            first = False
    else:
        ys = [math.nan if t is None else t for t in target]
        ax.plot(range(len(ys)), ys, label=label, marker="_", markersize=14, **_TARGET_STYLE)
    known = [(x, t) for x, t in enumerate(target) if t is not None]
    if known and half_width:  # beside the last bar group; on a line chart it would hit data
        x, t = known[-1]
        ax.annotate(
            label,
            (x + half_width, t),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontproperties=font,
        )


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    # No timestamp or version in the metadata: the same chart gives the same bytes.
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
