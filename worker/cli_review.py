"""``claimtrack review …`` and ``claimtrack export …``: thin commands over worker.review and worker.exports."""
from __future__ import annotations

import functools
import json
from datetime import datetime, timezone

import click

from worker.cli_common import console as _console
from worker.cli_common import engine as _engine
from worker.cli_common import since_date as _since
from worker.core.types import KINDS, RELATIONS
from worker.review import STATUSES

REVIEW_RELATIONS = ("contradicts", "revises_down", "updates")


def _text(value):
    """Article text as a rich Text: never read as console markup."""
    from rich.text import Text

    return Text("" if value is None else str(value))


def _write(output: str, text: str, what: str) -> None:
    """``text`` to stdout (``-``) or to the file ``output`` (UTF-8, line ends untouched)."""
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as e:
        raise click.ClickException(f"cannot write {output}: {e.strerror}; choose another -o path") from None
    _console(stderr=True).print(_text(f"wrote {what} to {output}"))


# ---- review -----------------------------------------------------------------------------------

@click.group()
def review() -> None:
    """Review flagged links: list them, show the evidence, set a status with a note.

    Statuses: new, in_review, confirmed, dismissed, needs_source. Every change is kept
    with who and when (`review show` prints the history).

    \b
    Example:
        claimtrack review list --status new
        claimtrack review set 3 confirmed --verdict "Figures conflict" --note "checked both" --reviewer ana
    """


@review.command("list")
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES), help="Only these statuses (repeatable).")
@click.option("--relation", "relations", multiple=True, type=click.Choice(REVIEW_RELATIONS),
              help="Only these relations (repeatable).")
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--source", help="Part of an originator name on either side.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def review_list(statuses, relations, kind, source, fmt) -> None:
    """List review flags, the most trusted first (confidence and its reasons), with their status
    and both figures (sides a and b as in `export links`).

    \b
    Example:
        claimtrack review list --status new --relation contradicts
        claimtrack review list --format jsonl > flags.jsonl
    """
    from rich.table import Column, Table

    from store import review_queries as rq
    from store.db import session_scope
    from worker.review import flag_json

    with session_scope(_engine()) as session:
        rows = [flag_json(f) for f in rq.flags(session, status=statuses or None, relation=relations or None,
                                                kind=kind, source=source)]
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    table = Table("id", Column("relation", no_wrap=True, min_width=12), Column("conf.", no_wrap=True), "status",
                  "verdict", "reason", "newer (a)", "earlier (b)")
    for r in rows:
        table.add_row(str(r["id"]), r["relation"], f"{r['confidence']:.2f}", r["status"], _text(r["verdict"] or ""),
                      _text(r["reason"] + ("; " + "; ".join(r["reasons"]) if r["reasons"] else "")),
                      _text(f"{r['a']['article']}: {r['a']['quote']}"), _text(f"{r['b']['article']}: {r['b']['quote']}"))
    out = _console()
    out.print(table)
    out.print(f"{len(rows)} flags")


