"""The relation between two figures of one metric (SPEC §3), table-driven."""
from __future__ import annotations

from datetime import date

import pytest

from worker.core.relate import Figure, metric_key, originator, relate
from worker.core.walks import chain_links, cross_links


def fig(id, value, qualifier="exact", *, who="Gaza Health Ministry", day=10, kind="killed",
        scope="cumulative", low=None, high=None, metric=None):
    if qualifier == "exact":
        low = high = value
    elif qualifier == "at_least":
        low, high = value, None
    elif qualifier == "at_most":
        low, high = None, value
    return Figure(id, kind, value, qualifier, low, high, scope,
                  metric or metric_key(kind, "Gaza Strip", "people", scope), who,
                  date(2023, 11, day), f"{day:02d}-{id:04d}")


CASES = [
    # (newer, older, expected relation)
    ("same figure from a second originator agrees",
     fig(2, 11078, who="UN OCHA"), fig(1, 11078), "agrees"),
    ("an at-least bound that holds the other figure agrees",
     fig(2, 11000, "at_least", who="UN OCHA"), fig(1, 11078), "agrees"),
    ("40 and 400 never agree", fig(2, 400, who="WHO"), fig(1, 40), "contradicts"),
    ("a later larger running total from another originator agrees",
     fig(2, 41732, who="AFP", day=12), fig(1, 40000, "at_least", day=10), "agrees"),
    ("a later smaller running total from another originator contradicts",
     fig(2, 3688, who="AFP", day=12), fig(1, 5900, day=10), "contradicts"),
    ("the same originator's same figure again repeats", fig(2, 1200, day=11), fig(1, 1200, day=10), "repeats"),
    ("a running total that grew updates", fig(2, 11078, day=11), fig(1, 10022, day=6), "updates"),
    ("a running total that fell is a downward revision", fig(2, 1200, day=10), fig(1, 1400, day=1), "revises_down"),
    ("a stock that fell is an update",
     fig(2, 137, kind="hostages", day=30), fig(1, 240, kind="hostages", day=5), "updates"),
    # a metric holds every incident of its place: an incident toll far below an
    # earlier one days later is another incident's, not a revision
    ("an incident toll far below one four days earlier is another incident",
     fig(2, 11, scope="incident", day=14), fig(1, 55, scope="incident", day=10), "updates"),
    ("an incident toll revised down modestly days later is a revision",
     fig(2, 1200, scope="incident", day=10), fig(1, 1400, scope="incident", day=2), "revises_down"),
    ("an incident toll revised down steeply the same day is a revision",
     fig(2, 20, scope="incident", day=10), fig(1, 55, scope="incident", day=10), "revises_down"),
    ("about 500 and 100 to 300 contradict",
     fig(2, 500, "approx", who="Gaza Health Ministry"),
     fig(1, 100, "range", low=100, high=300, who="US intelligence"), "contradicts"),
]


@pytest.mark.parametrize("name,newer,older,expected", CASES, ids=[c[0] for c in CASES])
def test_relation_table(name, newer, older, expected):
    assert relate(newer, older).relation == expected


def test_other_originators_more_than_two_days_apart_are_not_linked():
    assert relate(fig(2, 500, who="WHO", day=13), fig(1, 40, day=10)) is None


def test_different_metrics_are_never_linked():
    city = fig(2, 40, metric=metric_key("killed", "Derna", "people", "cumulative"), who="WHO")
    assert relate(city, fig(1, 4000)) is None


def test_a_days_count_and_the_running_total_are_different_metrics():
    assert metric_key("killed", "Gaza Strip", "people", "period", "24h") != \
        metric_key("killed", "Gaza Strip", "people", "cumulative")


def test_a_figure_the_outlet_states_itself_originates_with_the_outlet():
    assert originator(None, "apnews.com") == "outlet:apnews.com"
    assert originator("WHO", "apnews.com") == "WHO"


def test_reason_names_both_originators_figures_and_dates():
    d = relate(fig(2, 3958, who="WHO", day=17), fig(1, 11300, who="UN OCHA", day=17))
    assert d.reason == "WHO 3,958 (17 Nov 2023) vs UN OCHA 11,300 (17 Nov 2023): no overlap"


def test_figures_twenty_times_apart_from_two_originators_are_not_linked():
    assert relate(fig(2, 24, who="UN OCHA"), fig(1, 576600)) is None


def test_forty_and_four_hundred_are_still_a_contradiction_not_noise():
    assert relate(fig(2, 400, who="WHO"), fig(1, 40)).relation == "contradicts"


