"""Rendering the desk: Jinja templates (autoescaped: article text is always text) and the
data each page shows, built from stored rows. No queries here but through ``store``."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from store.models import Claim, Flag
from worker.exports.chart import MARK_COLOURS, colours, timeline_svg
from worker.exports.markup import safe_url
from worker.exports.report import MARKED, figure_text, metric_label
from worker.review import STATUSES
from worker.views import claim_json, display_originator
from worker.web.shape import text_parts

TEMPLATES = Path(__file__).parent / "templates"

STATUS_LABELS = {"new": "new", "in_review": "in review", "confirmed": "confirmed", "dismissed": "dismissed",
                 "needs_source": "needs source"}
# the desk's keys: c, d, s
SHORTCUTS = (("c", "confirmed", "Confirm"), ("d", "dismissed", "Dismiss"), ("s", "needs_source", "Needs source"))


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["figure"] = figure_text
    env.filters["metric_label"] = metric_label
    env.filters["safe_url"] = safe_url
    env.filters["urlpath"] = lambda s: quote(str(s), safe="")
    env.filters["num"] = lambda v: f"{v:,}" if isinstance(v, int) else ("" if v is None else str(v))
    env.globals.update(STATUSES=STATUSES, STATUS_LABELS=STATUS_LABELS, SHORTCUTS=SHORTCUTS)
    return env


_ENV: Environment | None = None


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    global _ENV
    if _ENV is None:
        _ENV = _env()
    html = _ENV.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code=status_code, status=status_code, message=message, user=None)


# ---- page data --------------------------------------------------------------------------------

def point(c: Claim) -> dict:
    return {"id": c.id, **claim_json(c), "title": c.article.title or None}


def chart(claims: list[Claim], links: list, flags: list[Flag], key: str, chart_id: str = "chart") -> dict:
    """The metric's timeline (the report's SVG) with flagged pairs marked, and its legend."""
    by_pair = {(f.a_id, f.b_id): f for f in flags}
    marks = []
    for link in links:
        if link.relation in MARKED:
            flag = by_pair.get((link.a_id, link.b_id))
            marks.append({"flag_id": flag.id if flag else None, "relation": link.relation, "a": link.a_id,
                          "b": link.b_id, "status": flag.status if flag else None, "reason": link.reason})
    points = [point(c) for c in claims]
    svg = timeline_svg(points, marks, label=metric_label(key), chart_id=chart_id)
    legend = colours(p["originator"] for p in points if p.get("as_of"))
    keys = {r: MARK_COLOURS[r] for r in MARKED if any(m["relation"] == r for m in marks)}
    # the chart is built only from escaped text (worker.exports.markup)
    return {"svg": Markup(str(svg)), "legend": legend, "marks": keys}


def side(c: Claim) -> dict:
    """One figure of a flag with its article's text around the quote."""
    full = claim_json(c)
    art = c.article
    return {**full, "id": c.id, "title": art.title or None, "published": art.published,
            "safe_url": safe_url(art.url), "text": text_parts(art.text, c.start, c.end)}


def observations(claims: list[Claim]) -> list[dict]:
    """Per originator, its observations (one figure at one date) and the articles carrying each."""
    by_origin: dict[str, dict[tuple, dict]] = defaultdict(dict)
    for c in claims:
        who = display_originator(c.originator)
        key = (c.as_of, c.value, c.qualifier, c.low, c.high)
        obs = by_origin[who].setdefault(key, {"as_of": c.as_of, "claim": claim_json(c), "articles": []})
        obs["articles"].append({"id": c.article.ext_id, "title": c.article.title or None,
                                "outlet": c.article.outlet.name if c.article.outlet else None,
                                "safe_url": safe_url(c.article.url), "quote": c.quote})
    return [{"originator": who, "observations": sorted(obs.values(), key=lambda o: (o["as_of"], o["claim"]["value"]))}
            for who, obs in sorted(by_origin.items())]
