"""People (本人) and households (世帯) over HTTP: /api/v1/people, /api/v1/households.

The same rules as the screens (views.py), through the same functions: reads start from
access.visible_…() or the selectors, writes go through services (which audit them), and every
read of personal data is written to the audit trail exactly as the screens write it (R6).

- Names never go into URLs or logs: searching is `POST /people/search` with a JSON body.
- People and households are addressed by UUID. A record the caller may not read answers 404,
  the same body as an id that does not exist (never 403, never a hint that it exists).
- Master data travels by code (`district`, `agency`), never by internal integer id.
- Lists are paginated by page number: `?page=1&page_size=25` (page_size 1–100, default 25);
  the body is `{"items": [...], "count": total, "page": n, "page_size": n}`, and the ids
  written to the audit trail are exactly the ids returned (yorisoi/http/paging.py says how).
  The person list and search are not counted (issue 16: a count reads every row the user may
  see): their body adds `has_next` and `count_exact`, and `count` is the total only on the
  last page; before it, a lower bound (this page's end + 1), so a client that pages until
  page × page_size ≥ count still reaches the end.
- Input types are loose (`str | None`) where the rule lives in the model or the service, so a
  bad value comes back as 422 with the same Japanese message as on the screen."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from ninja import Query, Router, Schema, Status

from yorisoi import access
from yorisoi.audit.log import record, record_reads
from yorisoi.directory.models import District
from yorisoi.http.errors import ErrorOut, one_or_404
from yorisoi.http.paging import PageQuery, window_page_of
from yorisoi.http.validation import raise_field_errors

from . import selectors, services
from .forms import parse_birth_date
from .models import Household, Person
from .schemas import (
    MAX_MEMBERS,
    MIN_MEMBERS,
    HouseholdCreatedOut,
    HouseholdCreateIn,
    HouseholdDetailOut,
    HouseholdOut,
    HouseholdPageOut,
    HouseholdUpdateIn,
    MemberAddIn,
    MemberIn,
    PersonCreatedOut,
    PersonCreateIn,
    PersonDetailOut,
    PersonOut,
    PersonPageOut,
    PersonSearchIn,
    PersonStoryOut,
    PersonUpdateIn,
    PossibleDuplicateOut,
)

router = Router(tags=["本人・世帯"])


_NEW_MEMBER_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana")


def _birth_date(value, *, field="birth_date", errors):
    """和暦 or 西暦, parsed like the form; a bad value is added to `errors` under `field`."""
    try:
        return parse_birth_date(value)
    except ValidationError as exc:
        errors[field] = exc.error_dict["birth_date"]
        return None


def _district(code, *, errors):
    if not code:
        return None
    district = District.objects.filter(code=code, active=True).first()
    if district is None:
        errors["district"] = [
            ValidationError(
                "地区コードが見つかりません。/api/v1/districts の code を指定してください。",
                code="invalid_choice",
            )
        ]
    return district


def _fields(payload: Schema, *, exclude=()) -> tuple[dict, dict]:
    """The fields the caller sent, with birth date and district turned into values."""
    errors = {}
    fields = payload.model_dump(exclude_unset=True, exclude={"confirm_new", "version", *exclude})
    if "birth_date" in fields:
        fields["birth_date"] = _birth_date(fields["birth_date"], errors=errors)
    if "district" in fields:
        fields["district"] = _district(fields["district"], errors=errors)
    return fields, errors


def _new_members(user, rows: list[MemberIn], *, errors: dict, path: str = "members.{i}."):
    """services.NewMember for each row; a person the caller cannot see is "not found" (422).

    Errors are keyed by the input field; `path` places them in the list ("" for one member).
    """
    ids = [row.person_id for row in rows if row.person_id is not None]
    visible = {p.pk: p for p in access.visible_people(user).filter(pk__in=ids)}
    members = []
    for i, row in enumerate(rows):
        where = path.format(i=i)
        if row.person_id is None:
            fields = {key: getattr(row, key) or "" for key in _NEW_MEMBER_FIELDS}
            fields["birth_date"] = _birth_date(
                row.birth_date, field=f"{where}birth_date", errors=errors
            )
            members.append(services.NewMember(relationship=row.relationship, fields=fields))
            continue
        person = visible.get(row.person_id)
        if set(row.model_dump(exclude_unset=True)) - {"relationship", "person_id"}:
            errors[f"{where}person_id"] = [
                ValidationError(
                    "登録済みの本人（person_id）か新しい本人の氏名などの、どちらか一方を"
                    "指定してください。",
                    code="invalid",
                )
            ]
        elif person is None:
            # The same answer for someone else's person and for an id that does not exist.
            errors[f"{where}person_id"] = [
                ValidationError("選んだ本人が見つかりません。", code="not_found")
            ]
        members.append(services.NewMember(relationship=row.relationship, person=person))
    return members


def _zero_based(exc: services.MemberErrors) -> ValidationError:
    """MemberErrors numbers rows from 1 like the form; JSON arrays (and pydantic) count from 0."""
    return ValidationError(
        {
            f"members.{n - 1}.{field}": errs
            for n, row_exc in exc.by_row.items()
            for field, errs in row_exc.error_dict.items()
        }
    )


def _visible_person(user, person_id) -> Person:
    people = access.visible_people(user).select_related("district", "agency")
    return one_or_404(people, pk=person_id)


def _visible_household(user, household_id) -> Household:
    """The household with its members as the user may see them (attach_members)."""
    try:
        household = selectors.household_detail(user=user, household_id=household_id)
    except Household.DoesNotExist as exc:
        raise Http404 from exc
    household.member_bases = selectors.attach_members(user=user, households=[household])
    return household


@router.get(
    "/people",
    response={200: PersonPageOut},
    url_name="person_list",
    summary="本人の一覧",
)
def person_list(request, paging: Query[PageQuery]):
    """見ることのできる本人の一覧（フリガナ順、画面と同じ順）。

    返した本人のIDは監査ログ（person.listed）に記録されます。
    """
    user = request.auth
    result = window_page_of(selectors.person_search(user=user), paging)
    bases = access.person_bases(user, [p.pk for p in result["items"]])
    record_reads("person.listed", actor=user, request=request, bases=bases)
    return result


# Declared before /people/{person_id} so that "search" is never read as an id.
@router.post(
    "/people/search",
    response={200: PersonPageOut, 422: ErrorOut},
    url_name="person_search",
    summary="本人を探す",
)
def person_search(request, payload: PersonSearchIn, paging: Query[PageQuery]):
    """氏名・フリガナと生年月日で本人を探します。

    氏名を URL やログに残さないため POST です。文字幅、ひらがな・カタカナ、空白、旧字体
    （髙→高 など）の違いは区別しません。生年月日は和暦でも西暦でも入力できます。
    ページ番号はクエリ（`?page=2`）で指定します。返した本人のIDは監査ログ（person.searched）に
    記録されます。
    """
    errors = {}
    birth_date = _birth_date(payload.birth_date, errors=errors)
    raise_field_errors(errors)
    query = payload.query or ""
    people = selectors.person_search(user=request.auth, query=query, birth_date=birth_date)
    result = window_page_of(people, paging)
    record_reads(
        "person.searched" if (query or birth_date) else "person.listed",
        actor=request.auth,
        request=request,
        bases=access.person_bases(request.auth, [p.pk for p in result["items"]]),
    )
    return result


class _PossibleDuplicate(Exception):
    pass


def _hidden(matches) -> dict:
    """What the caller may know of likely matches they may not see (access.split_matches): one
    flag and one sentence, the same for one as for many, nothing about who or where."""
    return {
        "other_agency_match": matches.others_exist,
        "other_agency_message": str(access.HIDDEN_MATCH_MESSAGE) if matches.others_exist else None,
    }


@router.post(
    "/people",
    response={201: PersonCreatedOut, 409: PossibleDuplicateOut, 422: ErrorOut},
    url_name="person_create",
    summary="本人を登録する",
)
def person_create(request, payload: PersonCreateIn):
    """本人を登録します（登録前の確認つき）。

    画面と同じく、すべての機関の登録から同じ人かもしれない本人を探します。見ることのできる
    本人がいれば登録せずに 409 `possible_duplicate` と候補（matches、可能性の高い順）を返します。
    確認のうえ別人なら `confirm_new: true` を付けて送り直してください。入力の誤りは候補より
    先に 422 で返します。

    見ることのできない本人が候補にあるときは、その氏名・機関・件数は返さず、
    `other_agency_match: true` と `other_agency_message` だけを返します（201 でも 409 でも
    同じ形）。登録したときに福祉総務課（調整担当）の確認待ちに入ります。
    """
    user = request.auth
    fields, errors = _fields(payload)
    raise_field_errors(errors)
    matches = _matches_for(user, fields)
    try:
        # Saved in a savepoint first so that bad input answers 422 before any 409, as the
        # screen validates its form before showing matches; rolled back if matches must be seen.
        with transaction.atomic():
            person = services.person_create(actor=user, request=request, **fields)
            if matches.visible and not payload.confirm_new:
                raise _PossibleDuplicate
            services.flag_hidden_matches(actor=user, found=[(person, matches)], request=request)
    except _PossibleDuplicate:
        return _possible_duplicate(request, matches)
    for key, value in _hidden(matches).items():
        setattr(person, key, value)
    return Status(201, person)


def _matches_for(user, fields) -> selectors.LikelyMatches:
    """Search before create across all agencies for a new person's fields (as the screens)."""
    return selectors.person_likely_matches(
        user=user,
        **{key: fields.get(key) or "" for key in (*_NEW_MEMBER_FIELDS, "address", "phone")},
        birth_date=fields.get("birth_date"),
    )


