"""Cross-originator links read only what a decision needs (issue 12): each observation's
first mention stands for it, and an observation links to each other originator's latest
observation in the window. On real stores, from our own sample sentences."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from store import repository as repo
from store.db import make_engine, session_scope, upgrade
from store.models import Article, Claim
from tests.test_linking import STORY, art, flag_set, ingest, link_set
from tests.test_observations import AUTHORITIES, wire_day
from tests.test_observations import ingest as ingest_batches
from worker.aliases import load_aliases
from worker.pipeline import Config, recheck, reprocess_article


def heads_per_observation(engine) -> Counter:
    with session_scope(engine) as s:
        return Counter(dict(s.execute(select(Claim.observation, func.sum(func.cast(Claim.head, Claim.id.type)))
                                      .where(Claim.as_of.is_not(None)).group_by(Claim.observation)).all()))


def cross(engine) -> set[tuple]:
    return {lk for lk in link_set(engine) if lk[3] in ("agrees", "contradicts")}


MINISTRY = "the Gaza Health Ministry said"


def test_an_observation_links_to_each_other_originators_latest_observation_only(engine):
    ingest(engine,
           art("m1", "a.example", 1, f"At least 9,000 people have been killed in Gaza, {MINISTRY}."),
           art("m2", "b.example", 2, f"At least 9,200 people have been killed in Gaza, {MINISTRY}."),
           art("w3", "c.example", 3, "The WHO said at least 9,100 people had been killed in Gaza."))
    # the WHO's figure meets the ministry's latest one before it, not every one in the window
    assert {lk for lk in cross(engine) if lk[0] == "w3"} == {("w3", "killed", 9100, "agrees", "m2", "killed", 9200)}


def test_a_late_observation_takes_the_link_of_the_one_before_it(engine, tmp_path):
    texts = [art("m1", "a.example", 1, f"At least 9,000 people have been killed in Gaza, {MINISTRY}."),
             art("w3", "c.example", 3, "The WHO said at least 9,100 people had been killed in Gaza."),
             art("m2", "b.example", 2, f"At least 9,200 people have been killed in Gaza, {MINISTRY}.")]
    in_order = make_engine(f"sqlite:///{tmp_path / 'in_order.db'}")
    upgrade(in_order.url.render_as_string())
    ingest(in_order, texts[0], texts[2], texts[1])
    ingest(engine, texts[0], texts[1])
    assert ("w3", "killed", 9100, "agrees", "m1", "killed", 9000) in cross(engine)
    ingest(engine, texts[2])  # the ministry's figure of the day between arrives last
    assert link_set(engine) == link_set(in_order)
    assert ("w3", "killed", 9100, "agrees", "m1", "killed", 9000) not in cross(engine)
    in_order.dispose()


def test_copies_are_never_read_in_a_metric_window(engine):
    ingest_batches(engine, wire_day(15))  # 20 originators x 15 outlets = 300 articles, one day
    with session_scope(engine) as s:
        metric = s.scalar(select(Claim.metric).limit(1))
        (window,) = repo.metric_spans(s, [(metric, date(2023, 11, 4), date(2023, 11, 8))])
        mentions = s.scalar(select(func.count(Claim.id)).where(Claim.metric == metric))
        observations = s.scalar(select(func.count(func.distinct(Claim.observation))).where(Claim.metric == metric))
    # one row per observation, never per copy
    assert len(window) == observations >= len(AUTHORITIES) - 2 and mentions >= 10 * observations
    assert set(heads_per_observation(engine).values()) == {1}


def test_a_head_that_leaves_hands_its_links_to_the_next_mention(engine):
    ingest(engine,
           art("g1", "a.example", 10, f"At least 11,078 people have been killed in Gaza, {MINISTRY} on Friday."),
           art("g2", "b.example", 10, f"At least 11,078 people have been killed in Gaza, {MINISTRY}."),
           art("u1", "c.example", 10, "The UN OCHA said 11,100 people had been killed in Gaza."),
           art("w1", "d.example", 11, "The WHO said 11,500 people had been killed in Gaza."))
    with session_scope(engine) as s:
        head = s.scalar(select(Article.id).join(Claim).where(Claim.head, Claim.value == 11_078))
    before = {(lk[1:4], lk[5:]) for lk in cross(engine)}
    with session_scope(engine) as s:
        reprocess_article(s, head, load_aliases(None), Config())
    # the same observations are linked the same way, whichever mention holds the links
    assert {(lk[1:4], lk[5:]) for lk in cross(engine)} == before
    assert set(heads_per_observation(engine).values()) == {1}
    with session_scope(engine) as s:
        assert recheck(s, date(2000, 1, 1), Config())[1] == 0


def test_a_recheck_of_a_whole_story_changes_nothing(engine):
    """The links kept while articles arrive one by one are the links a re-check computes
    from scratch (chains, heads, each originator's latest observation)."""
    ingest(engine, *STORY[::-1])
    links, flags = link_set(engine), flag_set(engine)
    with session_scope(engine) as s:
        assert recheck(s, date(2000, 1, 1), Config())[1] == 0
    assert link_set(engine) == links and flag_set(engine) == flags
    assert set(heads_per_observation(engine).values()) == {1}


def test_url_and_flag_lookups_never_scan_every_row(engine):
    """What a batch asks of the articles and flags grows with the batch, never with the store."""
    from types import SimpleNamespace

    from tests.test_candidate_queries import plans

    def lookups(s):
        repo.stored_urls(s, [(1, "https://a.example/x"), (2, "https://b.example/y")])
        repo.delete_links(s, [SimpleNamespace(id=1, a_id=1, b_id=2), SimpleNamespace(id=2, a_id=3, b_id=4)])

    found = [p for p in plans(engine, lookups) if "articles" in p or "flags" in p]
    assert len(found) >= 2
    for plan in found:
        assert "SCAN articles" not in plan and "SCAN flags" not in plan, plan  # SQLite
        assert "Seq Scan" not in plan, plan  # PostgreSQL


def test_an_undated_running_total_sits_in_its_chain_by_value_in_any_order(engine, tmp_path):
    dated = [art("d1", "a.example", 1, f"At least 9,000 people have been killed in Gaza, {MINISTRY}."),
             art("d5", "b.example", 5, f"At least 9,800 people have been killed in Gaza, {MINISTRY}.")]
    from worker.core.types import ArticleIn

    undated = ArticleIn(id="u1", outlet="c.example", published=None,
                        text=f"At least 9,400 people have been killed in Gaza, {MINISTRY}.")
    ingest(engine, undated, *dated)
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other.url.render_as_string())
    ingest(other, *dated, undated)
    chain = {lk for lk in link_set(engine) if lk[3] in ("updates", "repeats")}
    # between the dated figure just below it and the one just above, never a flag
    assert ("u1", "killed", 9400, "updates", "d1", "killed", 9000) in chain
    assert ("d5", "killed", 9800, "updates", "u1", "killed", 9400) in chain
    assert link_set(engine) == link_set(other) and not flag_set(engine)
    other.dispose()


