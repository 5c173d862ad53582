"""Read articles from files (SPEC §1): JSON, JSON Lines, text, HTML, RSS/Atom, directories.

Each input yields either a :class:`Parsed` article or a :class:`Rejected` one with a
reason that names it; one bad input never stops the others.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlparse

from worker.core.types import ArticleIn

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
HTML_SUFFIXES = {".html", ".htm"}
KNOWN_SUFFIXES = {".json", ".jsonl", ".txt"} | FEED_SUFFIXES | HTML_SUFFIXES
# the store's column sizes (store/models.py)
MAX_ID_LENGTH = 255
MAX_URL_LENGTH = 2048
MAX_OUTLET_LENGTH = 255
_LEADING_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b")


@dataclass(frozen=True)
class Parsed:
    origin: str
    article: ArticleIn
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejected:
    origin: str
    article: str | None
    reason: str
    payload: dict | None = field(default=None, compare=False)


Item = Parsed | Rejected


class BadArticle(ValueError):
    """An article payload that cannot be used; the message says why."""


def outlet_from_url(url: str | None) -> str | None:
    """``https://www.apnews.com/x`` → ``apnews.com``."""
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host[4:] if host.startswith("www.") else (host or None)


def parse_date(value) -> date | None:
    """An ISO date or datetime string (or None) → date; anything else is an error."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    s = str(value).strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        raise BadArticle(f"'published' is not an ISO date: {s!r}") from None


def stable_id(url: str | None, text: str) -> str:
    """An id for input that came without one: a short hash of its url or text."""
    basis = url or text
    return "a" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:15]


def article_from_payload(payload, default_id: str | None = None, max_bytes: int | None = None) -> ArticleIn:
    """Validate one SPEC §1 payload (a dict) into an :class:`ArticleIn`.

    >>> article_from_payload({"text": "Ten people died.", "url": "https://www.x.org/a"}).outlet
    'x.org'
    """
    if not isinstance(payload, dict):
        raise BadArticle(f"expected a JSON object, got {type(payload).__name__}")
    text = payload.get("text")
    if text is None:
        raise BadArticle("no 'text' field (the only required field)")
    if not isinstance(text, str):
        raise BadArticle(f"'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        raise BadArticle("'text' is empty")
    if max_bytes is not None and len(text.encode("utf-8")) > max_bytes:
        raise BadArticle(f"text is gigantic ({len(text.encode('utf-8')):,} bytes > limit {max_bytes:,}; "
                         "set CLAIMTRACK_MAX_ARTICLE_BYTES to raise it)")
    url = payload.get("url") or None
    if url is not None and not isinstance(url, str):
        raise BadArticle("'url' must be a string")
    published = parse_date(payload.get("published"))
    if published is None:
        m = _LEADING_DATE.match(text)
        if m:
            published = parse_date(m.group(1))
    raw_id = payload.get("id")
    art_id = str(raw_id) if raw_id not in (None, "") else (default_id or stable_id(url, text))
    if len(art_id) > MAX_ID_LENGTH:
        raise BadArticle(f"'id' is {len(art_id)} characters long (at most {MAX_ID_LENGTH})")
    if url is not None and len(url) > MAX_URL_LENGTH:
        raise BadArticle(f"'url' is {len(url)} characters long (at most {MAX_URL_LENGTH})")
    outlet = payload.get("outlet") or outlet_from_url(url)
    if outlet and len(str(outlet)) > MAX_OUTLET_LENGTH:
        raise BadArticle(f"'outlet' is {len(str(outlet))} characters long (at most {MAX_OUTLET_LENGTH})")
    title = payload.get("title") or ""
    return ArticleIn(id=art_id, text=text, title=str(title), url=url,
                     outlet=str(outlet) if outlet else None, published=published)


def _decode(path: Path, data: bytes) -> tuple[str, tuple[str, ...]]:
    if b"\x00" in data[:8192]:
        raise BadArticle("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as e:
        text = data.decode("cp1252", errors="replace")
        return text, (f"{path}: not UTF-8 (byte {e.start}); decoded as Windows-1252, check the characters",)


def _looks_like_feed(text: str) -> bool:
    head = text[:2048].lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head


def _read_file(path: Path, max_bytes: int) -> Iterator[Item]:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size == 0:
            yield Rejected(origin, path.stem, "empty file")
            return
        if size > max_bytes * 4:
            yield Rejected(origin, path.stem, f"file is gigantic ({size:,} bytes)")
            return
        text, warnings = _decode(path, path.read_bytes())
    except BadArticle as e:
        yield Rejected(origin, path.stem, str(e))
        return
    except OSError as e:
        yield Rejected(origin, path.stem, f"cannot read: {e.strerror or e}")
        return
    if not text.strip():
        yield Rejected(origin, path.stem, "file holds only whitespace")
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(origin, text, warnings, max_bytes)
    elif suffix == ".json":
        yield from _read_json(origin, path.stem, text, warnings, max_bytes)
    elif suffix in FEED_SUFFIXES or (suffix not in HTML_SUFFIXES and _looks_like_feed(text)):
        yield from _read_feed(origin, text, warnings, max_bytes)
    elif suffix in HTML_SUFFIXES:
        yield from _read_html(origin, path.stem, text, warnings, max_bytes)
    else:
        yield _one(origin, {"text": text}, path.stem, warnings, max_bytes)


def _one(origin: str, payload, default_id: str | None, warnings, max_bytes) -> Item:
    try:
        return Parsed(origin, article_from_payload(payload, default_id, max_bytes), tuple(warnings))
    except BadArticle as e:
        art = payload.get("id") if isinstance(payload, dict) else None
        return Rejected(origin, str(art) if art else default_id, str(e),
                        payload if isinstance(payload, dict) else None)


def _read_json(origin, stem, text, warnings, max_bytes) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield Rejected(origin, stem, f"malformed JSON: {e.msg} at line {e.lineno} column {e.colno}")
        return
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield _one(f"{origin}[{i}]", item, f"{stem}-{i}", warnings, max_bytes)
    else:
        yield _one(origin, data, stem, warnings, max_bytes)


def _read_jsonl(origin, text, warnings, max_bytes) -> Iterator[Item]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{origin}:{n}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as e:
            yield Rejected(where, None, f"malformed JSON on line {n}: {e.msg} at column {e.colno}")
            continue
        yield _one(where, data, None, warnings, max_bytes)


def _read_html(origin, stem, text, warnings, max_bytes) -> Iterator[Item]:
    import trafilatura

    body = trafilatura.extract(text, include_comments=False, include_tables=False, favor_precision=True)
    meta = trafilatura.extract_metadata(text)
    if not body or not body.strip():
        yield Rejected(origin, stem, "HTML page without a main text that trafilatura could find")
        return
    payload = {"text": body, "title": (meta.title if meta else "") or "",
               "url": (meta.url if meta else None), "published": (meta.date if meta else None)}
    if meta and meta.sitename and not payload["url"]:
        payload["outlet"] = meta.sitename
    yield _one(origin, payload, stem, warnings, max_bytes)


def _read_feed(origin, text, warnings, max_bytes) -> Iterator[Item]:
    import feedparser

    feed = feedparser.parse(text)
    if not feed.entries:
        reason = f"feed without entries ({feed.bozo_exception})" if feed.bozo else "feed without entries"
        yield Rejected(origin, None, reason)
        return
    outlet = outlet_from_url(feed.feed.get("link"))
    for i, entry in enumerate(feed.entries):
        content = ""
        if entry.get("content"):
            content = " ".join(c.get("value", "") for c in entry.content)
        content = content or entry.get("summary", "")
        if "<" in content:
            import trafilatura
            content = trafilatura.extract(f"<html><body><article>{content}</article></body></html>") or content
        published = None
        for key in ("published_parsed", "updated_parsed"):
            if entry.get(key):
                published = date(*entry[key][:3]).isoformat()
                break
        link = entry.get("link")
        payload = {"id": entry.get("id") and stable_id(entry.get("id"), ""), "url": link,
                   "title": entry.get("title", ""), "text": content, "published": published,
                   "outlet": outlet_from_url(link) or outlet}
        if not payload["id"]:
            payload.pop("id")
        yield _one(f"{origin}#{i}", payload, None, warnings, max_bytes)


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under ``paths`` (directories walked recursively, in sorted order)."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and not child.name.startswith(".") and child.suffix.lower() in KNOWN_SUFFIXES:
                    yield child
        else:
            yield p


def read_inputs(paths: Iterable[str | Path], max_bytes: int) -> Iterator[Item]:
    """Every article (or rejection) found under ``paths``."""
    for path in iter_paths(paths):
        if not path.exists():
            yield Rejected(str(path), None, "no such file or directory")
            continue
        yield from _read_file(path, max_bytes)
