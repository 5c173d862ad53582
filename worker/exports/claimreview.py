"""schema.org ClaimReview JSON-LD for reviewed flags (pure).

Follows Google's fact-check structured data: ``claimReviewed`` (kept under 75
characters), ``reviewRating`` with ``alternateName`` plus the numeric rating fields,
``url``, ``author``, ``datePublished`` and ``itemReviewed`` (a ``Claim`` with its
``appearance``, ``author`` and ``datePublished``). The structured figure travels as
``additionalProperty`` ``PropertyValue`` entries.
"""
from __future__ import annotations

REVIEWED = ("confirmed", "dismissed")
CLAIM_REVIEWED_MAX = 74  # Google: "less than 75 characters"
ELLIPSIS = "…"
# 1–5 scale: whether the flagged discrepancy stands (the verdict text says what it is)
RATING = {"confirmed": 2, "dismissed": 4}
BEST, WORST = 5, 1
DEFAULT_VERDICT = {
    ("confirmed", "contradicts"): "Contradicted by another source",
    ("confirmed", "revises_down"): "Revised down by its own source",
    ("confirmed", "updates"): "Superseded by a newer figure",
    ("dismissed", "contradicts"): "No real contradiction",
    ("dismissed", "revises_down"): "No real downward revision",
    ("dismissed", "updates"): "No change to note",
}


def _cut_right(text: str, limit: int) -> str:
    """``text`` cut on a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    if " " in head and not text[limit - 1].isspace():
        head = head[:head.rfind(" ")]
    return head.rstrip(" ,;:—-") + ELLIPSIS


def shorten(sentence: str, start: int = 0, end: int | None = None, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """``sentence`` when it fits in ``limit`` characters, else a word-bounded excerpt.

    The excerpt keeps the span ``[start, end)`` (the quote with the number) whenever
    it fits, widening it word by word and marking cuts with an ellipsis.

    >>> shorten("At least 11,078 people have been killed in Gaza since the war began, the ministry said.",
    ...         0, 39)
    'At least 11,078 people have been killed in Gaza since the war began, the…'
    """
    sentence = " ".join(sentence.split()) if end is None else sentence
    if len(sentence) <= limit:
        return sentence
    end = len(sentence) if end is None else end
    if end - start + 2 > limit:
        return _cut_right(sentence[start:], limit)
    words = sentence.split(" ")
    # word index ranges: grow the window around the quote while the excerpt fits
    bounds, pos = [], 0
    for w in words:
        bounds.append((pos, pos + len(w)))
        pos += len(w) + 1
    first = next(i for i, (_, e) in enumerate(bounds) if e > start)
    last = max(i for i, (s, _) in enumerate(bounds) if s < end) if end > start else first

    def excerpt(i: int, j: int) -> str:
        body = " ".join(words[i:j + 1])
        if j < len(words) - 1:
            body = body.rstrip(",;:—-") + ELLIPSIS
        return (ELLIPSIS if i > 0 else "") + body

    if len(excerpt(first, last)) > limit:
        return _cut_right(sentence[start:], limit)
    while True:
        grown = False
        if last + 1 < len(words) and len(excerpt(first, last + 1)) <= limit:
            last, grown = last + 1, True
        if first > 0 and len(excerpt(first - 1, last)) <= limit:
            first, grown = first - 1, True
        if not grown:
            return excerpt(first, last)


def verdict_of(flag: dict) -> str:
    """The reviewer's verdict, or a plain default for the status and relation."""
    if flag.get("verdict"):
        return flag["verdict"]
    return DEFAULT_VERDICT.get((flag["status"], flag["relation"]),
                               "Confirmed" if flag["status"] == "confirmed" else "Dismissed")


def _prop(name: str, value, **extra) -> dict:
    return {"@type": "PropertyValue", "propertyID": name, "name": name, "value": value, **extra}


def figure_properties(c: dict) -> list[dict]:
    """The structured figure as PropertyValue entries (absent values left out)."""
    props = [_prop("kind", c.get("kind")),
             _prop("value", c.get("value"), unitText="people")]
    for name in ("low", "high"):
        if c.get(name) is not None:
            props.append(_prop(name, c[name], unitText="people"))
    for name in ("qualifier", "scope", "as_of", "region", "subject"):
        if c.get(name):
            props.append(_prop(name, c[name]))
    return props


def claim_review(flag: dict, org: dict, url_template: str) -> dict:
    """One ClaimReview for a reviewed flag.

    ``flag``: ``id``, ``relation``, ``status``, ``verdict``, ``reason``, ``reviewed_at``
    (ISO date of the review that set the status), ``note`` and side ``a`` (the newer
    figure: ``sentence``, ``sentence_start``, ``sentence_end``, ``quote``, ``kind``,
    ``value``, ``low``, ``high``, ``as_of``, ``region``, ``author``, ``url``, ``title``,
    ``outlet``, ``published``) and ``b``.
    ``org``: ``name`` and ``url`` of the reviewing organisation.
    ``url_template``: the review's url, with ``{id}`` for the flag id.
    """
    a, b = flag["a"], flag["b"]
    verdict = verdict_of(flag)
    appearance = {"@type": "CreativeWork"}
    if a.get("url"):
        appearance["url"] = a["url"]
    if a.get("title"):
        appearance["headline"] = a["title"]
    if a.get("published"):
        appearance["datePublished"] = a["published"]
    if a.get("outlet"):
        appearance["publisher"] = {"@type": "Organization", "name": a["outlet"]}
    sentence = a.get("sentence") or a.get("quote") or ""
    body = [flag.get("reason") or ""]
    if flag.get("note"):
        body.append(flag["note"])
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url_template.format(id=flag["id"]),
        "claimReviewed": shorten(sentence, a.get("sentence_start", 0), a.get("sentence_end")),
        "author": {"@type": "Organization", "name": org["name"], **({"url": org["url"]} if org.get("url") else {})},
        "datePublished": flag.get("reviewed_at"),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING.get(flag["status"], 3),
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": verdict,
            "name": verdict,
            **({"ratingExplanation": flag["note"]} if flag.get("note") else {}),
        },
        "reviewBody": ". ".join(p.rstrip(".") for p in body if p) + ".",
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": a.get("author") or "unknown"},
            "datePublished": a.get("published") or a.get("as_of"),
            "appearance": appearance,
            "additionalProperty": figure_properties(a),
        },
        "identifier": f"claimtrack-flag-{flag['id']}",
        "about": {"@type": "Claim", "name": "earlier figure", "text": b.get("quote"),
                  "author": {"@type": "Organization", "name": b.get("author") or "unknown"},
                  "datePublished": b.get("published") or b.get("as_of"),
                  "additionalProperty": figure_properties(b)},
    }


def claim_reviews(flags: list[dict], org: dict, url_template: str) -> list[dict]:
    """ClaimReviews for the flags whose status is ``confirmed`` or ``dismissed``, by flag id."""
    return [claim_review(f, org, url_template)
            for f in sorted(flags, key=lambda f: f["id"]) if f["status"] in REVIEWED]
