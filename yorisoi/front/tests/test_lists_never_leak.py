"""A list never shows what a detail refuses (R6; issue 11, STYLE.md "What measuring the first
version taught").

Every persona walks every page and API answer it may open — lists, queues and their sections,
searches, pickers, exports, notifications, and the pages of every record it may read, whose
embedded lists (a household's members, a case's meetings) are lists too — through both doors:
the screens (Django's URL resolver, checked against access.ROUTES) and the API (the ninja
operations under /api/v1/, from its OpenAPI). The world (leak_world.py) starts every personal
text of every record with a unique marker; every marker found in an answer must belong to a
record the persona opens through that record's own page, where that very text shows.

Routes are found, not listed: a new route is walked as soon as it exists (a route with an id
is walked for every record of that kind the persona may read, see PARAMS). What the walk
cannot find by itself must be named below, or test_every_route_is_walked_or_classified fails:
screens that only take a POST (ACTIONS), POST searches and pickers with what to type into them
(SEARCHES), and a new kind of id (PARAMS).
"""

import functools
import io
import json
import re
import time
import uuid
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import product
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from yorisoi import access
from yorisoi.accounts.models import ApiToken
from yorisoi.api import api
from yorisoi.cases.models import Consent, Involvement, Meeting, ProgressRecord
from yorisoi.community.models import Activity, Site, Training
from yorisoi.resources.models import HsdsRecord, Service
from yorisoi.testing import client_for

from . import leak_world
from .leak_world import MARKER_RE
from .routes import screen_patterns

PERSONAS = ("hana", "masaki", "ichiro", "saki", "kazuko", "ken", "osamu", "tomoko", "jun")

# --- what the walk cannot find by itself -----------------------------------------------------

# Screens that take only a POST: each changes something and answers with a redirect or with its
# form again, and none lists records. test_actions_refuse_a_get proves each answers a GET with
# 405, so no page can hide here.
ACTIONS = frozenset(
    """
    accounts:logout accounts:token_create accounts:token_revoke accounts:recovery_codes_renew
    notifications:mark_read
    admin:logout
    intake:consultation_outcome intake:referral_create intake:referral_answer
    intake:referral_withdraw intake:referral_acknowledge
    intake:consultation_reassign intake:consultation_close intake:consultation_reopen
    intake:referral_assign cases:consultation_record_add
    cases:case_move cases:support_decision cases:involvement_end cases:track_end
    cases:meeting_participant_add cases:meeting_end_sharing cases:action_item_add
    cases:action_item_done
    outreach:target_reopen
    participation:placement_propose participation:placement_move participation:follow_up_done
    people:household_member_add resources:service_deactivate
    evaluation:report_new evaluation:target_set
    identity:match_confirm identity:match_reject identity:identity_unlink
    imports:job_commit
    """.split()
)

# POST searches and pickers (names travel in POST bodies, never in URLs), and what the walk
# types into them: the two prefixes every marker name starts with, so each search finds every
# person it may find (search-before-create matches a family name with a birth date: the world's
# people share a few).
PREFIXES = ("漏", "モレ")
SEARCHES = {
    "people:person_list": [{"q": q} for q in PREFIXES],
    "people:person_matches": [
        {"family_name": "漏", "birth_date": day.isoformat()} for day in leak_world.BIRTH_DATES
    ],
    "intake:person_picker": [{"q": q} for q in PREFIXES],
    "people:picker": [
        {"kind": kind, "field": "f", "f__q": q, "multiple": "1"}
        for kind in ("person", "household")
        for q in PREFIXES
    ],
    "cases:case_list": [{"q": q, "status": "all"} for q in PREFIXES],
    "cases:case_picker": [{"field": "f", "f__q": q} for q in (*PREFIXES, "20")],
    "outreach:person_link": [{"q": q} for q in PREFIXES],
    "participation:need_create": [{"find": "1", "q": q} for q in PREFIXES],
    "api:person_search": [{"query": q} for q in PREFIXES],
    "api:resource_search": [{"text": ""}],
}


