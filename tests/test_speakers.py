"""Who a source speaks for, on our own sentences: a person introduced with a role speaks
for that role's body, definite references point back at what the article named, a
state's offices are named with the story's country or province, one body named two
ways gets one name (worker.core.speakers, authorities, bodies, offices)."""
from __future__ import annotations

from datetime import date

import pytest

from worker.aliases import load_aliases
from worker.core.extract import extract
from worker.core.identity import SourceNames
from worker.core.speakers import introduction, person_reference, split_role_name
from worker.core.types import ArticleIn

ALIASES = load_aliases()


def claims(text, title=""):
    return extract(ArticleIn(id="t", text=text, title=title, published=date(2024, 5, 1)), ALIASES)


def sources(text, title=""):
    return [(c.value, c.source_canonical) for c in claims(text, title)]


# --- the person and the role in a source phrase ---------------------------------------

SPLITS = [
    ("Chile's Acting Health Minister Ana Soto", ("Chile's Acting Health Minister", "Ana Soto")),
    ("Omar Haidari, spokesman for the national disaster authority",
     ("spokesman for the national disaster authority", "Omar Haidari")),
    ("the head of Mali's military government, Gen. Ruiz Lopez", ("the head of Mali's military government", "Ruiz Lopez")),
    ("Ohio Gov. Mike Dewine", ("Ohio Gov.", "Mike Dewine")),
    ("Chief Secretary P K Das", ("Chief Secretary", "P K Das")),
    # a place that situates the office, and a title before the name, are not the name
    ("director of the Kenyatta National Hospital (KNH), Nairobi, Dr. Ana Wekesa",
     ("director of the Kenyatta National Hospital (KNH)", "Ana Wekesa")),
    ("Superintendent of KNH Nairobi Prof Ana Wekesa", ("Superintendent of KNH Nairobi", "Ana Wekesa")),
    ("Peru's Transport Minister Óscar Ruiz", ("Peru's Transport Minister", "Óscar Ruiz")),
    # no person: a body, a bare name, an acronym
    ("the Odisha government", None),
    ("Reuters", None),
    ("Senior Gen. Tun Lin", None),
]


@pytest.mark.parametrize(("raw", "split"), SPLITS)
def test_a_person_is_split_from_the_role_written_with_the_name(raw, split):
    assert split_role_name(raw) == split


@pytest.mark.parametrize(("raw", "name"), [
    ("Minister Soto", "Soto"), ("Mr. Kuri", "Kuri"), ("Senior Gen. Tun Lin", "Tun Lin"), ("al-Rashid", "al-Rashid"),
    ("the Health Ministry", None), ("NDMA", None), ("Officials", None), ("MP", None),
])
def test_a_bare_name_is_told_from_a_body(raw, name):
    assert person_reference(raw) == name


INTRODUCED = [
    ("Chile's Health Minister, Ana Soto, spoke on Monday. Soto said 12 died.", "Soto",
     ("Chile's Health Minister", "Ana Soto")),
    ("Omar Haidari, a spokesman for the Interior Ministry, spoke. Haidari said 40 died.", "Haidari",
     ("a spokesman for the Interior Ministry", "Omar Haidari")),
    ('"It will rise," the head of the junta, Gen. Tun Lin, said. Lin said 80 died.', "Tun Lin",
     ("the head of the junta", "Tun Lin")),
    ("Aid workers died, WHO spokesman Tarik Jasarevic said. Jasarevic said 44 died.", "Jasarevic",
     ("WHO spokesman", "Tarik Jasarevic")),
    # a namesake with another first name is another person
    ("Chile's Health Minister, Ana Soto, spoke. Luis Soto said 12 died.", "Luis Soto", None),
    ("Soto said 12 died.", "Soto", None),
]


@pytest.mark.parametrize(("text", "name", "intro"), INTRODUCED)
def test_the_article_introduces_a_person_with_a_role(text, name, intro):
    assert introduction(text, name, len(text)) == intro


# --- whom a source speaks for, in its article -------------------------------------------

