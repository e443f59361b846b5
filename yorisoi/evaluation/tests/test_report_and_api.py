"""The committee report (built, then made by the background task into PDF and xlsx) and the
evaluation API: shapes, the role matrix, suppression for the analyst, and the audit of
downloads. The hand counts of each indicator are in the indicator tests; here a small
fictional city is enough:

- FY2024: 8 consultations at the home-care centre (masaki's agency).
- FY2025: 12 at the home-care centre (2 of them escalated), 3 at the disability office.
- The city's target for consultations: 10 in both years (FY2024 missed, FY2025 met).
"""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from yorisoi.accounts.models import Role
from yorisoi.audit.models import AuditEvent
from yorisoi.directory.models import Agency
from yorisoi.evaluation import report, services, tasks
from yorisoi.evaluation.indicators import INDICATORS
from yorisoi.evaluation.models import ReportRun, ReportStatus
from yorisoi.evaluation.periods import fiscal_year
from yorisoi.intake.models import Channel, Consultation, ConsulterType, Outcome
from yorisoi.testing import client_for, make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/evaluation"
HOMECARE, DISABILITY = "zaitaku-kaigo-01", "itaku-soudan-01"
FY2025 = fiscal_year(2025)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _consultations(agency_code: str, day: date, count: int, *, escalated: int = 0) -> None:
    agency = Agency.objects.get(code=agency_code)
    for i in range(count):
        Consultation.objects.create(
            received_at=_at(day),
            receiving_agency=agency,
            responsible_agency=agency,
            channel=Channel.PHONE,
            consulter_type=ConsulterType.SELF,
            subject_note="（架空）",
            summary="架空の相談",
            next_action_on=day,
            outcome=Outcome.ESCALATED if i < escalated else "",
            outcome_at=_at(day, 15) if i < escalated else None,
        )


@pytest.fixture
def city(ichiro):
    _consultations(HOMECARE, date(2024, 6, 14), 8)
    _consultations(HOMECARE, date(2025, 6, 13), 12, escalated=2)
    _consultations(DISABILITY, date(2025, 7, 1), 3)
    for year in (2024, 2025):
        services.set_target(
            actor=ichiro, indicator="consultations", fiscal_year=year, value=Decimal(10)
        )


def _section(document, text):
    return next(s for s in document.sections if text in s.heading)


def _breakdown(document, indicator_label, dimension_label):
    return next(
        s
        for s in document.sections
        if s.heading.startswith("内訳")
        and indicator_label in s.heading
        and dimension_label in s.heading
    )


def _name(code):
    return Agency.objects.get(code=code).name


# --- the report ---------------------------------------------------------------------------------


def test_report_has_every_indicator_by_year_with_targets_marks_and_charts(city, ichiro):
    calls = []
    document = report.build(ichiro, FY2025, 2, progress=lambda d, t: calls.append((d, t)))

    assert document.title == "重層的支援体制整備事業 評価報告（2025年度）"
    assert document.subtitle.startswith("市全体")
    assert "<5" not in document.subtitle
    trend_sections = [s for s in document.sections if s.chart is not None]
    assert len(trend_sections) == len(INDICATORS)
    assert all(s.description for s in trend_sections)

    consultations = _section(document, "包括的相談支援: 相談の受付件数")
    assert consultations.description == str(INDICATORS["consultations"].description)
    assert consultations.table.columns == ["年度", "実績", "目標", "達成"]
    assert consultations.table.rows == [["2024年度", 8, 10, "×"], ["2025年度", 15, 10, "○"]]
    assert consultations.chart.kind == "bar"
    assert consultations.chart.categories == ["2024年度", "2025年度"]
    assert consultations.chart.series == [("実績", [8.0, 15.0])]
    assert consultations.chart.target == [10.0, 10.0]

    escalations = _section(document, "多機関協働への引き継ぎ件数")
    assert escalations.table.rows[-1] == ["2025年度", 2, None, "—"]  # no target: no mark
    assert escalations.chart.target is None
    days = _section(document, "相談から受け入れまでの日数")
    assert days.chart.kind == "line" and days.table.columns[1] == "実績（日）"

    # Progress: one call per step, in order, ending at the total.
    assert [d for d, _t in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1] == report.steps_of(FY2025) > len(INDICATORS)


