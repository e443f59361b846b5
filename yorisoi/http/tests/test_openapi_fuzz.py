"""Schemathesis over the whole OpenAPI document, in-process, with a coordinator and a staff token.

Every operation is called with generated input — valid (positive) and invalid (negative) —
once with generated ids (they name nothing: 404) and once with ids of records the caller may
read, in a small demo world. The API must never answer 5xx, and every answer must be one the
document promises: a documented status, JSON, in the documented schema.

The budget is small so that `make test` stays quick (YORISOI_FUZZ_EXAMPLES examples per
operation, mode and caller; default 4); `make fuzz` runs the same with a larger one.
Deterministic: Hypothesis derandomized, without its example database.
"""

import logging
import os
import traceback
from contextlib import contextmanager

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from yorisoi.accounts.models import ApiToken
from yorisoi.api import api
from yorisoi.evaluation.indicators import INDICATORS
from yorisoi.evaluation.periods import fiscal_year_of

EXAMPLES = int(os.environ.get("YORISOI_FUZZ_EXAMPLES", "4"))
# What the contract promises. Not Schemathesis' checks that valid-looking input be accepted
# (positive_data_acceptance): inputs are typed loosely on purpose where the rule lives in the
# model or the service (people/api.py), so a "valid" body may well be a 422 with a reason.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class InTestTransaction(WSGIHandler):
    """Django's WSGI application, but inside the test's transaction, as Django's test client.

    Django closes the database connection around each request (request_started/finished);
    inside a test that would end the transaction the test data lives in. Each request runs in
    a savepoint, so that one whose query failed does not break the next, as in production
    where each request has a transaction of its own.
    """

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            with transaction.atomic():
                response = super().__call__(environ, start_response)
                body = b"".join(response)
                response.close()
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@contextmanager
def crashes_recorded(into: list):
    def on_exception(sender, request=None, **kwargs):
        into.append(traceback.format_exc())

    got_request_exception.connect(on_exception)
    try:
        yield
    finally:
        got_request_exception.disconnect(on_exception)


def known_ids(user) -> dict:
    """Ids of records `user` may read, by path parameter name (the first few of each)."""
    from yorisoi import access
    from yorisoi.cases.models import (
        ActionItem,
        Consent,
        Involvement,
        Meeting,
        ProgressRecord,
        Track,
    )
    from yorisoi.intake.models import Referral
    from yorisoi.participation.models import FollowUp, Placement

    cases = access.visible_cases(user)
    needs = access.visible_participation_needs(user)
    rows = {
        "person_id": access.visible_people(user),
        "household_id": access.visible_households(user),
        "consultation_id": access.visible_consultations(user),
        "referral_id": Referral.objects.filter(consultation__in=access.visible_consultations(user)),
        "case_id": cases,
        "involvement_id": Involvement.objects.filter(case__in=cases),
        "track_id": Track.objects.filter(case__in=cases),
        "consent_id": Consent.objects.filter(case__in=cases),
        "record_id": ProgressRecord.objects.filter(case__in=cases),
        "meeting_id": Meeting.objects.filter(case__in=cases),
        "item_id": ActionItem.objects.filter(meeting__case__in=cases),
        "target_id": access.visible_outreach_targets(user),
        "service_id": access.visible_services(user),
        "activity_id": access.visible_community_activities(user),
        "training_id": access.visible_community_trainings(user),
        "need_id": needs,
        "placement_id": Placement.objects.filter(need__in=needs),
        "follow_up_id": FollowUp.objects.filter(placement__need__in=needs),
        "run_id": access.visible_report_runs(user),
        # Not the fuzz's own token: revoked, it would answer 401 to everything after.
        "token_id": ApiToken.objects.owned_by(user).exclude(name="Schemathesis"),
    }
    known = {
        name: [str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True)[:3]]
        for name, queryset in rows.items()
    }
    # Not rows: an indicator's code, this fiscal year, a placement's move.
    known["code"] = list(INDICATORS)[:1]
    known["fiscal_year"] = [fiscal_year_of(timezone.localdate())]
    known["move"] = ["contact"]
    return known