IN_CONTEXT = [
    # the person speaks for the body of the role the article introduced them with
    (("Chile's Health Minister, Ana Soto, announced on Monday that 120 people had died in the floods. "
      "Soto said 40 more were injured. According to Minister Soto, 12 people remain missing."),
     [(120, "Chilean Health Ministry"), (40, "Chilean Health Ministry"), (12, "Chilean Health Ministry")]),
    (("Floods hit Nepal. At least 15 people were killed, according to Omar Haidari, spokesman for the "
      "country's national disaster authority. Haidari said 40 were injured."),
     [(15, "Nepalese government"), (40, "Nepalese government")]),
    # a state's disaster agency described, not named, is the state's government; a named
    # one keeps its name
    ("Floods hit Nepal. The National Disaster Management Authority (NDMA) said 1,033 people died.",
     [(1033, "NDMA")]),
    (('An earthquake hit Mali. "The toll will rise," the head of Mali\'s military government, Gen. Ruiz Lopez, '
      "said as he announced that 44 people were killed. Lopez said 300 were injured."),
     [(44, "Mali junta"), (300, "Mali junta")]),
    # a document of a person is the person's; a governor's office is the state's government
    (("At least 30 people died in Ohio, according to an update Tuesday by Ohio Gov. Mike Dewine. "
      "According to a release from Gov. Mike Dewine’s office, 12 people are missing."),
     [(30, "Ohio government"), (12, "Ohio government")]),
    # a person with a role but no body keeps their full name, however named later
    ("A landslide hit Enga. MP Amos Kuri said 300 people were buried. Mr Kuri said 40 bodies were recovered.",
     [(300, "Amos Kuri"), (40, "Amos Kuri")]),
    # the country's government is the story's country's, never a village's
    (("A landslide buried Kanda village in Nepal's western hills. The country's government said 300 people "
      "were feared dead."), [(300, "Nepalese government")]),
    # "the government" with none named: the story's country's, not the agency named last
    ("Floods swept Kenya on Friday. UNICEF said it had sent aid. The government said 70 people were killed.",
     [(70, "Kenyan government")]),
    # "he said" after a quote: the speaker, not a body named inside the quote
    (("A train crashed in Odisha. According to the state's chief secretary Ravi Das, some bodies were counted "
      'twice. "After verification and a report by the district collector, the final toll is 275," he said.'),
     [(275, "Odisha government")]),
    # a state or a province speaking is its government
    ("Kerala revises flood toll to 300\n\nRains continued on Monday.", [(300, "Kerala government")]),
    # "a railway official", then "the official": the country's railway the alias table knows
    (("A train derailed near Cuttack in India. The toll rose to 88, a railway official said. "
      "The official said 200 were injured."), [(88, "Indian Railways"), (200, "Indian Railways")]),
    # an article that names the state's junta means it by its ministers too
    ("Mali's junta said 40 people died in the floods. Information Minister Abdoulaye Maiga said 60 were injured.",
     [(40, "Mali junta"), (60, "Mali junta")]),
    # "the official data from X, a spokesperson of the country's interior ministry"
    (("Floods hit Peru. According to the official data from Luis Rojas, a spokesperson of the country's "
      "Ministry of Interior, 2,000 people died."), [(2000, "Peruvian government")]),
    # "the sheriff" before the sheriff is named: the sheriff the article names later
    (("The toll in Maui County has climbed to 30, the sheriff said.\n\nMaui County Sheriff Ana Kealoha said "
      "names would not be released."), [(30, "Maui officials")]),
    # a role named without a name, then a person named without a role: the role is theirs
    (("Some 80,000 people have fled to Chad, according to the head of the UN refugee agency (UNHCR).\n\n"
      "“Another 5,000 people have fled since Friday,” Ana Soto said on Monday."),
     [(80000, "UNHCR"), (5000, "UNHCR")]),
    # a headline's "PM says" in a story about one country: its government
    ("Nearly 1 million displaced by floods in Kenya, PM says\n\nRains continued.", [(1000000, "Kenyan government")]),
    # "the court", "in a statement they": the body named before
    (("Kenya's High Court said 89 people were missing. The court said 62 bodies were identified. "
      "In a statement they said 20 people were injured."),
     [(89, "Kenya's High Court"), (62, "Kenya's High Court"), (20, "Kenya's High Court")]),
    # the body written before the role; a lawmaker for a province is no province
    ("Floods hit Nepal. Ana Rai, the Disaster Management Authority head, said 600 people were injured.",
     [(600, "Disaster Management Authority (DMA)")]),
    ("A train derailed in India. Cuttack Divisional Railway Manager (DRM) Ravi Das said 278 people died.",
     [(278, "Indian Railways")]),
    ("A landslide hit Papua New Guinea. Amos Kuri, a lawmaker for Enga province, said 300 were injured.",
     [(300, "Amos Kuri")]),
    # "spokesperson Ana Soto" after "a spokesperson for X said": X's spokesperson
    (("A spokesperson for Chile's foreign ministry has said that the toll was revised to 1,200. "
      '"It is the official number," spokesperson Ana Soto said. Soto said 40 were missing.'),
     [(1200, "Chilean government"), (40, "Chilean government")]),
    # a soldier introduced by rank alone speaks for the military
    (('A landslide hit Papua New Guinea. "Efforts were called off," Major Joe Kuri said on Wednesday. '
      "Kuri said the toll could be closer to 650."), [(650, "Papua New Guinea military")]),
    # a report relays the one it quotes; a body named by its initials is that body, not
    # the country's office its words describe, even in a story that names the junta
    (("Mali's junta said 40 people died. A report from broadcaster Sky News indicated that the exiled NUG "
      "government of Mali estimates that the toll has passed 2,400."), [(40, "Mali junta"), (2400, "NUG")]),
    # a document after a name is the name's; media in a described place are the story country's
    ("Floods hit Nepal. According to the NDMA report, 1,033 people have died.", [(1033, "NDMA")]),
    ("A landslide hit Papua New Guinea. Media in the Pacific nation north of Australia said 300 people died.",
     [(300, "Papua New Guinea media")]),
    # "the country's National Disaster Centre" is a body with a name of its own
    (("A landslide hit Nepal. The acting director of the country's National Disaster Centre, Ana Rai, "
      "said 2,000 people were buried."), [(2000, "National Disaster Centre (NDC)")]),
]


