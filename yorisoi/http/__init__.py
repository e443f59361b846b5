"""HTTP plumbing that the screens and the API share: the error shape, not-found, paging.

- `errors`  the API's error body {"code", "message", "errors": [{field, code, message}]}, how
            each exception becomes one (hidden looks exactly like missing: 404 not_found), the
            error responses every operation documents, and the middleware that gives errors
            raised outside an operation (no such URL, wrong method, body too large, a crash)
            the same JSON shape.
- `paging`  one pager for every list: `?page=&page_size=` in, {items, count, page, page_size}
            out.
- `forms`   what every form shares: messages that name the field, grouped choices, the version
            an edit was made on (R7).
- `admin_site`  the Django admin for administrators: users and master data only (R6).

Nothing here decides who may see what: that is yorisoi/access/ (R6).
"""