# Query strings the walk could not find by following links: the queue lists one section in
# full under ?section=<key> (front/views.py), but links it only when it holds more than the
# overview shows; so every section the persona's work list has is asked for.
def _queue_sections(user):
    from yorisoi.front.work import work_list

    work = work_list(user=user)
    return [{"section": key} for key in [*work.consultations.sections(), *work.cases]]


# 今日やること (the home page): every tab the persona has, for the agency and for themselves.
def _today_tabs(user):
    from yorisoi.work.selectors import SCOPES, has_work_list, tabs_for

    if not has_work_list(user):
        return []
    return [{"tab": tab, "scope": scope} for tab in tabs_for(user) for scope in SCOPES]


QUERIES = {"front:queue": _queue_sections, "front:home": _today_tabs}

# What an id in a route stands for: the walk opens the route once for every record of that kind
# the persona may read (the policy's own visible_… sets), or for the values named here.
PARAMS = {
    "person_id": "person",
    "household_id": "household",
    "consultation_id": "consultation",
    "case_id": "case",
    "meeting_id": "meeting",
    "involvement_id": "involvement",
    "consent_id": "consent",
    "record_id": "record",
    "target_id": "target",
    "need_id": "need",
    "run_id": "report_run",
    "service_id": "service",
    "site_id": "site",
    "activity_id": "activity",
    "training_id": "training",
    "code": "indicator",
    "fmt": "format",
    "match_id": "match",
    "identity_id": "identity",
    "job_id": "import_job",
    "term_id": "outside_term",
}

# Django admin pages of one object (users, master data): AdminSite registers no model with
# personal records (http/admin_site.py); its lists are walked.
ADMIN = "admin"

# Apps that hold figures, never a person (access.py: the evaluation "figures, never records",
# 地域づくり "counts only"): each of their pages is walked as it opens, not again for every
# period, programme and breakdown it links to.
FIGURES = ("evaluation", "community")

API_PAGE_SIZE = 10  # small, so that paging itself is walked
MAX_VARIANTS = 10  # query-string variants of one page followed per persona (sections, pages …)
FEW = 4  # a choice of at most this many views is walked view by view


# --- the routes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # as in access.ROUTES ("app:name", "api:operation")
    path: str  # a URL pattern for screens; the OpenAPI path for API operations
    params: tuple
    api: bool = False
    get: bool = True  # API: has a GET; screens: assumed unless in ACTIONS
    lists: bool = False  # API: answers a page or an array
    query: tuple = ()  # API: (name, values) of enumerated query parameters
    pages: bool = False  # API: takes page and page_size

    @property
    def admin_object(self):
        return self.name.startswith(f"{ADMIN}:") and bool(self.params)


def _api_operations():
    """(method, OpenAPI path) → the operation's url_name (its name in access.ROUTES), from
    ninja's routers (the OpenAPI document does not carry it); the rest comes from OpenAPI."""
    names = {}
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            bare = re.sub(r"\{\w+:", "{", path)
            for operation in view.operations:
                for method in operation.methods:
                    names[(method.lower(), f"/api/v1{bare}")] = operation.url_name
    return names


def _schema_lists(schema, components):
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema.get("type") == "array" or "items" in schema.get("properties", {})


def _views(schema):
    """The values of an enumerated query parameter that chooses a view (mine / all, open /
    closed / all). One that may be left out (null: no filter) only narrows: not walked."""
    return tuple(schema.get("enum", ()))


@functools.cache
def routes() -> tuple[Route, ...]:
    found = []
    for name, pattern in screen_patterns():
        if name.startswith("api:"):
            continue
        found.append(Route(name, name, tuple(pattern.pattern.regex.groupindex)))
    names = _api_operations()
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    by_name = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            name = f"api:{names[(method, path)]}"
            answers = next(v for k, v in operation["responses"].items() if str(k)[0] == "2")
            schema = answers.get("content", {}).get("application/json", {}).get("schema", {})
            parameters = operation.get("parameters", [])
            route = Route(
                name=name,
                path=path,
                params=tuple(p["name"] for p in parameters if p["in"] == "path"),
                api=True,
                get=method == "get",
                lists=_schema_lists(schema, components),
                query=tuple(
                    (p["name"], _views(p.get("schema", {})))
                    for p in parameters
                    if p["in"] == "query" and _views(p.get("schema", {}))
                ),
                pages={"page", "page_size"} <= {p["name"] for p in parameters},
            )
            by_name[name] = route
    # The API's own pages (docs, schema) are Django patterns outside the operations.
    for name, pattern in screen_patterns():
        if name.startswith("api:") and name not in by_name:
            found.append(Route(name, name, tuple(pattern.pattern.regex.groupindex)))
    return (*found, *by_name.values())


