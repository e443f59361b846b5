"""The HSDS 3 read API (issue 17 part 2): the paths of the spec's OpenAPI (schema/openapi.json,
vendored in tests/hsds_spec) under /api/v1/hsds/, read-only, for the city's own portal or a
neighbouring system.

- `GET /hsds/` — {version, profile, openapi_url}.
- `GET /hsds/services`, `/hsds/services/{id}` — a page of services (their own fields; the
  whole nested record with `full=true`), one service nested in full (organization,
  service_at_locations with their locations, schedules, attributes, capacities …).
- `GET /hsds/organizations[/{id}]`, `/hsds/service_at_locations[/{id}]`, `/hsds/taxonomies[/{id}]`,
  `/hsds/taxonomy_terms[/{id}]` — likewise.
- Paging as the spec's `Page`: `?page=1&per_page=50` in; `total_items`, `total_pages`,
  `page_number`, `size`, `first_page`, `last_page`, `empty`, `contents` out.
- Filters as the spec names them: `taxonomy_term_id`, `taxonomy_id`, `organization_id`,
  `modified_after`, `full`, `full_service`, `top_only`, `parent_id`, and `search` on the
  public names of organisations, taxonomies and terms.

Who may read: the same as every read of the directory (access.reads_resources through the
route map: casework roles and analysts, with a session or an API token); the records are the
export's (hsds.export), so every one of them passes the official schemas, and a record nested
here is the same record the export writes. Deliberate differences from the spec: no free-text
`search` on services and service_at_locations (what a worker types may describe a person's
need, and a query string ends up in access logs: POST /api/v1/resources/search is that search),
no `format=ndjson`, `postcode`/`proximity` or `minimal`.
"""

import math
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from yorisoi import access
from yorisoi.http.errors import ErrorOut
from yorisoi.http.validation import raise_field_errors
from yorisoi.people.names import normalize_for_search

from . import hsds, hsds_shapes, selectors

router = Router(tags=["HSDS 3（読み取り）"])

PER_PAGE, MAX_PER_PAGE = 50, 200


class PageIn(Schema):
    page: int = Field(1, ge=1, le=100_000, description="ページ番号（1から）")
    per_page: int = Field(
        PER_PAGE, ge=1, le=MAX_PER_PAGE, description=f"1ページの件数（最大{MAX_PER_PAGE}）"
    )


class PageOut(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict]


class RootOut(Schema):
    version: str
    profile: str
    openapi_url: str


class ServiceFilter(PageIn):
    taxonomy_term_id: str | None = Field(None, description="この分類（taxonomy_term）の資源")
    taxonomy_id: str | None = Field(None, description="この分類体系のいずれかの分類の資源")
    organization_id: str | None = Field(None, description="この運営団体の資源")
    modified_after: datetime | None = Field(None, description="この日時以降に更新されたもの")
    full: bool = Field(False, description="入れ子の完全な形で返す")
    search: str | None = Field(
        None,
        description="使えません（422）。キーワード検索は本人の事情を含みうるため、URLに残らない "
        "POST /api/v1/resources/search で行います。",
    )


class OrganizationFilter(PageIn):
    search: str | None = Field(None, max_length=100, description="団体名の一部")
    full: bool = Field(False, description="入れ子の完全な形で返す")
    full_service: bool = Field(False, description="団体の資源も完全な形で返す")


class TermFilter(PageIn):
    search: str | None = Field(None, max_length=100, description="分類名の一部")
    taxonomy_id: str | None = Field(None, description="この分類体系の分類")
    top_only: bool = Field(False, description="上位の分類のないものだけ")
    parent_id: str | None = Field(None, description="この分類の下位の分類")


class SearchPage(PageIn):
    search: str | None = Field(None, max_length=100, description="名称の一部")


# --- the records: the export's rows, nested as the spec's full forms ---------------------------