def test_report_breaks_the_period_down_by_agency_domain_and_more(city, ichiro):
    document = report.build(ichiro, FY2025, 1)

    by_agency = _breakdown(document, "相談の受付件数", "機関別")
    rows = {row[0]: row[1] for row in by_agency.table.rows}
    assert rows[_name(HOMECARE)] == 12 and rows[_name(DISABILITY)] == 3
    assert by_agency.table.rows[-1] == ["合計", 15]
    assert "2025年度" in by_agency.heading
    headings = " ".join(s.heading for s in document.sections)
    for expected in ("分野別", "相談経路別", "相談者別", "会議の種類別", "会議の目的別"):
        assert expected in headings
    assert "社会資源の分類別" in headings and "地域づくり事業別" in headings


def test_report_of_a_month_shows_the_fiscal_years_up_to_it(city, ichiro):
    from yorisoi.evaluation.periods import month

    document = report.build(ichiro, month(2025, 6), 2)

    assert document.title == "重層的支援体制整備事業 評価報告（2025年6月）"
    rows = _section(document, "相談の受付件数").table.rows
    assert [r[0] for r in rows] == ["2024年度", "2025年度"]
    by_agency = _breakdown(document, "相談の受付件数", "機関別")
    assert by_agency.table.rows[-1] == ["合計", 12]  # June only: the 3 of July are not in it


def test_managers_report_counts_their_agency_without_city_targets(city, masaki):
    document = report.build(masaki, FY2025, 2)

    assert document.subtitle.startswith(_name(HOMECARE))
    consultations = _section(document, "相談の受付件数")
    assert consultations.table.columns == ["年度", "実績"]
    assert consultations.table.rows == [["2024年度", 8], ["2025年度", 12]]
    assert consultations.chart.target is None


def test_analysts_report_hides_small_figures(city, ken, ichiro):
    document = report.build(ken, FY2025, 2)

    assert "少数のため一部の数値を「<5」で表示しています" in document.subtitle
    escalations = _section(document, "多機関協働への引き継ぎ件数")
    assert escalations.table.rows[-1][1] == "<5"
    assert escalations.chart.series[0][1][-1] is None  # a gap in the chart, never the number
    by_agency = _breakdown(document, "相談の受付件数", "機関別")
    rows = {row[0]: row[1] for row in by_agency.table.rows}
    assert rows[_name(DISABILITY)] == "<5"
    assert 3 not in [cell for row in by_agency.table.rows for cell in row]
    assert rows[_name(HOMECARE)] == 12 and by_agency.table.rows[-1] == ["合計", 15]
    # The coordinator's report of the same city shows the exact figure.
    assert (
        _section(report.build(ichiro, FY2025, 1), "多機関協働への引き継ぎ件数").table.rows[-1][1]
        == 2
    )


# --- the background task ---------------------------------------------------------------------


def _run(user, fmt, years=2):
    return services.request_report(actor=user, fmt=fmt, period=FY2025, years=years)


def test_request_enqueues_the_task_when_the_request_commits(
    city, ichiro, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        run = _run(ichiro, "pdf")
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "yorisoi.evaluation.tasks.make_report"
    assert queued.args_kwargs["args"] == [str(run.pk)]


def test_make_report_writes_a_pdf_with_japanese_title_and_figures(city, ichiro):
    run = _run(ichiro, "pdf")

    assert tasks.make_report.call(str(run.pk)) == ReportStatus.DONE
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE and run.finished_at is not None
    assert run.filename == "yorisoi-evaluation-FY2025.pdf"
    assert run.total_steps > 1 and run.done_steps == run.total_steps and run.percent == 100
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(run.content)).pages)
    assert "評価報告（2025年度）" in text
    assert "相談の受付件数" in text and "15" in text and "○" in text


