"""One article payload (SPEC §1) checked field by field, and anything bad made safe to record.

Everything here takes untrusted values — a JSON document from a file, the arguments of a
queue message — and either returns a valid :class:`ArticleIn` or raises
:class:`BadArticle` with a reason a person can act on. Reasons quote at most a short
piece of the offending value, so a 50 MB string never ends up in a log line or a row.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from urllib.parse import urlparse

from worker.core.types import ArticleIn

# the store's column sizes (store/models.py)
MAX_ID_LENGTH = 255
MAX_URL_LENGTH = 2048
MAX_OUTLET_LENGTH = 255
MAX_TITLE_LENGTH = 10_000
# what of a rejected payload is kept in `rejections.payload` (enough to recognise it)
KEPT_STRING = 2_000
KEPT_KEYS = 50
_LEADING_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b")
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadArticle(ValueError):
    """An article payload that cannot be used; the message says why."""


def shown(value, limit: int = 60) -> str:
    """A short, printable repr of ``value`` for a reason (never the whole of a huge string)."""
    if isinstance(value, str):
        text = repr(value[:limit])
        return text + f"… ({len(value):,} characters)" if len(value) > limit else text
    if isinstance(value, (list, dict)):
        return f"a {type(value).__name__} of {len(value):,} items"
    return type(value).__name__ if not isinstance(value, (int, float, bool)) or value is None else repr(value)


def printable(text: str) -> str:
    """``text`` with lone surrogates (from ``"\\ud800"`` escapes or undecodable file names)
    replaced by U+FFFD, so it can be printed and stored as UTF-8."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def storable(text: str | None) -> str | None:
    """``text`` as a text column can hold it: printable (see above) and without NUL."""
    return printable(text).replace("\x00", "\ufffd") if text else text


def _check_text_value(name: str, value: str) -> None:
    m = _SURROGATE.search(value)
    if m:
        raise BadArticle(f"'{name}' holds a lone surrogate ({m.group()!r} at character {m.start():,}): "
                         "not valid Unicode; fix the encoder that wrote it")
    if "\x00" in value:
        raise BadArticle(f"'{name}' holds a NUL character (at character {value.index(chr(0)):,}): binary data, not text")


def _string(payload: dict, name: str, limit: int | None = None) -> str | None:
    value = payload.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadArticle(f"'{name}' must be a string, got {shown(value)}")
    if limit is not None and len(value) > limit:
        raise BadArticle(f"'{name}' is {len(value):,} characters long (at most {limit:,})")
    _check_text_value(name, value)
    return value


def outlet_from_url(url: str | None) -> str | None:
    """``https://www.apnews.com/x`` → ``apnews.com``."""
    if not url:
        return None
    try:
        host = urlparse(url).hostname or ""
    except ValueError:
        return None
    return host[4:] if host.startswith("www.") else (host or None)


def parse_date(value) -> date | None:
    """An ISO date or datetime string (or None) → date; anything else is an error."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise BadArticle(f"'published' must be an ISO date string, got {shown(value)}")
    s = value.strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        raise BadArticle(f"'published' is not an ISO date: {shown(s)}") from None


def stable_id(url: str | None, text: str) -> str:
    """An id for input that came without one: a short hash of its url or text."""
    basis = url or text
    return "a" + hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:15]


def _url(payload: dict) -> str | None:
    url = _string(payload, "url", MAX_URL_LENGTH)
    if url is None:
        return None
    try:
        parts = urlparse(url.strip())
    except ValueError as e:
        raise BadArticle(f"'url' is not a web address ({e}): {shown(url)}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BadArticle(f"'url' must be an http(s) address, got {shown(url)}")
    return url.strip()


def _id(payload: dict) -> str | None:
    raw = payload.get("id")
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise BadArticle(f"'id' must be a string or an integer, got {shown(raw)}")
    art_id = str(raw)
    if len(art_id) > MAX_ID_LENGTH:
        raise BadArticle(f"'id' is {len(art_id):,} characters long (at most {MAX_ID_LENGTH})")
    _check_text_value("id", art_id)
    return art_id


def article_from_payload(payload, default_id: str | None = None, max_bytes: int | None = None) -> ArticleIn:
    """Validate one SPEC §1 payload (a dict) into an :class:`ArticleIn`.

    >>> article_from_payload({"text": "Ten people died.", "url": "https://www.x.org/a"}).outlet
    'x.org'
    """
    if not isinstance(payload, dict):
        raise BadArticle(f"expected a JSON object, got {shown(payload)}")
    text = payload.get("text")
    if text is None:
        raise BadArticle("'text' is null (the only required field)" if "text" in payload
                         else "no 'text' field (the only required field)")
    if not isinstance(text, str):
        raise BadArticle(f"'text' must be a string, got {shown(text)}")
    if max_bytes is not None and len(text) > max_bytes // 4 and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise BadArticle(f"text is gigantic ({len(text.encode('utf-8', 'surrogatepass')):,} bytes > limit "
                         f"{max_bytes:,}; set CLAIMTRACK_MAX_ARTICLE_BYTES to raise it)")
    if not text.strip():
        raise BadArticle("'text' is empty")
    _check_text_value("text", text)
    url = _url(payload)
    title = _string(payload, "title", MAX_TITLE_LENGTH) or ""
    published = parse_date(payload.get("published"))
    if published is None:
        m = _LEADING_DATE.match(text)
        if m:
            published = parse_date(m.group(1))
    art_id = _id(payload) or default_id or stable_id(url, text)
    if len(art_id) > MAX_ID_LENGTH:
        raise BadArticle(f"'id' is {len(art_id):,} characters long (at most {MAX_ID_LENGTH})")
    outlet = _string(payload, "outlet", MAX_OUTLET_LENGTH) or outlet_from_url(url)
    return ArticleIn(id=art_id, text=text, title=title, url=url, outlet=outlet, published=published)


def payload_id(payload) -> str | None:
    """The article id a (possibly bad) payload names, printable and at most 255 characters."""
    raw = payload.get("id") if isinstance(payload, dict) else None
    if raw is None or raw == "" or isinstance(raw, (dict, list)):
        return None
    return printable(str(raw))[:MAX_ID_LENGTH]


def _kept(value, depth: int = 0):
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else repr(value)
    if isinstance(value, str):
        value = storable(value)
        return value if len(value) <= KEPT_STRING else value[:KEPT_STRING] + f"… ({len(value):,} characters)"
    if depth == 0 and isinstance(value, dict):
        return {printable(str(k))[:200]: _kept(v, 1) for k, v in list(value.items())[:KEPT_KEYS]}
    return shown(value)


def recordable_payload(payload, limit: int | None = None) -> dict | None:
    """What of a payload can go in ``rejections.payload``: the payload itself when it is
    a JSON object that stores as it is (valid UTF-8, at most ``limit`` characters),
    else a flat summary of it (strings cut to 2,000 characters, nested values described).
    """
    if not isinstance(payload, dict):
        return None
    if limit is None:
        from worker import settings

        limit = 2 * settings.max_article_bytes()  # a valid article, kept whole for `failed --retry`
    try:
        dumped = json.dumps(payload, ensure_ascii=False, allow_nan=False)
        if len(dumped) <= limit:
            dumped.encode("utf-8")
            return payload
    except (RecursionError, UnicodeEncodeError, TypeError, ValueError):
        pass
    return _kept(payload)
