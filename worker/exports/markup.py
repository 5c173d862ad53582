"""A tiny HTML/SVG builder that escapes every text and attribute value.

Markup is only ever made by :func:`tag`, so article text cannot smuggle elements or
attributes into the report: plain ``str`` children and every attribute value go
through :func:`html.escape`. Links are kept only for http(s) urls, because escaping
does not stop a ``javascript:`` url.
"""
from __future__ import annotations

import html
from typing import Iterable
from urllib.parse import urlsplit


class Safe(str):
    """Markup built by :func:`tag` (or a trusted constant): inserted as is."""


def esc(value) -> str:
    """``value`` as text safe inside an element or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def render(child) -> str:
    if child is None or child is False:
        return ""
    if isinstance(child, Safe):
        return str(child)
    if isinstance(child, (list, tuple)):
        return "".join(render(c) for c in child)
    return esc(child)


def tag(name: str, attrs: dict | None = None, *children) -> Safe:
    """``<name attrs>children</name>``; attributes with value None or False are left out.

    >>> tag("a", {"href": "x\\" onclick=\\"y"}, "<b>")
    '<a href="x&quot; onclick=&quot;y">&lt;b&gt;</a>'
    """
    parts = [name]
    for key, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        parts.append(key if value is True else f'{key}="{esc(value)}"')
    return Safe(f"<{' '.join(parts)}>{render(list(children))}</{name}>")


def void(name: str, attrs: dict | None = None) -> Safe:
    """An element without content (``<meta …>``, ``<circle …/>``)."""
    parts = [name] + [f'{k}="{esc(v)}"' for k, v in (attrs or {}).items() if v is not None]
    return Safe(f"<{' '.join(parts)}/>" if name in SVG_VOID else f"<{' '.join(parts)}>")


SVG_VOID = frozenset({"circle", "line", "polyline", "path", "rect", "stop"})


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) url, else None (no ``javascript:``, no ``data:``)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def join(items: Iterable) -> Safe:
    return Safe("".join(render(i) for i in items))
