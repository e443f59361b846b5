"""The agency's work list (R3 Someone always holds it): what waits for the user's agency across
the apps — consultations and referrals (intake.queues, R1/R2), the cases it leads and the action
items meetings gave it (cases.selectors.queue_sections), and participation follow-ups due (R8).

It lives here, above the apps it draws from, so that none of them depends on another's queue.
One query per section, whatever the number of items; every row through the policy (R6).
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from yorisoi.cases import selectors as case_selectors
from yorisoi.intake import queues
from yorisoi.participation import selectors as participation_selectors


@dataclass
class WorkList:
    consultations: queues.Queue  # the consultation and referral sections (intake.queues)
    cases: dict  # cases_due, case_actions, follow_ups: other kinds of rows, shown apart


def work_list(*, user, today: date | None = None) -> WorkList:
    today = today or timezone.localdate()
    cases = case_selectors.queue_sections(
        user=user, today=today, stalled_before=queues.stalled_before()
    )
    # R8: participation follow-ups due, until the placement is settled or ended.
    cases["follow_ups"] = participation_selectors.due_follow_ups(user, today)
    return WorkList(consultations=queues.agency_queue(user=user, today=today), cases=cases)
