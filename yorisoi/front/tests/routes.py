"""Every screen URL Django serves, by its name as access.ROUTES spells it ("app:name"): walked
by the route map test and the list-leak walk alike."""

from django.urls import URLPattern, URLResolver, get_resolver


def screen_patterns(resolver=None, namespace=""):
    """(name, URLPattern) for every URL pattern, namespaces joined with ":"."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            prefix = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from screen_patterns(entry, prefix)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry
