"""Stored rows as the JSON of the API and the data of the desk's pages (no queries here)."""
from __future__ import annotations

from store.models import Claim, Flag
from worker.review import flag_detail, flag_json, iso
from worker.views import claim_json, metric_summaries

# how much article text the desk shows around a quote in a very long article
TEXT_WINDOW = 4000


def claim_out(c: Claim) -> dict:
    return {"id": c.id, **claim_json(c), "metric": c.metric}


def _extras(flag: Flag) -> dict:
    out = {"version": flag.version, "created_at": iso(flag.created_at), "updated_at": iso(flag.updated_at)}
    if hasattr(flag, "confidence"):
        out["confidence"] = flag.confidence
    return out


def flag_out(flag: Flag) -> dict:
    """A row of the flags listing: ``review list``'s fields (each side with its claim's id),
    the version and the metric."""
    out = {**flag_json(flag), **_extras(flag), "metric": flag.a.metric}
    out["a"], out["b"] = {"id": flag.a_id, **out["a"]}, {"id": flag.b_id, **out["b"]}
    return out


def flag_full(flag: Flag) -> dict:
    """A flag with both claims in full and its history (``review show``), plus the version."""
    detail = flag_detail(flag)
    for side, c in (("a", flag.a), ("b", flag.b)):
        detail[side]["metric"] = c.metric
    return {**detail, **_extras(flag), "metric": flag.a.metric}


def metrics_out(claims: list[Claim]) -> list[dict]:
    """Per-metric timelines (``claimtrack metrics``), each with its key as ``id``."""
    return [{"id": m["metric"], **m} for m in metric_summaries(claims)]


def text_parts(text: str, start: int, end: int, window: int = TEXT_WINDOW) -> dict:
    """An article's text cut around its quote: before, quote, after (and whether cut).

    The desk escapes each part and wraps the quote in ``<mark>``; the offsets are the
    claim's own, so the quote is highlighted where it was read.
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo, hi = max(0, start - window), min(len(text), end + window)
    return {"before": text[lo:start], "quote": text[start:end], "after": text[end:hi],
            "cut_before": lo > 0, "cut_after": hi < len(text)}
