"""Cross-source linking scenarios on real stores (SPEC §3), from our own sample sentences."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from store.db import make_engine, session_scope, upgrade
from store.models import Claim, ClaimLink, Flag
from worker.aliases import load_aliases
from worker.core.types import ArticleIn
from worker.pipeline import Config, ingest_many, ingest_one


def art(id, outlet, day, text, month=11):
    return ArticleIn(id=id, text=text, outlet=outlet, published=date(2023, month, day),
                     url=f"https://{outlet}/test/{id}")


def ingest(engine, *articles):
    aliases, cfg = load_aliases(None), Config()
    outs = [ingest_one(engine, a, aliases, cfg) for a in articles]
    for o in outs:
        assert o.status in ("stored", "known"), o.reason
    return outs


def link_set(engine) -> set[tuple]:
    """Links as (newer article, value, relation, earlier article, value): independent of row ids."""
    with session_scope(engine) as s:
        rows = s.scalars(select(ClaimLink)).all()
        return {(lk.a.article.ext_id, lk.a.kind, lk.a.value, lk.relation,
                 lk.b.article.ext_id, lk.b.kind, lk.b.value) for lk in rows}


def relations(engine) -> Counter:
    return Counter(r[3] for r in link_set(engine))


def test_the_same_toll_from_two_outlets_agrees(engine):
    ingest(engine,
           art("a1", "wire.example", 6, "At least 10,022 people have been killed in Gaza, the Gaza Health Ministry said on Monday."),
           art("a2", "daily.example", 6, "More than 10,000 people have been killed in Gaza since the war began."))
    assert ("a2", "killed", 10000, "agrees", "a1", "killed", 10022) in link_set(engine) or \
        ("a1", "killed", 10022, "agrees", "a2", "killed", 10000) in link_set(engine)


WIRE = ("GAZA CITY (AP) — At least 11,078 people have been killed in Gaza since the war began, "
        "the Gaza Health Ministry said on Friday. Israeli forces pressed their offensive in the north "
        "as thousands of families walked south along the coastal road carrying what they could. "
        "Aid agencies warned that fuel for generators at the remaining hospitals was running out.")


def test_one_wire_story_in_three_outlets_repeats_with_one_originator(engine):
    ingest(engine,
           art("w1", "apnews.com", 10, WIRE),
           art("w2", "pbs.org", 10, WIRE.replace("pressed their offensive", "pushed their offensive")),
           art("w3", "kare11.com", 10, WIRE.replace("Aid agencies warned", "Aid groups warned")))
    rels = relations(engine)
    assert rels["repeats"] == 2 and rels["agrees"] == 0


def test_an_outlets_own_figure_copied_by_other_outlets_is_one_originator(engine):
    own = ("Floodwaters swept through the valley overnight. At least 31 people were killed in Kerala "
           "as rescue teams searched villages that landslides had cut off from the nearest town.")
    ingest(engine, art("o1", "first.example", 3, own),
           art("o2", "second.example", 3, own.replace("rescue teams", "rescue crews")))
    rels = relations(engine)
    assert rels == Counter({"repeats": 1})


def test_a_ministry_toll_growing_over_a_week_updates(engine):
    days = [(1, "9,061"), (3, "9,227"), (5, "9,488"), (7, "10,022")]
    ingest(engine, *[art(f"m{d}", f"o{d}.example", d,
                         f"The death toll in Gaza has risen to {n}, the Gaza Health Ministry said.") for d, n in days])
    assert relations(engine) == Counter({"updates": 3})


def test_a_downward_revision_is_flagged(engine):
    ingest(engine,
           art("r1", "a.example", 2, "About 1,400 people were killed in the Hamas attack on Israel, the Israeli government said."),
           art("r2", "b.example", 10, "About 1,200 people were killed in the Hamas attack on Israel, the Israeli government said on Friday."))
    assert relations(engine)["revises_down"] == 1


def test_two_authorities_far_apart_on_the_same_day_contradict(engine):
    ingest(engine,
           art("d1", "a.example", 16, "In Derna, 11,300 people have died in the floods, the UN OCHA said.", month=9),
           art("d2", "b.example", 17, "The WHO said 3,958 people have died in Derna.", month=9))
    assert relations(engine) == Counter({"contradicts": 1})


def test_a_days_count_beside_the_running_total_is_not_linked(engine):
    ingest(engine, art("p1", "a.example", 24,
                       "In the past 24 hours, 166 people were killed in Gaza, the Gaza Health Ministry said. "
                       "The ministry said the total death toll had reached 20,424.", month=12))
    assert link_set(engine) == set()


def test_a_city_and_its_country_never_conflict(engine):
    ingest(engine,
           art("c1", "a.example", 12, "At least 5,100 people have died in Derna, local officials said.", month=9),
           art("c2", "b.example", 12, "At least 6,000 people have died across Libya, the Libyan Red Crescent said.", month=9))
    # related (one metric, compared through the gazetteer), never a conflict
    assert "contradicts" not in relations(engine)
    with session_scope(engine) as s:
        assert all("a place inside the other" in lk.reason for lk in s.scalars(select(ClaimLink)))
        assert not list(s.scalars(select(Flag)))


def test_hostages_held_falling_as_they_are_released_is_an_update(engine):
    ingest(engine,
           art("h1", "a.example", 20, "About 240 hostages are being held in Gaza, the Israeli military said."),
           art("h2", "b.example", 1, "The Israeli military said 137 hostages are still held in Gaza.", month=12))
    assert relations(engine) == Counter({"updates": 1})


def test_forty_and_four_hundred_killed_never_agree(engine):
    ingest(engine,
           art("f1", "a.example", 5, "Forty people were killed in the strike on the market, police said."),
           art("f2", "b.example", 5, "400 people were killed in the strike on the market, the army said."))
    assert "agrees" not in relations(engine)


def test_an_older_article_ingested_late_is_linked_as_if_in_order(tmp_path):
    texts = [art(f"t{d}", f"o{d}.example", d, f"The death toll in Gaza has risen to {n}, the Gaza Health Ministry said.")
             for d, n in [(1, "9,061"), (3, "9,227"), (5, "9,488")]]
    in_order = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    late = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    for e in (in_order, late):
        upgrade(e.url.render_as_string())
    ingest(in_order, *texts)
    ingest(late, texts[0], texts[2], texts[1])
    assert link_set(in_order) == link_set(late)
    assert relations(late) == Counter({"updates": 2})
    in_order.dispose()
    late.dispose()


OWN = ("Floodwaters swept through the valley overnight. At least 12,000 people were killed in Gaza "
       "as rescue teams searched villages that landslides had cut off from the nearest town.")

STORY = [
    art("s1", "wire.example", 6, "At least 10,022 people have been killed in Gaza, the Gaza Health Ministry said on Monday."),
    art("s2", "daily.example", 6, "More than 10,000 people have been killed in Gaza since the war began."),
    art("s3", "wire.example", 10, "At least 11,078 people have been killed in Gaza, the Gaza Health Ministry said on Friday."),
    art("s4", "paper.example", 10, "The UN OCHA said 11,100 people had been killed in Gaza."),
    art("s5", "post.example", 11, "The WHO said 4,000 people had been killed in Gaza."),
    art("s6", "wire.example", 2, "About 240 hostages are being held in Gaza, the Israeli military said."),
    art("s7", "post.example", 1, "The Israeli military said 137 hostages are still held in Gaza.", month=12),
    art("s8", "tv.example", 11, "At least 11,078 people have been killed in Gaza, the Gaza Health Ministry said."),
    # an outlet's own figure and two copies of it: one originator, whichever arrives first
    art("s9", "first.example", 6, OWN),
    art("s10", "second.example", 6, OWN.replace("rescue teams", "rescue crews")),
    art("s11", "third.example", 7, OWN.replace("nearest town", "nearest city")),
    # undated articles: stored, never linked, so never a link that depends on arrival
    ArticleIn(id="s12", outlet="undated.example", published=None,
              text="At least 11,078 people have been killed in Gaza since the war began, the Gaza Health Ministry said."),
    ArticleIn(id="s13", outlet="undated.example", published=None,
              text="The WHO said on its website that 4,000 people had been killed in Gaza."),
    # an earlier figure quoted for comparison sits in its chain before the revised one
    art("s14", "wire.example", 10, "The Israeli government revised the death toll from the October 7 attack "
                                   "down to 1,200, down from 1,400, an official said."),
    art("s15", "post.example", 2, "About 1,400 people were killed in the Hamas attack on Israel, "
                                  "the Israeli government said."),
]


def originators(engine) -> set[tuple]:
    with session_scope(engine) as s:
        return {(c.article.ext_id, c.kind, c.value, c.originator) for c in s.scalars(select(Claim))}


def flag_set(engine) -> set[tuple]:
    """Open flags as (newer article, value, relation, earlier article, value)."""
    with session_scope(engine) as s:
        return {(f.a.article.ext_id, f.a.value, f.relation, f.b.article.ext_id, f.b.value, f.status)
                for f in s.scalars(select(Flag))}


def in_batches(engine, articles, sizes) -> None:
    """Ingest ``articles`` in transactions of the given sizes (``ingest_many``)."""
    aliases, cfg, i = load_aliases(None), Config(), 0
    for size in sizes:
        outs = ingest_many(engine, articles[i:i + size], aliases, cfg)
        assert {o.status for o in outs} <= {"stored", "known"}, [o.reason for o in outs]
        i += size


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_shuffled_orders_and_batches_give_identical_link_sets(tmp_path_factory, seed):
    """One article per transaction in story order, or shuffled and cut into batches of
    random sizes (one transaction each): the same links and originators."""
    rng = random.Random(seed)
    order = STORY[:]
    rng.shuffle(order)
    sizes = []
    while sum(sizes) < len(order):
        sizes.append(rng.randint(1, len(order) - sum(sizes)))
    base = tmp_path_factory.mktemp("order")
    ref_engine = make_engine(f"sqlite:///{base / 'ref.db'}")
    shuf_engine = make_engine(f"sqlite:///{base / 'shuf.db'}")
    for e in (ref_engine, shuf_engine):
        upgrade(e.url.render_as_string())
    ingest(ref_engine, *STORY)
    in_batches(shuf_engine, order, sizes)
    try:
        assert link_set(shuf_engine) == link_set(ref_engine), sizes
        assert originators(shuf_engine) == originators(ref_engine), sizes
        assert flag_set(shuf_engine) == flag_set(ref_engine), sizes
        assert link_set(ref_engine)  # the story does link
    finally:
        ref_engine.dispose()
        shuf_engine.dispose()


def test_the_whole_story_in_one_batch_links_like_one_article_at_a_time(engine, tmp_path):
    one_by_one = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    upgrade(one_by_one.url.render_as_string())
    ingest(one_by_one, *STORY)
    in_batches(engine, STORY[::-1], [len(STORY)])
    try:
        assert link_set(engine) == link_set(one_by_one)
        assert originators(engine) == originators(one_by_one)
        assert flag_set(engine) == flag_set(one_by_one) and flag_set(engine)
        assert relations(engine)["repeats"] >= 2 and relations(engine)["updates"] >= 2
    finally:
        one_by_one.dispose()


def _daily_tolls(days: int) -> list[ArticleIn]:
    start = date(2023, 10, 20)
    return [ArticleIn(id=f"d{i:02d}", outlet="wire.example", published=start + timedelta(days=i),
                      url=f"https://wire.example/d{i:02d}",
                      text=f"The death toll in Gaza has risen to {4000 + 150 * i + (i % 3) * 7:,}, "
                           f"the Gaza Health Ministry said.")
            for i in range(days)]


@pytest.mark.parametrize("late", [[3, 50], [3, 9, 14, 52, 53], list(range(1, 60, 2))])
def test_late_figures_far_apart_in_a_long_chain_link_as_if_in_order(engine, tmp_path, late):
    """A batch of late figures of one long chain (60 days of a ministry's toll): figures
    within reach of each other are read as one stretch, the others apart; either way the
    links are those of ingesting every day in order."""
    tolls = _daily_tolls(60)
    in_order = make_engine(f"sqlite:///{tmp_path / 'in-order.db'}")
    upgrade(in_order.url.render_as_string())
    ingest(in_order, *tolls)
    ingest(engine, *(t for i, t in enumerate(tolls) if i not in late))
    in_batches(engine, [tolls[i] for i in late], [len(late)])
    try:
        assert link_set(engine) == link_set(in_order)
        assert relations(engine) == Counter({"updates": 59})
    finally:
        in_order.dispose()


def test_an_outlier_in_a_chain_gives_the_same_links_however_the_articles_come(tmp_path):
    """10,000 on day 0 (a different count read into the metric), then 1,001 … 1,015: each
    figure's link is decided by the figures just before it, so one article at a time,
    one batch, pairs, or the reverse order give the same links, and a re-check changes
    nothing."""
    from worker.tasks import run_recheck

    start = date(2023, 10, 20)
    arts = [ArticleIn(id=f"o{i:02d}", outlet="wire.example", published=start + timedelta(days=i),
                      url=f"https://wire.example/o{i:02d}",
                      text=f"At least {v:,} people have been killed in Gaza, the Gaza Health Ministry said.")
            for i, v in enumerate([10_000] + [1_001 + i for i in range(15)])]
    ways = {"one at a time": (arts, [1] * 16), "one batch": (arts, [16]), "pairs": (arts, [2] * 8),
            "reversed": (arts[::-1], [1] * 16), "15 then 1": (arts, [15, 1])}
    results = {}
    for name, (order, sizes) in ways.items():
        engine = make_engine(f"sqlite:///{tmp_path / (name.replace(' ', '-') + '.db')}")
        upgrade(engine.url.render_as_string())
        in_batches(engine, order, sizes)
        results[name] = link_set(engine)
        assert run_recheck(engine, Config(), date(2000, 1, 1))["changed"] == 0, name
        engine.dispose()
    assert all(links == results["one at a time"] for links in results.values()), results
    # while 10,000 is among the CHAIN_REACH (12) figures before one, it cannot link back
    # past it; the last three are out of its reach and update their predecessors
    assert relations_of(results["one at a time"]) == Counter({"updates": 3})


def relations_of(links: set[tuple]) -> Counter:
    return Counter(r[3] for r in links)


@pytest.mark.parametrize("n", [3])
def test_a_second_ingest_of_the_same_articles_changes_nothing(engine, n):
    ingest(engine, *STORY[:n])
    before = link_set(engine)
    outs = ingest(engine, *STORY[:n])
    assert {o.status for o in outs} == {"known"}
    assert link_set(engine) == before


# ---- a syndication day: copies of a few observations along each originator's chain ----

_ROLES = ("total", "total", "total", "earlier", "part", "other_event")


def _mention(i: int, value: int, role: str, region: str, day: int, who: str = "Gaza Health Ministry"):
    from worker.core.relate import Figure
    from worker.linking import observation_key, order_key

    metric = "killed|Palestinian territories|people|cumulative"
    key = order_key(date(2023, 11, day), date(2023, 11, day), value, f"{i:024d}", i, role)
    return Figure(i, "killed", value, "exact", value, value, "cumulative", metric, who, date(2023, 11, day), key,
                  region, "", role, i, observation_key(metric, region, who, key, "exact", value, value, value))


_MENTIONS = st.builds(_mention, st.integers(1, 10**6), st.sampled_from([11_000, 11_000, 11_120, 9_000, 500]),
                      st.sampled_from(_ROLES), st.sampled_from(["Gaza Strip", "Gaza Strip", "Gaza City", "Rafah"]),
                      st.integers(5, 7))


@settings(max_examples=300, deadline=None)
@given(st.lists(_MENTIONS, min_size=2, max_size=30, unique_by=lambda f: f.id), st.data())
def test_a_copy_after_a_mention_of_its_observation_keeps_its_link_whatever_else_arrives(chain, data):
    """What lets a batch skip most of a chain on a syndication day: a figure whose
    neighbour just before it is another mention of its observation in its role
    (``repeats_neighbour``) has the link that neighbour decides, read with that
    neighbour alone, and with or without any other figure of the chain (the new figures
    of a batch)."""
    from worker.chains import CHAIN_REACH, repeats_neighbour
    from worker.core.relate import relate
    from worker.core.walks import chain_links

    chain = sorted(chain, key=lambda f: f.order_key)
    every = chain_links(chain, {f.id for f in chain}, 2, CHAIN_REACH)
    settled = [i for i in range(1, len(chain)) if repeats_neighbour(chain[i], chain[i - 1])]
    for i in settled:
        assert every[chain[i].id] == relate(chain[i], chain[i - 1], 2)
        assert chain_links(chain[i - 1:i + 1], {chain[i].id}, 2, CHAIN_REACH) == {chain[i].id: every[chain[i].id]}
    new = data.draw(st.sets(st.sampled_from([f.id for f in chain])))
    before = [f for f in chain if f.id not in new]  # the chain as stored before the batch
    old = chain_links(before, {f.id for f in before}, 2, CHAIN_REACH)
    for i in settled:
        if chain[i].id not in new and chain[i - 1].id not in new:
            assert old[chain[i].id] == every[chain[i].id]


def _syndicated(seed: int) -> list[ArticleIn]:
    """Three originators' statements over two days, each carried by outlets drawn at
    random; some of the ministry's copies quote its earlier figure of the day ("up from
    11,000": its own 11,000 of that day, in another role)."""
    rng = random.Random(seed)
    out = []
    for k in range(40):
        day = 6 + rng.randint(0, 1)
        who, value, extra = [("Gaza Health Ministry", 11_000, ""), ("Gaza Health Ministry", 11_120, ", up from 11,000"),
                             ("UN OCHA", 11_000, ""), ("WHO", 14_000, "")][k % 4]
        out.append(art(f"syn{k:02d}", f"outlet{rng.randint(0, 40):02d}.example", day,
                       f"{value + 40 * (day - 6):,} people have been killed in Gaza{extra}, the {who} said on Monday. "
                       f"{rng.choice(['Aid waited.', 'Fuel ran short.', 'Rain fell.'])} Copy {k}."))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_copies_in_shuffled_batches_link_like_copies_one_at_a_time(engine, tmp_path, seed):
    """A syndication day in any order and any batching: the links and flags of one article
    at a time, in order; a re-check changes nothing."""
    from worker.tasks import run_recheck

    arts = _syndicated(seed)
    one_by_one = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    upgrade(one_by_one.url.render_as_string())
    ingest(one_by_one, *arts)
    rng = random.Random(seed)
    shuffled = arts[:]
    rng.shuffle(shuffled)
    in_batches(engine, shuffled, [1, 7, 3, 12, 2, 11, 4])
    try:
        assert link_set(engine) == link_set(one_by_one)
        assert flag_set(engine) == flag_set(one_by_one)
        assert relations(engine)["repeats"] >= 20
        assert run_recheck(engine, Config(), date(2000, 1, 1))["changed"] == 0
    finally:
        one_by_one.dispose()
