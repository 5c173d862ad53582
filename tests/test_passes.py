"""Kind, scope and subject passes, table-driven, on sentences written for the test (real figures)."""
from __future__ import annotations

from datetime import date

import pytest

from worker.core.extract import extract
from worker.core.types import Aliases, ArticleIn

DAY = date(2024, 5, 27)


def run(text: str, title: str = ""):
    return extract(ArticleIn(id="t", text=text, title=title, published=DAY), Aliases())


def kinds(text: str):
    return [(c.kind, c.value) for c in run(text)]


@pytest.mark.parametrize("text, expected", [
    # people buried by a landslide or under rubble are missing; a toll is killed
    ("The landslide buried more than 2,000 people, the disaster centre said.", [("missing", 2000)]),
    ("More than 670 people are under the soil, the IOM said.", [("missing", 670)]),
    ("More than 670 are feared dead, the agency said.", [("killed", 670)]),
    # lives, after a verb of loss
    ("Monsoon floods have claimed more than 1,160 lives this summer.", [("killed", 1160)]),
    ("Rescuers saved 40 lives on Friday.", []),
    # admitted to hospital counts the injured
    ("A total of 1,175 people were admitted to hospitals, the official said.", [("injured", 1175)]),
    # a kind word across a clause break belongs to the other clause
    ("The number of injured rose to 3,408, while the missing figure rose to 139.",
     [("injured", 3408), ("missing", 139)]),
    ("The death toll rose to 291 after a passenger succumbed to his injuries.", [("killed", 291)]),
    # coordinated lists and appositive breakdowns share the verb
    ("As many as 726 men, 340 women and 631 children have lost their lives.",
     [("killed", 726), ("killed", 340), ("killed", 631)]),
    ("Officials said 1,100 men, 350 women, and 620 children have died since June.",
     [("killed", 1100), ("killed", 350), ("killed", 620)]),
    # a kind word inside an aside governs neither side of it
    ("At least 230 people died, 224 in the province, four in the north—where a man who was missing was "
     "found on Monday—and two in the south, officials said.",
     [("killed", 230), ("killed", 224), ("killed", 4), ("killed", 2)]),
    # differences, corrections and statuses are no counts
    ("Compared with Friday there are two new deaths and nine fewer missing people.", [("killed", 2)]),
    ("The state reduced the county's death toll by as many as 30, officials said.", []),
    ("Of the 1,200 injured, 800 were discharged while 400 are undergoing treatment.", [("injured", 1200)]),
    ("Rescuers pulled out 52 passengers alive and recovered 90 bodies, the force said.", [("killed", 90)]),
    ("After rescuing 52 live victims, teams recovered 90 bodies.", [("killed", 90)]),
    ("Some 500 people who were missing have been found, police said.", []),
    ("The number of dead livestock reached 120,400, the minister said.", []),
    ("The quake struck at 0630 local time and killed 12 people.", [("killed", 12)]),
    # what became of bodies already counted is no count; identified and unidentified are
    ("Of the 300 bodies, 120 have been handed over to families and 60 were shifted to the capital.",
     [("killed", 300)]),
    ("The city cremated the remains of two victims on Monday.", []),
    ("The 31 unidentified bodies are kept in containers, officials said.", [("killed", 31)]),
    # numbers of a law, a compound, a hedge, another clause's noun
    ("The case was filed under sections 304 and 34 (common intention) and sections 153, 154 and 175 of the act.",
     []),
    ("The toll of the three-train crash rose to 290.", [("killed", 290)]),
    ("Police said 40 passengers may have died of electrocution.", []),
    ("The death toll has risen to over 1,000, as rescue teams dig through the rubble.", [("killed", 1000)]),
    ("Officials said 300 autopsies have been carried out and 45 more people died.", [("killed", 45)]),
    ("The authority said that 1,162 people, including 384 children and 231 women, had died.",
     [("killed", 1162), ("killed", 384), ("killed", 231)]),
    ("The toll climbed from 558 to 569, the minister said.", [("killed", 558), ("killed", 569)]),
    # a people noun that does something else does not inherit the kind before it
    ("Death toll at 211 and 5,000 more soldiers deployed.", [("killed", 211)]),
    # times, ages in brackets and footnote marks are no counts
    ("As of 2 pm, the death toll was 288.", [("killed", 288)]),
    ("Rescuers recovered the body of Dinesh Yadav (31), police said. Three people died.", [("killed", 3)]),
])
def test_kind(text, expected):
    assert kinds(text) == expected


def test_a_list_heading_gives_its_kind_to_the_items():
    text = "The deaths by state are as follows:\n\u2022 North Carolina: 117 people\n\u2022 Georgia: 33 people"
    assert kinds(text) == [("killed", 117), ("killed", 33)]


def test_a_breakdown_sentence_takes_the_kind_before():
    text = "Some 8,321 people have been injured. They include 2,923 men and 2,167 women."
    assert kinds(text) == [("injured", 8321), ("injured", 2923), ("injured", 2167)]


