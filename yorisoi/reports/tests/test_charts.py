import io
import itertools
import struct

from PIL import Image

from yorisoi.reports import Chart, chart_png
from yorisoi.reports.charts import chart_figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    return struct.unpack(">II", png[16:24])


def test_bar_chart_with_gaps_and_target_is_a_png_of_the_asked_width(bar_chart):
    png = chart_png(bar_chart, width_px=800)
    assert _size(png) == (800, 450)


def test_line_chart_with_gaps_and_target_is_a_png(line_chart):
    assert _size(chart_png(line_chart, width_px=1600)) == (1600, 900)


def test_same_chart_gives_same_bytes(bar_chart):
    assert chart_png(bar_chart) == chart_png(bar_chart)


def test_none_values_are_gaps_not_zero_bars(bar_chart):
    ax = chart_figure(bar_chart).axes[0]
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights == [80, 95, 120, 150.5]  # two None values: no bar at all


def test_target_line_is_dashed_and_labelled_in_the_legend(line_chart):
    ax = chart_figure(line_chart).axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["全体", "複合課題", "目標"]
    target = next(line for line in ax.get_lines() if line.get_label() == "目標")
    assert target.get_linestyle() == "--"


def test_empty_chart_says_so():
    chart = Chart(kind="bar", title="空", categories=[], series=[])
    assert _size(chart_png(chart))[0] == 800


def test_bar_series_stay_distinct_when_printed_in_grey():
    """Grey-scale print (issue 6, 3): the two series' bars differ in lightness and texture."""
    chart = Chart("bar", "比較", ["2025年度"], [("A", [100]), ("B", [100])])
    fig = chart_figure(chart)
    grey = Image.open(io.BytesIO(chart_png(chart))).convert("L")
    height = grey.height
    boxes = []
    for patch in fig.axes[0].patches:
        box = patch.get_window_extent()
        inset_x, inset_y = box.width * 0.2, box.height * 0.2
        boxes.append(
            (
                int(box.x0 + inset_x),
                int(height - box.y1 + inset_y),  # PIL's y runs downwards
                int(box.x1 - inset_x),
                int(height - box.y0 - inset_y),
            )
        )
    assert len(boxes) == 2
    (mean_a, spread_a), (mean_b, spread_b) = (_mean_and_spread(grey.crop(b)) for b in boxes)
    assert abs(mean_a - mean_b) > 60  # fills far apart in grey
    assert spread_a < 5 < 30 < spread_b  # one solid, the other visibly hatched


def test_line_series_differ_in_marker_and_line_style():
    chart = Chart("line", "比較", ["a", "b"], [(f"系列{i}", [i, i + 1]) for i in range(4)])
    lines = chart_figure(chart).axes[0].get_lines()
    for one, other in itertools.combinations(lines, 2):
        assert one.get_marker() != other.get_marker()
        assert (
            one.get_linestyle() != other.get_linestyle() or one.get_dashes() != other.get_dashes()
        )


def _mean_and_spread(region: Image.Image) -> tuple[float, float]:
    pixels = list(region.tobytes())  # mode "L": one byte per pixel
    mean = sum(pixels) / len(pixels)
    spread = (sum((p - mean) ** 2 for p in pixels) / len(pixels)) ** 0.5
    return mean, spread
