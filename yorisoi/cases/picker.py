"""The case picker (issue 14, "pickers, not lists"): a form that links a record to a case finds
it by number or title among the cases the user may record on (access.recordable_cases, R6),
POSTed and audited like people.picker, whose widget it uses."""

from django.db.models import Q

from yorisoi import access
from yorisoi.audit.log import record_reads
from yorisoi.people.picker import MAX_MATCHES, Picker


def case_matches(request, query: str) -> list[tuple[str, str]]:
    query = (query or "").strip()[:100]
    if not query:
        return []
    found = list(
        access.recordable_cases(request.user)
        .filter(Q(number__icontains=query) | Q(title__icontains=query))
        .order_by("number", "pk")[:MAX_MATCHES]
    )
    if found:
        bases = access.case_bases(request.user, [case.pk for case in found])
        record_reads("case.searched", actor=request.user, request=request, bases=bases)
    return [(str(case.pk), str(case)) for case in found]


def case_picker() -> Picker:
    return Picker(kind="case", url="cases:case_picker", search=case_matches)