def _possible_duplicate(request, matches):
    """409: the likely matches the caller may see (a read, audited), best first."""
    record_reads("person.matches_shown", actor=request.auth, request=request, bases=matches.bases)
    return Status(
        409,
        {
            "code": "possible_duplicate",
            "message": "同じ人かもしれない本人がすでに登録されています。確認のうえ、別人なら"
            " confirm_new: true を付けて登録してください。",
            "errors": [],
            "matches": matches.visible,
            **_hidden(matches),
        },
    )


@router.get(
    "/people/{person_id}",
    response={200: PersonDetailOut, 404: ErrorOut},
    url_name="person_detail",
    summary="本人の情報",
)
def person_detail(request, person_id: UUID):
    """本人の情報。見ることのできない本人は、存在しない場合と同じ 404 になります。

    `linked_registrations` は、福祉総務課が同一人物と確認したほかの機関の登録のうち、見ることの
    できるものです（`identity_id` は名寄せを確認できる福祉総務課にだけ返します）。
    閲覧は監査ログ（person.viewed、閲覧の根拠つき）に記録されます。
    """
    user = request.auth
    person = _visible_person(user, person_id)
    person.linked_registrations, identity = selectors.linked_registrations(user=user, person=person)
    person.identity_id = identity.pk if identity else None
    record(
        "person.viewed",
        actor=user,
        target=person,
        basis=access.person_basis(user, person),
        request=request,
        data={"linked_ids": [str(p.pk) for p in person.linked_registrations]},
    )
    person.visible_households = list(selectors.person_households(user=user, person=person))
    return person


