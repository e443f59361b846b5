"""The evaluation screens (issue 6): who opens what, what each one sees, files and their audit,
targets, the report's progress and download."""

import csv
import io
import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yorisoi.audit.models import AuditEvent
from yorisoi.directory.models import Agency
from yorisoi.evaluation import services
from yorisoi.evaluation.models import ReportRun, ReportStatus, Target
from yorisoi.intake.models import Consultation
from yorisoi.testing import client_for

PERIOD = "FY2025"
RUN_ID = "00000000-0000-4000-8000-000000000001"

# Every route with a request that opens it (GET unless a POST body is given).
ROUTES = {
    "evaluation:dashboard": (reverse("evaluation:dashboard"), None),
    "evaluation:indicator": (reverse("evaluation:indicator", args=["consultations"]), None),
    "evaluation:chart": (reverse("evaluation:chart") + "?indicator=consultations", None),
    "evaluation:table_export": (
        reverse("evaluation:table_export", args=["consultations", "csv"]),
        None,
    ),
    "evaluation:targets": (reverse("evaluation:targets"), None),
    "evaluation:report_status": (reverse("evaluation:report_status", args=[RUN_ID]), None),
    "evaluation:report_download": (reverse("evaluation:report_download", args=[RUN_ID]), None),
}


def _received(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 10, 0))


def consultations(agency, count, *, at=None):
    """`count` fictional consultations received by `agency` (fiscal year 2025 by default)."""
    at = at or _received(2025, 6, 1)
    Consultation.objects.bulk_create(
        Consultation(
            received_at=at,
            receiving_agency=agency,
            responsible_agency=agency,
            channel="phone",
            consulter_type="neighbour",
            subject_note="架空の相談",
            summary="架空の相談内容",
            next_action_on=at.date(),
        )
        for _i in range(count)
    )


@pytest.fixture
def centre(masaki):
    return masaki.agency


@pytest.fixture
def other_agency(master):
    return Agency.objects.get(code="itaku-soudan-01")


@pytest.fixture
def city(centre, other_agency):
    """7 consultations at masaki's centre, 6 at another agency: 13 in the city."""
    consultations(centre, 7)
    consultations(other_agency, 6)


def _row_of(body: str, code: str) -> str:
    """The dashboard's table row of one indicator."""
    link = reverse("evaluation:indicator", args=[code])
    start = body.index(f'href="{link}?')
    return body[body.rindex("<tr", 0, start) : body.index("</tr>", start)]


def _figure(row: str) -> str:
    cell = re.search(r'class="num eval-figure"[^>]*>(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<[^>]+>", "", cell).strip()


def _done_run(user, fmt="pdf", content=b"%PDF-1.4 fictional"):
    return ReportRun.objects.create(
        id=RUN_ID,
        requested_by=user,
        fmt=fmt,
        params={"period": PERIOD, "years": 3},
        status=ReportStatus.DONE,
        done_steps=4,
        total_steps=4,
        filename=f"yorisoi-report-{PERIOD}.{fmt}",
        content=content,
    )


# --- who opens what ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("ichiro", True),
        ("masaki", True),
        ("ken", True),
        ("hana", False),
        ("saki", False),
        ("kazuko", False),
        ("osamu", False),
    ],
)
def test_role_matrix(personas, route, persona, allowed):
    user = personas[persona]
    _done_run(user)
    url, _body = ROUTES[route]
    response = client_for(user).get(url)
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("persona", ["hana", "saki", "kazuko", "osamu"])
def test_posts_are_refused_to_roles_without_evaluation(personas, persona):
    client = client_for(personas[persona])
    assert client.post(reverse("evaluation:report_new"), {"fmt": "pdf"}).status_code == 403
    assert client.post(reverse("evaluation:target_set"), {}).status_code == 403


@pytest.mark.parametrize("persona", ["masaki", "ken", "hana", "kazuko", "osamu"])
def test_only_the_coordinator_sets_targets(personas, persona):
    response = client_for(personas[persona]).post(
        reverse("evaluation:target_set"),
        {"indicator": "consultations", "fiscal_year": 2025, "value": "100"},
    )
    assert response.status_code == 403
    assert not Target.objects.exists()


