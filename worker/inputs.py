"""Read articles from files (SPEC §1): JSON, JSON Lines, text, HTML, RSS/Atom, directories.

Inputs are read one article at a time (:class:`InputStream`), so memory does not grow
with the corpus: a JSON Lines file is read line by line, a directory file by file.
``CLAIMTRACK_MAX_ARTICLE_BYTES`` bounds one article — one JSON document, one JSON Lines
line, one text or HTML file — never a JSON Lines file or a directory; a feed is parsed
whole and may be four times that.

Each input yields either a :class:`Parsed` article or a :class:`Rejected` one with a
reason that names it. Nothing in a file can raise out of here: parser failures (JSON
nested too deep, lone surrogates, undecodable bytes, trafilatura or feedparser errors)
become rejections, and one bad input never stops the others.
"""
from __future__ import annotations

import codecs
import io
import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from worker.articles import (  # noqa: F401 - BadArticle and article_from_payload re-exported for callers
    MAX_OUTLET_LENGTH, BadArticle, article_from_payload, outlet_from_url, payload_id, printable, stable_id,
)
from worker.core.types import ArticleIn

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
HTML_SUFFIXES = {".html", ".htm"}
KNOWN_SUFFIXES = {".json", ".jsonl", ".txt"} | FEED_SUFFIXES | HTML_SUFFIXES
FEED_FACTOR = 4  # a feed file holds many entries: it may be this many times the article limit
_UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BOM_CODECS = {codecs.BOM_UTF32_LE: "utf-32", codecs.BOM_UTF32_BE: "utf-32",
               codecs.BOM_UTF16_LE: "utf-16", codecs.BOM_UTF16_BE: "utf-16"}


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


def decode(data: bytes, where: str) -> tuple[str, tuple[str, ...]]:
    """Bytes → text: UTF-8 (with or without a BOM), UTF-16/32 with a BOM, else
    Windows-1252 with a warning. Raises :class:`BadArticle` for binary data."""
    for bom in _UTF16_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(_BOM_CODECS[bom]), ()
            except UnicodeDecodeError as e:
                raise BadArticle(f"starts with a {_BOM_CODECS[bom].upper()} byte order mark but is not "
                                 f"{_BOM_CODECS[bom].upper()} (byte {e.start:,})") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BadArticle(f"binary data (a NUL byte at offset {nul:,}), not text")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as e:
        text = data.decode("cp1252", errors="replace")
        return text, (f"{where}: not UTF-8 (byte {e.start:,}); decoded as Windows-1252, check the characters",)