@review.command("show")
@click.argument("flag_id", type=int, metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def review_show(flag_id, fmt) -> None:
    """Show flag ID: both figures side by side with their quotes, and its whole history.

    \b
    Example:
        claimtrack review show 3
        claimtrack review show 3 --format json
    """
    from rich.table import Table

    from store import review_queries as rq
    from store.db import session_scope
    from worker.review import flag_detail

    with session_scope(_engine()) as session:
        flag = rq.flag_by_id(session, flag_id)
        if flag is None:
            raise click.ClickException(f"there is no flag {flag_id}: `claimtrack review list` shows the flags")
        d = flag_detail(flag)
    if fmt == "json":
        click.echo(json.dumps(d, ensure_ascii=False, indent=2))
        return
    out = _console()
    out.print(_text(f"flag {d['id']} · {d['relation']} · status {d['status']}"
                    + (f" · verdict: {d['verdict']}" if d["verdict"] else "")))
    out.print(_text(d["reason"]))
    evidence = Table("", "newer (a)", "earlier (b)")
    for label, key in (("article", "article"), ("title", "title"), ("outlet", "outlet"), ("url", "url"),
                       ("originator", "originator"), ("source as written", "source"), ("as of", "as_of"),
                       ("kind", "kind"), ("figure", "value"), ("qualifier", "qualifier"), ("low", "low"),
                       ("high", "high"), ("scope", "scope"), ("region", "region"), ("quote", "quote")):
        evidence.add_row(label, _text(d["a"].get(key)), _text(d["b"].get(key)))
    out.print(evidence)
    out.print("history (oldest first):")
    for i, h in enumerate(d["history"], 1):
        # one line per change, unwrapped: notes are read and grepped whole
        out.print(_text(f"  {i}. {h['at']}  {h['reviewer']}  → {h['status']}"
                        + (f"  note: {h['note']}" if h["note"] else "")
                        + (f"  verdict: {h['verdict']}" if h["verdict"] else "")), overflow="ignore", crop=False)


@review.command("set")
@click.argument("flag_id", type=int, metavar="ID")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--note", help="Why: what you checked, what you found.")
@click.option("--verdict", help="The verdict text (ClaimReview's rating name), e.g. 'Figures conflict'.")
@click.option("--reviewer", help="Your name. Default: $CLAIMTRACK_REVIEWER or your login name.")
def review_set(flag_id, status, note, verdict, reviewer) -> None:
    """Set the status of flag ID, with a note and an optional verdict; the change is kept in its history.

    \b
    Example:
        claimtrack review set 3 dismissed --note "different scopes" --verdict "No conflict" --reviewer ana
    """
    from store import review_queries as rq
    from store.db import session_scope
    from worker.review import ReviewError, set_status
    from worker.settings import default_reviewer

    try:
        with session_scope(_engine()) as session:
            existing = rq.flag_by_id(session, flag_id)
            before = existing.status if existing is not None else None
            flag = set_status(session, flag_id, status, note=note, verdict=verdict,
                              reviewer=reviewer or default_reviewer())
            line = f"flag {flag.id}: {before} → {flag.status}" + (f" (verdict: {flag.verdict})" if flag.verdict else "")
    except ReviewError as e:
        raise click.ClickException(str(e)) from None
    _console().print(_text(line))


# ---- export -----------------------------------------------------------------------------------

def _filters(fn):
    """The filters every export takes."""
    @click.option("--since", help="Only figures as of this ISO date (YYYY-MM-DD) or later.")
    @click.option("--kind", type=click.Choice(KINDS), help="Only this kind of head count.")
    @click.option("--region", help="Part of a region name.")
    @click.option("--source", help="Part of a source or originator name.")
    @click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES),
                  help="Only what is on a flag with this review status (repeatable).")
    @functools.wraps(fn)
    def wrapper(*args, since, kind, region, source, statuses, relations=(), **kwargs):
        from worker.exports.load import Filters

        f = Filters(since=_since(since), kind=kind, region=region, source=source, status=tuple(statuses),
                    relation=tuple(relations))
        return fn(*args, filters=f, **kwargs)
    return wrapper


_output = click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
                       help="Write to FILE instead of standard output.")
_bom = click.option("--bom", is_flag=True, help="Start the CSV with a UTF-8 byte order mark (for Excel).")


def _load(loader, filters):
    from store.db import session_scope

    with session_scope(_engine()) as session:
        return loader(session, filters)


@click.group()
def export() -> None:
    """Export claims, links, ClaimReview JSON-LD or an HTML report.

    Every export takes --since, --kind, --region, --source and --status, and -o FILE.

    \b
    Example:
        claimtrack export links --format jsonl -o links.jsonl
        claimtrack export report -o report.html
    """


