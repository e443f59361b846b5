"""The client's address, as the deployment says to find it (issue 13).

Behind a reverse proxy every request comes from the proxy's address, so throttling by address
(django-axes) and the audit trail would see one client. X-Forwarded-For is trusted only as far
as the operator says: YORISOI_TRUSTED_PROXIES is the number of proxies in front of the app
(0, the default, trusts none: a client could write the header itself).
"""

from django.conf import settings


def client_ip(request) -> str | None:
    proxies = settings.YORISOI_TRUSTED_PROXIES
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        # Each trusted proxy appended the address it saw: the client is `proxies` from the right.
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None