def test_a_removed_link_takes_only_its_untouched_flag_and_that_flags_notes(engine, monkeypatch):
    """Links are removed with the flags nobody has touched (and their automatic notes),
    in a few statements; a flag a person reviewed stays, and one changed after it was
    read fails the transaction rather than vanish under the reviewer."""
    import pytest
    from sqlalchemy.orm.exc import StaleDataError

    from store.models import ClaimLink, Flag, Review
    from worker.review import set_status

    ingest(engine, *STORY)
    with session_scope(engine) as s:
        flagged = sorted(s.scalars(select(Flag.id)))
        assert len(flagged) >= 2
        set_status(s, flagged[0], "in_review", note="checking", reviewer="ana")
    with session_scope(engine) as s:
        repo.delete_links(s, s.execute(select(*repo.LINK_COLUMNS)).all())
        assert s.scalar(select(func.count(ClaimLink.id))) == 0
        assert list(s.scalars(select(Flag.id))) == flagged[:1]
        assert {r.flag_id for r in s.scalars(select(Review))} == {flagged[0]}

    with session_scope(engine) as s:  # linked again: new untouched flags
        assert recheck(s, date(2000, 1, 1), Config())[1] > 0
    real = repo._rows_in

    def reviewer_moves_in(session, key, *args, **kwargs):
        rows = real(session, key, *args, **kwargs)
        if key == "untouched_flags":  # a reviewer's change lands between the read and the delete
            session.connection().execute(Flag.__table__.update().values(version=Flag.version + 1))
        return rows

    monkeypatch.setattr(repo, "_rows_in", reviewer_moves_in)
    with pytest.raises(StaleDataError), session_scope(engine) as s:
        links = s.execute(select(*repo.LINK_COLUMNS)).all()
        assert len(s.scalars(select(Flag.id)).all()) > 1
        repo.delete_links(s, links)
