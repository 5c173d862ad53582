"""The source pass on our own sentences: which phrases are authorities, how unseen
authorities are named, and how a figure with no attribution of its own finds one
(worker.core.attribution, authorities, offices, sourcing)."""
from __future__ import annotations

from datetime import date

import pytest

from worker.aliases import load_aliases
from worker.core.attribution import find_attributions
from worker.core.authorities import build_source_index, short_name
from worker.core.extract import extract
from worker.core.offices import compose_office, is_authority
from worker.core.types import ArticleIn

ALIASES = load_aliases()
INDEX = build_source_index(ALIASES)
PLACES = INDEX.places


def claims(text, title=""):
    out = extract(ArticleIn(id="t", text=text, title=title, published=date(2024, 3, 16)), ALIASES)
    for c in out:
        assert text[c.start:c.end] == c.quote
    return out


def sources(text):
    return [raw for _, _, raw in find_attributions(text, 0, len(text))]


# --- finding the attribution phrase --------------------------------------------------

PHRASES = [
    # the name and its role appositive speak together
    ("Jan Egeland, a spokesman for the Norwegian Refugee Council, said 1,200 people had fled.",
     "Jan Egeland, a spokesman for the Norwegian Refugee Council"),
    # a time between the speaker and the verb
    ("Kerala's revenue minister, on Sunday, said 231 people had died.", "Kerala's revenue minister"),
    # the antecedent of a relative clause reported the figure
    ("County officials, who earlier reported 64 deaths, now defer to the state.", "County officials"),
    # adverbs between subject and verb
    ("Nepalese authorities on Monday sharply lowered the toll to 8,500.", "Nepalese authorities"),
    ("Abdul Hamid, the agency's director, informed that 300 homes collapsed.",
     "Abdul Hamid, the agency's director"),
    ("The toll was revised to 4,340 by the provincial government.", "the provincial government"),
    # the subject of an object relative clause: "which X revised to N"
    ("It stood at 1,400, which the foreign ministry later revised to 1,200.", "the foreign ministry"),
]


@pytest.mark.parametrize(("text", "raw"), PHRASES)
def test_the_attribution_phrase_is_found(text, raw):
    assert raw in sources(text)


FRAGMENTS = [
    # places of a breakdown are not bodies that report
    "Sindh and Balochistan reported 310 and 202 deaths respectively.",
    "The Idlib governorate recorded 45 deaths.",
    # superlatives, relative clauses, dangling articles, a count's own noun phrase
    "The highest number of deaths occurred in Derna, where 4,000 died.",
    "Of whom 40 were children, the group of victims was buried.",
    "According to an 5,000 were displaced.",
    "The death count from the floods in Libya increased to 11,300.",
    "The toll of loss of lives reached 724.",
    # an event is what is counted, never who counts
    "The landslide had claimed 162 lives.",
    "More than seven thousand displaced in Chad, says nobody.",
]


@pytest.mark.parametrize("text", FRAGMENTS)
def test_fragments_never_become_sources(text):
    keep = [raw for raw in sources(text) if is_authority(short_name(raw), PLACES)]
    bad = ("sindh and balochistan", "idlib governorate", "highest number", "of whom", "an",
           "floods in libya", "loss of lives", "landslide", "seven thousand displaced")
    assert not [raw for raw in keep if any(b in raw.lower() for b in bad)], keep


AUTHORITY = [
    ("the provincial disaster management authority", True),
    ("Reuters", True),
    ("a police spokesman", True),
    ("Israel", True),  # a state speaking is its government
    ("local leaders", True),
    ("an official", True),
    ("war-monitoring groups", True),
    ("Sindh and Balochistan", False),
    ("the Idlib governorate", False),
    ("the highest number of", False),
    ("of whom", False),
    ("According to an", False),
    ("the earthquake", False),
    ("loss of lives", False),
    ("data one death was reported from Gilgit", False),
    ("More than seven million internally displaced in Chad", False),
]


