"""A hand-built inline SVG timeline of one metric's figures (pure).

One ``<circle class="fig">`` per dated figure (with ``data-*`` attributes naming the
claim), one ``<polyline>`` per originator, dated axis ticks, a log or linear value
axis, and the flagged links (contradictions, downward revisions) drawn between their
two figures. No script: hover text comes from SVG ``<title>`` elements.
"""
from __future__ import annotations

import math
from datetime import date

from worker.exports.markup import Safe, join, tag, void

WIDTH, HEIGHT = 960, 320
LEFT, RIGHT, TOP, BOTTOM = 78, 48, 18, 58
# distinct on white and for the common colour-vision deficiencies (Okabe–Ito, plus greys)
PALETTE = ("#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#8C6D31", "#7F7F7F")
MARK_COLOURS = {"contradicts": "#D55E00", "revises_down": "#B8860B", "updates": "#0072B2"}
# a log axis once the figures span more than this ratio: a day's toll and a month's total
LOG_RATIO = 20


def colours(originators) -> dict[str, str]:
    """A stable colour per originator (sorted names, palette order, then repeated)."""
    return {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(sorted(set(originators)))}


def choose_scale(values, scale: str = "auto") -> str:
    """``log`` when asked, or (``auto``) when positive figures span more than LOG_RATIO."""
    if scale in ("log", "linear"):
        return scale
    positive = [v for v in values if v and v > 0]
    if len(positive) >= 2 and max(positive) / min(positive) > LOG_RATIO:
        return "log"
    return "linear"


def nice_step(span: float, target: int = 5) -> float:
    """A 1-2-5 step giving about ``target`` ticks over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return max(1.0, m * mag)
    return max(1.0, 10 * mag)


def linear_ticks(hi: float) -> tuple[float, list[float]]:
    """Ticks from 0 to a round number at or above ``hi``."""
    step = nice_step(hi or 1)
    top = step * math.ceil((hi or 1) / step)
    n = int(round(top / step))
    return top, [i * step for i in range(n + 1)]


def log_ticks(lo: float, hi: float) -> tuple[float, float, list[float]]:
    """Decade bounds around [lo, hi] and ticks at 1, 2, 5 × 10^k (1 × 10^k when wide)."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if b == a:
        b += 1
    mults = (1,) if b - a > 3 else (1, 2, 5)
    ticks = [m * 10 ** k for k in range(a, b + 1) for m in mults if m * 10 ** k <= 10 ** b]
    return float(10 ** a), float(10 ** b), ticks


def fmt_value(v: float) -> str:
    """Axis label: 1,200 · 45k · 1.2M."""
    if v >= 1_000_000:
        return f"{v / 1_000_000:g}M"
    if v >= 10_000:
        return f"{v / 1_000:g}k"
    return f"{int(v):,}"


def date_ticks(d0: int, d1: int, most: int = 6) -> list[int]:
    """Ordinal days for the date axis: both ends and evenly spaced days between."""
    span = d1 - d0
    if span <= 0:
        return [d0]
    n = min(most - 1, span)
    return sorted({d0 + round(i * span / n) for i in range(n + 1)})


