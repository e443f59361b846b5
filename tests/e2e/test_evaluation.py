"""Issue 6, done when: the coordinator sets a target, sees the dashboard (figure, target, ○/×),
downloads the xlsx and the PDF, and the test opens both files and checks Japanese headings and
figures. The report runs as a background task: here django-tasks' ImmediateBackend runs it
when the request commits, as a worker would a moment later."""

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from yorisoi.evaluation import periods
from yorisoi.intake.models import Consultation

pytestmark = pytest.mark.browser

CONSULTATIONS = 12


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def fictional_year(hana):
    """12 fictional consultations at hana's centre early in the current fiscal year."""
    from django.utils import timezone

    period = periods.current_fiscal_year()
    at = timezone.make_aware(
        datetime.combine(period.start + timedelta(days=20), datetime.min.time())
    )
    at += timedelta(hours=10)
    Consultation.objects.bulk_create(
        Consultation(
            received_at=at,
            receiving_agency=hana.agency,
            responsible_agency=hana.agency,
            channel="phone",
            consulter_type="neighbour",
            subject_note="架空の相談",
            summary="架空の相談内容",
            next_action_on=at.date(),
        )
        for _i in range(CONSULTATIONS)
    )
    return period


def _download(page, name):
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    download = info.value
    return download.suggested_filename, open(download.path(), "rb").read()


def test_coordinator_sets_a_target_sees_the_dashboard_and_downloads_both_files(
    page, login, ichiro, fictional_year, immediate_tasks, screen
):
    period = fictional_year
    login("ichiro")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="評価").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("評価（PDCA）")

    # The target: one form, the direction named in the indicator's choice.
    page.get_by_role("link", name="数値目標").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{period.start.year}年度の数値目標")
    page.get_by_label("指標").select_option(label="相談の受付件数（多いほどよい）")
    page.get_by_label("目標値").fill("-3")
    page.get_by_role("button", name="目標を保存する").click()
    expect(page.locator(".error-summary")).to_contain_text("目標値は0以上にしてください。")
    page.get_by_label("目標値").fill("10")
    page.get_by_label("目標の根拠・メモ").fill("第2期計画の目標")
    page.get_by_role("button", name="目標を保存する").click()
    expect(page.locator(".notice--success")).to_contain_text(
        "「相談の受付件数」の目標を10にしました。"
    )
    screen("evaluation_targets", phone=True)

    # The dashboard: figure, target and ○/× side by side, the description next to them.
    page.get_by_role("link", name="評価（PDCA）").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="相談の受付件数"))
    expect(row.locator(".eval-figure")).to_have_text(str(CONSULTATIONS))
    expect(row).to_contain_text("期間内に受け付けた相談の件数")
    expect(row.get_by_role("cell").nth(1)).to_have_text("10")
    expect(row).to_contain_text("○ 達成")
    expect(page.get_by_role("img", name="包括的相談支援の件数・人数の棒グラフ")).to_be_visible()
    screen("evaluation_dashboard", phone=True)

    # Every figure as xlsx.
    filename, content = _download(page, "全指標をExcel（xlsx）で保存")
    assert filename == f"yorisoi-all-{period.key}.xlsx"
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    header = next(r for r in rows if r[0] == "指標")
    figures = next(r for r in rows if r[0] == "相談の受付件数")
    assert figures[header.index(period.label)] == CONSULTATIONS
    assert figures[header.index("目標")] == 10
    assert figures[header.index("達成")] == "○ 達成"

    # The indicator's own page: trend, chart, breakdown by agency.
    page.get_by_role("link", name="相談の受付件数").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("相談の受付件数")
    expect(page.locator("tfoot")).to_contain_text(str(CONSULTATIONS))
    page.get_by_role("navigation", name="内訳の切り口").get_by_role("link", name="相談経路").click()
    expect(page.get_by_role("heading", level=2, name="相談経路別の内訳")).to_be_visible()
    screen("evaluation_indicator", phone=True)

    # The committee report as PDF: asked for, made in the background, downloaded.
    page.get_by_role("link", name="評価（PDCA）").click()
    page.get_by_label("PDF").check()
    page.get_by_label("推移を載せる年数").fill("3")
    page.set_default_navigation_timeout(60_000)
    # ImmediateBackend makes the report inside this request: give it time.
    page.get_by_role("button", name="報告書を作成する").click(timeout=60_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("報告書の作成")
    expect(page.locator(".eval-progress__percent")).to_have_text("100%", timeout=15_000)
    expect(page.get_by_text("完成")).to_be_visible()
    screen("evaluation_report_status", phone=True)
    filename, content = _download(page, "報告書をダウンロード（PDF）")
    assert filename.endswith(".pdf") and filename.isascii()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert f"重層的支援体制整備事業 評価報告（{period.label}）" in text.replace("\n", "")
    assert "相談の受付件数" in text
    assert str(CONSULTATIONS) in text


def test_report_status_page_follows_the_task_without_reloading(page, login, ken, screen):
    from yorisoi.evaluation.models import ReportRun, ReportStatus

    run = ReportRun.objects.create(
        requested_by=ken,
        fmt="xlsx",
        params={"period": "FY2025", "years": 2},
        status=ReportStatus.RUNNING,
        done_steps=1,
        total_steps=4,
    )
    login("ken")
    page.goto(f"/evaluation/reports/{run.pk}/")
    expect(page.locator("progress")).to_have_attribute("value", "25")
    expect(page.locator(".eval-progress__percent")).to_have_text("25%")
    screen("evaluation_report_running")

    ReportRun.objects.filter(pk=run.pk).update(done_steps=3)
    expect(page.locator(".eval-progress__percent")).to_have_text("75%")
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportStatus.DONE, done_steps=4, content=b"PK fictional", filename="r.xlsx"
    )
    expect(page.get_by_role("link", name="報告書をダウンロード（XLSX）")).to_be_visible()
    expect(page.locator("[hx-trigger]")).to_have_count(0)  # polling stopped