def test_target_form_is_shown_to_the_coordinator_only(ichiro, masaki):
    url = reverse("evaluation:targets")
    assert "目標を設定する" in client_for(ichiro).get(url).content.decode()
    assert "目標を設定する" not in client_for(masaki).get(url).content.decode()


# --- what each one sees -------------------------------------------------------------------------


def test_coordinator_sees_the_city(ichiro, city):
    body = client_for(ichiro).get(f"/evaluation/?period={PERIOD}").content.decode()
    assert "市全体" in body
    assert _figure(_row_of(body, "consultations")) == "13"


def test_manager_counts_only_their_agency(masaki, city):
    body = client_for(masaki).get(f"/evaluation/?period={PERIOD}").content.decode()
    assert masaki.agency.name in body
    assert _figure(_row_of(body, "consultations")) == "7"


def test_manager_breakdown_by_agency_lists_only_their_agency(masaki, other_agency, city):
    body = (
        client_for(masaki)
        .get(f"/evaluation/indicators/consultations/?period={PERIOD}&by=agency")
        .content.decode()
    )
    assert masaki.agency.name in body
    assert other_agency.name not in body


def test_analyst_sees_small_figures_as_below_five(ken, centre):
    consultations(centre, 3)
    body = client_for(ken).get(f"/evaluation/?period={PERIOD}").content.decode()
    row = _row_of(body, "consultations")
    assert _figure(row).startswith("&lt;5")
    assert ">3<" not in row and "3" not in _figure(row)
    assert "5未満の小さい数値は「&lt;5」と表示します" in body


def test_coordinator_sees_the_exact_small_figure(ichiro, centre):
    consultations(centre, 3)
    body = client_for(ichiro).get(f"/evaluation/?period={PERIOD}").content.decode()
    assert _figure(_row_of(body, "consultations")) == "3"


def test_descriptions_are_shown_next_to_the_figures(ichiro):
    body = client_for(ichiro).get("/evaluation/").content.decode()
    assert "期間内に受け付けた相談の件数（受付日で数えます）" in body
    assert 'class="eval-desc"' in body


def test_dashboard_shows_target_and_achievement_in_words(ichiro, city):
    services.set_target(
        actor=ichiro, indicator="consultations", fiscal_year=2025, value=Decimal(10)
    )
    services.set_target(
        actor=ichiro, indicator="referrals_accepted", fiscal_year=2025, value=Decimal(5)
    )
    body = client_for(ichiro).get(f"/evaluation/?period={PERIOD}").content.decode()
    row = _row_of(body, "consultations")
    assert ">10<" in row and "○ 達成" in row
    assert "× 未達成" in _row_of(body, "referrals_accepted")


def test_dashboard_shows_the_trend_of_four_earlier_periods(ichiro, centre):
    consultations(centre, 8, at=_received(2023, 5, 1))
    body = client_for(ichiro).get(f"/evaluation/?period={PERIOD}").content.decode()
    row = _row_of(body, "consultations")
    trend = re.findall(r'class="num eval-trend" data-label="([^"]+)"[^>]*>(.*?)</td>', row, re.S)
    assert [label for label, _v in trend] == ["2021年度", "2022年度", "2023年度", "2024年度"]
    assert trend[2][1].strip() == "8"


def test_each_group_has_a_chart_with_a_descriptive_alt(ichiro):
    body = client_for(ichiro).get(f"/evaluation/?period={PERIOD}").content.decode()
    images = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', body)
    assert len(images) == 6
    for src, alt in images:
        assert src.startswith("/evaluation/chart.png?group=") and "period=FY2025" in src
        assert "数値はグラフの下の表にあります" in alt


def test_dashboard_queries_do_not_grow_with_the_records(ichiro, centre):
    client = client_for(ichiro)
    url = f"/evaluation/?period={PERIOD}"
    consultations(centre, 10)
    client.get(url)  # warm the session and the language
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    consultations(centre, 190)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert _figure(_row_of(body, "consultations")) == "200"
    assert len(many) == len(few)