def test_make_report_writes_an_xlsx_with_a_sheet_per_section(city, ichiro):
    run = _run(ichiro, "xlsx")

    tasks.make_report.call(str(run.pk))
    run.refresh_from_db()
    assert run.filename == "yorisoi-evaluation-FY2025.xlsx" and run.percent == 100
    book = load_workbook(io.BytesIO(run.content))
    assert len(book.sheetnames) > len(INDICATORS)
    assert book.worksheets[0]["A1"].value == "重層的支援体制整備事業 評価報告（2025年度）"
    sheet = next(ws for ws in book.worksheets if "相談の受付件数" in str(ws["A1"].value))
    rows = list(sheet.iter_rows(min_row=4, max_col=4, values_only=True))
    assert ("2025年度", 15, 10, "○") in rows


def test_progress_is_saved_every_few_steps_not_every_step(city, ichiro, monkeypatch):
    run = _run(ichiro, "xlsx", years=1)
    saves = []
    original = ReportRun.save

    def counting_save(self, *args, **kwargs):
        if kwargs.get("update_fields") == ["done_steps", "total_steps"]:
            saves.append(self.done_steps)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ReportRun, "save", counting_save)
    tasks.make_report.call(str(run.pk))

    # Building the figures, then drawing the file section by section: both show progress,
    # saved every few steps, and the bar keeps moving while the charts are drawn.
    steps = report.steps_of(FY2025)
    assert 1 < len(saves) < 2 * steps
    assert saves == sorted(saves) and saves[-1] > steps
    run.refresh_from_db()
    assert run.done_steps == run.total_steps and run.percent == 100


def test_a_failing_build_marks_the_run_failed_without_details(city, ichiro, monkeypatch, caplog):
    run = _run(ichiro, "pdf")

    def broken(*args, **kwargs):
        raise RuntimeError("something inside")

    monkeypatch.setattr(report, "build", broken)
    assert tasks.make_report.call(str(run.pk)) == ReportStatus.FAILED
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED and run.finished_at is not None
    assert run.error == "報告書を作成できませんでした（RuntimeError）。"
    assert run.content is None
    assert any(r.exc_info and "failed" in r.getMessage() for r in caplog.records)


def test_a_run_for_someone_who_lost_the_role_fails(city, masaki):
    run = _run(masaki, "pdf")
    masaki.role = Role.STAFF
    masaki.save()

    assert tasks.make_report.call(str(run.pk)) == ReportStatus.FAILED
    run.refresh_from_db()
    assert run.error == "この報告書を作成する権限がなくなりました。"


# --- the API ------------------------------------------------------------------------------------


@pytest.fixture
def agencyless_manager(master):
    """A manager whose agency was taken away: passes the route map, sees no evaluation."""
    user = make_user("agencyless", Role.MANAGER, HOMECARE)
    type(user).objects.filter(pk=user.pk).update(agency=None)
    user.refresh_from_db()
    return user


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("ichiro", 200),
        ("masaki", 200),
        ("ken", 200),
        ("hana", 403),
        ("kazuko", 403),
        ("osamu", 403),
        ("agencyless_manager", 404),
    ],
)
def test_who_may_read_the_evaluation(request, persona, expected):
    client = client_for(request.getfixturevalue(persona))
    for url in (
        f"{BASE}/indicators",
        f"{BASE}/figures?period=FY2025",
        f"{BASE}/indicators/consultations/breakdown?period=FY2025&by=agency",
        f"{BASE}/targets",
    ):
        assert client.get(url).status_code == expected, url
    r = client.post(
        f"{BASE}/reports", {"format": "pdf", "period": "FY2025"}, content_type="application/json"
    )
    assert r.status_code == (202 if expected == 200 else expected)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("ichiro", 200),
        ("masaki", 403),
        ("ken", 403),
        ("hana", 403),
        ("kazuko", 403),
        ("osamu", 403),
    ],
)
def test_only_the_coordinator_sets_targets(request, persona, expected):
    client = client_for(request.getfixturevalue(persona))
    r = client.put(
        f"{BASE}/targets/consultations/2025",
        {"value": 20, "note": "前年度の1.2倍"},
        content_type="application/json",
    )
    assert r.status_code == expected


