"""One pager for every list of the API: `?page=1&page_size=25` in, {items, count, page, page_size} out.

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

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PaginationBase

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000, description="ページ番号（1から）")
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