class _Directory:
    """The export's tables with what nesting needs: rows by id, children by parent."""

    def __init__(self, user):
        self.user = user
        self.document = hsds.export()
        self.rows: dict[str, list[dict]] = {}
        for table, spec in hsds_shapes.tables().items():
            self.rows[table] = self.document.get(spec["file"], [])
        self.by_id = {t: {r["id"]: r for r in rows} for t, rows in self.rows.items()}
        visible = {str(pk) for pk in access.visible_services(user).values_list("pk", flat=True)}
        self.rows["service"] = [r for r in self.rows["service"] if r["id"] in visible]
        self.by_id["service"] = {r["id"]: r for r in self.rows["service"]}
        # An outside term mapped to one of the city's categories stands for it in the
        # taxonomy_term_id filter (issue 17 part 3); the records still show the term received.
        self.through_outside = {
            str(service_id): {str(c) for c in categories}
            for service_id, categories in selectors.categories_through_outside_terms().items()
        }

    def children(self, table: str, parent_table: str, parent_id: str) -> list[dict]:
        if table == "attribute":
            return [r for r in self.rows[table] if r.get("link_id") == parent_id]
        link = f"{parent_table}_id"
        return [r for r in self.rows[table] if r.get(link) == parent_id]

    def nest(self, table: str, row: dict, path=(), *, deep=True) -> dict:
        """`row` with its nested records as the spec's full form holds them; a table already
        on the way down is not nested again (a service's organization lists no services)."""
        out = dict(row)
        path = (*path, table)
        for key, (child, many) in hsds_shapes.tables()[table]["nested"].items():
            if child in path or (not deep and child in ("service", "organization")):
                continue
            if many:
                found = self.children(child, table, row["id"])
                if found:
                    out[key] = [self.nest(child, r, path, deep=deep) for r in found]
            else:
                link = "taxonomy_id" if child == "taxonomy" else f"{child}_id"
                target = self.by_id[child].get(row.get(link))
                if target is not None:
                    out[key] = self.nest(child, target, path, deep=deep)
        return out

    def terms_of(self, service_id: str) -> set[str]:
        return {
            a["taxonomy_term_id"]
            for a in self.children("attribute", "service", service_id)
            if a.get("taxonomy_term_id")
        } | self.through_outside.get(service_id, set())


