"""Queries. Functions take a session and never commit: the caller owns the transaction."""
from __future__ import annotations

import json
import zlib
from collections import namedtuple
from datetime import date, timedelta
from typing import Callable, Iterable, Sequence

from sqlalchemy import JSON, Select, String, any_, bindparam, delete, func, insert, or_, select, text, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key

from store.models import Article, Claim, ClaimLink, Flag, Outlet, Rejection, Review, Source


# advisory lock spaces: an article's own keys (its hash, id, url) are taken first, the
# metrics and figures it links into last; no key of one space can collide with the other
ARTICLE_LOCKS, METRIC_LOCKS = 1, 2


def lock_keys(session: Session, keys: Iterable[str], space: int = METRIC_LOCKS) -> None:
    """Serialise writers that touch the same keys (PostgreSQL advisory locks).

    Locks are taken in sorted order, in one statement (no deadlock among writers taking
    keys of one space), and released at commit. SQLite has a single writer already, so
    nothing is needed there.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    # crc32 as a signed 32-bit key; (space, key) is PostgreSQL's two-key advisory lock
    ids = sorted({zlib.crc32(key.encode("utf-8")) - 2**31 for key in keys})
    if ids:
        # one round trip; unnest yields the array in order, so every writer takes its
        # locks in the same ascending order
        session.execute(text("SELECT count(pg_advisory_xact_lock(:space, k)) FROM unnest(CAST(:ids AS int[])) AS k"),
                        {"space": space, "ids": ids})


# ---- writing a batch of articles: a few set-based statements per batch ----------------------

_ARTICLES, _CLAIMS, _OUTLETS, _SOURCES, _LINKS = (m.__table__ for m in (Article, Claim, Outlet, Source, ClaimLink))


def _chunks(items: Sequence, size: int = 500):
    # SQLite caps bound parameters per statement
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _member(column, name: str, pg: bool):
    """``column`` is one of the values bound to ``name``: ``= ANY(array)`` on PostgreSQL
    (one statement text whatever the number of values, so it is parsed once), an
    expanding ``IN`` elsewhere."""
    if pg:
        return column == any_(bindparam(name, type_=postgresql.ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


_BY_DIALECT: dict[tuple[str, bool], object] = {}


def _rows_in(session: Session, key: str, build: Callable, values: Iterable, params: dict | None = None,
             size: int = 500) -> list:
    """The rows of ``build(member)`` with the sorted ``values`` bound to ``"values"``: one
    statement on PostgreSQL, chunks of ``size`` on SQLite (which caps bound parameters).
    ``member(column, name)`` is :func:`_member` for the session's database; the statement
    is built once per database."""
    values = sorted(set(values))
    if not values:
        return []
    pg = session.get_bind().dialect.name == "postgresql"
    stmt = _BY_DIALECT.get((key, pg))
    if stmt is None:
        stmt = _BY_DIALECT[(key, pg)] = build(lambda column, name: _member(column, name, pg))
    conn = session.connection()
    parts = [values] if pg else _chunks(values, size)
    return [row for part in parts for row in conn.execute(stmt, {"values": part, **(params or {})})]


def stored_hashes(session: Session, hashes: Iterable[str]) -> set[str]:
    """Which of these content hashes are stored already."""
    col = _ARTICLES.c.content_hash
    return {h for (h,) in _rows_in(session, "stored_hashes", lambda m: select(col).where(m(col, "values")), hashes)}


def hashes_of_ext_ids(session: Session, ext_ids: Iterable[str]) -> dict[str, str]:
    """The content hash stored under each of these article ids (those that are stored)."""
    a = _ARTICLES.c
    return dict(_rows_in(session, "hashes_of_ext_ids",
                         lambda m: select(a.ext_id, a.content_hash).where(m(a.ext_id, "values")), ext_ids))


def stored_urls(session: Session, pairs: Iterable[tuple[int | None, str | None]]) -> set[tuple[int, str]]:
    """Which (outlet id, url) pairs are stored already."""
    pairs = {p for p in pairs if p[0] is not None and p[1] is not None}
    a = _ARTICLES.c
    # outlet and url both bound: a lookup in the unique (outlet_id, url) index, never a
    # scan of every stored url
    found = _rows_in(session, "stored_urls",
                     lambda m: select(a.outlet_id, a.url).where(m(a.outlet_id, "outlets"), m(a.url, "values")),
                     {u for _, u in pairs}, {"outlets": sorted({o for o, _ in pairs})})
    return {tuple(r) for r in found} & pairs


def _ids_by_name(session: Session, table, column: str, names: set[str], extra: dict | None = None) -> dict[str, int]:
    """Ids of the rows of ``table`` whose unique ``column`` is one of ``names``, inserting
    the missing ones (insert-or-ignore: a concurrent writer may insert them too)."""
    col = table.c[column]

    def ids(which) -> dict[str, int]:
        return dict(_rows_in(session, f"ids:{table.name}", lambda m: select(col, table.c.id).where(m(col, "values")),
                             which))

    found = ids(names)
    missing = sorted(n for n in names if n not in found)
    if missing:
        insert_rows(session, table, [{column: n, **(extra or {})} for n in missing], [column])
        found.update(ids(missing))
    return found


def outlet_ids(session: Session, names: Iterable[str | None]) -> dict[str, int]:
    """The id of each outlet name, created if new."""
    return _ids_by_name(session, _OUTLETS, "name", {n for n in names if n})


def outlet_id(session: Session, name: str | None) -> int | None:
    """The id of outlet ``name``, created if new."""
    return outlet_ids(session, [name]).get(name) if name else None


def source_ids(session: Session, seen: dict[str, set[str]]) -> dict[str, int]:
    """The id of each canonical source in ``seen``, created if new; remembers the aliases
    (the names it was seen under) that are new, up to 200 per source."""
    ids = _ids_by_name(session, _SOURCES, "canonical", set(seen), {"aliases": []})
    if not ids:
        return ids
    conn = session.connection()
    src = _SOURCES.c

    def new_aliases(canonical: str, aliases) -> list[str]:
        aliases = list(aliases or [])
        return sorted(a for a in seen[canonical] if a and a not in aliases)[:max(0, 200 - len(aliases))]

    rows = _rows_in(session, "sources", lambda m: select(src.id, src.canonical, src.aliases).where(m(src.id, "values")),
                    ids.values())
    grown = sorted(sid for sid, canonical, aliases in rows if new_aliases(canonical, aliases))
    if grown:
        # read again under a row lock (in id order, so two writers cannot deadlock here):
        # a writer adding aliases at the same time waits, then adds to what this one wrote
        for sid, canonical, aliases in conn.execute(select(src.id, src.canonical, src.aliases)
                                                    .where(src.id.in_(grown)).order_by(src.id).with_for_update()):
            new = new_aliases(canonical, aliases)
            if new:
                conn.execute(update(_SOURCES).where(src.id == sid).values(aliases=list(aliases or []) + new))
    return ids


_INSERTS: dict[tuple, object] = {}


def _with_defaults(table, rows: list[dict]) -> list[dict]:
    # Python-side column defaults (created_at=utcnow, …), which raw SQL would not apply
    cols = [c for c in table.c if c.default is not None and (c.default.is_scalar or c.default.is_callable)]
    out = []
    for row in rows:
        missing = {c.name: (c.default.arg(None) if c.default.is_callable else c.default.arg)
                   for c in cols if c.name not in row}
        out.append({**row, **missing} if missing else row)
    return out


def _unsized(sqltype):
    return String() if isinstance(sqltype, String) and sqltype.length else sqltype


def _is_json(column) -> bool:
    return isinstance(column.type, JSON)


def insert_rows(session: Session, table, rows: list[dict], conflict: Sequence[str] = (),
                returning: Sequence[str] = ()) -> list:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one statement, with
    ON CONFLICT (``conflict``) DO NOTHING when given; returns the ``returning`` columns of
    the inserted rows (in no particular order: callers map them back by a unique key).

    On PostgreSQL the rows travel as one array per column (``INSERT … SELECT FROM
    unnest(…)``): the statement text is the same for any number of rows, so it is
    parsed once, and a thousand values cost one parameter per column.
    """
    if not rows:
        return []
    rows = _with_defaults(table, rows)
    names = list(rows[0])
    dialect = session.get_bind().dialect
    conn = session.connection()
    if dialect.name != "postgresql":
        stmt = insert(table)
        if conflict:
            stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
        if returning:
            return conn.execute(stmt.returning(*(table.c[r] for r in returning)), rows).all()
        conn.execute(stmt, rows)
        return []
    key = (table.name, tuple(names), tuple(conflict), tuple(returning))
    stmt = _INSERTS.get(key)
    if stmt is None:
        q = dialect.identifier_preparer.quote
        # JSON values travel as text and are cast back (PostgreSQL has no array of JSON literals)
        # arrays of unsized types: a cast to VARCHAR(255)[] would cut a longer value without
        # a word, where the assignment to the column refuses it as SQLite's path does
        types = ["TEXT" if _is_json(table.c[n]) else _unsized(table.c[n].type).compile(dialect=dialect)
                 for n in names]
        arrays = ", ".join(f"CAST(:c{i} AS {t}[])" for i, t in enumerate(types))
        values = ", ".join(f"CAST(u.c{i} AS JSON)" if _is_json(table.c[n]) else f"u.c{i}" for i, n in enumerate(names))
        sql = (f"INSERT INTO {q(table.name)} ({', '.join(q(n) for n in names)}) SELECT {values} "
               f"FROM unnest({arrays}) AS u({', '.join(f'c{i}' for i in range(len(names)))})")
        if conflict:
            sql += f" ON CONFLICT ({', '.join(q(c) for c in conflict)}) DO NOTHING"
        if returning:
            sql += f" RETURNING {', '.join(q(r) for r in returning)}"
        stmt = _INSERTS[key] = text(sql)
    result = conn.execute(stmt, {f"c{i}": [json.dumps(r[n]) if _is_json(table.c[n]) else r[n] for r in rows]
                                 for i, n in enumerate(names)})
    return result.all() if returning else []


