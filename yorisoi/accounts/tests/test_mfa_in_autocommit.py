"""The second factor is checked in autocommit, as a real request runs it (no ATOMIC_REQUESTS).

django-otp locks the user's devices (select_for_update) while it checks a code, which PostgreSQL
allows only inside a transaction. Each of the other tests runs inside one and could not see it;
the production smoke test (deploy/smoke.py) did: signing in answered 500 on PostgreSQL.
"""

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.accounts import mfa
from yorisoi.accounts.tests.test_mfa import code


@pytest.mark.django_db(transaction=True)
def test_a_code_is_checked_outside_any_transaction(transactional_db, hana):
    device = TOTPDevice.objects.create(user=hana, name="authenticator", confirmed=True)
    assert connection.get_autocommit()
    assert mfa.verify(user=hana, code="000000") is None
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code's wait is not what this test is about
    device.throttling_failure_timestamp = None
    device.save()
    assert mfa.verify(user=hana, code=code(device)) == device