# --- periods and bad input ----------------------------------------------------------------------


def test_default_period_is_the_current_fiscal_year(ichiro):
    body = client_for(ichiro).get("/evaluation/").content.decode()
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    assert f"{year}年度の実績" in body


def test_a_bad_period_is_explained_and_the_default_shown(ichiro):
    response = client_for(ichiro).get("/evaluation/?period=FY20x5")
    body = response.content.decode()
    assert response.status_code == 200
    assert "期間の指定が読み取れません。" in body
    assert 'class="error-summary"' in body


def test_picker_range_end_before_start_is_an_error(ichiro):
    response = client_for(ichiro).get("/evaluation/?kind=range&start=2025-09-30&end=2025-04-01")
    assert response.status_code == 200
    assert "終了日は開始日以降の日付にしてください。" in response.content.decode()


def test_picker_leads_to_the_short_address(ichiro):
    response = client_for(ichiro).get(
        "/evaluation/?kind=range&start=2025-04-01&end=2025-09-30&fiscal_year=2025"
    )
    assert response.status_code == 302
    assert response["Location"] == "/evaluation/?period=2025-04-01_2025-09-30"


def test_month_period(ichiro, centre):
    consultations(centre, 2, at=_received(2025, 6, 3))
    body = client_for(ichiro).get("/evaluation/?period=2025-06").content.decode()
    assert "2025年6月の実績" in body
    assert _figure(_row_of(body, "consultations")) == "2"


def test_unknown_indicator_is_not_found(ichiro):
    assert client_for(ichiro).get("/evaluation/indicators/nothing/").status_code == 404
    assert client_for(ichiro).get("/evaluation/chart.png?indicator=nothing").status_code == 404
    assert client_for(ichiro).get("/evaluation/chart.png?group=99").status_code == 404
    export = reverse("evaluation:table_export", args=["nothing", "csv"])
    assert client_for(ichiro).get(export).status_code == 404
    pdf = reverse("evaluation:table_export", args=["consultations", "pdf"])
    assert client_for(ichiro).get(pdf).status_code == 404


def test_bad_period_in_a_file_address_is_a_bad_request(ichiro):
    url = reverse("evaluation:table_export", args=["consultations", "csv"]) + "?period=nope"
    assert client_for(ichiro).get(url).status_code == 400
    assert client_for(ichiro).get("/evaluation/chart.png?group=0&period=nope").status_code == 400


# --- the indicator page -----------------------------------------------------------------------


def test_indicator_page_has_breakdown_tabs_and_total(ichiro, centre, other_agency, city):
    body = (
        client_for(ichiro)
        .get(f"/evaluation/indicators/consultations/?period={PERIOD}")
        .content.decode()
    )
    assert "期間内に受け付けた相談の件数" in body
    for label in ("機関", "分野", "地区", "相談経路", "相談者"):
        assert f">{label}</a>" in body
    assert 'aria-current="page">機関</a>' in body
    assert centre.name in body and other_agency.name in body
    tfoot = body.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    assert "合計" in tfoot and ">13<" in tfoot


def test_indicator_page_unknown_dimension_falls_back(ichiro):
    response = client_for(ichiro).get("/evaluation/indicators/consultations/?by=nothing")
    assert response.status_code == 200
    assert 'aria-current="page">機関</a>' in response.content.decode()


# --- charts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["indicator=consultations", "group=0", "group=5"])
def test_chart_is_a_private_png(ichiro, city, query):
    response = client_for(ichiro).get(f"/evaluation/chart.png?{query}&period={PERIOD}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert response["Cache-Control"].startswith("private")


# --- files -------------------------------------------------------------------------------------


def _csv(response):
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].isascii()
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_breakdown_csv_has_japanese_headers_and_figures(ichiro, centre, city):
    url = reverse("evaluation:table_export", args=["consultations", "csv"])
    response = client_for(ichiro).get(f"{url}?period={PERIOD}&by=agency")
    rows = _csv(response)
    assert rows[0] == ["機関", "件数"]
    assert [centre.name, "7"] in rows
    assert rows[-1] == ["合計", "13"]
    assert 'filename="yorisoi-consultations-FY2025-agency.csv"' in response["Content-Disposition"]