def _story_items(section) -> list[dict]:
    """A story section's rows as the API gives them: agencies by code, as everywhere else."""
    key, rows = section.key, section.rows
    if key == "consultations":
        return [
            {
                "id": c.pk,
                "received_at": c.received_at,
                "outcome": c.outcome,
                "is_open": c.is_open,
                "responsible_agency": c.responsible_agency.code,
                "next_action_on": c.next_action_on if c.is_open else None,
                "summary": c.summary,
            }
            for c in rows
        ]
    if key == "referrals":
        return [
            {
                "id": r.pk,
                "consultation_id": r.consultation_id,
                "kind": r.kind,
                "status": r.status,
                "from_agency": r.from_agency.code,
                "to_agency": r.to_agency.code,
                "sent_at": r.sent_at,
                "answered_at": r.answered_at,
            }
            for r in rows
        ]
    if key == "cases":
        return [
            {
                "id": c.pk,
                "number": c.number,
                "title": c.title,
                "status": c.status,
                "lead_agency": c.lead_agency.code,
                "opened_at": c.opened_at,
            }
            for c in rows
        ]
    if key == "outreach":
        return [
            {
                "id": t.pk,
                "label": t.label,
                "status": t.status,
                "stage": t.stage,
                "responsible_agency": t.responsible_agency.code,
                "next_contact_on": t.next_contact_on if t.is_open else None,
            }
            for t in rows
        ]
    return [
        {
            "id": n.pk,
            "title": str(n),
            "responsible_agency": n.responsible_agency.code,
            "created_at": n.created_at,
        }
        for n in rows
    ]


