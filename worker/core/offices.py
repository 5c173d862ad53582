"""What an authority looks like, and the name of an office that names no one in particular.

Two mechanisms of the source pass, both pure:

* :func:`is_authority` tells a source phrase ("the ministry", "Reuters", "a
  police spokesman") from a fragment a cue happened to catch ("Khyber
  Pakhtunkhwa and Punjab", "the landslide", "the highest number of", "of whom",
  "loss of lives", "an"). An authority has an office or role noun, or a name that
  is not a place; a count's own noun phrase, an event, a superlative, a clause
  with a verb in it never is one.
* :func:`compose_office` names an office from the kind of office and the country
  it belongs to: "the interior ministry" in a story about Peru is the "Peruvian
  government", "Health Minister X" in Chile the "Chilean Health Ministry", "the
  junta" in Mali the "Mali junta", "Sindh's information minister" the "Sindh
  government". The country is the one the phrase names, else the article's.
"""
from __future__ import annotations

import re

# country or people -> the adjective news puts before an office ("Lebanese Health Ministry")
DEMONYMS = {
    "palestinian": "Palestinian", "israeli": "Israeli", "israel": "Israeli", "sudanese": "Sudan",
    "sudan": "Sudan", "syrian": "Syrian", "syria": "Syrian", "turkish": "Turkish", "turkey": "Turkish",
    "türkiye": "Turkish", "lebanese": "Lebanese", "lebanon": "Lebanese", "ukrainian": "Ukrainian",
    "ukraine": "Ukrainian", "russian": "Russian", "russia": "Russian", "libyan": "Libyan", "libya": "Libyan",
    "moroccan": "Moroccan", "morocco": "Moroccan", "afghan": "Afghan", "afghanistan": "Afghan",
    "pakistani": "Pakistani", "pakistan": "Pakistani", "iranian": "Iranian", "iran": "Iranian",
    "iraqi": "Iraqi", "iraq": "Iraqi", "yemeni": "Yemeni", "yemen": "Yemeni", "egyptian": "Egyptian",
    "egypt": "Egyptian", "ethiopian": "Ethiopian", "ethiopia": "Ethiopian", "somali": "Somali",
    "somalia": "Somali", "haitian": "Haitian", "haiti": "Haitian", "american": "US", "u.s.": "US", "us": "US",
    "united states": "US", "british": "British", "britain": "British", "united kingdom": "British",
    "chadian": "Chad", "chad": "Chad", "congolese": "Congolese", "indian": "Indian", "india": "Indian",
    "nepalese": "Nepalese", "nepali": "Nepalese", "nepal": "Nepalese", "bangladeshi": "Bangladeshi",
    "bangladesh": "Bangladeshi", "chinese": "Chinese", "china": "Chinese", "japanese": "Japanese",
    "japan": "Japanese", "indonesian": "Indonesian", "indonesia": "Indonesian", "philippine": "Philippine",
    "filipino": "Philippine", "philippines": "Philippine", "spanish": "Spanish", "spain": "Spanish",
    "italian": "Italian", "italy": "Italian", "greek": "Greek", "greece": "Greek", "french": "French",
    "france": "French", "german": "German", "germany": "German", "mexican": "Mexican", "mexico": "Mexican",
    "brazilian": "Brazilian", "brazil": "Brazilian", "chilean": "Chilean", "chile": "Chilean",
    "peruvian": "Peruvian", "peru": "Peruvian", "colombian": "Colombian", "colombia": "Colombian",
    "nigerian": "Nigerian", "nigeria": "Nigerian", "kenyan": "Kenyan", "kenya": "Kenyan",
    "malawian": "Malawian", "malawi": "Malawian", "mozambican": "Mozambican", "mozambique": "Mozambican",
    "malian": "Mali", "mali": "Mali", "burmese": "Myanmar", "myanmar": "Myanmar", "thai": "Thai",
    "thailand": "Thai", "vietnamese": "Vietnamese", "vietnam": "Vietnamese", "south korean": "South Korean",
    "saudi": "Saudi", "jordanian": "Jordanian", "jordan": "Jordanian", "tunisian": "Tunisian",
    "tunisia": "Tunisian", "algerian": "Algerian", "algeria": "Algerian", "ecuadorian": "Ecuadorian",
    "ecuador": "Ecuadorian", "venezuelan": "Venezuelan", "venezuela": "Venezuelan", "cuban": "Cuban",
    "cuba": "Cuban", "canadian": "Canadian", "canada": "Canadian", "australian": "Australian",
    "australia": "Australian", "sri lankan": "Sri Lankan", "sri lanka": "Sri Lankan",
}
_DEMONYM_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(k) for k in DEMONYMS), key=len, reverse=True))
                         + r")(?=\W|$)")

# a state's military rulers, by any of their names (on lower-cased text)
JUNTA_RE = re.compile(r"\bjunta\b|\bmilitary(?:[- ]led|[- ]run)?\s+(?:government|regime|rulers|authorities)\b"
                      r"|\bruling\s+(?:military|generals)\b")