def test_exports_are_audited(ichiro, city):
    client = client_for(ichiro)
    client.get(
        reverse("evaluation:table_export", args=["consultations", "xlsx"])
        + f"?period={PERIOD}&by=domain"
    )
    client.get(reverse("evaluation:table_export", args=["all", "csv"]) + f"?period={PERIOD}")
    events = AuditEvent.objects.filter(action="evaluation.exported").order_by("at", "pk")
    assert [(e.data["what"], e.data["format"], e.data["period"]) for e in events] == [
        ("consultations", "xlsx", "FY2025"),
        ("all", "csv", "FY2025"),
    ]
    assert all(e.actor_id == ichiro.pk for e in events)


def test_dashboard_xlsx_has_every_group_with_figures(ichiro, city):
    services.set_target(
        actor=ichiro, indicator="consultations", fiscal_year=2025, value=Decimal(10)
    )
    url = reverse("evaluation:table_export", args=["all", "xlsx"])
    response = client_for(ichiro).get(f"{url}?period={PERIOD}")
    assert response["Content-Disposition"] == 'attachment; filename="yorisoi-all-FY2025.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 6
    values = [[c for c in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    header = next(row for row in values if row and row[0] == "指標")
    assert "2025年度" in header and "目標" in header
    line = next(row for row in values if row and row[0] == "相談の受付件数")
    assert line[header.index("2025年度")] == 13
    assert line[header.index("達成")] == "○ 達成"


def test_analyst_files_keep_small_figures_hidden(ken, centre):
    consultations(centre, 3)
    client = client_for(ken)
    url = reverse("evaluation:table_export", args=["all", "csv"])
    rows = _csv(client.get(f"{url}?period={PERIOD}"))
    line = next(row for row in rows if row[1] == "相談の受付件数")
    assert line[rows[0].index("2025年度")] == "<5"
    url = reverse("evaluation:table_export", args=["consultations", "xlsx"])
    book = load_workbook(io.BytesIO(client.get(f"{url}?period={PERIOD}&by=agency").content))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "<5" in cells and 3 not in cells


# --- targets --------------------------------------------------------------------------------


def test_coordinator_sets_a_target_and_is_sent_back(ichiro):
    client = client_for(ichiro)
    response = client.post(
        reverse("evaluation:target_set"),
        {"indicator": "days_to_acceptance", "fiscal_year": 2025, "value": "12.5", "note": "計画"},
        follow=True,
    )
    assert response.redirect_chain == [("/evaluation/targets/?fiscal_year=2025", 302)]
    body = response.content.decode()
    assert "2025年度の「相談から受け入れまでの日数（中央値）」の目標を12.5日にしました。" in body
    target = Target.objects.get()
    assert (target.indicator, target.fiscal_year, target.value) == (
        "days_to_acceptance",
        2025,
        Decimal("12.5"),
    )
    assert AuditEvent.objects.filter(action="evaluation.target_set").count() == 1


def test_targets_page_explains_the_direction(ichiro):
    body = client_for(ichiro).get("/evaluation/targets/?fiscal_year=2025").content.decode()
    assert "2025年度の数値目標" in body
    assert "相談の受付件数（多いほどよい）" in body
    assert "つなぎを受け入れられなかった件数（少ないほどよい）" in body
    assert "実績が目標以上で" in body


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"value": "-1"}, "value", "目標値は0以上にしてください。"),
        ({"value": "たくさん"}, "value", "目標値は数値で入力してください"),
        ({"value": ""}, "value", "目標値を入力してください。"),
        ({"indicator": "made_up"}, "indicator", "この指標はありません。"),
        ({"fiscal_year": "1800"}, "fiscal_year", "年度は選択肢から選んでください。"),
    ],
)
def test_target_errors_are_clear(ichiro, data, field, message):
    post = {"indicator": "consultations", "fiscal_year": "2025", "value": "100", **data}
    response = client_for(ichiro).post(reverse("evaluation:target_set"), post)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Target.objects.exists()


