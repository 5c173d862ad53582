"""Shaping stored rows into the JSON of SPEC §2 and §5 (no queries here)."""
from __future__ import annotations

from store.models import Claim, ClaimLink

CLAIM_FIELDS = ("article", "kind", "value", "qualifier", "low", "high", "scope", "period", "subject",
                "location", "region", "source", "source_canonical", "originator", "as_of", "outlet",
                "url", "quote", "start", "end")
LINK_SIDE_FIELDS = ("article", "kind", "value", "qualifier", "low", "high", "source_canonical",
                    "originator", "as_of", "quote", "start", "end")


def claim_json(c: Claim) -> dict:
    """One stored claim as the fields of SPEC §2 (plus originator, outlet and url)."""
    art = c.article
    return {
        "article": art.ext_id, "kind": c.kind, "value": c.value, "qualifier": c.qualifier,
        "low": c.low, "high": c.high, "scope": c.scope, "period": c.period, "subject": c.subject,
        "location": c.location, "region": c.region or None, "source": c.source,
        "source_canonical": c.source_canonical, "originator": display_originator(c.originator),
        "as_of": c.as_of.isoformat() if c.as_of else None,
        "outlet": art.outlet.name if art.outlet else None, "url": art.url,
        "quote": c.quote, "start": c.start, "end": c.end,
    }


def display_originator(o: str) -> str:
    """``outlet:apnews.com`` → ``apnews.com (own figure)``."""
    return o[len("outlet:"):] + " (own figure)" if o.startswith("outlet:") else o


def link_json(link: ClaimLink) -> dict:
    """One link as SPEC §5: relation, reason, score and sides ``a`` (newer) and ``b`` (earlier)."""
    def side(c: Claim) -> dict:
        full = claim_json(c)
        return {k: full[k] for k in LINK_SIDE_FIELDS}

    return {"relation": link.relation, "score": link.score, "reason": link.reason,
            "a": side(link.a), "b": side(link.b)}


def metric_summaries(claims: list[Claim]) -> list[dict]:
    """Group claims (sorted by metric, then order) into per-metric, per-originator timelines.

    Each metric lists its originators with the latest figure and the history before it;
    corroboration is counted in independent originators, not articles.
    """
    metrics: dict[str, dict] = {}
    for c in claims:
        m = metrics.setdefault(c.metric, {"metric": c.metric, "kind": c.kind, "region": c.region or None,
                                          "subject_class": c.subject_class, "scope": c.scope,
                                          "period": c.period, "originators": {}})
        who = display_originator(c.originator)
        hist = m["originators"].setdefault(who, [])
        point = {"value": c.value, "qualifier": c.qualifier, "as_of": c.as_of.isoformat() if c.as_of else None,
                 "article": c.article.ext_id}
        if not hist or (hist[-1]["value"], hist[-1]["as_of"]) != (point["value"], point["as_of"]):
            hist.append(point)
    out = []
    for m in metrics.values():
        origs = [{"originator": who, "latest": hist[-1], "history": hist} for who, hist in m["originators"].items()]
        origs.sort(key=lambda o: (o["latest"]["as_of"] or "", o["originator"]), reverse=True)
        out.append({**{k: v for k, v in m.items() if k != "originators"},
                    "independent_originators": len(origs), "originators": origs})
    return out
