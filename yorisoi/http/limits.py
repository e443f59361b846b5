"""How much one request may carry, and how deep its JSON may nest: the one home of these numbers.

settings.py sets Django's upload settings from them (so this module imports nothing of Django
or yorisoi), the middleware (http.request_size) refuses a larger request with 413 on both doors,
and the forms, services, API descriptions, README and deploy/nginx/yorisoi.conf name the same
numbers (http/tests/test_limits.py checks that they do).

- A consent scan (同意書の写し, R4) is up to 5MB: on the screen a file, in the API Base64 in
  JSON (4/3 larger, so 5MB of scan is about 6.7MB of body).
- An HSDS file (社会資源の一括読み込み) is up to 10MB, on the screen and in the API alike.
- An import file (既存記録の取り込み, CSV or Excel) is up to 50MB as a file, on the screen and
  in the API (multipart): a city's ledger of 100,000 consultations is about 37MB. Those two
  addresses (IMPORT_UPLOAD_PATHS) alone take such a body. As Base64 in JSON it is up to 7MB
  (about 9.3MB of body, within the 10MB).
- So a request body is up to 10MB; a screen's upload may add the form's other fields and the
  multipart framing (MULTIPART_SLACK) on top of its file.
- JSON read from a file or a body the app walks itself (HSDS) nests at most MAX_JSON_DEPTH deep.
"""

import json

MB = 1024 * 1024

MAX_SCAN_BYTES = 5 * MB
MAX_HSDS_BYTES = 10 * MB
MAX_IMPORT_BYTES = 50 * MB
MAX_IMPORT_BASE64_BYTES = 7 * MB
MAX_BODY_BYTES = 10 * MB
MULTIPART_SLACK = 256 * 1024
# The largest request but an import's: a screen's 10MB upload with its form around it.
MAX_REQUEST_BYTES = MAX_BODY_BYTES + MULTIPART_SLACK
# An import's file upload (the screen 取り込み, POST /api/v1/imports): up to 50MB and its form.
IMPORT_UPLOAD_PATHS = ("/imports/", "/api/v1/imports")
MAX_IMPORT_REQUEST_BYTES = MAX_IMPORT_BYTES + MULTIPART_SLACK

# The HSDS bundle nests three deep ({"services": [{…}]}) and no API body more than a few; a
# document nested deeper is refused (422 too_deep) before anything walks it recursively.
MAX_JSON_DEPTH = 32


def megabytes(size: int) -> str:
    """5242880 → "5MB", as the documentation writes the limits."""
    return f"{size / MB:g}MB"


def base64_size(size: int) -> int:
    """How long `size` bytes are once Base64-encoded (as the API carries a consent scan)."""
    return 4 * -(-size // 3)


def max_body_bytes(content_type: str, path: str = "") -> int:
    """The largest body a request of `content_type` to `path` may carry: an upload may wrap
    its file in the form (an import's file, at its two addresses, up to 50MB), anything else
    (the API's JSON, a form) is a body of 10MB."""
    if content_type.startswith("multipart/form-data"):
        return MAX_IMPORT_REQUEST_BYTES if path in IMPORT_UPLOAD_PATHS else MAX_REQUEST_BYTES
    return MAX_BODY_BYTES


class TooDeep(ValueError):
    """JSON nested deeper than MAX_JSON_DEPTH (or than Python's parser can follow)."""

    message = f"JSONの入れ子が深すぎます（{MAX_JSON_DEPTH}段まで）。"

    def __init__(self):
        super().__init__(self.message)


def json_depth(value) -> int:
    """How deep `value` nests: "x" 0, [] 1, [[]] 2. Iterative, so no document can make it
    recurse; it stops counting once past MAX_JSON_DEPTH."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                break
            stack.extend((child, depth) for child in _children(item))
    return deepest


def _children(item):
    return item.values() if isinstance(item, dict) else item


def loads(data: bytes | str):
    """json.loads, refusing a document nested deeper than MAX_JSON_DEPTH with TooDeep.

    Python's parser itself gives up (RecursionError) about a thousand levels down; what it does
    parse, up to that, would still make any recursive walk (str(), a check of every value)
    crash, so the depth is measured before anything else looks at the document.
    """
    try:
        value = json.loads(data)
    except RecursionError:
        raise TooDeep from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise TooDeep
    return value