@pytest.mark.parametrize("text, title, scope", [
    # the story's own disaster has a running total
    ("The landslide killed at least 670 people, the IOM said.", "Landslide in Enga province", "cumulative"),
    # an attack inside a war is one incident
    ("An airstrike on a school killed 12 people, medics said.", "War in Sudan", "incident"),
    # new deaths since the last report
    ("The authority reported 57 more deaths on Saturday.", "", "period"),
    ("The fighting killed 2,053 people and left 1,240 more wounded.", "", "cumulative"),
    # the count of one day's attacks; a report's day does not make a period
    ("The ministry said Israeli airstrikes on Tuesday killed 31 people.", "", "period"),
    ("The toll of Sunday's raids on the city rose to 44, medics said.", "", "period"),
    ("The death toll rose to 3,000 on Monday, the ministry said.", "", "cumulative"),
    # a time phrase that opens the sentence governs all of it
    ("During the past 24 hours, the highest number of deaths was in the north, where nine people died.", "",
     "period"),
    # an attack of one date is an incident; "since" that date is a running count
    ("Gunmen stormed the town on March 3 and killed 61 people, police said.", "", "incident"),
    ("Since the attack on March 3, at least 900 people have been killed.", "", "cumulative"),
    # the toll of a crash rises: a running count; the toll of one strike in a war: that incident's
    ("The death toll from the bus crash on the highway has risen to 41.", "", "cumulative"),
    ("The death toll from that strike has now reached 55, the ministry said.", "", "incident"),
    # a second event in the story is an incident of its own
    ("Another earthquake of magnitude 6.1 struck on Sunday. Officials said two people died.", "", "incident"),
    # a time phrase that dates the event, or belongs to another clause, does not window the count
    ("At least 90 people remain missing after last week's floods in the province.", "", "cumulative"),
    ("The crash, which killed 294 passengers in June, was the worst in decades.", "", "cumulative"),
    ("Up to 15,000 were killed in the city last year, with some estimates putting the toll as high as "
     "150,000.", "", "cumulative"),
    # a part takes the window of its total
    ("Monitors recorded 2,176 deaths in October, with 1,385 civilians among the victims.", "", "period"),
    # "this month" that dates the disaster, not the count
    ("The lives lost in the earthquakes in the region this month have exceeded 50,000.", "", "cumulative"),
])
def test_scope(text, title, scope):
    assert run(text, title)[-1].scope == scope


def test_figures_that_add_up_to_the_figure_before_are_its_breakdown():
    text = ("In the last 24 hours, close to 120 people died, the agency said. One death was reported in the "
            "north, five in the east, 33 in the west and 80 in the south.")
    claims = run(text)
    assert [(c.value, c.role, c.scope, c.period) for c in claims] == [
        (120, "total", "period", "24h"), (1, "part", "period", "24h"), (5, "part", "period", "24h"),
        (33, "part", "period", "24h"), (80, "part", "period", "24h")]


def test_a_list_heading_gives_its_window_to_the_lines_under_it():
    text = ("The minister gave the figures.\nSince the start of the war the figures are as follows:\n"
            "Total deaths: 1,640.\nFor the period between August 1 and August 31, the figures are as follows:\n"
            "Total deaths: 610, including 38 women.\nTotal injuries: 2,056.\n"
            "Regarding the toll of Friday's strike on the port:\nTotal deaths: 11.\n"
            "He said 1,700 people had been killed since the war began.")
    assert [(c.value, c.scope, c.period) for c in run(text)] == [
        (1640, "cumulative", None), (610, "period", "August 1 to August 31"),
        (38, "period", "August 1 to August 31"), (2056, "period", "August 1 to August 31"),
        (11, "incident", None), (1700, "cumulative", None)]


def test_a_count_that_moves_is_no_breakdown():
    claims = run("The toll rose to 227 on Saturday. The number of deaths stood at 225 on Friday; two more died in the south on Saturday.")
    assert [(c.value, c.role) for c in claims][:2] == [(227, "total"), (225, "total")]


def test_figures_that_do_not_add_up_keep_their_own_scope():
    claims = run("In the last 24 hours, 40 people died. Since June, 900 died in the south and 700 in the north.")
    assert [(c.value, c.scope) for c in claims] == [(40, "period"), (900, "cumulative"), (700, "cumulative")]


def test_a_breakdown_keeps_the_window_of_its_total():
    out = run("In the past 24 hours 12 people died across the province, including five in Badin.")
    assert [(c.value, c.scope, c.period, c.role) for c in out] == [
        (12, "period", "24h", "total"), (5, "period", "24h", "part")]


@pytest.mark.parametrize("text, subject, cls", [
    ("So far 88 bodies have been identified, officials said.", "identified 88 bodies", "identified bodies"),
    ("Another 81 bodies remain unidentified at the hospital.", "unidentified 81 bodies", "unidentified bodies"),
    ("Rescuers recovered 121 bodies from the wreckage.", "bodies", "bodies"),
    ("The army said it killed 250 Hezbollah fighters.", "Hezbollah fighters", "combatants"),
    ("Four ambulance staff were killed in the strike.", "ambulance staff", "aid workers"),
    ("One person died in the collapse.", "people", "people"),
    # the dead a facility took in: a count of its own beside the toll
    ("More than 150 dead had been brought to the city's hospitals, a doctor said.", "dead brought to hospitals",
     "bodies at hospitals"),
])
def test_subject(text, subject, cls):
    c = run(text)[0]
    assert subject.split()[-1] in c.subject and c.subject_class == cls


def test_a_bare_figure_yet_to_be_identified_counts_unidentified_bodies():
    # "of the 410 dead, 96 are yet to be identified": no noun of its own after the number
    c = run("Of the 410 dead, 96 more are yet to be identified, the collector said.")[-1]
    assert (c.value, c.subject_class) == (96, "unidentified bodies")
