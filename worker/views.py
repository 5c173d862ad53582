"""Shaping stored rows into the JSON of SPEC §2 and §5 (no queries here)."""
from __future__ import annotations

from store.models import Claim, ClaimLink

# the columns exports had before observations, then role and observation (issue 11)
CLAIM_FIELDS = ("article", "kind", "value", "qualifier", "low", "high", "scope", "period", "subject",
                "location", "region", "source", "source_canonical", "originator", "as_of", "outlet",
                "url", "quote", "start", "end", "role", "observation")
LINK_SIDE_FIELDS = ("article", "kind", "value", "qualifier", "low", "high", "source_canonical",
                    "originator", "as_of", "quote", "start", "end", "role", "observation")


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
        "role": c.role, "observation": observation_label(c),
    }


def figure_text(value: int, qualifier: str, low: int | None, high: int | None) -> str:
    """A figure as a reader writes it: ``≥11,078``, ``~1,200``, ``100–300``."""
    if qualifier == "range" and low is not None and high is not None:
        return f"{low:,}–{high:,}"
    return {"at_least": "≥", "at_most": "≤", "approx": "~"}.get(qualifier, "") + f"{value:,}"


def observation_label(c: Claim) -> str:
    """The observation a claim mentions, as a reviewer reads it:
    ``Gaza Health Ministry ≥31,800 (2024-03-19)``; ``undated`` without a date."""
    when = c.as_of.isoformat() if c.as_of else (c.order_key[:10] if c.role == "earlier" and
                                                 not c.order_key.startswith("0000") else "undated")
    return f"{display_originator(c.originator)} {figure_text(c.value, c.qualifier, c.low, c.high)} ({when})"


def display_originator(o: str) -> str:
    """``outlet:apnews.com`` → ``apnews.com (own figure)``; ``named:Firas Abiad`` (a
    source that is no identified authority) → ``Firas Abiad``."""
    if o.startswith("named:"):
        return o[len("named:"):]
    return o[len("outlet:"):] + " (own figure)" if o.startswith("outlet:") else o


def link_json(link: ClaimLink) -> dict:
    """One link as SPEC §5: relation, reason, score and sides ``a`` (newer) and ``b`` (earlier)."""
    def side(c: Claim) -> dict:
        full = claim_json(c)
        return {k: full[k] for k in LINK_SIDE_FIELDS}

    return {"relation": link.relation, "score": link.score, "reason": link.reason,
            "a": side(link.a), "b": side(link.b)}


def metric_summaries(claims: list[Claim]) -> list[dict]:
    """Group claims (sorted by metric, then order) into per-metric, per-originator chains
    of observations.

    Each originator's chain (at each place inside the metric's region, apart) lists its
    observations of the metric's totals in order (an
    earlier figure quoted for comparison at its own date; sub-counts and figures of other
    events are left out), each with how many articles and outlets carried it, and the
    latest one; corroboration is counted in independent originators, not articles.
    """
    metrics: dict[str, dict] = {}
    for c in claims:
        if c.role in ("part", "other_event"):
            continue
        m = metrics.setdefault(c.metric, {"metric": c.metric, "kind": c.kind, "region": c.metric.split("|")[1] or None,
                                          "subject_class": c.subject_class, "scope": c.scope,
                                          "period": c.period, "originators": {}})
        # a place inside the metric's region is its own chain ("NDMA — Sindh")
        place = f" — {c.region}" if c.region and c.region != m["region"] else ""
        chain = m["originators"].setdefault(display_originator(c.originator) + place, {})
        point = chain.get(c.observation)
        if point is None:
            point = chain[c.observation] = {
                "value": c.value, "qualifier": c.qualifier, "figure": figure_text(c.value, c.qualifier, c.low, c.high),
                "as_of": c.as_of.isoformat() if c.as_of else None, "observation": observation_label(c),
                "article": c.article.ext_id, "_articles": set(), "_outlets": set()}
        point["_articles"].add(c.article_id)
        point["_outlets"].add(c.article.outlet_id)
    out = []
    for m in metrics.values():
        origs = []
        for who, chain in m["originators"].items():
            hist = [{**{k: v for k, v in p.items() if not k.startswith("_")}, "articles": len(p["_articles"]),
                     "outlets": len(p["_outlets"])} for p in chain.values()]
            origs.append({"originator": who, "latest": hist[-1], "history": hist})
        origs.sort(key=lambda o: (o["latest"]["as_of"] or "", o["originator"]), reverse=True)
        out.append({**{k: v for k, v in m.items() if k != "originators"},
                    "independent_originators": len(origs), "originators": origs})
    return out
