"""The import's small world: hana (staff, 在宅介護支援センター01) imports for her agency; saki
(another agency) is the outsider. Files are built from rows of {header: value}."""

import csv
import io

import pytest
from django.utils import timezone

from yorisoi.imports.template import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def row(**overrides) -> dict:
    """One clean row; keys are column keys (template.COLUMNS)."""
    values = {
        "consultation_ref": "C-001",
        "person_ref": "P-001",
        "name": "山田 花子",
        "kana": "ヤマダ ハナコ",
        "birth_date": "1950-04-01",
        "sex": "女性",
        "address": "三重県四日市市諏訪町1-5",
        "phone": "059-354-0000",
        "household_ref": "",
        "relationship": "",
        "received_on": (timezone.localdate() - timezone.timedelta(days=30)).isoformat(),
        "receiving_agency": "zaitaku-kaigo-01",
        "responsible_agency": "zaitaku-kaigo-01",
        "channel": "窓口",
        "consulter_type": "本人",
        "summary": "介護保険の申請について相談したい。",
        "issues": "care;income",
        "main_issue": "care",
        "urgency": "通常",
        "outcome": "",
        "next_action_on": (timezone.localdate() + timezone.timedelta(days=7)).isoformat(),
    }
    values.update(overrides)
    return values


def csv_bytes(rows, *, encoding="utf-8", headers=HEADERS, newline="\r\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(headers)
    by_header = {c.header: c.key for c in COLUMNS}
    for r in rows:
        if isinstance(r, list):
            writer.writerow(r)
        else:
            writer.writerow([r.get(by_header.get(h, h), "") for h in headers])
    return out.getvalue().encode(encoding)


@pytest.fixture
def issues(master):
    """The taxonomy codes the rows use exist in the master data."""
    from yorisoi.directory.models import IssueCategory

    codes = set(IssueCategory.objects.values_list("code", flat=True))
    assert {"care", "income"} <= codes
    return codes