def insert_articles(session: Session, rows: list[dict]) -> dict[str, int]:
    """Insert articles, ignoring any whose content hash is stored meanwhile (a concurrent
    copy of the same task); returns the id of each inserted article by content hash."""
    return dict(insert_rows(session, _ARTICLES, rows, ["content_hash"], ["content_hash", "id"]))


def insert_claims(session: Session, rows: list[dict]) -> list[int]:
    """Insert claims; returns their ids in the order of ``rows`` (one statement)."""
    found = {(a, s, k): i for i, a, s, k in insert_rows(session, _CLAIMS, rows, (),
                                                         ["id", "article_id", "start", "kind"])}
    return [found[(r["article_id"], r["start"], r["kind"])] for r in rows]


# kind IN … AND value IN …, not a row-value IN: both databases turn these into index
# lookups on (kind, value, as_of); the few extra combinations are dropped in Python
def _copy_figures(m):
    c = _CLAIMS.c
    return (select(c.article_id, c.kind, c.value, c.as_of)
            .where(m(c.kind, "kinds"), m(c.value, "values"), c.as_of >= bindparam("lo"), c.as_of <= bindparam("hi")))


def _copy_figures_own(m):
    return _copy_figures(m).where(_CLAIMS.c.source_id.is_(None))


def articles_sharing_figures(session: Session, figures: dict[int, set[tuple[str, int, date, bool]]],
                             days: int = 3) -> dict[int, set[int]]:
    """For each article id in ``figures``, the other stored articles that state one of its
    figures (kind, value, as_of within ``days``) where one of the two states it as its
    own (no source named: the last item of the figure says so for the article's side).

    Syndicated copies state the same figures, so they are found through the claim index
    rather than by comparing every stored text; a figure attributed to an authority on
    both sides originates with the authority whoever carries it, so such copies are
    never read (a hot story carried by hundreds of outlets costs nothing here). Two
    statements for a whole batch.
    """
    out: dict[int, set[int]] = {}
    for own, build in ((True, _copy_figures), (False, _copy_figures_own)):
        mine = {art: {f[:3] for f in fs if f[3] == own} for art, fs in figures.items()}
        everything = {f for fs in mine.values() for f in fs}
        if not everything:
            continue
        lo = min(f[2] for f in everything) - timedelta(days=days)
        hi = max(f[2] for f in everything) + timedelta(days=days)
        stated: dict[tuple[str, int], list[tuple[int, date]]] = {}
        params = {"kinds": sorted({k for k, _, _ in everything}), "lo": lo, "hi": hi}
        for art, kind, value, as_of in _rows_in(session, f"copy_figures:{own}", build,
                                                {v for _, v, _ in everything}, params, size=250):
            stated.setdefault((kind, value), []).append((art, as_of))
        for art, fs in mine.items():
            found = {other for kind, value, as_of in fs for other, when in stated.get((kind, value), ())
                     if other != art and abs((when - as_of).days) <= days}
            if found:
                out.setdefault(art, set()).update(found)
    return out


