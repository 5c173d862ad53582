"""Bad input of every kind a newsroom's files and queues hold, generated (never committed).

``BAD_FILES`` maps a kind to a function ``i -> (file name, bytes)`` and the words its
rejection reason must hold; :func:`write_corpus` writes any number of them beside good
articles. ``POISON`` lists payloads that cannot be articles, for the task entry points.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from claimtrack_testdata.articles import iter_synthetic

ARTICLE = "At least {n} people were killed in the floods, the Red Cross said on Monday."
GIGANTIC_BYTES = 25 * 1024 * 1024
NESTED_DEPTH = 100_000


def _json(obj) -> bytes:
    return json.dumps(obj).encode("utf-8")


def _nested(depth: int) -> list:
    """A list nested ``depth`` levels deep, built without recursion."""
    inner: list = []
    for _ in range(depth - 1):
        inner = [inner]
    return inner


# kind -> (i -> (file name, content), what the reason must say)
BAD_FILES: dict[str, tuple[Callable[[int], tuple[str, bytes]], str]] = {
    "empty": (lambda i: (f"empty-{i}.json", b""), "empty file"),
    "binary": (lambda i: (f"binary-{i}.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
               "binary data"),
    "not-utf8": (lambda i: (f"latin-{i}.json", b'{"text": "caf\xe9 \xc3\x28 \x81 ' + str(i).encode() + b'"'),
                 "malformed JSON"),
    "malformed-json": (lambda i: (f"malformed-{i}.json", b'{"text": "Two people died", "id": }'),
                       "malformed JSON"),
    "non-object-json": (lambda i: (f"shape-{i}.json", [b"42", b'"text"', b"null", b"true", b"[1, 2]",
                                                       b'[["text"]]'][i % 6]), "expected a JSON object"),
    "text-null": (lambda i: (f"text-null-{i}.json", _json({"id": f"tn{i}", "text": None})), "'text' is null"),
    "text-number": (lambda i: (f"text-number-{i}.json", _json({"id": f"tnum{i}", "text": 12345})),
                    "'text' must be a string"),
    "nul-bytes": (lambda i: (f"nul-{i}.txt", ARTICLE.format(n=i).encode() + b"\x00\x00" + b"more"), "binary data"),
    "long-id": (lambda i: (f"long-id-{i}.json", _json({"id": "x" * 5000 + str(i), "text": ARTICLE.format(n=i)})),
                "'id' is 5,0"),
    "javascript-url": (lambda i: (f"js-url-{i}.json", _json({"text": ARTICLE.format(n=i),
                                                             "url": "javascript:alert(1)"})),
                       "'url' must be an http(s) address"),
    "bad-date": (lambda i: (f"bad-date-{i}.json", _json({"text": ARTICLE.format(n=i), "published": "last Tuesday"})),
                 "'published' is not an ISO date"),
    "html-without-text": (lambda i: (f"page-{i}.html", b"<html><head><title>x</title></head><body><nav>"
                                                      b"<a href='/'>Home</a></nav></body></html>"),
                          "HTML page without a main text"),
    "broken-feed": (lambda i: (f"feed-{i}.xml", b"<?xml version='1.0'?><rss version='2.0'><channel><item>"
                                               b"<title>Unclosed"), "'text' is empty"),
    "bom-only": (lambda i: (f"bom-{i}.json", b"\xef\xbb\xbf"), "file holds only whitespace"),
    "whitespace": (lambda i: (f"blank-{i}.txt", b" \n\t\r\n   \n"), "file holds only whitespace"),
    "deeply-nested": (lambda i: (f"nested-{i}.json", b"[" * NESTED_DEPTH), "nested too deeply"),
    "lone-surrogate": (lambda i: (f"surrogate-{i}.json", b'{"text": "\\ud800 ' + ARTICLE.format(n=i).encode() + b'"}'),
                       "lone surrogate"),
}
# one real 25 MB text: written at most this many times, whatever the count asked for
GIGANTIC = (lambda i: (f"gigantic-{i}.txt", ((ARTICLE.format(n=i) + " ") * (GIGANTIC_BYTES // 70 + 1))[:GIGANTIC_BYTES]),
            "gigantic")
MAX_GIGANTIC = 2


def write_corpus(directory: Path, bad: int, good: int, seed: int = 5, start: int = 0,
                 gigantic: int = 1) -> dict[str, str]:
    """Write ``bad`` bad files (the kinds in turn, ``gigantic`` of them 25 MB texts) and
    ``good`` good articles (one JSON file each) under ``directory``.

    Returns ``{file name: what its rejection reason must say}`` for the bad ones.
    """
    directory.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    kinds = list(BAD_FILES.values())
    gigantic = min(gigantic, MAX_GIGANTIC, bad)
    for i in range(bad):
        make, reason = GIGANTIC if i < gigantic else kinds[i % len(kinds)]
        name, content = make(i)
        (directory / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        expected[name] = reason
    for p in iter_synthetic(good, seed=seed, start=start):
        (directory / f"{p['id']}.json").write_text(json.dumps(p), encoding="utf-8")
    return expected


# ---- payloads that cannot be articles (the task entry points) ----------------------------------

def poison_payloads(big: int = 50 * 1024 * 1024, depth: int = 5_000) -> list[tuple[str, object, str]]:
    """(name, payload, what the reason must say) for each kind of poison payload."""
    text = ARTICLE.format(n=7)
    return [
        ("a list", ["not", "an", "article"], "expected a JSON object"),
        ("a string", "At least 5 people died.", "expected a JSON object"),
        ("a number", 42, "expected a JSON object"),
        ("null", None, "expected a JSON object"),
        ("no text", {"id": "p-notext", "title": "x"}, "no 'text' field"),
        ("text null", {"id": "p-textnull", "text": None}, "'text' is null"),
        ("text a number", {"id": "p-textnum", "text": 5}, "'text' must be a string"),
        ("text a list", {"id": "p-textlist", "text": [text]}, "'text' must be a string"),
        ("text an object", {"id": "p-textobj", "text": {"body": text}}, "'text' must be a string"),
        ("a lone surrogate in text", {"id": "p-sur", "text": "\ud800 " + text}, "lone surrogate"),
        ("a lone surrogate in the title", {"id": "p-sur-title", "text": text, "title": "x\udfff"}, "lone surrogate"),
        ("a lone surrogate in the id", {"id": "p-\udc80", "text": text}, "lone surrogate"),
        ("a NUL in text", {"id": "p-nul", "text": text + "\x00"}, "NUL"),
        ("a gigantic string", {"id": "p-big", "text": "x" * big}, "gigantic"),
        ("a nested bomb", {"id": "p-bomb", "text": text, "title": _nested(depth)}, "'title' must be a string"),
        ("a nested bomb as text", {"id": "p-bomb-text", "text": _nested(depth)}, "'text' must be a string"),
        ("an id of 5,000 characters", {"id": "i" * 5000, "text": text}, "'id' is 5,000 characters"),
        ("an id that is a boolean", {"id": True, "text": text}, "'id' must be a string or an integer"),
        ("a javascript: url", {"id": "p-js", "text": text, "url": "javascript:alert(1)"}, "http(s) address"),
        ("a url that is a number", {"id": "p-urlnum", "text": text, "url": 7}, "'url' must be a string"),
        ("a bad date", {"id": "p-date", "text": text, "published": "yesterday"}, "not an ISO date"),
        ("a date that is a number", {"id": "p-datenum", "text": text, "published": 20240101}, "ISO date string"),
        ("an outlet that is a list", {"id": "p-outlet", "text": text, "outlet": ["a", "b"]}, "'outlet' must be a string"),
    ]
