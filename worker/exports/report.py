"""The HTML report a reviewer opens in a browser (pure: plain dicts in, one HTML string out).

Self-contained: inline CSS and inline SVG, no script, no external resource; a
Content-Security-Policy meta tag forbids loading anything, so even a mistake in
escaping could not run a script. Every text and attribute value is escaped by
:mod:`worker.exports.markup`.

The input (built by :func:`worker.exports.load.report_data`)::

    {"metrics": [{"key": "killed|Gaza Strip|people|cumulative",
                  "claims": [{"id", "article", "title", "url", "outlet", "originator", "as_of",
                              "value", "low", "high", "qualifier", "quote"}, ...],
                  "links": [{"relation", "reason", "a", "b", "flag_id"}, ...],   # flagged relations
                  "flags": [{"id", "relation", "status", "reason", "verdict", "a": claim, "b": claim,
                             "history": [{"at", "reviewer", "status", "note", "verdict"}]}, ...]}],
     "filters": {"kind": ..., ...}}
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from worker.exports.chart import MARK_COLOURS, colours, timeline_svg
from worker.exports.markup import Safe, join, safe_url, tag, void

STATUS_ORDER = ("new", "in_review", "needs_source", "confirmed", "dismissed")
MARKED = ("contradicts", "revises_down")

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header,main{max-width:1100px;margin:0 auto;padding:12px 24px}
header{border-bottom:1px solid #ddd;background:#fff}
h1{font-size:24px;margin:8px 0}h2{font-size:19px;margin:0 0 6px}h3{font-size:15px;margin:0}
.meta{color:#555;font-size:13px}
section.metric{background:#fff;border:1px solid #ddd;border-radius:6px;margin:18px 0;padding:14px 18px}
svg.timeline{width:100%;height:auto;background:#fff}
svg .grid{stroke:#e6e6e6;stroke-width:1}svg .axis{stroke:#444;stroke-width:1}
svg text{font:11px system-ui,sans-serif;fill:#444}svg .axis-label{font-size:12px;fill:#222}
svg circle.fig{stroke-width:1.5}
.legend{list-style:none;padding:0;margin:4px 0 8px;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:5px;vertical-align:-1px}
.key{display:inline-block;width:18px;border-top:2px dashed;margin-right:5px;vertical-align:3px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;border-bottom:1px solid #eee;padding:3px 6px;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.flag{border:1px solid #ddd;border-left:5px solid #999;border-radius:4px;margin:10px 0;padding:8px 12px}
.flag.contradicts{border-left-color:#D55E00}.flag.revises_down{border-left-color:#B8860B}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff;background:#777}
.status-new{background:#c0392b}.status-in_review{background:#2d6cdf}.status-needs_source{background:#8e44ad}
.status-confirmed{background:#1e7d32}.status-dismissed{background:#7f7f7f}
.evidence{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin:8px 0}
.side{background:#f6f6f6;border-radius:4px;padding:6px 10px}
blockquote{margin:4px 0;padding-left:8px;border-left:3px solid #ccc;font-style:italic}
ol.history{font-size:12px;color:#333;margin:4px 0;padding-left:20px}
details{margin:6px 0}summary{cursor:pointer;color:#2d6cdf}
"""


def metric_label(key: str) -> str:
    """``killed|Gaza Strip|children|cumulative`` → ``killed · Gaza Strip · children · cumulative``."""
    kind, region, subject, scope = (key.split("|") + ["", "", "", ""])[:4]
    return " · ".join(p for p in (kind, region or "no region", subject, scope.replace(":", " ")) if p)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def metric_order(m: dict) -> tuple:
    """Metrics with open flags first, then reviewed flags, then by how many figures."""
    open_flags = sum(f["status"] in ("new", "in_review", "needs_source") for f in m.get("flags", []))
    return (-open_flags, -len(m.get("flags", [])), -len(m.get("claims", [])), m["key"])