# kinds of office, most specific first; each composes "<country> <name>"
_OFFICES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("junta", JUNTA_RE),
    ("Health Ministry", re.compile(r"\b(?:health|medical)\s+(?:ministry|minister|authorit\w*|officials|services|"
                                   r"department)\b|\bministry\s+of\s+(?:public\s+)?health\b|\bhealth\s+minister\b")),
    ("military", re.compile(r"\b(?:army|military|armed\s+forces|defen[cs]e\s+forces|defen[cs]e\s+ministry|"
                            r"ministry\s+of\s+defen[cs]e|general\s+staff)\b")),
    ("civil protection", re.compile(r"\bcivil\s+protection\b")),
    # a state's or a province's own government: its governor, chief minister, regional president
    ("regional government", re.compile(
        r"\b(?:governor|gov\.?|chief\s+minister|chief\s+secretary|lieutenant\s+governor)(?!\w)"
        r"|\b(?:regional|provincial|state)\s+(?:government|authorit\w*|president|presidency|administration|"
        r"executive|minister|premier|officials)\b")),
    ("government", re.compile(r"\b(?:president|presidency|prime\s+minister|premier|vice\s+president|minister|"
                              r"ministry|government|govt|cabinet|authorities|state\s+(?:media|news|television|tv)|"
                              r"administration|governor|chief\s+secretary|officials|advis[eo]r|secretary\s+of\s+state|white\s+house|"
                              r"pm)\b")),
)
# offices that need a place word in the phrase itself: "officials" alone are local officials
_NEEDS_PLACE = frozenset({"government"})
_BARE_GOVERNMENT_RE = re.compile(r"^(?:the\s+)?(?:(?:country|nation)(?:'s)?\s+)?(?:(?:interior|foreign|home|information|disaster|emergenc\w+|"
                                 r"finance|defen[cs]e)\s+)?(?:ministry|minister|government|cabinet|presidency|"
                                 r"prime\s+minister|pm|president)\b")


_REGIONAL_WORD_RE = re.compile(r"\b(?:regional|provincial|state)\b")
_LOCAL_BODY_RE = re.compile(r"(?:the\s+)?(?:[\w'-]+\s+){1,4}(?:officials|authorities)")


def demonym(name: str | None) -> str | None:
    """The adjective of a country ("Lebanon" -> "Lebanese"), the name itself when unknown."""
    if not name:
        return None
    return DEMONYMS.get(name.lower(), name)


MEDIA_RE = re.compile(r"\b(?:television|tv|radio|news\s+agency|newspaper|broadcaster|channel|media|reuters|afp|"
                      r"associated\s+press|ap|xinhua|anadolu|bbc|cnn|al\s+jazeera)\b", re.IGNORECASE)


def place_in(low: str, place_names: frozenset[str]) -> str | None:
    """The country or place a lower-cased phrase names for itself ("sindh", "lebanese")."""
    m = _DEMONYM_RE.search(low)
    if m:
        return DEMONYMS[m.group(0)]
    words = _WORD_RE.findall(low)
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            cand = " ".join(words[i:i + n])
            if cand in place_names and cand not in _NOT_PLACES:
                return " ".join(w.capitalize() for w in words[i:i + n])
    return None


def compose_office(low: str, place_names: frozenset[str], region: str | None,
                   province: str | None = None) -> str | None:
    """"<country> <office>" for an office phrase ``low`` (lower-cased), or None; a state's
    or province's office ("the governor", "the regional president") is "<province>
    government", of the place the phrase names, else of the story's ``province``."""
    place = place_in(low, place_names)
    for name, rx in _OFFICES:
        if not rx.search(low):
            continue
        if name == "regional government":
            where = place if place and place not in DEMONYMS.values() else province
            if where is None and place is None and region and not _REGIONAL_WORD_RE.search(low):
                continue  # "the governor" of a story with no province: the country's office below
            return f"{where} government" if where else None
        if place is None:
            if name in _NEEDS_PLACE and not _BARE_GOVERNMENT_RE.match(low):
                return None
            place = demonym(_country(region))
        elif name == "government" and _LOCAL_BODY_RE.fullmatch(low) and place not in DEMONYMS.values():
            return None  # "Maui County officials" are a county's officials, not a government
        return f"{place} {name}" if place else None
    return None


def _country(region: str | None) -> str | None:
    if not region or " and " in region or "+" in region:
        return None  # a story about two countries has no "the" ministry
    return region


_WORD_RE = re.compile(r"[a-z][a-z'-]*")
_NOT_PLACES = frozenset({"health", "police", "government", "state", "national", "union", "media", "of", "the"})