def test_indicators_describe_themselves(ichiro):
    body = client_for(ichiro).get(f"{BASE}/indicators").json()

    assert [i["code"] for i in body] == list(INDICATORS)
    first = body[0]
    assert first["label"] == "相談の受付件数" and first["group"] == "包括的相談支援"
    assert first["unit"] == "count" and first["better"] == "higher"
    assert first["description"].startswith("期間内に受け付けた相談")
    assert {"agency", "domain", "channel", "consulter", "district"} <= set(first["dimensions"])


def test_figures_with_trend_target_and_met(city, ichiro):
    body = client_for(ichiro).get(f"{BASE}/figures?period=FY2025&trend=1").json()

    assert body["period"] == "FY2025" and body["scope"] == "市全体" and not body["suppressed"]
    figure = next(f for f in body["indicators"] if f["code"] == "consultations")
    assert figure["value"] == 15 and figure["display"] == "15" and not figure["suppressed"]
    assert figure["target"] == 10 and figure["met"] is True
    assert [(t["period"], t["value"]) for t in figure["trend"]] == [("FY2024", 8), ("FY2025", 15)]
    assert len(body["indicators"]) == len(INDICATORS)


def test_analyst_gets_small_figures_as_null_and_lt5(city, ken):
    client = client_for(ken)
    figures = client.get(f"{BASE}/figures?period=FY2025").json()
    escalations = next(f for f in figures["indicators"] if f["code"] == "escalations")
    assert figures["suppressed"] is True
    assert escalations["value"] is None and escalations["display"] == "<5"
    assert escalations["suppressed"] is True

    body = client.get(f"{BASE}/indicators/consultations/breakdown?period=FY2025&by=agency")
    rows = {row["label"]: row for row in body.json()["rows"]}
    assert rows[_name(DISABILITY)] == {
        "label": _name(DISABILITY),
        "value": None,
        "display": "<5",
        "suppressed": True,
    }
    assert 3 not in [row["value"] for row in rows.values()]


def test_breakdown_by_agency(city, ichiro):
    r = client_for(ichiro).get(f"{BASE}/indicators/consultations/breakdown?period=FY2025&by=agency")

    assert r.status_code == 200
    body = r.json()
    assert body["indicator"] == "consultations" and body["by"] == "agency"
    rows = {row["label"]: row["value"] for row in body["rows"]}
    assert rows[_name(HOMECARE)] == 12 and rows[_name(DISABILITY)] == 3
    assert body["total"]["value"] == 15