def copy_texts(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The texts of these articles, by id (to compare candidate copies)."""
    a = _ARTICLES.c
    return dict(_rows_in(session, "copy_texts", lambda m: select(a.id, a.text).where(m(a.id, "values")), ids))


def copy_roots(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """The original of each of these articles' copy groups (itself when it is one)."""
    a = _ARTICLES.c
    return {i: (o or i) for i, o in _rows_in(session, "copy_roots",
                                              lambda m: select(a.id, a.copy_of_id).where(m(a.id, "values")), ids)}


def copies_of(session: Session, originals: Iterable[int]) -> list[Article]:
    """The articles stored as copies of these originals."""
    ids = sorted(set(originals))
    if not ids:
        return []
    return list(session.scalars(select(Article).where(Article.copy_of_id.in_(ids))
                                .options(joinedload(Article.outlet)).order_by(Article.id)))


def articles_by_id(session: Session, ids: Iterable[int]) -> list[Article]:
    return list(session.scalars(select(Article).where(Article.id.in_(sorted(set(ids))))
                                .options(joinedload(Article.outlet))))


FIGURE_COLUMNS = (Claim.id, Claim.kind, Claim.value, Claim.qualifier, Claim.low, Claim.high, Claim.scope,
                  Claim.metric, Claim.originator, Claim.as_of, Claim.order_key, Claim.region, Claim.regions,
                  Claim.role, Claim.article_id, Claim.observation)


def figures_by_id(session: Session, ids: Iterable[int]) -> list:
    """The claims ``ids`` as rows of :data:`FIGURE_COLUMNS`."""
    return _rows_in(session, "figures_by_id", lambda m: select(*FIGURE_COLUMNS).where(m(Claim.id, "values")), ids)


# the linking hot path's statements are built once, with bound parameters: building
# SQL expressions per call costs more than running them
_CHAIN = select(*FIGURE_COLUMNS).where(Claim.metric == bindparam("metric"),
                                       Claim.originator == bindparam("originator"))
_CHAIN_BEFORE = (_CHAIN.where(Claim.order_key < bindparam("order_key"))
                 .order_by(Claim.order_key.desc()).limit(bindparam("reach")))
_CHAIN_AFTER = (_CHAIN.where(Claim.order_key > bindparam("order_key"))
                .order_by(Claim.order_key.asc()).limit(bindparam("reach")))
# both directions in one round trip, each an index range scan
_CHAIN_BOTH = union_all(select(_CHAIN_BEFORE.subquery()), select(_CHAIN_AFTER.subquery()))


def chain_window(session: Session, metric: str, originator: str, order_key: str,
                 reach: int) -> tuple[list, list]:
    """Up to ``reach`` claims of one originator's metric before and after ``order_key``, in
    order, as rows of :data:`FIGURE_COLUMNS` (plain tuples: this is the linking hot path)."""
    params = {"metric": metric, "originator": originator, "order_key": order_key, "reach": reach}
    rows = sorted(session.execute(_CHAIN_BOTH, params).all(), key=lambda r: r.order_key)
    return [r for r in rows if r.order_key < order_key], [r for r in rows if r.order_key > order_key]


_FIGURE_NAMES = ", ".join(c.key for c in FIGURE_COLUMNS)
FigureRow = namedtuple("FigureRow", [c.key for c in FIGURE_COLUMNS])
# where a claim sits in its originator's chain and whether it repeats the one before it
# (another mention of its observation, in its role, at its place): what tells which
# chain links a batch changes, before any figure is read in full
CHAIN_KEYS = (Claim.id, Claim.order_key, Claim.observation, Claim.role, Claim.region)
_SPAN_READS: dict[tuple[str, ...], tuple] = {}


def _span_reads(columns: Sequence) -> tuple:
    """The statements that read chain spans as rows of ``columns`` (built once per set of
    columns): one span, many spans on PostgreSQL, many spans on SQLite; and the row type."""
    names = tuple(c.key for c in columns)
    if names in _SPAN_READS:
        return _SPAN_READS[names]
    chain = select(*columns).where(Claim.metric == bindparam("metric"), Claim.originator == bindparam("originator"))
    before = chain.where(Claim.order_key < bindparam("lo")).order_by(Claim.order_key.desc()).limit(bindparam("reach"))
    between = chain.where(Claim.order_key >= bindparam("lo"), Claim.order_key <= bindparam("hi"))
    after = chain.where(Claim.order_key > bindparam("hi")).order_by(Claim.order_key.asc()).limit(bindparam("reach"))
    one = union_all(select(before.subquery()), select(between.subquery()), select(after.subquery()))
    listed = ", ".join(names)
    # PostgreSQL: every span of a batch in one round trip, a LATERAL join of the same
    # three index range scans per (metric, originator)
    pg = text(f"""
SELECT g.i, c.* FROM unnest(CAST(:metrics AS text[]), CAST(:originators AS text[]), CAST(:los AS text[]),
                            CAST(:his AS text[])) WITH ORDINALITY AS g(metric, originator, lo, hi, i)
CROSS JOIN LATERAL (
  (SELECT {listed} FROM claims WHERE metric = g.metric AND originator = g.originator
     AND order_key < g.lo ORDER BY order_key DESC LIMIT :reach)
  UNION ALL
  (SELECT {listed} FROM claims WHERE metric = g.metric AND originator = g.originator
     AND order_key >= g.lo AND order_key <= g.hi)
  UNION ALL
  (SELECT {listed} FROM claims WHERE metric = g.metric AND originator = g.originator
     AND order_key > g.hi ORDER BY order_key ASC LIMIT :reach)
) AS c""")
    # SQLite has no LATERAL: the spans travel as one JSON array, and for each of them the
    # claims are found by id among a correlated subquery's (an index range scan of the
    # (metric, originator, order_key) index, then a primary key lookup per claim); the
    # statement text is the same for any number of spans
    cols = ", ".join(f"c.{n}" for n in names)
    span = ("metric = json_extract(g.value, '$[0]') AND originator = json_extract(g.value, '$[1]')",
            "json_extract(g.value, '$[2]')", "json_extract(g.value, '$[3]')")
    lite = text(f"""
SELECT g.key, {cols} FROM json_each(:spans) AS g JOIN claims AS c ON c.id IN (
  SELECT id FROM claims WHERE {span[0]} AND order_key < {span[1]} ORDER BY order_key DESC LIMIT :reach)
UNION ALL
SELECT g.key, {cols} FROM json_each(:spans) AS g JOIN claims AS c ON c.id IN (
  SELECT id FROM claims WHERE {span[0]} AND order_key >= {span[1]} AND order_key <= {span[2]})
UNION ALL
SELECT g.key, {cols} FROM json_each(:spans) AS g JOIN claims AS c ON c.id IN (
  SELECT id FROM claims WHERE {span[0]} AND order_key > {span[2]} ORDER BY order_key ASC LIMIT :reach)
""").columns(Claim.id.label("i"), *columns)
    row = FigureRow if names == FigureRow._fields else namedtuple("SpanRow", names)
    _SPAN_READS[names] = (one, pg, lite, row)
    return _SPAN_READS[names]


def chain_span(session: Session, metric: str, originator: str, lo: str, hi: str, reach: int,
               columns: Sequence = FIGURE_COLUMNS) -> list:
    """One originator's claims of a metric from ``reach`` before ``lo`` to ``reach`` after
    ``hi`` (every claim between included), in order, as rows of ``columns``.

    One round trip of three index range scans: the span a batch of new claims can change.
    """
    params = {"metric": metric, "originator": originator, "lo": lo, "hi": hi, "reach": reach}
    return sorted(session.connection().execute(_span_reads(columns)[0], params).all(), key=lambda r: r.order_key)


def chain_spans(session: Session, spans: Sequence[tuple[str, str, str, str]], reach: int,
                columns: Sequence = FIGURE_COLUMNS) -> list[list]:
    """:func:`chain_span` for each (metric, originator, lo, hi) of ``spans``, in one round
    trip (one per 500 spans on SQLite); a list of rows of ``columns`` (each in order) per
    span. (One span takes the plain statement, whose plan PostgreSQL keeps.)"""
    if len(spans) <= 1:
        return [chain_span(session, *span, reach, columns) for span in spans]
    _, pg, lite, row_type = _span_reads(columns)
    out: list[list] = [[] for _ in spans]
    conn = session.connection()
    if session.get_bind().dialect.name != "postgresql":
        for start in range(0, len(spans), 500):
            rows = conn.execute(lite, {"spans": json.dumps(spans[start:start + 500]), "reach": reach}).all()
            for row in rows:
                out[start + row[0]].append(row_type(*row[1:]))
    else:
        metrics, originators, los, his = (list(col) for col in zip(*spans))
        rows = conn.execute(pg, {"metrics": metrics, "originators": originators, "los": los, "his": his,
                                 "reach": reach}).all()
        for row in rows:
            out[row[0] - 1].append(row_type(*row[1:]))
    return [sorted(rows, key=lambda r: r.order_key) for rows in out]


# an observation's first mention (its head) stands for it: cross-originator links join
# observations, and the window is read through (metric, head, as_of), never the copies
_METRIC_SPAN = (select(*FIGURE_COLUMNS)
                .where(Claim.metric == bindparam("metric"), Claim.head == bindparam("head"),
                       Claim.as_of >= bindparam("lo"), Claim.as_of <= bindparam("hi"))
                .order_by(Claim.order_key))
_METRIC_SPANS_PG = text(f"""
SELECT g.i, c.* FROM unnest(CAST(:metrics AS text[]), CAST(:los AS date[]), CAST(:his AS date[]))
                     WITH ORDINALITY AS g(metric, lo, hi, i)
CROSS JOIN LATERAL (SELECT {_FIGURE_NAMES} FROM claims
                    WHERE metric = g.metric AND head = true AND as_of >= g.lo AND as_of <= g.hi) AS c""")


def metric_spans(session: Session, spans: Sequence[tuple[str, date, date]]) -> list[list]:
    """The observations of each (metric, lo, hi) of ``spans`` dated from ``lo`` to ``hi``,
    each by its first mention (its head), as rows of :data:`FIGURE_COLUMNS` in order: the
    (metric, head, as_of) index, one round trip on PostgreSQL; copies are never read."""
    if session.get_bind().dialect.name != "postgresql" or len(spans) == 1:
        conn = session.connection()
        return [conn.execute(_METRIC_SPAN, {"metric": m, "head": True, "lo": lo, "hi": hi}).all()
                for m, lo, hi in spans]
    out: list[list] = [[] for _ in spans]
    if spans:
        metrics, los, his = (list(col) for col in zip(*spans))
        for row in session.connection().execute(_METRIC_SPANS_PG, {"metrics": metrics, "los": los, "his": his}):
            out[row[0] - 1].append(FigureRow(*row[1:]))
    return [sorted(rows, key=lambda r: r.order_key) for rows in out]


def set_heads(session: Session, heads: Iterable[int], others: Iterable[int]) -> None:
    """Mark the claims ``heads`` as their observations' first mentions and ``others`` as not."""
    for flag, ids in ((True, sorted(set(heads))), (False, sorted(set(others)))):
        for part in _chunks(ids):
            session.connection().execute(update(_CLAIMS).where(_CLAIMS.c.id.in_(part)).values(head=flag))


_HEADS = (select(Claim.id).where(Claim.observation == bindparam("observation"))
          .order_by(Claim.order_key).limit(bindparam("n")))


_HEADS_PG = text("""
SELECT g.observation, c.id FROM unnest(CAST(:observations AS text[]), CAST(:ns AS int[])) AS g(observation, n)
CROSS JOIN LATERAL (SELECT id FROM claims WHERE observation = g.observation ORDER BY order_key LIMIT g.n) AS c""")


def observation_heads(session: Session, wanted: dict[str, int]) -> dict[str, list[int]]:
    """The first ``n`` mentions (claim ids) of each observation in ``wanted``
    (observation -> n), through the (observation, order_key) index; one round trip on
    PostgreSQL."""
    conn = session.connection()
    if session.get_bind().dialect.name != "postgresql":
        return {o: list(conn.execute(_HEADS, {"observation": o, "n": n}).scalars()) for o, n in sorted(wanted.items())}
    out: dict[str, list[int]] = {o: [] for o in wanted}
    if wanted:
        obs = sorted(wanted)
        for o, i in conn.execute(_HEADS_PG, {"observations": obs, "ns": [wanted[o] for o in obs]}):
            out[o].append(i)
    return out


CROSS_RELATIONS = ("agrees", "contradicts")


def _with_sides(m, side):
    """Links with ``side`` (a_id or b_id) among the values, and whether both sides have
    one originator (a chain link) or two (a cross link)."""
    ca, cb = _CLAIMS.alias("ca"), _CLAIMS.alias("cb")
    return (select(*LINK_COLUMNS, (ca.c.originator == cb.c.originator).label("same"),
                   (ca.c.order_key < UNDATED_END).label("a_undated"), (cb.c.order_key < UNDATED_END).label("b_undated"))
            .join(ca, ca.c.id == _LINKS.c.a_id).join(cb, cb.c.id == _LINKS.c.b_id)
            .where(m(_LINKS.c[side], "values")))


def cross_links_of(session: Session, claim_ids: Sequence[int]) -> list:
    """The cross-originator links (between two originators: agrees, contradicts, an
    outlet repeating an authority) with one of ``claim_ids`` on either side, as rows of
    :data:`LINK_COLUMNS`."""
    rows = _rows_in(session, "cross_from", lambda m: _with_sides(m, "a_id"), claim_ids)
    rows += _rows_in(session, "cross_to", lambda m: _with_sides(m, "b_id"), claim_ids)
    return list({r.id: r for r in rows if not r.same}.values())


def cross_links_from(session: Session, claim_ids: Sequence[int]) -> list:
    """The cross-originator links whose newer side is one of ``claim_ids``, as rows of
    :data:`LINK_COLUMNS` (through the unique (a_id, b_id) index)."""
    return [r for r in _rows_in(session, "cross_from", lambda m: _with_sides(m, "a_id"), claim_ids) if not r.same]


CHAIN_RELATIONS = ("repeats", "updates", "revises_down")


LINK_COLUMNS = (_LINKS.c.id, _LINKS.c.a_id, _LINKS.c.b_id, _LINKS.c.relation, _LINKS.c.score, _LINKS.c.reason)


# undated claims sort first in their chains: order keys below this one
UNDATED_END = "0000-00-01"


def chain_links_from(session: Session, a_ids: Sequence[int], undated: bool = True) -> list:
    """The same-originator links whose newer side is one of ``a_ids``, as rows of
    :data:`LINK_COLUMNS` (``undated=False``: not those to an undated claim)."""
    # the relation is filtered here, not in SQL: on its own, a_id is a lookup in the unique
    # (a_id, b_id) index, which a planner with stale statistics may trade for a bitmap
    # over every chain link of the relation index
    rows = _rows_in(session, "links_from", lambda m: _with_sides(m, "a_id"), a_ids)
    return [r for r in rows if r.relation in CHAIN_RELATIONS and r.same and (undated or not r.b_undated)]


def undated_links(session: Session, ids: Sequence[int]) -> list:
    """The same-originator links with one of the undated claims ``ids`` on either side."""
    rows = _rows_in(session, "links_from", lambda m: _with_sides(m, "a_id"), ids)
    rows += _rows_in(session, "links_to", lambda m: _with_sides(m, "b_id"), ids)
    return list({r.id: r for r in rows if r.relation in CHAIN_RELATIONS and r.same}.values())


_UNDATED = (select(*FIGURE_COLUMNS).where(Claim.metric == bindparam("metric"), Claim.originator == bindparam("originator"),
                                          Claim.order_key < UNDATED_END)
            .order_by(Claim.order_key).limit(bindparam("reach")))
_NEIGHBOURS = union_all(*(select(q.subquery()) for q in (
    select(*FIGURE_COLUMNS).where(Claim.metric == bindparam("metric"), Claim.originator == bindparam("originator"),
                                  Claim.order_key >= UNDATED_END, Claim.value <= bindparam("value"),
                                  Claim.role.in_(bindparam("roles", expanding=True)))
    .order_by(Claim.value.desc(), Claim.order_key.desc()).limit(1),
    select(*FIGURE_COLUMNS).where(Claim.metric == bindparam("metric"), Claim.originator == bindparam("originator"),
                                  Claim.order_key >= UNDATED_END, Claim.value > bindparam("value"),
                                  Claim.role.in_(bindparam("roles", expanding=True)))
    .order_by(Claim.value.asc(), Claim.order_key.asc()).limit(1))))


def undated_of_chain(session: Session, metric: str, originator: str, reach: int) -> list:
    """Up to ``reach`` undated claims of one originator's metric (an index range scan)."""
    return session.connection().execute(_UNDATED, {"metric": metric, "originator": originator, "reach": reach}).all()


def value_neighbours(session: Session, metric: str, originator: str, value: int, roles: Sequence[str]) -> list:
    """The dated claims of one originator's metric just below (or equal) and just above
    ``value``, among claims of ``roles`` (at most two rows)."""
    return session.connection().execute(_NEIGHBOURS, {"metric": metric, "originator": originator, "value": value,
                                                      "roles": list(roles)}).all()


def insert_links(session: Session, rows: list[dict]) -> list[tuple[int, int]]:
    """Insert links, ignoring pairs already linked; returns the (a_id, b_id) inserted."""
    return [tuple(r) for r in insert_rows(session, _LINKS, rows, ["a_id", "b_id"], ["a_id", "b_id"])]


def update_link(session: Session, link_id: int, relation: str, score: float, reason: str) -> None:
    session.connection().execute(update(_LINKS).where(_LINKS.c.id == link_id)
                                 .values(relation=relation, score=score, reason=reason))


def links_of(session: Session, claim_id: int) -> list:
    """Every link with ``claim_id`` on either side, as rows of :data:`LINK_COLUMNS`."""
    return session.connection().execute(
        select(*LINK_COLUMNS).where(or_(_LINKS.c.a_id == claim_id, _LINKS.c.b_id == claim_id))).all()


def unattributed_claims(session: Session, article_ids: Sequence[int]) -> list[Claim]:
    """The claims no source is named for in these articles (one statement), in id order."""
    ids = sorted(set(article_ids))
    if not ids:
        return []
    return list(session.scalars(select(Claim).where(Claim.article_id.in_(ids), Claim.source_id.is_(None))
                                .order_by(Claim.id)))


def originators(session: Session, claim_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """The originator and observation of each of these claims, as stored now."""
    c = _CLAIMS.c
    return {i: (o, obs) for i, o, obs in _rows_in(
        session, "originators", lambda m: select(c.id, c.originator, c.observation).where(m(c.id, "values")),
        claim_ids)}


def rejection_recorded(session: Session, origin: str, article: str | None, reason: str, status: str) -> bool:
    """Whether this rejection (or failure) is recorded already."""
    return session.scalar(select(Rejection.id).where(
        Rejection.origin == origin[:2048], Rejection.reason == reason, Rejection.status == status,
        Rejection.article.is_(None) if article is None else Rejection.article == article).limit(1)) is not None


def record_rejection(session: Session, origin: str, article: str | None, reason: str,
                     payload: dict | None = None, traceback: str | None = None,
                     status: str = "rejected") -> Rejection:
    rej = Rejection(origin=origin[:2048], article=article, reason=reason, payload=payload,
                    traceback=traceback, status=status)
    session.add(rej)
    session.flush()
    return rej


# ---- queries for the CLI and exports -------------------------------------------------

def claims_query(kind: str | None = None, source: str | None = None, since: date | None = None,
                 region: str | None = None, article: str | None = None) -> Select:
    """Claims with their article, outlet and source, filtered, in a stable order."""
    stmt = (select(Claim).join(Article, Claim.article_id == Article.id)
            .options(joinedload(Claim.article).joinedload(Article.outlet), joinedload(Claim.source_ref)))
    if kind:
        stmt = stmt.where(Claim.kind == kind)
    if source:
        stmt = stmt.outerjoin(Source, Claim.source_id == Source.id).where(
            or_(func.lower(Source.canonical).contains(source.lower()),
                func.lower(Claim.source).contains(source.lower()),
                func.lower(Claim.originator).contains(source.lower())))
    if since:
        stmt = stmt.where(Claim.as_of >= since)
    if region:
        stmt = stmt.where(func.lower(Claim.region).contains(region.lower()))
    if article:
        stmt = stmt.where(Article.ext_id == article)
    return stmt.order_by(Claim.as_of, Article.ext_id, Claim.start, Claim.id)


def links_query(relation: Sequence[str] | None = None, kind: str | None = None, since: date | None = None,
                source: str | None = None, region: str | None = None) -> Select:
    """Links with both claims loaded, filtered, newest first then stable."""
    a, b = aliased(Claim), aliased(Claim)
    stmt = (select(ClaimLink).join(a, ClaimLink.a_id == a.id).join(b, ClaimLink.b_id == b.id)
            .options(joinedload(ClaimLink.a).joinedload(Claim.article).joinedload(Article.outlet),
                     joinedload(ClaimLink.a).joinedload(Claim.source_ref),
                     joinedload(ClaimLink.b).joinedload(Claim.article).joinedload(Article.outlet),
                     joinedload(ClaimLink.b).joinedload(Claim.source_ref)))
    if relation:
        stmt = stmt.where(ClaimLink.relation.in_(list(relation)))
    stmt = pair_filters(stmt, a, b, kind=kind, since=since, source=source, region=region)
    return stmt.order_by(a.as_of, a.order_key, b.order_key, ClaimLink.id)


def pair_filters(stmt: Select, a, b, kind: str | None = None, since: date | None = None,
                 source: str | None = None, region: str | None = None) -> Select:
    """Filters on a pair of claims (newer ``a``, earlier ``b``), shared by links and flags."""
    if kind:
        stmt = stmt.where(a.kind == kind)
    if since:
        stmt = stmt.where(a.as_of >= since)
    if source:
        s = source.lower()
        stmt = stmt.where(or_(func.lower(a.originator).contains(s), func.lower(b.originator).contains(s)))
    if region:
        stmt = stmt.where(func.lower(a.region).contains(region.lower()))
    return stmt


_FLAGS = Flag.__table__
_REVIEWS = Review.__table__
# the flags of some pairs nobody has touched: still new, with no review a person wrote (the
# partial index ix_reviews_by_people answers the NOT EXISTS; its literal must match)
_UNTOUCHED_FLAGS = (lambda m: select(_FLAGS.c.id, _FLAGS.c.a_id, _FLAGS.c.b_id, _FLAGS.c.version)
                    .where(m(_FLAGS.c.a_id, "values"), m(_FLAGS.c.b_id, "bs"), _FLAGS.c.status == "new",
                           ~select(_REVIEWS.c.id).where(_REVIEWS.c.flag_id == _FLAGS.c.id,
                                                        _REVIEWS.c.reviewer != text("'claimtrack'")).exists()))


def delete_links(session: Session, links: Sequence) -> None:
    """Remove links that newer evidence made wrong (rows with ``id``, ``a_id``, ``b_id``);
    a flag on one of them that nobody has touched goes too (with its automatic notes).

    Set-based: the untouched flags of the pairs are found in one statement per chunk and
    deleted with their reviews in two more, never loaded as objects. A flag a reviewer
    changed meanwhile (its version moved) fails the transaction, as the ORM's version
    check would.
    """
    if not links:
        return
    session.flush()  # pending changes of flags first (no autoflush for plain statements)
    pairs = sorted({(lk.a_id, lk.b_id) for lk in links})
    doomed: dict[int, int] = {}
    # a_id IN … AND b_id IN … is a lookup in the unique (a_id, b_id) index on both
    # databases (a row-value IN is a scan of every flag on SQLite)
    for part in _chunks(pairs, 250):
        wanted = set(part)
        for flag_id, a, b, version in _rows_in(session, "untouched_flags", _UNTOUCHED_FLAGS, {a for a, _ in part},
                                               {"bs": sorted({b for _, b in part})}, size=250):
            if (a, b) in wanted:
                doomed[flag_id] = version
    conn = session.connection()
    for part in _chunks(sorted(doomed)):
        conn.execute(delete(_REVIEWS).where(_REVIEWS.c.flag_id.in_(part)))
        gone = conn.execute(delete(_FLAGS).where(_FLAGS.c.id.in_(part)).returning(_FLAGS.c.id, _FLAGS.c.version)).all()
        if set(map(tuple, gone)) != {(i, doomed[i]) for i in part}:
            raise StaleDataError(f"flags changed while their links were being removed: {sorted(part)}")
    for flag_id in doomed:  # objects of these rows this session holds are gone with them
        held = session.identity_map.get(identity_key(Flag, flag_id))
        if held is not None:
            session.expunge(held)
    ids = sorted({lk.id for lk in links})
    for part in _chunks(ids):
        conn.execute(delete(_LINKS).where(_LINKS.c.id.in_(part)))


def rejections(session: Session, status: str | None = None) -> list[Rejection]:
    stmt = select(Rejection).order_by(Rejection.id)
    if status:
        stmt = stmt.where(Rejection.status == status)
    return list(session.scalars(stmt))



def claims_since(session: Session, since: date) -> list[Claim]:
    """Claims as of ``since`` or later, in their ingestion-independent order."""
    return list(session.scalars(select(Claim).where(Claim.as_of >= since).order_by(Claim.order_key)))


def metric_claims(kind: str | None = None, region: str | None = None, since: date | None = None) -> Select:
    """Claims ordered by metric and time, for per-metric summaries."""
    stmt = select(Claim).options(joinedload(Claim.article))
    if kind:
        stmt = stmt.where(Claim.kind == kind)
    if region:
        stmt = stmt.where(func.lower(Claim.region).contains(region.lower()))
    if since:
        stmt = stmt.where(Claim.as_of >= since)
    return stmt.where(Claim.as_of.is_not(None)).order_by(Claim.metric, Claim.order_key)