def _page(rows: list, paging: PageIn, shape=lambda r: r) -> dict:
    total = len(rows)
    start = (paging.page - 1) * paging.per_page
    contents = [shape(r) for r in rows[start : start + paging.per_page]]
    pages = math.ceil(total / paging.per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def _matches(text: str | None, *values) -> bool:
    if not text:
        return True
    wanted = normalize_for_search(text)
    return any(wanted in normalize_for_search(str(v or "")) for v in values)


def _one(d: _Directory, table: str, record_id: str) -> dict:
    row = d.by_id[table].get(record_id)
    if row is None:
        raise Http404
    return row


def _organization(d: _Directory, row: dict, *, full_service: bool) -> dict:
    """An organization nested; its services each in full, or their own fields only."""
    out = d.nest("organization", row, deep=full_service)
    if not full_service:
        services = d.children("service", "organization", row["id"])
        if services:
            out["services"] = [dict(s) for s in services]
    return out


def _services(d: _Directory, f: ServiceFilter, service_ids=None) -> list[dict]:
    if f.search:
        raise_field_errors({"search": [ValidationError(
            "search はURLでは使えません。POST /api/v1/resources/search を使います。",
            code="invalid",
        )]})  # fmt: skip
    rows = d.rows["service"]
    if service_ids is not None:
        rows = [r for r in rows if r["id"] in service_ids]
    if f.organization_id:
        rows = [r for r in rows if r.get("organization_id") == f.organization_id]
    if f.taxonomy_term_id:
        rows = [r for r in rows if f.taxonomy_term_id in d.terms_of(r["id"])]
    if f.taxonomy_id:
        terms = {t["id"] for t in d.rows["taxonomy_term"] if t.get("taxonomy_id") == f.taxonomy_id}
        rows = [r for r in rows if d.terms_of(r["id"]) & terms]
    if f.modified_after is not None:
        moment = f.modified_after
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # A service changed, or its vacancies reported again (service_capacity.updated).
        changed = access.visible_services(d.user).filter(
            Q(updated_at__gte=moment) | Q(capacities__updated__gte=moment)
        )
        ids = {str(pk) for pk in changed.values_list("pk", flat=True)}
        rows = [r for r in rows if r["id"] in ids]
    return rows


# --- routes ----------------------------------------------------------------------------------


@router.get(
    "/hsds/",
    response={200: RootOut},
    url_name="hsds_root",
    summary="HSDS API の情報",
    description="HSDS の版、プロファイル、OpenAPI の場所。",
)
def hsds_root(request):
    return {
        "version": hsds.HSDS_VERSION,
        "profile": hsds.PROFILE_URI,
        "openapi_url": request.build_absolute_uri("/api/v1/openapi.json"),
    }


@router.get(
    "/hsds/services",
    response={200: PageOut, 422: ErrorOut},
    url_name="hsds_services",
    summary="HSDS: 社会資源（service）の一覧",
    description="HSDS の Page 形式。`full=true` で入れ子の完全な形。",
)
def hsds_services(request, filters: Query[ServiceFilter]):
    d = _Directory(request.auth)
    rows = _services(d, filters)
    return _page(rows, filters, (lambda r: d.nest("service", r)) if filters.full else dict)


@router.get(
    "/hsds/services/{record_id}",
    response={200: dict, 404: ErrorOut},
    url_name="hsds_service",
    summary="HSDS: 社会資源（service）の完全な形",
)
def hsds_service(request, record_id: str):
    d = _Directory(request.auth)
    return d.nest("service", _one(d, "service", record_id))


@router.get(
    "/hsds/organizations",
    response={200: PageOut},
    url_name="hsds_organizations",
    summary="HSDS: 運営団体（organization）の一覧",
)
def hsds_organizations(request, filters: Query[OrganizationFilter]):
    d = _Directory(request.auth)
    rows = [r for r in d.rows["organization"] if _matches(filters.search, r.get("name"))]
    if not (filters.full or filters.full_service):
        return _page(rows, filters, dict)
    return _page(rows, filters, lambda r: _organization(d, r, full_service=filters.full_service))


@router.get(
    "/hsds/organizations/{record_id}",
    response={200: dict, 404: ErrorOut},
    url_name="hsds_organization",
    summary="HSDS: 運営団体（organization）の完全な形",
    description="団体の資源は各資源の項目だけ。`full_service=true` で資源も完全な形。",
)
def hsds_organization(request, record_id: str, full_service: bool = False):
    d = _Directory(request.auth)
    return _organization(d, _one(d, "organization", record_id), full_service=full_service)


@router.get(
    "/hsds/service_at_locations",
    response={200: PageOut, 422: ErrorOut},
    url_name="hsds_service_at_locations",
    summary="HSDS: 実施場所（service_at_location）の一覧",
)
def hsds_service_at_locations(request, filters: Query[ServiceFilter]):
    d = _Directory(request.auth)
    services = {r["id"] for r in _services(d, filters)}
    rows = [r for r in d.rows["service_at_location"] if r.get("service_id") in services]
    shape = (lambda r: d.nest("service_at_location", r)) if filters.full else dict
    return _page(rows, filters, shape)


@router.get(
    "/hsds/service_at_locations/{record_id}",
    response={200: dict, 404: ErrorOut},
    url_name="hsds_service_at_location",
    summary="HSDS: 実施場所（service_at_location）の完全な形",
)
def hsds_service_at_location(request, record_id: str):
    d = _Directory(request.auth)
    row = _one(d, "service_at_location", record_id)
    if row.get("service_id") not in d.by_id["service"]:
        raise Http404
    return d.nest("service_at_location", row)


@router.get(
    "/hsds/taxonomies",
    response={200: PageOut},
    url_name="hsds_taxonomies",
    summary="HSDS: 分類体系（taxonomy）の一覧",
)
def hsds_taxonomies(request, filters: Query[SearchPage]):
    d = _Directory(request.auth)
    rows = [r for r in d.rows["taxonomy"] if _matches(filters.search, r.get("name"))]
    return _page(rows, filters, dict)


@router.get(
    "/hsds/taxonomies/{record_id}",
    response={200: dict, 404: ErrorOut},
    url_name="hsds_taxonomy",
    summary="HSDS: 分類体系（taxonomy）",
)
def hsds_taxonomy(request, record_id: str):
    d = _Directory(request.auth)
    return d.nest("taxonomy", _one(d, "taxonomy", record_id))


@router.get(
    "/hsds/taxonomy_terms",
    response={200: PageOut},
    url_name="hsds_taxonomy_terms",
    summary="HSDS: 分類（taxonomy_term）の一覧",
    description="この市の分類と、取り込んだ外部の分類。",
)
def hsds_taxonomy_terms(request, filters: Query[TermFilter]):
    d = _Directory(request.auth)
    rows = [
        r
        for r in d.rows["taxonomy_term"]
        if _matches(filters.search, r.get("name"), r.get("code"))
        and (not filters.taxonomy_id or r.get("taxonomy_id") == filters.taxonomy_id)
        and (not filters.top_only or not r.get("parent_id"))
        and (not filters.parent_id or r.get("parent_id") == filters.parent_id)
    ]
    return _page(rows, filters, lambda r: d.nest("taxonomy_term", r))


@router.get(
    "/hsds/taxonomy_terms/{record_id}",
    response={200: dict, 404: ErrorOut},
    url_name="hsds_taxonomy_term",
    summary="HSDS: 分類（taxonomy_term）",
)
def hsds_taxonomy_term(request, record_id: str):
    d = _Directory(request.auth)
    return d.nest("taxonomy_term", _one(d, "taxonomy_term", record_id))
