"""Observations, not copies; flags a fact-checker can trust (issue 11), on real stores,
from our own sample sentences."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from store.db import session_scope
from store.models import Claim, ClaimLink, Flag
from worker.aliases import load_aliases
from worker.core.types import ArticleIn
from worker.pipeline import Config, ingest_many

# twenty authorities the alias tables know, each stating its own toll of one day
AUTHORITIES = ("Gaza Health Ministry", "UN OCHA", "WHO", "UNICEF", "UNRWA", "Palestinian Red Crescent", "ICRC",
               "IFRC", "MSF", "Save the Children", "Amnesty International", "Human Rights Watch", "OHCHR",
               "Israeli military", "World Food Programme", "UNHCR", "IOM", "FAO", "ACLED", "US government")
# the last three say 14,000 where the others say 11,000: three originators against seventeen
HIGH = 3
FILLER = ("Aid convoys waited at the crossing.", "Hospitals ran short of fuel.", "Families walked south.",
          "Rain flooded the camps.", "The crossing stayed closed.")


def wire_day(outlets: int, first: int = 0) -> list[ArticleIn]:
    """Each authority's statement carried by ``outlets`` outlets, each copy lightly edited."""
    arts = []
    for i, who in enumerate(AUTHORITIES):
        value = 14_000 if i >= len(AUTHORITIES) - HIGH else 11_000
        for k in range(first, first + outlets):
            arts.append(ArticleIn(
                id=f"w{i:02d}-{k:03d}", outlet=f"outlet{k:03d}.example", published=date(2023, 11, 6),
                url=f"https://outlet{k:03d}.example/{i}",
                text=f"{value:,} people have been killed in Gaza, the {who} said on Monday. "
                     f"{FILLER[k % len(FILLER)]} Copy {k} of the story."))
    return arts


def ingest(engine, arts, batch=60):
    aliases, cfg = load_aliases(None), Config()
    for i in range(0, len(arts), batch):
        outs = ingest_many(engine, arts[i:i + batch], aliases, cfg)
        assert {o.status for o in outs} <= {"stored", "known"}, [o.reason for o in outs]


def counts(engine) -> tuple[Counter, int, int]:
    with session_scope(engine) as s:
        rels = Counter(s.scalars(select(ClaimLink.relation)))
        observations = s.scalar(select(func.count(func.distinct(Claim.observation))))
        flags = s.scalar(select(func.count(Flag.id)))
    return rels, observations, flags


def test_a_wire_story_in_300_outlets_links_observations_not_copies(engine):
    ingest(engine, wire_day(15))  # 20 originators x 15 outlets = 300 articles
    rels, observations, flags = counts(engine)
    assert observations == len(AUTHORITIES)
    # copies of one statement repeat it along its originator's chain: one link per copy
    assert rels["repeats"] == 300 - len(AUTHORITIES)
    # cross links join observations: at most one per pair of originators, never per copy
    pairs = len(AUTHORITIES) * (len(AUTHORITIES) - 1) // 2
    assert rels["agrees"] + rels["contradicts"] <= pairs
    assert rels["contradicts"] == flags > 0
    with session_scope(engine) as s:
        conflicts = [(f.a.originator, f.a.value, f.b.originator, f.b.value) for f in s.scalars(select(Flag))]
        assert len(conflicts) == len(set(conflicts))  # each distinct conflict once
        assert all(f.confidence > 0 and f.reasons for f in s.scalars(select(Flag)))
    # another 100 outlets carrying the same statements add mentions, never links or flags
    ingest(engine, wire_day(5, first=15))
    more, observations_after, flags_after = counts(engine)
    assert observations_after == observations and flags_after == flags
    assert more["agrees"] == rels["agrees"] and more["contradicts"] == rels["contradicts"]
    assert more["repeats"] == 400 - len(AUTHORITIES)


def art(id, day, text, month=11, outlet="a.example"):
    return ArticleIn(id=id, text=text, outlet=outlet, published=date(2023, month, day),
                     url=f"https://{outlet}/{id}")


def links(engine) -> set[tuple]:
    with session_scope(engine) as s:
        return {(lk.a.value, lk.relation, lk.b.value) for lk in s.scalars(select(ClaimLink))}