def timeline_svg(points: list[dict], marks: list[dict], *, label: str, scale: str = "auto",
                 chart_id: str = "chart") -> Safe:
    """The chart of one metric.

    ``points``: dicts with ``id``, ``originator``, ``as_of`` (ISO date), ``value`` and
    optionally ``low``, ``high``, ``qualifier``, ``article``, ``quote``. Undated points
    are left out (the report lists them below the chart).
    ``marks``: dicts with ``flag_id``, ``relation``, ``a`` and ``b`` (claim ids),
    ``status`` and ``reason``; a mark whose figures are not both drawn is skipped.
    """
    pts = [p for p in points if p.get("as_of")]
    if not pts:
        return Safe("")
    days = {p["id"]: date.fromisoformat(p["as_of"]).toordinal() for p in pts}
    d0, d1 = min(days.values()), max(days.values())
    if d0 == d1:
        d0, d1 = d0 - 1, d1 + 1
    values = [p["value"] for p in pts] + [p[k] for p in pts for k in ("low", "high")
                                          if p.get(k) is not None and p.get("qualifier") == "range"]
    kind = choose_scale(values, scale)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    if kind == "log":
        positive = [v for v in values if v > 0] or [1]
        y_lo, y_hi, yticks = log_ticks(min(positive), max(positive))

        def y(v: float) -> float:
            v = min(max(v, y_lo), y_hi)
            return TOP + plot_h * (1 - (math.log10(v) - math.log10(y_lo)) / (math.log10(y_hi) - math.log10(y_lo)))
    else:
        y_hi, yticks = linear_ticks(max(values))

        def y(v: float) -> float:
            return TOP + plot_h * (1 - max(v, 0) / y_hi)

    def x(day: int) -> float:
        # a little room at both ends so the first and last figures clear the axes
        return LEFT + 14 + (plot_w - 28) * (day - d0) / (d1 - d0)

    pos = {p["id"]: (round(x(days[p["id"]]), 1), round(y(p["value"]), 1)) for p in pts}
    colour = colours(p["originator"] for p in pts)
    parts: list = [tag("title", None, label)]

    # axes and grid
    grid = []
    for t in yticks:
        ty = round(y(t), 1)
        grid.append(void("line", {"class": "grid", "x1": LEFT, "x2": WIDTH - RIGHT, "y1": ty, "y2": ty}))
        grid.append(tag("text", {"class": "tick y", "x": LEFT - 6, "y": ty + 4, "text-anchor": "end"}, fmt_value(t)))
    for dt in date_ticks(min(days.values()), max(days.values())):
        tx = round(x(dt), 1)
        grid.append(void("line", {"class": "grid", "x1": tx, "x2": tx, "y1": TOP, "y2": TOP + plot_h}))
        grid.append(tag("text", {"class": "tick x", "x": tx, "y": TOP + plot_h + 16, "text-anchor": "middle"},
                        date.fromordinal(dt).isoformat()))
    parts.append(tag("g", {"class": "axes"}, grid,
                     void("line", {"class": "axis", "x1": LEFT, "x2": LEFT, "y1": TOP, "y2": TOP + plot_h}),
                     void("line", {"class": "axis", "x1": LEFT, "x2": WIDTH - RIGHT,
                                   "y1": TOP + plot_h, "y2": TOP + plot_h}),
                     tag("text", {"class": "axis-label", "x": LEFT + plot_w / 2, "y": HEIGHT - 10,
                                  "text-anchor": "middle"}, "as of (date the figure refers to)"),
                     tag("text", {"class": "axis-label", "x": 14, "y": TOP + plot_h / 2, "text-anchor": "middle",
                                  "transform": f"rotate(-90 14 {TOP + plot_h / 2})"},
                         f"people ({kind} scale)")))

    # one line per originator, in date order
    series = []
    by_origin: dict[str, list[dict]] = {}
    for p in sorted(pts, key=lambda p: (p["as_of"], p["id"])):
        by_origin.setdefault(p["originator"], []).append(p)
    for origin, ps in sorted(by_origin.items()):
        if len(ps) > 1:
            series.append(void("polyline", {
                "class": "series", "data-originator": origin, "fill": "none", "stroke": colour[origin],
                "stroke-width": 2, "points": " ".join(f"{pos[p['id']][0]},{pos[p['id']][1]}" for p in ps)}))
    parts.append(tag("g", {"class": "lines"}, series))

    # flagged links between two figures
    drawn = []
    for m in marks:
        if m["a"] not in pos or m["b"] not in pos:
            continue
        (ax, ay), (bx, by) = pos[m["a"]], pos[m["b"]]
        c = MARK_COLOURS.get(m["relation"], "#D55E00")
        symbol = (f"M{ax - 7},{ay - 7} L{ax + 7},{ay + 7} M{ax - 7},{ay + 7} L{ax + 7},{ay - 7}"
                  if m["relation"] == "contradicts" else
                  f"M{ax - 7},{ay + 9} L{ax + 7},{ay + 9} L{ax},{ay + 18} Z")
        flagged = m.get("flag_id") is not None
        title = (f"flag {m['flag_id']} · {m['relation']} · {m.get('status')}: " if flagged
                 else f"{m['relation']} (not flagged for review): ") + (m.get("reason") or "")
        drawn.append(tag("a", {"href": f"#flag-{m['flag_id']}" if flagged else None,
                               "class": f"mark {m['relation']}", "data-flag-id": m.get("flag_id"),
                               "data-status": m.get("status")},
                         tag("title", None, title),
                         void("line", {"x1": ax, "y1": ay, "x2": bx, "y2": by, "stroke": c, "stroke-width": 2,
                                       "stroke-dasharray": "5 4"}),
                         void("path", {"d": symbol, "stroke": c, "stroke-width": 3,
                                       "fill": c if m["relation"] != "contradicts" else "none"})))
    parts.append(tag("g", {"class": "marks"}, drawn))

    # the figures themselves, with their stated ranges
    figs = []
    for p in sorted(pts, key=lambda p: (p["as_of"], p["originator"], p["id"])):
        px, py = pos[p["id"]]
        if p.get("qualifier") == "range" and p.get("low") is not None and p.get("high") is not None:
            figs.append(void("line", {"class": "range", "x1": px, "x2": px, "y1": round(y(p["low"]), 1),
                                      "y2": round(y(p["high"]), 1), "stroke": colour[p["originator"]],
                                      "stroke-width": 1.5}))
        figs.append(tag("circle", {
            "class": "fig", "cx": px, "cy": py, "r": 5, "fill": colour[p["originator"]], "stroke": "#fff",
            "data-claim-id": p["id"], "data-value": p["value"], "data-as-of": p["as_of"],
            "data-originator": p["originator"], "data-article": p.get("article")},
            tag("title", None, f"{p['originator']}: {p['value']:,} ({p['as_of']}) — {p.get('quote') or ''}")))
    parts.append(tag("g", {"class": "figures"}, figs))

    return tag("svg", {"xmlns": "http://www.w3.org/2000/svg", "id": chart_id, "class": "timeline",
                       "viewBox": f"0 0 {WIDTH} {HEIGHT}", "width": WIDTH, "height": HEIGHT, "role": "img",
                       "aria-label": label, "data-scale": kind}, join(parts))
