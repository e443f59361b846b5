"""A request larger than the documented limits (http/limits.py) is refused before it is read.

Django itself refuses only a body of form fields or JSON over DATA_UPLOAD_MAX_MEMORY_SIZE, and
with a bare 400 page; an uploaded file it reads whatever its size. This middleware answers any
request whose Content-Length is over the limit with 413: on the screens a page that names the
limits, under /api/ the API's JSON body (errors.ApiErrorsAsJson gives it that shape).
"""

from django.shortcuts import render

from . import limits


class RefuseLargeRequests:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty
        if length > limits.max_body_bytes(request.META.get("CONTENT_TYPE", ""), request.path_info):
            return too_large(request)
        return self.get_response(request)


def too_large(request):
    context = {
        "body_limit": limits.megabytes(limits.MAX_BODY_BYTES),
        "scan_limit": limits.megabytes(limits.MAX_SCAN_BYTES),
        "hsds_limit": limits.megabytes(limits.MAX_HSDS_BYTES),
        "import_limit": limits.megabytes(limits.MAX_IMPORT_BYTES),
    }
    return render(request, "413.html", context, status=413)