@export.command("claims")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@_output
@_bom
@_filters
def export_claims(fmt, output, bom, filters) -> None:
    """Every stored claim (SPEC §2 fields), sorted, as JSON Lines or CSV.

    \b
    Example:
        claimtrack export claims --format csv --bom -o claims.csv
        claimtrack export claims --kind killed --since 2023-11-01
    """
    from worker.exports import load, tabular

    rows = _load(load.claims, filters)
    text = tabular.claims_csv(rows, bom=bom) if fmt == "csv" else tabular.claims_jsonl(rows)
    _write(output, text, f"{len(rows)} claims")


@export.command("links")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--relation", "relations", multiple=True, type=click.Choice(RELATIONS), help="Only these relations (repeatable).")
@_output
@_bom
@_filters
def export_links(fmt, output, bom, filters) -> None:
    """Every link with relation, reason, score and both sides (SPEC §5), sorted.

    CSV adds the review flag's id and status.

    \b
    Example:
        claimtrack export links --format jsonl -o links.jsonl
        claimtrack export links --format csv --relation contradicts -o contradictions.csv
    """
    from worker.exports import load, tabular

    rows = _load(load.links, filters)
    text = tabular.links_csv(rows, bom=bom) if fmt == "csv" else tabular.links_jsonl(rows)
    _write(output, text, f"{len(rows)} links")


@export.command("claimreview")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True)
@click.option("--relation", "relations", multiple=True, type=click.Choice(REVIEW_RELATIONS))
@_output
@_filters
def export_claimreview(fmt, output, filters) -> None:
    """schema.org ClaimReview JSON-LD, one per reviewed (confirmed or dismissed) flag.

    The author is $CLAIMTRACK_ORG_NAME / $CLAIMTRACK_ORG_URL; each review's url is
    $CLAIMTRACK_REVIEW_URL with {id} for the flag id.

    \b
    Example:
        CLAIMTRACK_ORG_NAME="Example Desk" CLAIMTRACK_ORG_URL=https://news.example \\
            claimtrack export claimreview -o claimreviews.json
    """
    from worker.exports import load
    from worker.exports.claimreview import claim_reviews
    from worker.settings import org_name, org_url, review_url_template

    flags = _load(load.reviewed_flags, filters)
    template = review_url_template()
    if template.startswith("urn:"):
        _console(stderr=True).print("note: set CLAIMTRACK_REVIEW_URL or CLAIMTRACK_ORG_URL so each review's "
                                    "url is a web page (Google requires one)")
    docs = claim_reviews(flags, {"name": org_name(), "url": org_url()}, template)
    if fmt == "jsonl":
        text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    else:
        text = json.dumps(docs, ensure_ascii=False, indent=2) + "\n"
    _write(output, text, f"{len(docs)} ClaimReviews")


@export.command("report")
@click.option("--format", "fmt", type=click.Choice(["html"]), default="html", show_default=True)
@click.option("--scale", type=click.Choice(["auto", "log", "linear"]), default="auto", show_default=True,
              help="Value axis of the charts; auto is log when a metric's figures span more than 20×.")
@_output
@_filters
def export_report(fmt, scale, output, filters) -> None:
    """One self-contained HTML file: per metric a timeline of the figures by originator,
    contradictions and downward revisions marked, the flags with their evidence and review status.

    \b
    Example:
        claimtrack export report -o report.html && xdg-open report.html
        claimtrack export report --kind killed --status new -o to-review.html
    """
    from worker.exports import load
    from worker.exports.report import report_html

    data = _load(load.report_data, filters)
    html = report_html(data, now=datetime.now(timezone.utc), scale=scale)
    _write(output, html, f"a report of {len(data['metrics'])} metrics")


def register(cli: click.Group) -> None:
    """Add ``review`` and ``export`` to ``cli`` (this ``export`` replaces the older one)."""
    cli.add_command(review)
    cli.commands.pop("export", None)
    cli.add_command(export)