def walked(route: Route) -> bool:
    """Fetched with GET by the walk (for every persona the route map admits)."""
    if route.admin_object or route.name in ACTIONS:
        return False
    return route.get


# --- reading an answer ---------------------------------------------------------------------------


def text_of(response) -> str:
    """Everything a person could read in an answer: pages, JSON (unescaped), CSV, xlsx, PDF and
    zip exports."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if not body:
        return ""
    if "json" in kind:
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            return body.decode("utf-8", "replace")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if "pdf" in kind:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if "zip" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                archive.read(member).decode("utf-8", "replace") for member in archive.namelist()
            )
    if kind.startswith("image/"):
        return ""
    return body.decode("utf-8", "replace")


class _Links(HTMLParser):
    """Links, and GET forms with their fields, of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs, self.forms = [], []
        self._form = self._select = None

    def _field(self, name, kind):
        return self._form["fields"].setdefault(name, {"kind": kind, "values": [], "chosen": None})

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        elif tag == "form":
            get = (a.get("method") or "get").lower() == "get"
            self._form = {"action": a.get("action") or "", "fields": {}} if get else None
        elif self._form is None or not (a.get("name") or tag == "option"):
            return
        elif tag == "select":
            self._select = self._field(a["name"], "choice")
        elif tag == "option" and self._select is not None:
            self._select["values"].append(a.get("value", ""))
            if "selected" in a:
                self._select["chosen"] = a.get("value", "")
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "radio":  # how a filter is entered (年度 / 月 / 期間): as the page set it
                field = self._field(a["name"], "radio")
                field["values"].append(a.get("value", ""))
                if "checked" in a:
                    field["chosen"] = a.get("value", "")
            elif kind not in ("checkbox", "submit", "button", "file"):
                self._field(a["name"], "fixed")["values"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _choices(name, field):
    """What a browser would send for one field, the widest way. Filters narrow a list, so
    "all" where a choice offers it; where it does not, each of a handful of views (自機関の担当
    / 見られるものすべて); a long choice without "all" (years, districts) as the page set it."""
    values = list(dict.fromkeys(field["values"]))
    if field["kind"] == "fixed" or not values:
        return [(name, values[0] if values else "")]
    if "" in values:
        return [(name, "")]
    if field["kind"] == "choice" and len(values) <= FEW:
        return [(name, v) for v in values]
    return [(name, field["chosen"] if field["chosen"] is not None else values[0])]


def variants(url: str, html: str) -> list[str]:
    """The same page under other query strings: its links (sections, pages, filters) and its
    GET forms sent the widest way."""
    here = urlsplit(url)
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        link = urlsplit(href)
        if link.path in ("", here.path) and link.query and not link.scheme:
            found.append(f"{here.path}?{link.query}")
    for form in parser.forms:
        if urlsplit(form["action"]).path not in ("", here.path):
            continue
        choices = [_choices(name, field) for name, field in form["fields"].items()]
        for fields in product(*choices):
            found.append(f"{here.path}?{urlencode(fields)}")
    return found


# --- the walk --------------------------------------------------------------------------------------


def _ids(world, kind, queryset):
    return list(queryset.filter(pk__in=world.ids.get(kind, [])).values_list("pk", flat=True))


def candidates(world, user, kind) -> list:
    """The ids the persona may read, among the world's records of this kind."""
    visible = {
        "person": access.visible_people,
        "household": access.visible_households,
        "consultation": access.visible_consultations,
        "case": access.visible_cases,
        "target": access.visible_outreach_targets,
        "need": access.visible_participation_needs,
        "report_run": access.visible_report_runs,
        "match": access.visible_match_candidates,
        "identity": access.visible_identities,
        "import_job": access.visible_import_jobs,
    }
    if kind in visible:
        return _ids(world, kind, visible[kind](user))
    cases = access.visible_cases(user)
    if kind == "meeting":  # a participant who has not pledged yet opens the meeting's page too
        meetings = Meeting.objects.filter(pk__in=world.ids.get("meeting", []))
        return list(
            (meetings.filter(case__in=cases) | meetings.filter(participants__user=user))
            .distinct()
            .values_list("pk", flat=True)
        )
    through_case = {"involvement": Involvement, "consent": Consent, "record": ProgressRecord}
    if kind in through_case:
        return _ids(world, kind, through_case[kind].objects.filter(case__in=cases))
    public = {"service": Service, "site": Site, "activity": Activity, "training": Training,
              "outside_term": HsdsRecord}  # fmt: skip
    if kind in public:  # no personal data: one is enough
        return world.ids.get(kind, [])[:1]
    if kind == "indicator":  # "all" exports every figure of the dashboard
        from yorisoi.evaluation.indicators import INDICATORS

        return ["all", next(iter(INDICATORS))]
    if kind == "format":
        return ["csv", "xlsx"]
    raise AssertionError(f"no candidates for {kind}")


@dataclass
class Seen:
    route: str
    url: str
    marker: str


class Walk:
    """One persona's walk: what it fetched, what markers it was shown."""

    def __init__(self, world, name, user):
        self.world, self.name, self.user = world, name, user
        self.screen = client_for(user)
        _, raw = ApiToken.issue(user=user, name="漏洩の検査")
        self.api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.pages = {}  # (door, url) → (status, text)
        self.seen: list[Seen] = []
        self.fetched, self.post_only = set(), set()
        self.requests = 0
        self._candidates = {}

    # fetching

    def _get(self, door, url):
        key = (door, url)
        if key not in self.pages:
            client = self.api if door == "api" else self.screen
            response = client.get(url)
            self.requests += 1
            self.pages[key] = (response.status_code, text_of(response))
        return self.pages[key]

    def _scan(self, route, url, text):
        for marker in dict.fromkeys(MARKER_RE.findall(text)):
            self.seen.append(Seen(route, url, marker))

    def ids(self, kind):
        if kind not in self._candidates:
            self._candidates[kind] = candidates(self.world, self.user, kind)
        return self._candidates[kind]

    def fill(self, params):
        """Every combination of ids the persona may read for the route's parameters."""
        choices = [[(p, v) for v in self.ids(PARAMS[p])] for p in params]
        return [dict(c) for c in product(*choices)]

    # screens

    def screen_page(self, route, url):
        todo, done = [url], 0
        while todo and done < MAX_VARIANTS:
            current = todo.pop(0)
            if ("screen", current) in self.pages and current != url:
                continue
            done += 1
            status, text = self._get("screen", current)
            if status == 405:
                self.post_only.add(route.name)
                return
            self.fetched.add(route.name)
            self._scan(route.name, current, text)
            # The admin's pages list accounts and master data; their sort orders add nothing.
            follow = route.name.split(":")[0] not in (ADMIN, *FIGURES)
            if status == 200 and follow and "<html" in text[:500].lower():
                todo += [v for v in variants(current, text) if ("screen", v) not in self.pages]

    def screen_search(self, route, url, payload):
        """POST the search, then each further page its result offers (POSTed page buttons)."""
        todo, done = [payload], []
        while todo:
            current = todo.pop(0)
            done.append(current)
            response = self.screen.post(url, current)
            self.requests += 1
            self.fetched.add(route.name)
            text = text_of(response)
            self._scan(route.name, f"POST {url} {current}", text)
            for number in re.findall(r'name="page" value="(\d+)"', text):
                more = {**payload, "page": number}
                if more not in done and more not in todo:
                    todo.append(more)

    # API

    def api_pages(self, route, url, query):
        page = 1
        while True:
            params = dict(query)
            if route.pages:
                params.update(page=page, page_size=API_PAGE_SIZE)
            full = f"{url}?{urlencode(params)}" if params else url
            status, text = self._get("api", full)
            self.fetched.add(route.name)
            self._scan(route.name, full, text)
            if not (route.pages and status == 200):
                return
            body = json.loads(text)
            if not isinstance(body, dict) or page * body["page_size"] >= body["count"]:
                return
            page += 1

    def api_search(self, route, url, payload):
        page = 1
        while True:
            full = f"{url}?{urlencode({'page': page, 'page_size': API_PAGE_SIZE})}"
            response = self.api.post(full, payload, content_type="application/json")
            self.requests += 1
            self.fetched.add(route.name)
            text = text_of(response)
            self._scan(route.name, f"POST {full} {payload}", text)
            if response.status_code != 200:
                return
            body = json.loads(text)
            if page * body["page_size"] >= body["count"]:
                return
            page += 1

    # the whole walk

    def run(self, all_routes, skip=frozenset()):
        for route in all_routes:
            if not (walked(route) or route.name in SEARCHES) or route.name in skip:
                continue
            if not access.route_allows(self.user, route.name):
                continue
            for kwargs in self.fill(route.params):
                if route.api:
                    url = route.path.format(**kwargs)
                else:
                    url = reverse(route.name, kwargs=kwargs)
                if walked(route):
                    if route.api:
                        queries = [()] + [((k, v),) for k, values in route.query for v in values]
                        for query in queries:
                            self.api_pages(route, url, query)
                    else:
                        self.screen_page(route, url)
                        for query in QUERIES.get(route.name, lambda user: [])(self.user):
                            self.screen_page(route, f"{url}?{urlencode(query)}")
                for payload in SEARCHES.get(route.name, []):
                    if route.api:
                        self.api_search(route, url, payload)
                    else:
                        self.screen_search(route, url, payload)
        return self

    # the oracle: does the persona read this marker on its record's own page?

    def reads(self, mark, fetch=True) -> bool:
        """Pages already fetched first, then the API (cheaper), then the screens."""
        homes = sorted(mark.homes, key=lambda h: (h not in self.pages, h[0] != "api"))
        for home in homes:
            if home[0] == "policy":
                _, function, pk = home
                if getattr(access, function)(self.user).filter(pk=pk).exists():
                    return True
                continue
            if not fetch and home not in self.pages:
                continue
            status, text = self._get(*home)
            if status == 200 and mark.marker in text:
                return True
        return False


def _leaks(walk: Walk) -> list[str]:
    """One line per route and record: what of it the persona was shown, on which pages, and
    where it was refused."""
    shown, urls, marks = {}, {}, {}
    for seen in walk.seen:
        mark = walk.world.marks.get(seen.marker)
        if mark is None:
            shown.setdefault((seen.route, "a marker nobody wrote"), []).append(seen.marker)
            continue
        if walk.reads(mark):
            continue
        key = (seen.route, walk.world.describe(mark))
        what = f"{mark.kind}「{mark.field}」{mark.marker}"
        if what not in shown.setdefault(key, []):
            shown[key].append(what)
        if seen.url not in urls.setdefault(key, []):
            urls[key].append(seen.url)
        marks.setdefault(key, mark)
    lines = []
    for key, whats in shown.items():
        route, record = key
        pages = urls.get(key, [])
        where = " ".join(pages[:3]) + (f" (+{len(pages) - 3})" if len(pages) > 3 else "")
        refused = ", ".join(h[1] for h in marks[key].homes) if key in marks else ""
        lines.append(
            f"{walk.name}: {route} [{where}] shows {'、'.join(whats)} of {record}, "
            f"which {walk.name} cannot open ({refused})"
        )
    return lines


# --- the tests ---------------------------------------------------------------------------------------


def classify(route: Route) -> str | None:
    """How the walk treats a route, or None when it cannot tell (then classify it above)."""
    if route.admin_object:
        return "Django admin, one object (not walked)"
    if route.name in ACTIONS:
        return "screen action, POST only (not walked)"
    if route.api and not route.get:
        if route.lists:
            return "API search (POSTed)" if route.name in SEARCHES else None
        return "API action, answers one record (not walked)"
    if any(p not in PARAMS for p in route.params):
        return None
    kind = "walked for every record" if route.params else "walked"
    return f"{kind}, and searched" if route.name in SEARCHES else kind


def test_every_route_is_walked_or_classified():
    """Deny by default, for lists: every route in access.ROUTES (and every other screen and
    API operation) is walked, or named in ACTIONS or SEARCHES; a new kind of id needs PARAMS."""
    all_routes = routes()
    names = {r.name for r in all_routes}
    unclassified = sorted(r.name for r in all_routes if classify(r) is None)
    assert unclassified == [], "walk them (PARAMS), or name them in ACTIONS or SEARCHES"
    assert sorted(set(access.ROUTES) - names) == [], "in access.ROUTES, but no such route"
    assert sorted((ACTIONS | set(SEARCHES)) - names) == [], "classified, but no such route"
    assert sorted(ACTIONS & {r.name for r in all_routes if r.api}) == [], (
        "API operations are classified by their OpenAPI answer, not in ACTIONS"
    )


def test_actions_refuse_a_get(ichiro, kazuko, osamu):
    """ACTIONS hides no page: each answers a GET with 405 whatever the id."""
    fake = {"uuid": uuid.uuid4(), "int": 1}
    answers = {}
    for route in routes():
        if route.name not in ACTIONS:
            continue
        pattern = dict(screen_patterns())[route.name].pattern
        kwargs = {
            k: fake["uuid"] if type(c).__name__ == "UUIDConverter" else fake["int"]
            for k, c in pattern.converters.items()
        }
        users = (osamu,) if route.name.startswith(f"{ADMIN}:") else (ichiro, kazuko, osamu)
        user = next(u for u in users if access.route_allows(u, route.name))
        answers[route.name] = client_for(user).get(reverse(route.name, kwargs=kwargs)).status_code
    assert {name: code for name, code in answers.items() if code != 405} == {}
    assert set(answers) == ACTIONS


@pytest.fixture
def world(hana, masaki, ichiro, saki, kazuko, ken, osamu, tomoko, jun):
    personas = dict(
        hana=hana, masaki=masaki, ichiro=ichiro, saki=saki, kazuko=kazuko, ken=ken,
        osamu=osamu, tomoko=tomoko, jun=jun,
    )  # fmt: skip
    return leak_world.build(personas)


def test_every_list_shows_only_what_its_reader_may_open(world):
    started = time.monotonic()
    all_routes = routes()
    # Public routes (sign-in, the API's schema and docs) answer alike to all: walked once.
    public = {r.name for r in all_routes if access.ROUTES.get(r.name) == access.PUBLIC}
    walks = {
        name: Walk(world, name, world.users[name]).run(all_routes, skip=public if n else ())
        for n, name in enumerate(PERSONAS)
    }

    # The world is sound: every marker shows on its own page to someone allowed to read it
    # (pages already fetched first; then the users most likely to read it).
    likely = ["ichiro", "goro", "yumi", *PERSONAS]
    readers = [walks.get(n) or Walk(world, n, world.users[n]) for n in dict.fromkeys(likely)]
    unread = [
        m.marker
        for m in world.marks.values()
        if not any(w.reads(m, fetch=False) for w in readers)
        and not any(w.reads(m) for w in readers)
    ]
    assert unread == [], "markers no page shows to anyone: the world is wrong"

    # The walk covered the routes: each was fetched by someone, and none assumed to answer a
    # GET turned out to take only a POST (then it belongs in ACTIONS).
    post_only = set().union(*(w.post_only for w in walks.values())) - ACTIONS - set(SEARCHES)
    assert post_only == set(), "screens that take only a POST: classify them"
    fetched = set().union(*(w.fetched for w in walks.values()))
    expected = {r.name for r in all_routes if walked(r) or r.name in SEARCHES}
    assert sorted(expected - fetched) == [], "routes nobody walked: give the world a record"
    for name in ("hana", "masaki", "ichiro", "saki", "jun", "tomoko"):
        assert walks[name].seen, f"{name} was shown no marker at all: the walk reads nothing"

    leaks = [line for walk in walks.values() for line in _leaks(walk)]
    print(f"walked in {time.monotonic() - started:.1f} s:")
    for name, walk in walks.items():
        print(f"  {name}: {len(walk.fetched)} routes, {walk.requests} requests")
    assert leaks == [], "\n".join(["lists show what their readers may not open:", *leaks])