def fmt_num(v) -> str:
    return f"{v:,}" if isinstance(v, int) else ("" if v is None else str(v))


def figure_text(c: dict) -> str:
    """``≥11,078`` / ``20–30`` / ``~400``: the figure as stated."""
    q = c.get("qualifier")
    if q == "range" and c.get("low") is not None and c.get("high") is not None:
        return f"{c['low']:,}–{c['high']:,}"
    return {"at_least": "≥", "at_most": "≤", "approx": "~"}.get(q, "") + fmt_num(c.get("value"))


def article_ref(c: dict) -> Safe:
    """The article's title (or id) linked to its url when the url is http(s)."""
    name = c.get("title") or c.get("article") or "article"
    url = safe_url(c.get("url"))
    label = [tag("a", {"href": url, "rel": "noopener noreferrer", "target": "_blank"}, name) if url else name]
    if c.get("outlet"):
        label.append(f" ({c['outlet']})")
    return join(label)


def side_html(title: str, c: dict) -> Safe:
    return tag("div", {"class": "side", "data-claim-id": c.get("id")},
               tag("h3", None, title),
               tag("div", None, tag("strong", None, figure_text(c)), f" {c.get('kind') or ''} · ",
                   c.get("originator") or "", f" · as of {c.get('as_of') or 'undated'}"),
               tag("blockquote", None, c.get("quote") or ""),
               tag("div", {"class": "meta"}, article_ref(c)))


def flag_html(f: dict) -> Safe:
    history = [tag("li", None, f"{h.get('at') or ''} — {h.get('reviewer') or ''}: ",
                   tag("span", {"class": f"badge status-{h.get('status')}"}, h.get("status") or ""),
                   f" {h['note']}" if h.get("note") else "",
                   f" — verdict: {h['verdict']}" if h.get("verdict") else "")
               for h in f.get("history", [])]
    return tag("article", {"class": f"flag {f['relation']}", "id": f"flag-{f['id']}", "data-flag-id": f["id"],
                           "data-status": f["status"]},
               tag("h3", None, f"Flag {f['id']} · {f['relation'].replace('_', ' ')} ",
                   tag("span", {"class": f"badge status-{f['status']}"}, f["status"].replace("_", " ")),
                   f" · verdict: {f['verdict']}" if f.get("verdict") else ""),
               tag("p", None, f.get("reason") or ""),
               tag("p", {"class": "meta confidence"}, f"confidence {f['confidence']:.2f}: "
                   + "; ".join(f.get("reasons") or ())) if f.get("confidence") is not None else "",
               tag("div", {"class": "evidence"}, side_html("Newer figure (a)", f["a"]),
                   side_html("Earlier figure (b)", f["b"])),
               tag("details", None, tag("summary", None, f"history ({len(history)})"),
                   tag("ol", {"class": "history"}, history)) if history else "")