@pytest.mark.parametrize(("text", "expected"), IN_CONTEXT)
def test_a_source_speaks_for_the_body_the_article_names(text, expected):
    assert sources(text) == expected


LOCAL = [
    # a county's sheriff and its officials are one body; so are a town's officials and authorities
    ("Wildfires hit Maui. The Maui County sheriff said 30 people died. Maui County officials said 42 were missing.",
     {"Maui officials"}),
    ("Kanda town authorities said 10 people were injured. Kanda town officials said 12 people were injured.",
     {"Kanda officials"}),
    ("The Cuttack District Collector said 80 were killed. The Cuttack Collector said 88 were killed.",
     {"Cuttack officials"}),
]


@pytest.mark.parametrize(("text", "names"), LOCAL)
def test_one_local_body_named_two_ways_gets_one_name(text, names):
    assert {canonical for _, canonical in sources(text)} == names


@pytest.mark.parametrize(("canonical", "originator"), [
    # an office composed with its place is known by its name, never by made-up initials
    ("Afghan Health Ministry", "Afghan Health Ministry"),
    ("Papua New Guinea National Disaster Centre", "Papua New Guinea National Disaster Centre"),
    # an agency written out is known by its initials as often as by its name
    ("National Disaster Management Authority", "NDMA"),
])
def test_a_composed_office_keeps_its_name_as_originator(canonical, originator):
    assert SourceNames(ALIASES).originator(canonical, "x.example") == originator


def test_a_provincial_governments_figure_with_no_place_is_the_provinces():
    text = ("The confirmed death toll in Maui County has climbed to 30, the sheriff said. A confirmed 10 "
            "residents had died, according to a release from Hawaii Gov. Ana Kealoha's office.")
    by_value = {c.value: (c.source_canonical, c.region) for c in claims(text)}
    assert by_value[10] == ("Hawaii government", "Hawaii")