def test_down_from_an_earlier_figure_is_one_revision_and_no_same_day_conflict(engine):
    ingest(engine, [
        art("e1", 10, "The death toll from the October 7 attack was revised down to 1,200, down from 1,400, "
                      "the Israeli government said."),
        art("e2", 10, "About 1,200 people were killed in the October 7 attack, the Israeli military said.",
            outlet="b.example")])
    got = links(engine)
    assert [r for r in got if r[1] == "revises_down"] == [(1200, "revises_down", 1400)]
    assert not [r for r in got if r[1] == "contradicts"]
    with session_scope(engine) as s:
        (flag,) = s.scalars(select(Flag))
        assert flag.relation == "revises_down" and flag.b.role == "earlier"


def test_a_sub_count_beside_its_total_raises_no_flag(engine):
    ingest(engine, [
        art("p1", 4, "At least 275 people were killed in the train crash in Balasore, the Odisha government said. "
                     "Of them, 88 bodies have been identified, the government said.", month=6),
        art("p2", 4, "The Indian Railways said 288 people were killed in the train crash in Balasore.", month=6,
            outlet="b.example")])
    with session_scope(engine) as s:
        assert not list(s.scalars(select(Flag)))
        roles = {c.value: c.role for c in s.scalars(select(Claim))}
    assert roles[88] == "part"


def test_a_city_beside_its_country_is_related_and_never_flagged(engine):
    ingest(engine, [
        art("c1", 12, "At least 300 people have died in Karachi, local officials said.", month=9),
        art("c2", 12, "At least 6,000 people have died across Pakistan, the WHO said.", month=9, outlet="b.example"),
        art("c3", 12, "Some 5,800 people have died across Pakistan, the UN OCHA said.", month=9, outlet="c.example")])
    with session_scope(engine) as s:
        claims = {c.value: c for c in s.scalars(select(Claim))}
        assert claims[300].metric == claims[6000].metric  # one metric, compared through the gazetteer
        assert claims[300].regions == "Pakistan"
        assert not list(s.scalars(select(Flag)))


def test_an_outlets_own_figure_equal_to_an_authoritys_repeats_it_and_is_never_flagged(engine):
    ingest(engine, [
        art("r1", 6, "At least 10,022 people have been killed in Gaza, the Gaza Health Ministry said on Monday."),
        art("r2", 6, "At least 10,022 people have been killed in Gaza since the war began.", outlet="b.example"),
        art("r3", 6, "More than 14,000 people have been killed in Gaza since the war began.", outlet="c.example")])
    with session_scope(engine) as s:
        got = {(lk.a.article.ext_id, lk.relation, lk.b.article.ext_id) for lk in s.scalars(select(ClaimLink))}
        reasons = [lk.reason for lk in s.scalars(select(ClaimLink)) if lk.relation == "repeats"]
        assert not list(s.scalars(select(Flag)))  # an outlet's own 14,000 is no authority's figure
    assert {r for r in got if {r[0], r[2]} == {"r1", "r2"}} and all(r[1] == "repeats" for r in got
                                                                   if {r[0], r[2]} == {"r1", "r2"})
    assert any("restates Gaza Health Ministry's figure" in r for r in reasons)


def test_review_list_puts_the_most_trusted_flags_first(engine, tmp_path):
    ingest(engine, [
        art("t1", 6, "At least 10,022 people have been killed in Gaza, the Gaza Health Ministry said on Monday."),
        art("t2", 6, "The WHO said 4,000 people had been killed in Gaza.", outlet="b.example"),
        art("t3", 8, "About 4,100 people have been killed in Gaza, the UN OCHA said.", outlet="c.example")])
    from store import review_queries as rq
    with session_scope(engine) as s:
        listed = [(f.confidence, f.reasons) for f in rq.flags(s)]
    assert len(listed) >= 2
    assert [c for c, _ in listed] == sorted((c for c, _ in listed), reverse=True)
    assert all(reasons for _, reasons in listed)


def test_a_smaller_figure_the_largest_allows_is_no_part():
    from worker.core.identity import parts_beside_totals
    rows = [(0, "Sudan Health Ministry", "m", "Sudan", "2023-05-02", "total", 5000, 4500, 5500),  # "nearly 5,000"
            (1, "Sudan Health Ministry", "m", "Sudan", "2023-05-02", "total", 4926, 4926, 4926),  # the count itself
            (2, "Sudan Health Ministry", "m", "Sudan", "2023-05-02", "total", 1200, 1200, 1200)]  # a sub-count
    assert parts_beside_totals(rows) == {2}
