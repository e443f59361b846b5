"""One pager for every list of the API: `?page=1&page_size=25` in, {items, count, page, page_size} out
(and, for the lists too long to count, window_of: see below).

It is django-ninja's pagination (a `ninja.pagination.PaginationBase`), but the views call it
themselves (`page_of(rows, paging)`) instead of wearing `@paginate`. `@paginate` cuts the page
after the view has returned, so the view would never see the page it answers with — yet most
lists must write exactly the ids they return to the audit trail (R6: a read is recorded as it
was shown), many also compute each row's basis for that page only (cases, meetings) or turn
rows into dicts. With `@paginate` that work would move into callbacks run by the paginator; here
the view cuts the page and then, top to bottom, records and shapes what it returns.

`items` is a list, not a lazy slice: the rows written to the audit trail are the very objects
serialised into the response, not a second query that might see other rows.
"""

from dataclasses import dataclass
from typing import Any

from ninja import Field, Schema
from ninja.pagination import PaginationBase

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="ページ番号（1から）")
    page_size: int = Field(
        PAGE_SIZE, ge=1, description=f"1ページの件数（最大{MAX_PAGE_SIZE}、既定{PAGE_SIZE}）"
    )


class PageNumberPagination(PaginationBase):
    """Page numbers; a page_size over the maximum is cut to it (not refused), as before."""

    Input = PageQuery

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="全件数")
        page: int
        page_size: int

    def paginate_queryset(self, queryset, pagination: PageQuery, request=None, **params) -> dict:
        size = min(pagination.page_size, MAX_PAGE_SIZE)
        offset = (pagination.page - 1) * size
        return {
            "items": list(queryset[offset : offset + size]),
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": size,
        }


_PAGER = PageNumberPagination()


def page_of(rows, paging: PageQuery) -> dict:
    """One page of `rows` (a queryset or a list) in the API's paging shape."""
    return _PAGER.paginate_queryset(rows, paging)


# --- lists too long to count (issue 16) ------------------------------------------------------
#
# The person list and search read from a table of a city's every resident: counting the rows a
# user may see is a read of all of them (a parallel scan, ~1 s at a million people) for every
# page. These lists fetch one row more than the page instead, and know the total only when the
# page is the last one. `count` keeps its type and its use for paging clients (stop when
# page × page_size ≥ count): on a page with more after it, it is a lower bound — the rows up to
# the end of this page and one more — and `count_exact` is false; on the last page it is the
# total, and `count_exact` is true.


@dataclass(frozen=True)
class Window:
    """One page of a list that is not counted: its rows and whether more follow. It answers
    the screens' pager (templates/includes/pager.html) as a Django Page would."""

    object_list: list
    number: int
    size: int
    has_next: bool
    count: int  # the total if count_exact, else a lower bound (see above)
    count_exact: bool
    paginator = None  # no page count to show: the pager says "n ページ"

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.object_list)


def page_number(request, key: str = "page") -> int:
    """`?page=` of a screen's list as a page number: 1 when it is not one, at most MAX_PAGE."""
    number = request.GET.get(key, "")
    return min(int(number), MAX_PAGE) if number.isdigit() and int(number) > 0 else 1


def window_of(rows, *, number: int, size: int) -> Window:
    """Page `number` of `rows` (a queryset), `size` rows, without counting them: one query,
    for page_size + 1 rows. A page past the end counts (one more query), to say where the end
    is."""
    offset = (number - 1) * size
    fetched = list(rows[offset : offset + size + 1])
    has_next = len(fetched) > size
    items = fetched[:size]
    if has_next:
        count = offset + size + 1
    elif items or number == 1:
        count = offset + len(items)
    else:
        count = rows.count()
    return Window(items, number, size, has_next, count, count_exact=not has_next)


class WindowOut(Schema):
    """The paging fields of a list the API does not count (window_page_of); a list's schema
    adds its `items`."""

    count: int = Field(
        description="全件数（count_exact が false のときは下限: このページまでの件数に1を足した数）"
    )
    count_exact: bool = Field(description="count が全件数なら true（最後のページ）")
    has_next: bool = Field(description="次のページがあれば true")
    page: int
    page_size: int


def window_page_of(rows, paging: PageQuery) -> dict:
    """window_of in the API's paging shape, with `has_next` and `count_exact` besides."""
    window = window_of(rows, number=paging.page, size=min(paging.page_size, MAX_PAGE_SIZE))
    return {
        "items": window.object_list,
        "count": window.count,
        "count_exact": window.count_exact,
        "has_next": window.has_next,
        "page": window.number,
        "page_size": window.size,
    }