@pytest.fixture
def demo_world(master, hana, ichiro):
    """load_demo's fictional world, small: a few households, the plan's two worked cases, an
    outreach target, a participation need, a few resources, two months of community activity."""
    from yorisoi.accounts.demo import ensure_demo_accounts
    from yorisoi.cases import demo as cases_demo
    from yorisoi.community import demo as community_demo
    from yorisoi.outreach import demo as outreach_demo
    from yorisoi.participation import demo as participation_demo
    from yorisoi.people import demo as people_demo
    from yorisoi.resources import demo as resources_demo

    call_command("load_community", verbosity=0)
    ensure_demo_accounts()
    people_demo.generate_population(households=4, seed=1)
    cases_demo.load_worked_examples()
    resources_demo.generate_resources(5, seed=1)
    outreach_demo.generate_outreach(1)
    participation_demo.generate_participation()
    community_demo.generate_activities(seed=1, days=61)


def _fuzz(operation, *, token, path_parameters, mode, failures, crashes):
    api_token, raw = token
    headers = {"Authorization": f"Bearer {raw}"}
    label = f"{operation.label} [{mode.value}{' known ids' if path_parameters else ''}]"
    seen = set()

    @hypothesis.settings(
        max_examples=EXAMPLES,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: every failure is kept as met
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case):
        before = len(crashes)
        response = case.call(headers=headers)
        # A generated id may name the fuzz's own token (POST /tokens/{token_id}/revoke): it
        # keeps working, or every later call would be a documented, untested 401.
        ApiToken.objects.filter(pk=api_token.pk).update(revoked_at=None)
        if response.status_code in (401, 429) and response.status_code not in seen:
            # Nothing else would be tested: the token stopped working, or the rate is too low.
            seen.add(response.status_code)
            failures.append(f"{label}: {response.status_code} with a working token")
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as exc:  # one or more checks failed
            kinds = getattr(exc, "exceptions", [exc])
            key = tuple(sorted(type(k).__name__ for k in kinds))
            if key not in seen:  # each kind of failure once per operation and variant
                seen.add(key)
                crash = "".join(crashes[before:][-1:]).strip().splitlines()[-6:]
                failures.append("\n".join([label, str(exc)[:3000], *crash]))

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ichiro", "hana"])
def test_the_api_keeps_its_openapi_contract(demo_world, persona, request, caplog, settings):
    # Thousands of calls in a minute: the throttle (api.ApiThrottle) has tests of its own.
    settings.YORISOI_API_RATE = "1000000/m"
    user = request.getfixturevalue(persona)
    token = ApiToken.issue(user=user, name="Schemathesis")
    ApiToken.issue(user=user, name="失効させてよい連携")  # a token_id to revoke (known ids)
    app = InTestTransaction()
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = app
    ids = known_ids(user)
    failures, crashes = [], []
    with crashes_recorded(crashes):
        for result in schema.get_all_operations():
            operation = result.ok()
            operation.app = app
            names = [p.name for p in operation.path_parameters]
            known = {name: ids[name][0] for name in names if ids.get(name)}
            variants = [None]
            if names and len(known) == len(names):
                variants.append(known)
            for path_parameters in variants:
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    _fuzz(
                        operation,
                        token=token,
                        path_parameters=path_parameters,
                        mode=mode,
                        failures=failures,
                        crashes=crashes,
                    )
    # A last-resort answer (a constraint's name, a value the database refused, hidden behind a
    # general message) is a failure too: the client should have been told which field to mend.
    failures += [
        f"{r.getMessage()}\n{logging.Formatter().formatException(r.exc_info) if r.exc_info else ''}"
        for r in caplog.records
        if r.name == "yorisoi.http.errors" and r.levelno >= logging.WARNING
    ]
    assert not failures, f"{len(failures)} contract failures:\n\n" + "\n\n".join(failures)
