"""Every URL pattern of the project, walked from the root resolver, and a real path for each."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# `<int:batch_id>` in a route, `(?P<url>.*)` in a regular expression.
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name"; an unnamed pattern is keyed by its route
    route: str  # the whole route from the root, as Django writes it
    pattern: URLPattern

    @property
    def parameters(self) -> list[str]:
        return _GROUP.findall(self.route) + _CONVERTER.findall(_GROUP.sub("", self.route))

    def path(self, values: dict[str, object]) -> str:
        """The route with `values` put in, as a path from the root."""
        text = _GROUP.sub(lambda m: str(values[m.group(1)]), self.route)
        text = _CONVERTER.sub(lambda m: str(values[m.group(1)]), text)
        return "/" + text.replace("^", "").replace("$", "")


def routes() -> list[Route]:
    return list(_walk(get_resolver(), "", ""))


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from _walk(entry, route, inner)
        else:
            assert isinstance(entry, URLPattern)
            name = entry.name or route
            yield Route(":".join(filter(None, [namespace, name])), route, entry)