@router.get(
    "/people/{person_id}/story",
    response={200: PersonStoryOut, 404: ErrorOut},
    url_name="person_story",
    summary="本人についての相談・つなぎ・ケース・アウトリーチ・参加支援",
)
def person_story(request, person_id: UUID):
    """本人のページと同じ内容です（selectors.person_story）：相談、つなぎ・移管、ケース、
    アウトリーチ、参加支援のニーズのうち、見ることのできるものだけを新しい順に最大10件、全件数と
    ともに返します。見ることのできない本人は 404 です。返した記録は種類ごとに、閲覧の根拠つきで
    監査ログに記録されます（consultation.listed、referral.listed、case.listed など）。
    """
    user = request.auth
    person = _visible_person(user, person_id)
    story = selectors.person_story(user=user, person=person)
    for section in story.sections:
        if section.rows:
            action = section.action
            data = {"person": str(person.pk)}
            record_reads(action, actor=user, request=request, bases=section.bases, data=data)
    return {
        section.key: {"count": section.total, "items": _story_items(section)}
        for section in story.sections
    }


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="person_update",
    summary="本人の情報を変更する",
)
def person_update(request, person_id: UUID, payload: PersonUpdateIn):
    """送った項目だけを変更します。`version` は必須です。

    ほかの人が先に変更していた場合は何も保存せず 409 `concurrent_edit` を返します。
    最新の内容を取得し直してから変更してください。
    """
    user = request.auth
    person = _visible_person(user, person_id)
    if not access.can_edit_person(user, person):
        raise Http404
    fields, errors = _fields(payload)
    raise_field_errors(errors)
    return services.person_update(
        actor=user, person=person, version=payload.version, request=request, **fields
    )


@router.get(
    "/households",
    response={200: HouseholdPageOut},
    url_name="household_list",
    summary="世帯の一覧",
)
def household_list(request, paging: Query[PageQuery]):
    """見ることのできる世帯の一覧（新しい順）と世帯員。本人の一覧と同じく数えずに返します:
    count は最後のページでは全件数、それより前では下限（count_exact が false）。

    返した世帯のIDは監査ログ（household.listed）に記録されます。
    """
    user = request.auth
    result = window_page_of(selectors.household_list(user=user), paging)
    members = selectors.attach_members(user=user, households=result["items"])
    bases = access.household_bases(user, [h.pk for h in result["items"]])
    record_reads("household.listed", actor=user, request=request, bases=bases)
    if members:
        record_reads("person.listed", actor=user, request=request, bases=members)
    return result


@router.post(
    "/households",
    response={201: HouseholdCreatedOut, 409: PossibleDuplicateOut, 422: ErrorOut},
    url_name="household_create",
    summary="世帯を登録する",
)
def household_create(request, payload: HouseholdCreateIn):
    """世帯と世帯員をまとめて登録します。すべて保存されるか、何も保存されないかのどちらかです。

    世帯員は登録済みの本人（`person_id`）か、新しい本人（氏名・フリガナ・生年月日）で
    指定します。同じ人を2回含めること、世帯主を2人にすることはできません。
    世帯員の誤りは `members.0.birth_date` のように0から数えた位置で返します。

    新しい世帯員は、本人の登録（POST /people）と同じく、すべての機関の登録から同じ人かも
    しれない本人を探します。見ることのできる本人がいれば登録せずに 409 `possible_duplicate`
    と候補を返し、確認のうえ別人なら `confirm_new: true` で送り直します。見ることのできない
    本人については `other_agency_match` と `other_agency_message` だけを返し、福祉総務課
    （調整担当）の確認待ちに入ります。
    """
    user = request.auth
    fields, errors = _fields(payload, exclude={"members"})
    if not MIN_MEMBERS <= len(payload.members) <= MAX_MEMBERS:
        errors["members"] = [
            ValidationError(
                f"世帯員は{MIN_MEMBERS}人以上{MAX_MEMBERS}人以下で指定してください。",
                code="count",
            )
        ]
    members = _new_members(user, payload.members, errors=errors)
    raise_field_errors(errors)
    found = [_matches_for(user, m.fields) if m.person is None else selectors.NO_MATCHES
             for m in members]  # fmt: skip
    matches = selectors.LikelyMatches.combine(found)
    try:
        with transaction.atomic():
            household = services.household_create(
                actor=user, request=request, members=members, **fields
            )
            if matches.visible and not payload.confirm_new:
                raise _PossibleDuplicate
            people = [m.person for m in household.memberships.order_by("order")]
            services.flag_hidden_matches(
                actor=user, found=list(zip(people, found, strict=True)), request=request
            )
    except services.MemberErrors as exc:
        raise _zero_based(exc) from exc
    except _PossibleDuplicate:
        return _possible_duplicate(request, matches)
    return Status(201, _with_hidden(_visible_household(user, household.pk), matches))


def _with_hidden(household, matches):
    for key, value in _hidden(matches).items():
        setattr(household, key, value)
    return household


@router.get(
    "/households/{household_id}",
    response={200: HouseholdDetailOut, 404: ErrorOut},
    url_name="household_detail",
    summary="世帯の情報",
)
def household_detail(request, household_id: UUID):
    """世帯の情報と世帯員。見ることのできない世帯は、存在しない場合と同じ 404 になります。

    世帯員が福祉総務課によってほかの機関の登録と同一人物と確認されていれば、その登録が
    属する世帯のうち見ることのできるものを `linked_households` に、この世帯とそれらの
    世帯員についての相談・支援のうち見ることのできるものを `involvements` に返します
    （画面と同じ内容です）。閲覧は監査ログ（household.viewed、世帯員のIDつき、つながった
    世帯は household.linked_viewed）に記録されます。
    """
    user = request.auth
    household = _visible_household(user, household_id)
    household.whole = selectors.household_whole(user=user, household=household)
    services.household_viewed(
        actor=user,
        household=household,
        members=household.member_bases,
        whole=household.whole,
        request=request,
    )
    return household


@router.patch(
    "/households/{household_id}",
    response={200: HouseholdOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="household_update",
    summary="世帯の情報を変更する",
)
def household_update(request, household_id: UUID, payload: HouseholdUpdateIn):
    """送った項目だけを変更します。`version` は必須で、先に変更されていれば 409 です。

    世帯員の追加は `POST /households/{household_id}/members` で行います。
    """
    user = request.auth
    household = _visible_household(user, household_id)
    if not access.can_edit_household(user, household):
        raise Http404
    fields, errors = _fields(payload)
    raise_field_errors(errors)
    services.household_update(
        actor=user, household=household, version=payload.version, request=request, **fields
    )
    return _visible_household(user, household_id)


@router.post(
    "/households/{household_id}/members",
    response={201: HouseholdCreatedOut, 404: ErrorOut, 409: PossibleDuplicateOut, 422: ErrorOut},
    url_name="household_member_add",
    summary="世帯員を追加する",
)
def household_member_add(request, household_id: UUID, payload: MemberAddIn):
    """登録済みの本人（`person_id`）か新しい本人を世帯に加え、世帯を返します。

    新しい本人は、本人の登録（POST /people）と同じく、すべての機関の登録から同じ人かもしれない
    本人を探してから加えます（409 possible_duplicate、`confirm_new`、`other_agency_match`）。
    """
    user = request.auth
    household = _visible_household(user, household_id)
    if not access.can_edit_household(user, household):
        raise Http404
    errors = {}
    (member,) = _new_members(user, [payload], errors=errors, path="")
    raise_field_errors(errors)
    matches = selectors.NO_MATCHES if member.person else _matches_for(user, member.fields)
    try:
        with transaction.atomic():
            added = services.household_member_add(
                actor=user, household=household, member=member, request=request
            )
            if matches.visible and not payload.confirm_new:
                raise _PossibleDuplicate
            services.flag_hidden_matches(
                actor=user, found=[(added.person, matches)], request=request
            )
    except _PossibleDuplicate:
        return _possible_duplicate(request, matches)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        # The service speaks of the household's member list; this body is one member.
        raise ValidationError(
            {"__all__" if k == "members" else k: v for k, v in exc.error_dict.items()}
        ) from exc
    return Status(201, _with_hidden(_visible_household(user, household_id), matches))
