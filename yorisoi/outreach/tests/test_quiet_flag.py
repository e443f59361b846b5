"""A target with no contact for a configurable time is flagged (YORISOI_OUTREACH_QUIET_DAYS)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from yorisoi.outreach import selectors
from yorisoi.outreach.models import OutreachTarget
from yorisoi.testing import client_for

from .world import contact, target

pytestmark = pytest.mark.django_db


def _age(t, days, field="created_at"):
    OutreachTarget.objects.filter(pk=t.pk).update(**{field: timezone.now() - timedelta(days=days)})


def test_default_limit_is_30_days(hana, settings):
    if hasattr(settings, "YORISOI_OUTREACH_QUIET_DAYS"):
        del settings.YORISOI_OUTREACH_QUIET_DAYS
    old, new = target(hana, label="古い"), target(hana, label="新しい")
    _age(old, 31)
    _age(new, 29)
    assert [t.label for t in selectors.quiet_targets(user=hana)] == ["古い"]


def test_the_limit_is_configurable(hana, settings):
    settings.YORISOI_OUTREACH_QUIET_DAYS = 7
    t = target(hana)
    _age(t, 8)
    assert list(selectors.quiet_targets(user=hana)) == [t]
    settings.YORISOI_OUTREACH_QUIET_DAYS = 10
    assert list(selectors.quiet_targets(user=hana)) == []


def test_a_contact_resets_the_clock_even_an_unanswered_visit(hana, settings):
    settings.YORISOI_OUTREACH_QUIET_DAYS = 30
    t = target(hana)
    _age(t, 60)
    assert list(selectors.quiet_targets(user=hana)) == [t]
    contact(hana, t, "absent")
    assert list(selectors.quiet_targets(user=hana)) == []
    _age(t, 31, field="last_contact_at")
    assert list(selectors.quiet_targets(user=hana)) == [t]


def test_closed_targets_are_not_flagged(hana):
    from yorisoi.outreach import services

    t = target(hana)
    _age(t, 90)
    t = OutreachTarget.objects.get(pk=t.pk)
    services.target_close(actor=hana, target=t, version=t.version, reason="転居した")
    assert list(selectors.quiet_targets(user=hana)) == []


def test_flagged_targets_come_first_in_the_list_and_are_marked(hana):
    soon = target(hana, label="予定が近い", next_contact_on=timezone.localdate())
    quiet = target(
        hana,
        label="しばらく会えていない",
        next_contact_on=timezone.localdate() + timedelta(days=20),
    )
    _age(quiet, 45)
    rows = list(selectors.target_list(user=hana))
    assert [r.label for r in rows] == ["しばらく会えていない", "予定が近い"]
    assert soon.pk == rows[1].pk
    body = client_for(hana).get("/outreach/").content.decode()
    assert "しばらく接触なし" in body