# nouns that make a phrase an authority: an office, a body, a role, a document
AUTHORITY_NOUN_RE = re.compile(
    r"\b(?:ministry|ministries|minister|officials?|authorit(?:y|ies)|spokes(?:man|woman|person|people)|agency|"
    r"agencies|office|police|army|military|forces|government|govt|media|sources?|rescuers|medics|doctors|"
    r"monitors?|observatory|organi[sz]ation|department|council|committee|commission|centre|center|services?|"
    r"governor|mayor|president|presidency|premier|chief|head|director|secretary|junta|administration|"
    r"broadcaster|newspaper|daily|television|tv|radio|channel|network|survey|study|institute|institution|"
    r"hospitals?|red\s+cross|red\s+crescent|coroner|examiner|sheriff|prosecutors?|court|tribunal|emirate|"
    r"regime|cabinet|parliament|lawmakers?|legislators?|group|charity|union|federation|society|bank|fund|"
    r"programme|program|mission|coalition|alliance|ngo|team|unit|board|bureau|inspectorate|directorate|"
    r"representative|envoy|coordinator|commissioner|official|engineer|experts?|analysts?|researchers|"
    r"scientists|volunteers|workers|staff|leaders?|residents?|witnesses|journalists?|reporters?|correspondent|"
    r"groups|intelligence|embassy|consulate|ambassador|politician|senator|mp|lawmaker|councill?or|activists?|"
    r"priest|pastor|bishop|elders?|chairman|chairperson|chairwoman|manager|surgeons?|nurses?|physicians?|"
    r"tally|report|update|bulletin|statement|data|figures|count|records|census|press|news|wire|"
    r"civil\s+(?:protection|defen[cs]e))\b")
# a finite verb makes a phrase a clause, not a name
_VERB_RE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|been|being|increased|rose|risen|reached|climbed|killed|died|"
    r"occurred|lost|stood|stands|remains|remained|said|says|told|announced)\b")
# a count's own words, superlatives, relative pronouns: a piece of the figure's sentence
_COUNT_WORD_RE = re.compile(
    r"\b(?:highest|lowest|largest|biggest|most|least|whom|whose|which|where|whereas|killed|injured|wounded|"
    r"dead|deaths?|toll|casualties|victims|lives|bodies|people|persons|number|numbers|total|displaced|missing|"
    r"homeless|evacuated|evacuees|refugees|survivors|one|two|three|four|five|six|seven|eight|nine|ten|dozens?|"
    r"hundreds?|thousands?|millions?|billions?)\b")
# events and disasters: what is counted, never who counts
_EVENT_HEAD_RE = re.compile(
    r"\b(?:earthquakes?|quakes?|tremors?|aftershocks?|landslides?|floods?|flooding|storms?|hurricanes?|cyclones?|"
    r"typhoons?|tornado(?:es)?|fires?|wildfires?|blasts?|explosions?|attacks?|strikes?|airstrikes?|war|conflict|"
    r"fighting|crash|collision|derailment|disaster|tragedy|catastrophe|rains?|eruption|tsunami|outbreak|"
    r"epidemic|famine|drought|shelling|bombing|bombardment|offensive|violence)$")
_PLACE_NOUN_RE = re.compile(
    r"\b(?:province|provinces|region|regions|governorate|district|districts|county|counties|state|states|city|"
    r"cities|town|towns|village|villages|area|areas|country|nation|capital|territory|territories|zone|"
    r"north|south|east|west|northern|southern|eastern|western|central|northeast|northwest|southeast|"
    r"southwest|and|the|of|in|a|an|&)\b")
_PLACE_HEAD_RE = re.compile(r"\b(?:province|provinces|region|regions|governorate|district|districts|county|"
                            r"counties|state|states|city|cities|town|towns|village|villages|area|areas|"
                            r"territory|territories|zone)$")
_DANGLING_RE = re.compile(r"\b(?:a|an|the|of|to|by|from|for|with|and|or|its|their|his|her)$")
_CAP_WORD_RE = re.compile(r"[A-Z][\w.&'’-]*")
_FUNCTION_WORDS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that", "citing",
                             "addressing", "quoting", "speaking", "asked", "according"})
_MONTHS_DAYS = frozenset("""january february march april june july august september october november december
monday tuesday wednesday thursday friday saturday sunday""".split())


def is_authority(raw: str, place_names: frozenset[str]) -> bool:
    """Can ``raw`` name who gave a figure? False for a fragment of the sentence.

    >>> is_authority("the provincial disaster management authority", frozenset())
    True
    >>> is_authority("the highest number of", frozenset())
    False
    """
    s = raw.strip(" ,.;:'\"‘’“”")
    if not s:
        return False
    low = s.lower().replace("’", "'")
    if _DANGLING_RE.search(low) or low.startswith(("of ", "whom", "whose", "which", "according to")):
        return False
    if _VERB_RE.search(low) or _EVENT_HEAD_RE.search(low):
        return False
    if AUTHORITY_NOUN_RE.search(low):
        return True
    if (" and " in low or "," in low) and any(
            part.strip() in place_names or part.strip() in DEMONYMS
            for part in re.split(r",|\band\b|\bthe\b", low)):
        return False  # "Sindh and Punjab reported 308 and 223": places of a breakdown, not bodies
    if _COUNT_WORD_RE.search(low) or _PLACE_HEAD_RE.search(low):
        return False
    # a name: "Reuters", "Parida", "Israel" (a state speaking is its government)
    return any(w.lower() not in _MONTHS_DAYS and w.lower() not in _FUNCTION_WORDS for w in _CAP_WORD_RE.findall(s))