@pytest.mark.parametrize(("raw", "expected"), AUTHORITY)
def test_an_authority_is_told_from_a_fragment(raw, expected):
    assert is_authority(raw, PLACES) is expected


# --- naming unseen authorities -------------------------------------------------------

OFFICES = [
    ("the interior ministry", "Peru", "Peruvian government"),
    ("civil protection", "Italy", "Italian civil protection"),
    ("caretaker health minister ana lopez", "Chile", "Chilean Health Ministry"),
    ("the ministry of public health", "Nepal", "Nepalese Health Ministry"),
    ("the junta", "Mali", "Mali junta"),
    ("the military-led government", "Niger", "Niger junta"),
    ("information minister tun lin", "Thailand", "Thai government"),
    ("maui county officials", "United States", None),
    ("morocco's interior ministry", None, "Moroccan government"),
    ("sindh information minister ali khan", "Pakistan", "Sindh government"),
    # a story about two countries has no "the" ministry
    ("the interior ministry", "Turkey and Syria", None),
    # "officials" alone are not a government
    ("officials", "Peru", None),
]


@pytest.mark.parametrize(("low", "region", "canonical"), OFFICES)
def test_an_office_is_named_with_its_country(low, region, canonical):
    assert compose_office(low, PLACES, region) == canonical


SHORT = [
    ("the NDRRMC's situation report", "NDRRMC"),
    ("a report released by the NDRRMC", "NDRRMC"),
    ("figures from the Kenya Red Cross", "Kenya Red Cross"),
    ("CNN's tally", "CNN"),
    ("Nepal's National Emergency Operation Centre", "National Emergency Operation Centre (NEOC)"),
    ("the Provincial Disaster Management Authority (PDMA)", "Provincial Disaster Management Authority (PDMA)"),
    # a document: its author or its journal
    ("a study published in The Lancet", "Lancet"),
    # the body a named official speaks for
    ("Greek fire service spokesman Yiannis Artopios", "Greek fire service"),
    ("Maui County officials", "Maui County officials"),
    # a description in front of a name
    ("the national disaster agency BNPB", "BNPB"),
    ("Spanish broadcaster RTVE", "RTVE"),
]


@pytest.mark.parametrize(("raw", "name"), SHORT)
def test_an_unknown_authority_gets_a_clean_name(raw, name):
    assert short_name(raw) == name


# --- resolving within the article ----------------------------------------------------

RESOLVED = [
    # "the ministry" -> the ministry named earlier
    ("Peru's Ministry of Health said the outbreak was spreading. The ministry said 248 people had died.",
     "Peruvian Health Ministry"),
    # a bare office in a story about one country is that country's
    ("Floods swept northern Italy. At least 17 people were killed, civil protection said.",
     "Italian civil protection"),
    ("Heavy rains lashed Peru on Monday. The interior ministry said 12 people were killed.",
     "Peruvian government"),
    # a report introduced before its figures speaks for all of them
    ("The Kenya Red Cross presented a detailed report on the floods in Nairobi.\n"
     "Rain fell for a week.\nRoads were cut.\nTotal deaths: 169.", "Kenya Red Cross"),
    # "The figures were released by X" attributes the figures before it
    ("Floods in Kenya killed 38 people.\nThe figures were released by the Kenya Red Cross on Sunday.",
     "Kenya Red Cross"),
    ("There are 1.5 million displaced people in Sudan. This was stated by the UN refugee agency.", "UNHCR"),
    # the medium relays the speaker: the minister's figure, not the broadcaster's
    ("Floods hit Nepal. Home Minister Ram Thapa said on Monday that 112 people were missing, "
     "according to state television.", "Nepalese government"),
    # a document named after its author, without a possessive
    ("Floods hit Kenya. An Associated Press tally put the toll at 38.", "AP"),
    # "where officials said"
    ("Rain hit the coast, where officials said 21 people had died.", "local officials"),
    # the document back-reference speaks for the source named before
    ("OCHA published its flash update on Monday. In total, about 1,500 people have died, "
     "according to the update.", "UN OCHA"),
]


