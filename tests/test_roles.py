"""The role pass, table-driven: each role on sentences written for the test (real figures)."""
from __future__ import annotations

from datetime import date

import pytest

from worker.core.extract import extract
from worker.core.types import Aliases, ArticleIn

DAY = date(2024, 10, 3)


def claims(text: str, published: date | None = DAY):
    return [(c.kind, c.value, c.role) for c in extract(ArticleIn(id="t", text=text, published=published), Aliases())]


@pytest.mark.parametrize("text, expected", [
    # total: the count itself, even when the day's increase is beside it
    ("The death toll rose to 3,145, officials said.", [("killed", 3145, "total")]),
    # part: a breakdown of a total
    ("At least 1,162 people have died, including 384 children, the agency said.",
     [("killed", 1162, "total"), ("killed", 384, "part")]),
    ("The toll stands at 275. Of them, 88 bodies have been identified, officials said.",
     [("killed", 275, "total"), ("killed", 88, "part")]),
    ("Floods killed 40 people in Sindh and another 12 in Punjab, the authority said.",
     [("killed", 40, "total"), ("killed", 12, "part")]),
    # earlier: a figure quoted for comparison, of the kind it is compared with
    ("The government revised the death toll to 275 from 288, and put the injured at 1,175.",
     [("killed", 275, "total"), ("killed", 288, "earlier"), ("injured", 1175, "total")]),
    ("The toll climbed to 569, up from 558 a day earlier, the minister said.",
     [("killed", 569, "total"), ("killed", 558, "earlier")]),
    ("The ministry had earlier put the toll at 2,000 but now says 1,000 people were killed.",
     [("killed", 2000, "earlier"), ("killed", 1000, "total")]),
    # an earlier document's own verb, and the figure's own kind word after it
    ("The toll rose to 569. An earlier report by the ministry late on Monday cited 492 deaths.",
     [("killed", 569, "total"), ("killed", 492, "earlier")]),
    # other_event: a figure of another event, by its year
    ("It is the deadliest storm since Hurricane Katrina, which killed more than 1,800 people in 2005.",
     [("killed", 1800, "other_event")]),
])
def test_roles(text, expected):
    assert claims(text) == expected


def test_earlier_figure_is_never_dated_on_the_article_day():
    out = extract(ArticleIn(id="t", text="The toll climbed to 569, up from 558, the minister said.",
                            published=DAY), Aliases())
    by_value = {c.value: c for c in out}
    assert by_value[569].as_of == DAY
    assert by_value[558].as_of is None


def test_other_event_is_an_incident_without_the_article_date():
    (c,) = extract(ArticleIn(id="t", text="A 2015 quake in the same region killed about 9,000 people.",
                             published=DAY), Aliases())
    assert (c.role, c.scope, c.as_of) == ("other_event", "incident", None)


def test_a_year_that_starts_the_count_is_not_another_event():
    (c,) = extract(ArticleIn(id="t", text="Since the war began in October 2023, at least 41,000 people "
                             "have been killed, the ministry said.", published=DAY), Aliases())
    assert c.role == "total"


def test_a_count_that_looks_like_a_year_is_no_year():
    out = claims("Local leaders said the landslide killed 162 people, not the 2000 first reported.")
    assert ("killed", 162, "total") in out


@pytest.mark.parametrize("text", [
    "Officials said at least 3 people were killed in Town12.",
    "Two people were killed when an F-16 crashed, police said.",
])
def test_digits_inside_a_name_are_no_count(text):
    assert all(c[1] not in (12, 16) for c in claims(text))