def test_a_bad_year_on_the_targets_page_is_explained(ichiro):
    body = client_for(ichiro).get("/evaluation/targets/?fiscal_year=abc").content.decode()
    assert "年度は1900から9998の間で指定してください。" in body


# --- the committee report ----------------------------------------------------------------------


def test_report_status_shows_progress_and_polls(ichiro):
    ReportRun.objects.create(
        id=RUN_ID,
        requested_by=ichiro,
        fmt="pdf",
        params={"period": PERIOD, "years": 3},
        status=ReportStatus.RUNNING,
        done_steps=1,
        total_steps=4,
    )
    url = reverse("evaluation:report_status", args=[RUN_ID])
    body = client_for(ichiro).get(url).content.decode()
    assert '<progress id="report-progress" max="100" value="25">25%</progress>' in body
    assert 'hx-trigger="every 1s"' in body and f'hx-get="{url}"' in body
    assert "report_download" not in body and "ダウンロード（" not in body
    fragment = client_for(ichiro).get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'value="25"' in fragment


def test_a_finished_report_stops_polling_and_offers_the_file(ichiro):
    _done_run(ichiro)
    url = reverse("evaluation:report_status", args=[RUN_ID])
    fragment = client_for(ichiro).get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
    assert 'value="100">100%' in fragment
    assert reverse("evaluation:report_download", args=[RUN_ID]) in fragment
    assert "このファイルは7日間保存されます" in fragment  # then purge_old_reports


def test_a_failed_report_says_so_and_stops(ichiro):
    ReportRun.objects.create(
        id=RUN_ID, requested_by=ichiro, fmt="pdf", params={"period": PERIOD, "years": 1},
        status=ReportStatus.FAILED,
    )  # fmt: skip
    body = client_for(ichiro).get(reverse("evaluation:report_status", args=[RUN_ID])).content
    assert "報告書を作成できませんでした" in body.decode()
    assert b"hx-trigger" not in body


def test_report_download_is_audited(ichiro):
    _done_run(ichiro)
    response = client_for(ichiro).get(reverse("evaluation:report_download", args=[RUN_ID]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="yorisoi-report-FY2025.pdf"'
    assert response.content == b"%PDF-1.4 fictional"
    event = AuditEvent.objects.get(action="evaluation.exported")
    assert (event.data["what"], event.data["format"]) == ("report", "pdf")


def test_another_users_report_is_not_found(ichiro, ken):
    _done_run(ichiro)
    client = client_for(ken)
    assert client.get(reverse("evaluation:report_status", args=[RUN_ID])).status_code == 404
    assert client.get(reverse("evaluation:report_download", args=[RUN_ID])).status_code == 404
    assert not AuditEvent.objects.filter(action="evaluation.exported").exists()


def test_an_unfinished_report_cannot_be_downloaded(ichiro):
    ReportRun.objects.create(id=RUN_ID, requested_by=ichiro, fmt="pdf", params={})
    url = reverse("evaluation:report_download", args=[RUN_ID])
    assert client_for(ichiro).get(url).status_code == 404


def test_asking_for_a_report_leads_to_its_status(ichiro):
    pytest.importorskip("yorisoi.evaluation.tasks")
    response = client_for(ichiro).post(
        reverse("evaluation:report_new"), {"fmt": "xlsx", "years": "3", "period": PERIOD}
    )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:report_status", args=[run.pk])
    assert (run.fmt, run.params) == ("xlsx", {"period": PERIOD, "years": 3})


@pytest.mark.parametrize(
    "data, message",
    [
        ({"years": "0"}, "年数は1から20の間で指定してください。"),
        ({"years": "21"}, "年数は1から20の間で指定してください。"),
        ({"fmt": "docx"}, "形式は選択肢から選んでください。"),
        ({"period": "FY20x5"}, "期間の指定が読み取れません。"),
    ],
)
def test_report_request_errors_are_clear(ichiro, data, message):
    post = {"fmt": "pdf", "years": "3", "period": PERIOD, **data}
    response = client_for(ichiro).post(reverse("evaluation:report_new"), post)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ReportRun.objects.exists()
