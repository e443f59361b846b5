"""State changes of 名寄せ: the scoring job, and the coordinator's decisions. One transaction
each, audited on the 名寄せ basis (access.bases.BASIS_MATCH_REVIEW).

- candidates_score: the engine (yorisoi/linkage) judges the registrations; pairs with a new or
  changed registration above the threshold become (or refresh) pending candidates. A decided
  pair (confirmed, rejected, unlinked) is never proposed again.
- match_flag: search before create found a likely match the registering user may not see
  (access.split_matches); the new registration and that match become a pending candidate for
  the coordinator, as the job would propose them, and nothing about it reaches the user.
- match_confirm links both registrations into one Identity (merging two identities if each
  already has one); match_reject remembers "not one person"; identity_unlink takes one
  registration out again. The registrations (people.Person) are never changed.

A reviewer who may not review raises RuleViolation "forbidden"; a stale version
ConcurrentEditError (R7); a decision the state machine does not allow RuleViolation
"illegal_transition".
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from yorisoi import access
from yorisoi.access.bases import BASIS_MATCH_REVIEW
from yorisoi.audit.log import record
from yorisoi.concurrency import lock_version
from yorisoi.errors import RuleViolation
from yorisoi.linkage import Progress, Record, link
from yorisoi.people.models import Person

from .models import (
    MATCH_TRANSITIONS,
    Identity,
    IdentityMember,
    LeaveReason,
    MatchCandidate,
    MatchStatus,
    ScoringRun,
)

BASIS = BASIS_MATCH_REVIEW
DEFAULT_THRESHOLD = 0.9
CHUNK = 500  # ids in one IN (…) when reading candidates back


def threshold() -> float:
    """settings.YORISOI_MATCH_THRESHOLD: the probability from which a pair is worth a review
    (lower than the batch command's 0.99: a person decides, the engine only proposes)."""
    return float(getattr(settings, "YORISOI_MATCH_THRESHOLD", DEFAULT_THRESHOLD))


# --- the job ---------------------------------------------------------------------------------

RECORD_FIELDS = (
    "pk",
    "agency__code",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "address",
    "phone",
)


def _records(people) -> Iterable[Record]:
    """Each registration as the engine reads it. The district is not fed: it is a whole area,
    and the engine would take two people of one district for one household."""
    rows = people.order_by().values_list(*RECORD_FIELDS).iterator(chunk_size=5000)
    for pk, agency, family, given, family_kana, given_kana, born, address, phone in rows:
        yield Record(
            record_id=str(pk),
            agency=agency or "",
            family_name=family,
            given_name=given,
            family_kana=family_kana,
            given_kana=given_kana,
            birth_date=born.isoformat() if born else "",
            address=address,
            phone=phone,
        )


def watermark():
    """When the last full run started: people registered or changed since are scored next."""
    last = ScoringRun.objects.filter(finished_at__isnull=False, moves_watermark=True).first()
    return last.started_at if last else None


def candidates_score(
    *,
    people=None,
    everyone: bool = False,
    actor=None,
    cut: float | None = None,
    progress: Progress | None = None,
) -> ScoringRun:
    """Score the people registered or changed since the last run (`everyone`: all of them;
    `people`: these, given as ids or Person objects) against everyone, and fill the review
    queue. Returns the run."""
    started = timezone.now()
    since = None
    if people is None:
        since = None if everyone else watermark()
        changed_people = Person.objects.all()
        if since is not None:
            changed_people = changed_people.filter(
                Q(updated_at__gte=since) | Q(created_at__gte=since)
            )
        changed = {str(pk) for pk in changed_people.values_list("pk", flat=True)}
    else:
        changed = {str(getattr(p, "pk", p)) for p in people}
    total = Person.objects.count()
    found = []
    if changed and total > 1:
        # The engine learns its weights from the whole population, so it reads everyone; the
        # pairs kept are those with a new or changed registration on one side.
        links = link(
            _records(Person.objects.all()), threshold=cut or threshold(), progress=progress
        )
        found = [x for x in links if x.record_id_a in changed or x.record_id_b in changed]
    with transaction.atomic():
        new, updated = _store(found, now=timezone.now())
        run = ScoringRun.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            since=since,
            people_scored=len(changed),
            people_total=total,
            candidates_new=new,
            candidates_updated=updated,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            moves_watermark=people is None,
        )
        record(
            "identity.candidates_scored",
            actor=actor,
            target=run,
            basis=BASIS,
            data={"scored": len(changed), "new": new, "updated": updated},
        )
    return run


def _active_identities(person_ids) -> dict:
    """{person id: identity id} of the registrations already linked."""
    out = {}
    ids = list(person_ids)
    for start in range(0, len(ids), CHUNK):
        rows = IdentityMember.objects.filter(
            left_at__isnull=True, person_id__in=ids[start : start + CHUNK]
        ).values_list("person_id", "identity_id")
        out.update({str(p): i for p, i in rows})
    return out