def test_a_chain_steps_over_a_figure_that_cannot_be_the_same_running_total():
    chain = [fig(1, 13300, day=20), fig(2, 200, day=22), fig(3, 15200, day=23)]
    links = chain_links(chain, {2, 3})
    assert links[2] is None
    assert (links[3].b, links[3].relation) == (1, "updates")


def test_a_real_downward_revision_is_not_mistaken_for_an_outlier():
    links = chain_links([fig(1, 1400, day=2), fig(2, 1200, day=10)], {2})
    assert links[2].relation == "revises_down"


def test_a_fast_growing_early_toll_still_updates():
    links = chain_links([fig(1, 284, day=6), fig(2, 8754, day=8)], {2})
    assert links[2].relation == "updates"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from worker.core.relate import related  # noqa: E402

_FIGURES = st.builds(
    fig, st.integers(1, 6), st.integers(0, 50_000), st.sampled_from(["exact", "at_least", "at_most"]),
    who=st.sampled_from(["Gaza Health Ministry", "UN OCHA", "WHO"]), day=st.integers(1, 9),
    kind=st.sampled_from(["killed", "hostages"]), scope=st.sampled_from(["cumulative", "incident"]))


@settings(max_examples=400, deadline=None)
@given(_FIGURES, _FIGURES, st.integers(0, 3))
def test_related_says_exactly_whether_relate_links(newer, older, window):
    assert related(newer, older, window) == (relate(newer, older, window) is not None)


@settings(max_examples=200, deadline=None)
@given(st.lists(_FIGURES, min_size=1, max_size=12, unique_by=lambda f: f.id), st.data())
def test_a_chains_links_do_not_depend_on_which_figures_are_targets(chain, data):
    chain = sorted(chain, key=lambda f: f.order_key)
    every = chain_links(chain, {f.id for f in chain})
    some = data.draw(st.sets(st.sampled_from([f.id for f in chain])))
    assert chain_links(chain, some) == {i: every[i] for i in some}


CROSS = [
    # (window in order, target, expected links (newer id, older id, relation))
    ("each other originator's latest figure before it, not every one in the window",
     [fig(1, 9000, day=1), fig(2, 9200, day=2), fig(3, 9100, "at_least", who="WHO", day=3)], 3,
     {(3, 2, "agrees")}),
    ("one link per other originator",
     [fig(1, 9000, day=2), fig(2, 9050, who="UN OCHA", day=2), fig(3, 9100, "at_least", who="WHO", day=3)], 3,
     {(3, 1, "agrees"), (3, 2, "agrees")}),
    ("a latest figure that cannot be the same count is stepped over",
     [fig(1, 9000, day=1), fig(2, 90, day=2), fig(3, 9100, who="WHO", day=3)], 3, {(3, 1, "agrees")}),
    ("nothing outside the time window",
     [fig(1, 9000, day=1), fig(3, 9100, who="WHO", day=4)], 3, set()),
    ("figures after the target are not its links",
     [fig(3, 9100, who="WHO", day=3), fig(4, 9200, day=3)], 3, set()),
]


@pytest.mark.parametrize("name,window,target,expected", CROSS, ids=[c[0] for c in CROSS])
def test_cross_links(name, window, target, expected):
    window = sorted(window, key=lambda f: f.order_key)
    assert {(d.a, d.b, d.relation) for d in cross_links(window, {target}).values()} == expected


def _grouped(id, value, role, day, who="Gaza Government Media Office"):
    f = fig(id, value, who=who, day=day, metric=metric_key("killed", "Gaza Strip", "children", "cumulative"))
    return Figure(**{**f.__dict__, "role": role})


def test_a_part_counting_a_group_chains_with_that_groups_totals():
    # "including 6,000 children" one day, "5,850 children" the next: the children's count fell
    chain = [_grouped(1, 6000, "total", 23), _grouped(2, 5850, "part", 24), _grouped(3, 8000, "part", 30)]
    links = chain_links(chain, {2, 3})
    assert links[2].relation == "revises_down" and links[2].b == 1
    assert links[3].relation == "updates" and links[3].b == 2


def test_a_part_of_everyone_stays_out_of_the_totals_chain():
    total = Figure(**{**fig(1, 275, day=4).__dict__, "role": "total"})
    part = Figure(**{**fig(2, 88, day=5).__dict__, "role": "part"})
    assert chain_links([total, part], {2}) == {2: None}
