"""Claims and links as CSV and JSON Lines: stable columns, sorted, deterministic.

Pure: takes the dicts of :mod:`worker.views` (``claim_json`` / ``link_json``) and
returns text.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable

from worker.views import CLAIM_FIELDS, LINK_SIDE_FIELDS

# spreadsheet programs run a cell starting with one of these as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

# the article title helps a reader of the spreadsheet; it is not a claim field
CLAIM_COLUMNS = (*CLAIM_FIELDS, "title")
LINK_COLUMNS = ("relation", "score", "reason",
                *(f"a_{k}" for k in LINK_SIDE_FIELDS), *(f"b_{k}" for k in LINK_SIDE_FIELDS),
                "flag_id", "flag_status")


def claim_sort_key(c: dict) -> tuple:
    """Claims by date (undated first), article, position, kind: the same on every database."""
    return (c.get("as_of") or "", c.get("article") or "", c.get("start") or 0, c.get("kind") or "")


def link_sort_key(link: dict) -> tuple:
    """Links by their newer side, then their earlier side (each as :func:`claim_sort_key`)."""
    return (*claim_sort_key(link["a"]), *claim_sort_key(link["b"]), link.get("relation") or "")


def safe_cell(value):
    """A value a spreadsheet shows as written and never evaluates.

    Numbers stay numbers; text that starts like a formula gets a leading apostrophe
    (the OWASP advice against CSV formula injection).

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell(-5), safe_cell(None)
    ('\\'=HYPERLINK("http://x")', -5, '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def to_csv(columns: Iterable[str], rows: Iterable[dict], bom: bool = False) -> str:
    """``rows`` as RFC 4180 CSV (CRLF line ends, a header row) in the order of ``columns``."""
    columns = tuple(columns)
    buf = io.StringIO()
    if bom:
        buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(col)) for col in columns])
    return buf.getvalue()


def to_jsonl(rows: Iterable[dict]) -> str:
    """One JSON object per line, keys in the order given, UTF-8 text unescaped."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def claims_csv(claims: Iterable[dict], bom: bool = False) -> str:
    """Claims (``claim_json`` dicts) as CSV, sorted."""
    return to_csv(CLAIM_COLUMNS, sorted(claims, key=claim_sort_key), bom=bom)


def claims_jsonl(claims: Iterable[dict]) -> str:
    """Claims as JSON Lines with the CSV's fields (``claim_json`` plus the title), sorted."""
    return to_jsonl({k: c.get(k) for k in CLAIM_COLUMNS} for c in sorted(claims, key=claim_sort_key))


def flatten_link(link: dict) -> dict:
    """A ``link_json`` dict (plus optional ``flag``) as one flat CSV row."""
    row = {"relation": link["relation"], "score": link["score"], "reason": link["reason"]}
    for side in ("a", "b"):
        for k in LINK_SIDE_FIELDS:
            row[f"{side}_{k}"] = link[side].get(k)
    flag = link.get("flag") or {}
    row["flag_id"], row["flag_status"] = flag.get("id"), flag.get("status")
    return row


def links_csv(links: Iterable[dict], bom: bool = False) -> str:
    """Links as CSV: relation, score, reason, ``a_*`` and ``b_*`` sides, then the review flag."""
    return to_csv(LINK_COLUMNS, (flatten_link(x) for x in sorted(links, key=link_sort_key)), bom=bom)


def links_jsonl(links: Iterable[dict]) -> str:
    """Links as JSON Lines in exactly the SPEC §5 shape (``../shared/eval`` reads it)."""
    return to_jsonl({"relation": x["relation"], "score": x["score"], "reason": x["reason"],
                     "a": x["a"], "b": x["b"]} for x in sorted(links, key=link_sort_key))