def _store(found, *, now) -> tuple[int, int]:
    """New pairs become pending candidates; pending ones get the new score; decided ones and
    pairs already linked as one are left alone."""
    firsts = sorted({x.record_id_a for x in found})
    existing = {}
    for start in range(0, len(firsts), CHUNK):
        for c in MatchCandidate.objects.filter(person_a_id__in=firsts[start : start + CHUNK]):
            existing[str(c.person_a_id), str(c.person_b_id)] = c
    linked = _active_identities({p for x in found for p in (x.record_id_a, x.record_id_b)})
    create, update = [], []
    for x in found:
        a, b = x.record_id_a, x.record_id_b
        reasons = list(x.reasons)
        candidate = existing.get((a, b))
        if candidate is None:
            if linked.get(a) is not None and linked.get(a) == linked.get(b):
                continue  # already one person through other links
            create.append(
                MatchCandidate(
                    person_a_id=a,
                    person_b_id=b,
                    score=x.score,
                    weight=x.weight,
                    reasons=reasons,
                    found_at=now,
                    scored_at=now,
                )
            )
        elif candidate.status == MatchStatus.PENDING:
            if (candidate.score, candidate.reasons) != (x.score, reasons):
                candidate.version += 1  # the evidence a reviewer saw has changed (R7)
            candidate.score, candidate.weight, candidate.reasons = x.score, x.weight, reasons
            candidate.scored_at = now
            update.append(candidate)
    if create:
        bulk_create_with_history(create, MatchCandidate, batch_size=CHUNK)
    if update:
        bulk_update_with_history(
            update,
            MatchCandidate,
            ["score", "weight", "reasons", "scored_at", "version"],
            batch_size=CHUNK,
        )
    return len(create), len(update)


# --- search before create -----------------------------------------------------------------


def match_flag(*, actor, person, matches, request=None) -> list[MatchCandidate]:
    """The coordinator's review items for `person`, just registered by `actor`, and the likely
    matches (linkage.Link, record_id_b a person id) that `actor` may not see (issue 12).

    Idempotent: a pair already proposed keeps its candidate; a decided pair (rejected,
    confirmed, unlinked) is never re-opened; two registrations already linked as one are left
    alone. Returns the candidates created, each audited on the 名寄せ basis.
    """
    if not access.can_edit_person(actor, person):
        raise RuleViolation(_("この本人の記録は変更できません。"), code="forbidden")
    own = str(person.pk)
    pairs = {}
    for found in matches:
        other = str(found.record_id_b)
        if other != own:
            pairs[tuple(sorted((own, other)))] = found
    if not pairs:
        return []
    created = []
    with transaction.atomic():
        known = {
            (str(a), str(b))
            for a, b in MatchCandidate.objects.filter(
                Q(person_a_id=own) | Q(person_b_id=own)
            ).values_list("person_a_id", "person_b_id")
        }
        linked = _active_identities({p for pair in pairs for p in pair})
        now = timezone.now()
        for (a, b), found in sorted(pairs.items()):
            if (a, b) in known or (linked.get(a) is not None and linked.get(a) == linked.get(b)):
                continue
            candidate = MatchCandidate(
                person_a_id=a,
                person_b_id=b,
                score=found.score,
                weight=found.weight,
                reasons=list(found.reasons),
                found_at=now,
                scored_at=now,
            )
            candidate.full_clean(validate_constraints=False)
            candidate.save()
            record(
                "identity.match_flagged",
                actor=actor,
                target=candidate,
                basis=BASIS,
                request=request,
                ids=[a, b],
                data={"source": "search_before_create"},
            )
            created.append(candidate)
    return created


# --- decisions -------------------------------------------------------------------------------


def _require_reviewer(actor):
    if not access.can_review_matches(actor):
        raise RuleViolation(_("名寄せの確認は福祉総務課が行います。"), code="forbidden")


def _move(candidate: MatchCandidate, to_status, *, actor, note, now):
    if to_status not in MATCH_TRANSITIONS[MatchStatus(candidate.status)]:
        raise RuleViolation(
            _("この候補は「%(status)s」のため、この操作はできません。")
            % {"status": candidate.get_status_display()},
            code="illegal_transition",
        )
    candidate.status = to_status
    candidate.decided_by = actor
    candidate.decided_at = now
    candidate.note = note
    candidate.version += 1
    candidate.full_clean()
    candidate.save()


def _locked(model, pk, version):
    return lock_version(
        model.objects,
        pk,
        version=version,
        message=_("ほかの人が先にこの記録を更新しました。最新の内容を確認してください。"),
        fields=("status",) if model is MatchCandidate else ("ended_at", "merged_into"),
    )


def _membership(person):
    return IdentityMember.objects.filter(person=person, left_at__isnull=True).first()


def _leave(membership, *, actor, reason, now):
    membership.left_at, membership.left_by, membership.left_reason = now, actor, reason
    membership.full_clean()
    membership.save()