def test_bad_period_unknown_indicator_and_unknown_dimension(ichiro):
    client = client_for(ichiro)

    r = client.get(f"{BASE}/figures?period=FY20x5")
    assert r.status_code == 400
    assert (
        r.json()["code"] == "bad_period" and r.json()["message"] == "期間の指定が読み取れません。"
    )
    assert client.get(f"{BASE}/figures?period=2025-13").json()["code"] == "bad_period"
    r = client.get(f"{BASE}/indicators/nothing/breakdown?period=FY2025&by=agency")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = client.get(f"{BASE}/indicators/consultations/breakdown?period=FY2025&by=stage")
    assert r.status_code == 400 and r.json()["code"] == "unknown_dimension"
    r = client.put(f"{BASE}/targets/nothing/2025", {"value": 1}, content_type="application/json")
    assert r.status_code == 404
    r = client.post(
        f"{BASE}/reports", {"format": "pdf", "period": "last year"}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_period"
    r = client.post(
        f"{BASE}/reports", {"format": "docx", "period": "FY2025"}, content_type="application/json"
    )
    assert r.status_code == 422


def test_targets_are_set_listed_and_removed(ichiro):
    client = client_for(ichiro)

    r = client.put(
        f"{BASE}/targets/consultations/2025",
        {"value": "120.5", "note": "前年度の1.2倍"},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["value"] == 120.5 and r.json()["note"] == "前年度の1.2倍"
    client.put(f"{BASE}/targets/closures/2024", {"value": 3}, content_type="application/json")
    body = client.get(f"{BASE}/targets?fiscal_year=2025").json()
    assert body["count"] == 1 and body["items"][0]["indicator"] == "consultations"
    assert client.get(f"{BASE}/targets").json()["count"] == 2
    assert AuditEvent.objects.filter(action="evaluation.target_set", actor=ichiro).count() == 2

    r = client.put(
        f"{BASE}/targets/consultations/2025", {"value": None}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["value"] is None
    assert client.get(f"{BASE}/targets?fiscal_year=2025").json()["count"] == 0
    r = client.put(
        f"{BASE}/targets/consultations/2025", {"value": -1}, content_type="application/json"
    )
    assert r.status_code == 422


def test_report_is_asked_for_followed_and_downloaded_with_an_audit(city, ichiro):
    client = client_for(ichiro)
    r = client.post(
        f"{BASE}/reports",
        {"format": "xlsx", "period": "FY2025", "years": 2},
        content_type="application/json",
    )
    assert r.status_code == 202
    created = r.json()
    assert created["status"] == "queued" and created["percent"] == 0
    assert created["download_url"] is None and created["years"] == 2
    status_url = created["status_url"]
    assert status_url == f"{BASE}/reports/{created['id']}"
    assert client.get(f"{status_url}/file").status_code == 409  # not made yet

    tasks.make_report.call(created["id"])

    status = client.get(status_url).json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["download_url"] == f"{status_url}/file"
    r = client.get(status["download_url"])
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert r["Content-Disposition"] == 'attachment; filename="yorisoi-evaluation-FY2025.xlsx"'
    assert (
        load_workbook(io.BytesIO(r.content))
        .worksheets[0]["A1"]
        .value.startswith("重層的支援体制整備事業")
    )
    event = AuditEvent.objects.get(action="evaluation.exported", actor=ichiro)
    assert event.data["what"] == "report" and event.data["format"] == "xlsx"
    assert event.data["period"] == "FY2025"


def test_another_users_report_is_not_found(city, ichiro, masaki, ken, hana):
    run = _run(ichiro, "pdf")
    tasks.make_report.call(str(run.pk))

    for other in (masaki, ken):
        client = client_for(other)
        assert client.get(f"{BASE}/reports/{run.pk}").status_code == 404
        assert client.get(f"{BASE}/reports/{run.pk}/file").status_code == 404
    assert client_for(hana).get(f"{BASE}/reports/{run.pk}").status_code == 403
    assert not AuditEvent.objects.filter(action="evaluation.exported").exists()


def test_report_files_are_kept_a_week_then_purged_each_morning(ichiro, settings):
    settings.YORISOI_REPORT_KEEP_DAYS = 7
    now = timezone.now()

    def run(status, finished_days_ago):
        finished = (
            now - timedelta(days=finished_days_ago) if finished_days_ago is not None else None
        )
        return ReportRun.objects.create(
            requested_by=ichiro, fmt="pdf", params={"period": "FY2025", "years": 1},
            status=status, finished_at=finished, content=b"%PDF-" if status == "done" else None,
        )  # fmt: skip

    old_done, old_failed = run("done", 8), run("failed", 30)
    recent, running = run("done", 6), run("running", None)
    assert tasks.purge_old_reports.call() == 2
    left = set(ReportRun.objects.values_list("pk", flat=True))
    assert left == {recent.pk, running.pk}
    assert old_done.pk not in left and old_failed.pk not in left
    # The purged file is simply not found any more.
    page = client_for(ichiro).get(reverse("evaluation:report_status", args=[old_done.pk]))
    assert page.status_code == 404