def metric_html(i: int, m: dict, scale: str) -> Safe:
    claims = m.get("claims", [])
    flags_by_pair = {(f["a"]["id"], f["b"]["id"]): f for f in m.get("flags", [])}
    marks = []
    for link in m.get("links", []):
        if link["relation"] not in MARKED:
            continue
        flag = flags_by_pair.get((link["a"], link["b"]))
        marks.append({"flag_id": flag["id"] if flag else None, "relation": link["relation"],
                      "a": link["a"], "b": link["b"], "status": flag["status"] if flag else None,
                      "reason": link.get("reason")})
    label = metric_label(m["key"])
    svg = timeline_svg(claims, marks, label=label, scale=scale, chart_id=f"chart-{i}")
    colour = colours(c["originator"] for c in claims if c.get("as_of"))
    legend = [tag("li", None, tag("span", {"class": "swatch", "style": f"background:{col}"}), origin)
              for origin, col in colour.items()]
    legend += [tag("li", None, tag("span", {"class": "key", "style": f"border-color:{MARK_COLOURS[r]}"}),
                   r.replace("_", " ")) for r in MARKED if any(mk["relation"] == r for mk in marks)]
    undated = [c for c in claims if not c.get("as_of")]
    rows = [tag("tr", {"data-claim-id": c["id"]},
                tag("td", None, c.get("as_of") or "undated"), tag("td", None, c.get("originator") or ""),
                tag("td", {"class": "num"}, figure_text(c)), tag("td", None, tag("q", None, c.get("quote") or "")),
                tag("td", None, article_ref(c)))
            for c in sorted(claims, key=lambda c: (c.get("as_of") or "", c.get("originator") or "", c["id"]))]
    # by status, then the most trusted first
    flags = sorted(m.get("flags", []), key=lambda f: (STATUS_ORDER.index(f["status"])
                                                      if f["status"] in STATUS_ORDER else 9,
                                                      -(f.get("confidence") or 0), f["id"]))
    return tag("section", {"class": "metric", "id": f"metric-{i}", "data-metric": m["key"]},
               tag("h2", None, label),
               tag("div", {"class": "meta"}, f"{plural(len(claims), 'figure')} from "
                                             f"{plural(len({c['originator'] for c in claims}), 'originator')} · "
                                             f"{plural(len(flags), 'flag')}"),
               svg, tag("ul", {"class": "legend"}, legend),
               tag("p", {"class": "meta"}, f"{plural(len(undated), 'undated figure')}: listed below, not drawn.")
               if undated else "",
               tag("details", None, tag("summary", None, f"all figures ({len(claims)})"),
                   tag("table", None, tag("thead", None, tag("tr", None, [tag("th", None, h) for h in
                                                                       ("as of", "originator", "figure", "quote",
                                                                        "article")])),
                       tag("tbody", None, rows))),
               [flag_html(f) for f in flags])


def report_html(data: dict, now: datetime, scale: str = "auto") -> str:
    """The whole report as one HTML document.

    ``now`` is when it was generated (passed in: the shaping code reads no clock).
    ``scale`` is ``auto``, ``log`` or ``linear`` for every chart.
    """
    metrics = sorted(data.get("metrics", []), key=metric_order)
    flags = [f for m in metrics for f in m.get("flags", [])]
    status_count = Counter(f["status"] for f in flags)
    filters = {k: v for k, v in (data.get("filters") or {}).items() if v}
    n_claims = sum(len(m.get("claims", [])) for m in metrics)
    toc = [tag("li", None, tag("a", {"href": f"#metric-{i}"}, metric_label(m["key"])),
               f" — {plural(len(m.get('claims', [])), 'figure')}, {plural(len(m.get('flags', [])), 'flag')}")
           for i, m in enumerate(metrics)]
    head = tag("head", None,
               void("meta", {"charset": "utf-8"}),
               void("meta", {"http-equiv": "Content-Security-Policy",
                             "content": "default-src 'none'; style-src 'unsafe-inline'; img-src data:"}),
               void("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
               tag("title", None, "claimtrack report"),
               tag("style", None, Safe(CSS)))
    header = tag("header", None,
                 tag("h1", None, "claimtrack report"),
                 tag("div", {"class": "meta"}, f"generated {now.isoformat(timespec='seconds')} · "
                                               f"{len(metrics)} metrics · {n_claims} figures · {len(flags)} flags"
                                               + ("".join(f" · {k}: {v}" for k, v in filters.items()))),
                 tag("p", None, [join([tag("span", {"class": f"badge status-{s}"}, f"{s.replace('_', ' ')} "
                                                                                   f"{status_count[s]}"), " "])
                                 for s in STATUS_ORDER if status_count[s]]) if flags else "",
                 tag("details", None, tag("summary", None, "metrics"), tag("ol", None, toc)) if metrics else "")
    body = tag("main", None, [metric_html(i, m, scale) for i, m in enumerate(metrics)]
               or tag("p", None, "No figures match these filters."))
    return "<!doctype html>\n" + tag("html", {"lang": "en"}, head, tag("body", None, header, body)) + "\n"