def _join(identity, person, *, actor, now):
    member = IdentityMember(identity=identity, person=person, linked_by=actor, linked_at=now)
    member.full_clean()
    member.save()
    return member


def _bump(identity):
    identity.version += 1
    identity.full_clean()
    identity.save()


def _merge(keep: Identity, other: Identity, *, actor, now, request=None):
    """`other`'s registrations move to `keep`; `other` is kept, pointing at `keep`."""
    keep = Identity.objects.select_for_update().get(pk=keep.pk)
    other = Identity.objects.select_for_update().get(pk=other.pk)
    for member in other.members.filter(left_at__isnull=True).select_related("person"):
        _leave(member, actor=actor, reason=LeaveReason.MERGED, now=now)
        _join(keep, member.person, actor=actor, now=now)
    other.merged_into, other.ended_at = keep, now
    _bump(other)
    _bump(keep)
    record(
        "identity.merged",
        actor=actor,
        target=keep,
        basis=BASIS,
        request=request,
        data={"merged": str(other.pk)},
    )
    return keep


def _link(actor, a, b, *, now, request=None) -> Identity:
    ma, mb = _membership(a), _membership(b)
    if ma is None and mb is None:
        identity = Identity(created_by=actor, created_at=now)
        identity.full_clean()
        identity.save()
        _join(identity, a, actor=actor, now=now)
        _join(identity, b, actor=actor, now=now)
        return identity
    if ma is not None and mb is not None:
        if ma.identity_id == mb.identity_id:
            return ma.identity
        first, second = sorted((ma.identity, mb.identity), key=lambda i: (i.created_at, str(i.pk)))
        return _merge(first, second, actor=actor, now=now, request=request)
    member, alone = (ma, b) if ma is not None else (mb, a)
    identity = Identity.objects.select_for_update().get(pk=member.identity_id)
    _join(identity, alone, actor=actor, now=now)
    _bump(identity)
    return identity


def match_confirm(*, actor, candidate, version, note="", request=None) -> Identity:
    """The two registrations are one person: link them (their records stay as they are)."""
    with transaction.atomic():
        _require_reviewer(actor)
        current = _locked(MatchCandidate, candidate.pk, version)
        now = timezone.now()
        _move(current, MatchStatus.CONFIRMED, actor=actor, note=note, now=now)
        a, b = (
            Person.objects.get(pk=current.person_a_id),
            Person.objects.get(pk=current.person_b_id),
        )
        identity = _link(actor, a, b, now=now, request=request)
        record(
            "identity.match_confirmed",
            actor=actor,
            target=current,
            basis=BASIS,
            request=request,
            ids=[a.pk, b.pk],
            data={"identity": str(identity.pk)},
        )
        return identity


def match_reject(*, actor, candidate, version, note="", request=None) -> MatchCandidate:
    """Not one person: remembered, never proposed again."""
    with transaction.atomic():
        _require_reviewer(actor)
        current = _locked(MatchCandidate, candidate.pk, version)
        _move(current, MatchStatus.REJECTED, actor=actor, note=note, now=timezone.now())
        record(
            "identity.match_rejected",
            actor=actor,
            target=current,
            basis=BASIS,
            request=request,
            ids=[current.person_a_id, current.person_b_id],
        )
        return current


def identity_unlink(*, actor, identity, person, version, note="", request=None) -> Identity:
    """`person` leaves the identity; the confirmed pairs between them and its other
    registrations become "unlinked". An identity left with one registration ends. Nothing is
    deleted: memberships end, candidates keep their history."""
    with transaction.atomic():
        _require_reviewer(actor)
        current = _locked(Identity, identity.pk, version)
        membership = current.members.filter(person=person, left_at__isnull=True).first()
        if membership is None:
            raise RuleViolation(
                _("この登録はこの同一人物に結びついていません。"), code="not_linked"
            )
        now = timezone.now()
        others = list(
            current.members.filter(left_at__isnull=True)
            .exclude(pk=membership.pk)
            .values_list("person_id", flat=True)
        )
        _leave(membership, actor=actor, reason=LeaveReason.UNLINKED, now=now)
        pairs = MatchCandidate.objects.filter(status=MatchStatus.CONFIRMED).filter(
            Q(person_a=person, person_b__in=others) | Q(person_b=person, person_a__in=others)
        )
        for candidate in pairs.select_for_update():
            _move(candidate, MatchStatus.UNLINKED, actor=actor, note=note, now=now)
        if len(others) < 2:
            for member in current.members.filter(left_at__isnull=True):
                _leave(member, actor=actor, reason=LeaveReason.ENDED, now=now)
            current.ended_at = now
        _bump(current)
        record(
            "identity.unlinked",
            actor=actor,
            target=current,
            basis=BASIS,
            request=request,
            ids=[person.pk],
            data={"ended": current.ended_at is not None},
        )
        return current