def load_json(text: str):
    """``json.loads`` whose every failure is a :class:`BadArticle` with the reason."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise BadArticle(f"malformed JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise BadArticle("JSON nested too deeply (more levels of [ or { than Python can read)") from None


def _one(origin: str, payload, default_id: str | None, warnings, max_bytes: int) -> Item:
    try:
        return Parsed(origin, article_from_payload(payload, default_id, max_bytes), tuple(warnings))
    except BadArticle as e:
        return Rejected(origin, payload_id(payload) or default_id, str(e),
                        payload if isinstance(payload, dict) else None)


def _looks_like_feed(head: str) -> bool:
    head = head[:2048].lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head


class InputStream:
    """The articles (and rejections) under ``paths``, read one at a time.

    ``bytes_done`` says how much input has been read so far and :meth:`total_bytes` how
    much there is (for a progress bar and its ETA).

    >>> stream = InputStream(["seeds/"], max_bytes=20 * 1024 * 1024)
    >>> for item in stream: ...   # doctest: +SKIP
    """

    def __init__(self, paths: Iterable[str | Path], max_bytes: int):
        self.paths = list(paths)
        self.max_bytes = max_bytes
        self.bytes_done = 0

    def total_bytes(self) -> int:
        """The size of every file that will be read (a walk of the paths, no reading)."""
        total = 0
        for path in iter_paths(self.paths):
            try:
                total += path.stat().st_size
            except OSError:
                pass
        return total

    def __iter__(self) -> Iterator[Item]:
        for path in iter_paths(self.paths):
            yield from self._file(path)

    # ---- one file -----------------------------------------------------------------------------

    def _file(self, path: Path) -> Iterator[Item]:
        origin, stem = printable(str(path)), printable(path.stem)
        try:
            if not path.exists():
                yield Rejected(origin, None, "no such file or directory")
                return
            if not path.is_file():
                yield Rejected(origin, None, "not a regular file")
                return
            size = path.stat().st_size
            if size == 0:
                yield Rejected(origin, stem, "empty file")
                return
            if path.suffix.lower() == ".jsonl":
                yield from self._jsonl(path, origin)
                return
            with path.open("rb") as fh:
                head = fh.read(4096)
            is_feed = path.suffix.lower() in FEED_SUFFIXES or (
                path.suffix.lower() not in HTML_SUFFIXES | {".json"}
                and _looks_like_feed(head.decode("utf-8", "replace")))
            limit = self.max_bytes * (FEED_FACTOR if is_feed else 1)
            if size > limit:
                self.bytes_done += size
                what = "feed" if is_feed else ("JSON document" if path.suffix.lower() == ".json" else "file")
                hint = ("; a JSON file is read whole: write one article per line (.jsonl) to stream them"
                        if what == "JSON document" else "")
                yield Rejected(origin, stem, f"{what} is gigantic ({size:,} bytes > limit {limit:,}; "
                                             f"set CLAIMTRACK_MAX_ARTICLE_BYTES to raise it){hint}")
                return
            data = path.read_bytes()
        except OSError as e:
            yield Rejected(origin, stem, f"cannot read: {e.strerror or e}")
            return
        self.bytes_done += len(data)
        if is_feed:
            yield from _read_feed(origin, data, self.max_bytes)
            return
        try:
            text, warnings = decode(data, origin)
        except BadArticle as e:
            yield Rejected(origin, stem, str(e))
            return
        del data
        if not text.strip():
            yield Rejected(origin, stem, "file holds only whitespace")
        elif path.suffix.lower() == ".json":
            yield from _read_json(origin, stem, text, warnings, self.max_bytes)
        elif path.suffix.lower() in HTML_SUFFIXES:
            yield from _read_html(origin, stem, text, warnings, self.max_bytes)
        else:
            yield _one(origin, {"text": text}, stem, warnings, self.max_bytes)

    def _jsonl(self, path: Path, origin: str) -> Iterator[Item]:
        """One article per line; a line over the limit is skipped without being held."""
        limit = self.max_bytes
        with path.open("rb") as fh:
            n = given = 0
            while True:
                line = fh.readline(limit + 2)  # the limit, a CR and a LF
                if not line:
                    if not given:
                        yield Rejected(origin, None, "file holds no article (empty or only blank lines)")
                    return
                given += 1 if line.strip() else 0
                n += 1
                self.bytes_done += len(line)
                where = f"{origin}:{n}"
                if n == 1 and line.startswith(_UTF16_BOMS):
                    yield Rejected(origin, None, "JSON Lines in UTF-16 or UTF-32: convert the file to UTF-8")
                    return
                if len(line) > limit and not line.endswith(b"\n"):
                    size = len(line) + self._skip_line(fh)
                    yield Rejected(where, None, f"line {n} is gigantic ({size:,} bytes > limit {limit:,}; "
                                                "set CLAIMTRACK_MAX_ARTICLE_BYTES to raise it)")
                    continue
                if not line.strip():
                    continue
                try:
                    text, warnings = decode(line, where)
                    data = load_json(text)
                except BadArticle as e:
                    yield Rejected(where, None, f"line {n}: {e}")
                    continue
                yield _one(where, data, None, warnings, limit)

    def _skip_line(self, fh) -> int:
        skipped = 0
        while True:
            chunk = fh.readline(1 << 20)
            skipped += len(chunk)
            self.bytes_done += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                return skipped


def _read_json(origin, stem, text, warnings, max_bytes) -> Iterator[Item]:
    try:
        data = load_json(text)
    except BadArticle as e:
        yield Rejected(origin, stem, str(e))
        return
    if isinstance(data, list):
        if not data:
            yield Rejected(origin, stem, "an empty JSON list: no articles")
        for i, item in enumerate(data):
            yield _one(f"{origin}[{i}]", item, f"{stem}-{i}", warnings, max_bytes)
    else:
        yield _one(origin, data, stem, warnings, max_bytes)


def _read_html(origin, stem, text, warnings, max_bytes) -> Iterator[Item]:
    import trafilatura

    try:
        # fast: no fallback extractors, which would take a page's menu for its text
        body = trafilatura.extract(text, include_comments=False, include_tables=False, favor_precision=True,
                                   fast=True)
        meta = trafilatura.extract_metadata(text)
    except Exception as e:  # noqa: BLE001 - any parser failure is this page's rejection, with its reason
        yield Rejected(origin, stem, f"trafilatura could not read this HTML: {type(e).__name__}: {printable(str(e))[:200]}")
        return
    if not body or not body.strip():
        yield Rejected(origin, stem, "HTML page without a main text that trafilatura could find")
        return
    url = meta.url if meta and isinstance(meta.url, str) and meta.url.startswith(("http://", "https://")) else None
    payload = {"text": body, "title": (meta.title if meta else "") or "", "url": url,
               "published": (meta.date if meta else None)}
    if meta and meta.sitename and not url:
        payload["outlet"] = meta.sitename[:MAX_OUTLET_LENGTH]
    yield _one(origin, payload, stem, warnings, max_bytes)


def _entry_payload(entry, outlet: str | None) -> dict:
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
    link = link if isinstance(link, str) and link.startswith(("http://", "https://")) else None
    payload = {"url": link, "title": entry.get("title", ""), "text": content, "published": published,
               "outlet": outlet_from_url(link) or outlet}
    if entry.get("id"):
        payload["id"] = stable_id(str(entry.get("id")), "")
    return payload


def _read_feed(origin: str, data: bytes, max_bytes: int) -> Iterator[Item]:
    import feedparser

    try:
        # bytes in a file object: feedparser reads a str as a url or a file name
        feed = feedparser.parse(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - any parser failure is this feed's rejection, with its reason
        yield Rejected(origin, None, f"feedparser could not read this feed: {type(e).__name__}: {printable(str(e))[:200]}")
        return
    if not feed.entries:
        reason = f"feed without entries ({printable(str(feed.bozo_exception))[:200]})" if feed.bozo else "feed without entries"
        yield Rejected(origin, None, reason)
        return
    outlet = outlet_from_url(feed.feed.get("link"))
    for i, entry in enumerate(feed.entries):
        try:
            payload = _entry_payload(entry, outlet)
        except Exception as e:  # noqa: BLE001 - one odd entry is rejected, the others are read
            yield Rejected(f"{origin}#{i}", None, f"feed entry {i} could not be read: {type(e).__name__}")
            continue
        yield _one(f"{origin}#{i}", payload, None, (), max_bytes)


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under ``paths``: directories walked recursively in sorted order, one directory
    listing in memory at a time; hidden files and unknown suffixes inside them skipped."""
    for p in paths:
        p = Path(p)
        if not p.is_dir():
            yield p
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                child = Path(root, name)
                if not name.startswith(".") and child.suffix.lower() in KNOWN_SUFFIXES and child.is_file():
                    yield child


def read_inputs(paths: Iterable[str | Path], max_bytes: int) -> Iterator[Item]:
    """Every article (or rejection) found under ``paths``, one at a time."""
    return iter(InputStream(paths, max_bytes))
