"""The shell side of the exports: run the queries, turn rows into the plain dicts the shapers take.

This is the one module of :mod:`worker.exports` that touches a session.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from store import review_queries as rq
from store.models import Claim, ClaimLink, Flag
from worker.core.sentences import split_sentences
from worker.review import SYSTEM, flag_detail, reviewed_at
from worker.views import claim_json, link_json

MARKED = ("contradicts", "revises_down")


@dataclass(frozen=True)
class Filters:
    """The filters every export takes (None: no filter)."""

    since: date | None = None
    kind: str | None = None
    region: str | None = None
    source: str | None = None
    status: tuple[str, ...] = ()
    relation: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"since": self.since.isoformat() if self.since else None, "kind": self.kind,
                "region": self.region, "source": self.source, "status": ",".join(self.status) or None,
                "relation": ",".join(self.relation) or None}


def claims(session: Session, f: Filters) -> list[dict]:
    """``claim_json`` dicts (plus the article title) of the claims the filters select."""
    return [{**claim_json(c), "title": c.article.title or None}
            for c in rq.export_claims(session, f.kind, f.source, f.since, f.region, f.status or None)]


def links(session: Session, f: Filters) -> list[dict]:
    """``link_json`` dicts, each with ``flag`` (id and status, or None)."""
    out = []
    for link, flag in rq.export_links(session, f.relation or None, f.kind, f.since, f.source, f.region,
                                      f.status or None):
        row = link_json(link)
        row["flag"] = {"id": flag.id, "status": flag.status} if flag is not None else None
        out.append(row)
    return out


def sentence_of(c: Claim) -> tuple[str, int, int]:
    """The sentence holding ``c``'s quote and the quote's offsets inside it."""
    text = c.article.text
    for s, e in split_sentences(text):
        if s <= c.start and c.end <= e:
            return text[s:e], c.start - s, c.end - s
    return c.quote, 0, len(c.quote)


def _review_side(c: Claim) -> dict:
    full = claim_json(c)
    sentence, s, e = sentence_of(c)
    return {**full, "id": c.id, "title": c.article.title or None,
            "published": c.article.published.isoformat() if c.article.published else None,
            "author": c.source_canonical or full["outlet"] or full["originator"],
            "sentence": sentence, "sentence_start": s, "sentence_end": e}


def reviewed_flags(session: Session, f: Filters) -> list[dict]:
    """Confirmed and dismissed flags (or those of ``f.status``) as ClaimReview input dicts."""
    status = f.status or ("confirmed", "dismissed")
    out = []
    for flag in rq.flags(session, status=status, relation=f.relation or None, kind=f.kind, since=f.since,
                         source=f.source, region=f.region):
        when = reviewed_at(flag)
        human = [r for r in flag.reviews if r.status == flag.status and r.note and r.reviewer != SYSTEM]
        out.append({"id": flag.id, "relation": flag.relation, "status": flag.status, "verdict": flag.verdict,
                    "reason": flag.reason, "reviewed_at": when.date().isoformat() if when else None,
                    "note": human[-1].note if human else None,
                    "a": _review_side(flag.a), "b": _review_side(flag.b)})
    return out


def _point(c: Claim) -> dict:
    full = claim_json(c)
    return {"id": c.id, **full, "title": c.article.title or None}


def report_data(session: Session, f: Filters) -> dict:
    """Everything the HTML report shows, by metric.

    The filters choose metrics (any figure matching kind/region/source/since); each
    chart then shows every figure of its metric since ``f.since``, so a contradiction
    is drawn with both sides. With ``f.status``, only metrics with a flag of that
    status, and only those flags, are shown.
    """
    metrics = rq.metrics_of(session, f.kind, f.source, f.since, f.region)
    flags: list[Flag] = rq.flags_of_metrics(session, metrics, f.status or None)
    if f.status:
        metrics = sorted({fl.a.metric for fl in flags})
    claims_by_metric: dict[str, list[dict]] = {m: [] for m in metrics}
    for c in rq.claims_of_metrics(session, metrics, f.since):
        claims_by_metric[c.metric].append(_point(c))
    links_by_metric: dict[str, list[dict]] = {m: [] for m in metrics}
    link: ClaimLink
    for link in rq.links_of_metrics(session, metrics, MARKED):
        links_by_metric[link.a.metric].append({"relation": link.relation, "reason": link.reason,
                                               "a": link.a_id, "b": link.b_id})
    flags_by_metric: dict[str, list[dict]] = {m: [] for m in metrics}
    for fl in flags:
        if fl.a.metric in flags_by_metric:
            flags_by_metric[fl.a.metric].append(flag_detail(fl))
    return {"filters": f.as_dict(),
            "metrics": [{"key": m, "claims": sorted(claims_by_metric[m], key=lambda c: (c["as_of"] or "", c["id"])),
                         "links": links_by_metric[m], "flags": flags_by_metric[m]}
                        for m in metrics if claims_by_metric[m]]}