@pytest.mark.parametrize(("text", "canonical"), RESOLVED)
def test_a_source_resolves_within_the_article(text, canonical):
    assert claims(text)[-1].source_canonical == canonical


def test_the_headline_clause_says_who_and_only_for_its_clause():
    text = "Quake in Nepal: 157 dead, confirms army; 30 killed in India\n\nRescuers dug through the night."
    out = claims(text)
    by_value = {c.value: c.source_canonical for c in out}
    assert by_value[157] == "Nepalese military"
    assert by_value[30] is None


@pytest.mark.parametrize("text", [
    # the outlet states it itself: no source, never a fragment
    "The floods in Libya killed 4,352 people, the highest number of deaths in its history.",
    "Sindh and Balochistan reported 310 and 202 deaths respectively.",
    # a back-reference to nothing named anywhere
    "The number of people killed rose to 300, the report said.",
])
def test_no_authority_means_no_source(text):
    out = claims(text)
    assert out and all(c.source is None and c.source_canonical is None for c in out)


@pytest.mark.parametrize(("text", "value"), [
    # a relative clause recalling the event: the outlet's figure, not the speaker's
    ("Officials say the army ended its search at the dam, which killed at least 5,900 people.", 5900),
    # a country's civil authority does not count another country's dead
    ("Turkey's disaster agency said the toll in the country exceeded 44,200, whereas more than "
     "5,900 have died in Syria.", 5900),
])
def test_a_speaker_does_not_speak_for_every_figure_of_its_sentence(text, value):
    c = next(c for c in claims(text) if c.value == value)
    assert c.source is None


def test_a_sentence_final_attribution_covers_the_relative_clause():
    text = "Another 40 people remain missing in Hunan, where at least 12 people have died, according to Xinhua."
    c = next(c for c in claims(text) if c.value == 12)
    assert c.source_canonical == "Xinhua"


def test_a_military_speaks_for_the_enemy_dead_it_counts():
    text = "The Israeli military said 250 fighters were killed in Lebanon."
    assert claims(text)[0].source_canonical == "Israeli military"


def test_the_army_of_the_state_named_last():
    text = ("Israel said on Tuesday that its forces entered the camp. "
            "Two reservists were killed in the operation, according to the army.")
    assert claims(text)[-1].source_canonical == "Israeli military"


def _memory(text, attributed):
    """A memory over ``text`` whose queue remembers each sentence's first word as a source."""
    from worker.core.source_memory import SourceMemory
    memory = SourceMemory(text=text)

    def attribute(todo):
        for s, e, _, _ in todo:
            attributed.append(s)
            name = text[s:e].split()[0]
            memory.remember(name, name + " office", at=s)
    memory.attribute_pending = attribute
    return memory


def test_a_name_no_queued_sentence_holds_leaves_the_queue_to_the_next_read_that_needs_it():
    text = "Haddad spoke. Okonkwo spoke. Ferreira spoke."
    attributed: list[int] = []
    memory = _memory(text, attributed)
    memory.pending = [(0, 13, False, True), (14, 28, False, True)]
    assert memory.name("wen") is None and attributed == []  # no queued sentence names Wen
    memory.pending.append((29, 44, False, True))  # queued after that read
    # a read of the settled memory attributes what the skipped read owed, no more
    assert memory.last_settled() == (14, "Okonkwo", "Okonkwo office")
    assert attributed == [0, 14] and [p[0] for p in memory.pending] == [29]
    assert memory.name("haddad") == "Haddad office" and attributed == [0, 14]  # nor here
    assert memory.name("ferreira") == "Ferreira office" and attributed == [0, 14, 29]


def test_a_name_a_queued_sentence_holds_attributes_the_queue_first():
    text = "Haddad spoke. Okonkwo spoke."
    attributed: list[int] = []
    memory = _memory(text, attributed)
    memory.pending = [(0, 13, False, True), (14, 28, False, True)]
    assert memory.name("okonkwo") == "Okonkwo office" and attributed == [0, 14]
