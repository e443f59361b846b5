import io
import shutil
import subprocess

from pypdf import PdfReader

from yorisoi.reports import Report, Section, Table, report_pdf


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_text_holds_japanese_title_headings_and_figures(report):
    text = _text(report_pdf(report))
    for expected in (
        "重層的支援体制整備事業 評価報告（2025年度）",
        "地域福祉計画検討委員会 資料",
        "作成日時: 2026年4月15日 10:30",
        "相談受付件数",
        "引受までの日数",
        "新規・継続の相談を受け付けた件数です。",
        "地域包括支援センター北",
        "1,234",
        "<5",
        "12.5",
        "5件未満は「<5」と表示しています。",
    ):
        assert expected in text, expected


def test_pdf_embeds_the_japanese_truetype_font(report):
    reader = PdfReader(io.BytesIO(report_pdf(report)))
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    japanese = [f for f in fonts if "IPAexGothic" in f["/BaseFont"]]
    assert japanese
    assert all("/FontFile2" in f["/FontDescriptor"] for f in japanese)  # embedded, not referenced


def test_pdf_is_a4_with_page_numbers(report):
    reader = PdfReader(io.BytesIO(report_pdf(report)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    total = len(reader.pages)
    assert f"1 / {total}" in reader.pages[0].extract_text()


def test_markup_in_text_is_printed_not_interpreted():
    report = Report(title="<b>太字</b> & 報告", sections=[Section("a<br/>b")])
    assert "<b>太字</b> & 報告" in _text(report_pdf(report))


def test_same_report_gives_same_bytes(report):
    assert report_pdf(report) == report_pdf(report)


def test_long_table_runs_over_pages_with_its_header_repeated():
    rows = [[f"地区{i}", i] for i in range(120)]
    report = Report(
        title="長い表",
        sections=[Section("地区別", table=Table("地区別件数", ["地区", "件数"], rows))],
    )
    reader = PdfReader(io.BytesIO(report_pdf(report)))
    assert len(reader.pages) > 1
    assert "件数" in reader.pages[-1].extract_text()


def test_pdf_page_rasterises(report, tmp_path):
    # poppler-utils is installed by `make test` (system-deps) and .ci/run: missing is a failure.
    assert shutil.which("pdftoppm"), "poppler-utils is missing: apt-get install poppler-utils"
    (tmp_path / "r.pdf").write_bytes(report_pdf(report))
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "r.pdf", "page"],  # noqa: S607
        cwd=tmp_path,
        check=True,
    )
    assert list(tmp_path.glob("page*.png"))
