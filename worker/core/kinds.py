"""Vocabulary: the words that say what a number counts.

Kept apart from the extractor's control flow so that the lists can grow
(new crises bring new words) without touching the logic. Everything here is
compiled once at import.
"""
from __future__ import annotations

import re

from worker.core.numbers import top_alternatives

# kind -> words around a number that say what happened to the counted people.
# Order matters only for overlapping alternatives inside one kind.
KIND_WORDS: dict[str, str] = {
    "killed": r"""
        killed|kills?|killing|dead|deaths?|died|dies|die|death[- ]tolls?|tolls?|fatalities|fatality|fatal
        |martyrs?|martyred|martyrdom|lives\s+lost|lost\s+(?:their|his|her)\s+lives?|lives\s+were\s+lost
        |bodies|corpses|remains|slain|perished|deceased|victims|massacred|executed
        |burials|drowned|murdered|lives\s+claimed|claimed\s+the\s+lives|lives|eliminated|neutrali[sz]ed
    """,
    "injured": r"""
        injured|injuries|injury|injuring|injures?|wounded|wounding|wounds|hurt|maimed|hospitali[sz]ed
        |admitted\s+to\s+(?:the\s+|various\s+|local\s+)?hospitals?
    """,
    "displaced": r"""
        displaced|displacement|displacing|displaces?|fled|flee|fleeing|flees|forced\s+(?:from|out\s+of)\s+(?:their\s+)?homes
        |forced\s+to\s+flee|homeless|refugees?|idps?|evacuated|evacuees?|evacuation|exodus|uprooted
        |driven\s+(?:from|out\s+of)|crossed\s+into|crossed\s+the\s+border|sheltering|taken\s+refuge|took\s+refuge
        |shelters|returnees|internally\s+displaced|asylum[- ]seekers|from\s+their\s+homes|out\s+of\s+their\s+homes
    """,
    "missing": r"""
        missing|unaccounted(?:\s+for)?|under\s+(?:the\s+)?(?:rubble|debris|soil|mud|earth)|trapped|disappeared
        |buried(?:\s+alive)?|beneath\s+(?:the\s+)?(?:rubble|debris|soil|mud)
    """,
    "hostages": r"""
        hostages?|abducted|abducting|abductions?|kidnapped|kidnapping|captives?|captivity|held\s+captive
        |taken\s+captive|seized
    """,
    "detained": r"""
        detained|detainees?|detaining|detentions?|arrested|arrests?|prisoners?|jailed|imprisoned|in\s+custody
    """,
    "food_insecure": r"""
        famine|starvation|starving|hunger|food[- ]insecurity|food[- ]insecure|ipc\s+phase|malnourished
        |malnutrition|acute\s+food|food\s+crisis|famine[- ]like
    """,
    "population": r"""
        population|populations|inhabitants|home\s+to|city\s+of|town\s+of|territory\s+of|residents\s+of
        |people\s+live|live\s+in|living\s+in
    """,
}

_LAYOUT = re.compile(r"\s+")
# the layout whitespace of KIND_WORDS is dropped; multi-word entries spell \s+ themselves


_KIND_ALTS: dict[str, list[str]] = {k: top_alternatives(_LAYOUT.sub("", v)) for k, v in KIND_WORDS.items()}


def _by_first_letter(alts: dict[str, list[str]]) -> str:
    """The words of every kind, grouped by their first letter (kind order, then word order
    kept inside a group): a word start tries the words of its letter only, not all of them.
    The same matches as the plain alternation of all words in order: at one position only
    the words of its letter can match, and they are tried in the same order."""
    groups: dict[str, list[str]] = {}
    for words in alts.values():
        for w in words:
            if not (w[:1].isalpha() and w[1:2] not in ("?", "*", "+", "{")):
                raise ValueError(f"a kind word must start with a plain letter: {w!r}")
            groups.setdefault(w[0], []).append(w[1:])
    return "|".join(f"{c}(?:{'|'.join(rests)})" for c, rests in groups.items())


# KIND_RE is case-sensitive: run it on numbers.ascii_lower(text) (faster than IGNORECASE);
# its match's kind is kind_of(m.group(0))
KIND_RE = re.compile(r"\b(?:" + _by_first_letter(_KIND_ALTS) + r")\b")
_KIND_FULL = [(k, re.compile("(?:" + "|".join(v) + ")")) for k, v in _KIND_ALTS.items()]
_KIND_OF: dict[str, str] = {}


def kind_of(word: str) -> str:
    """The kind a KIND_RE match names: the first kind one of whose words is ``word``.

    KIND_RE tries the kinds in order at a position, so the kind that matched is the
    first that can match the whole of what it matched (an earlier kind matching it
    would have matched there first).

    >>> kind_of("died"), kind_of("fled")
    ('killed', 'displaced')
    """
    hit = _KIND_OF.get(word)
    if hit is None:
        hit = next((k for k, rx in _KIND_FULL if rx.fullmatch(word)), "")
        if len(_KIND_OF) < 4096:
            _KIND_OF[word] = hit
    return hit


# weak cues: only used when no stronger word is in reach
WEAK_WORDS = frozenset({"population", "populations", "victims", "casualties", "casualty",
                        "toll", "tolls", "remains", "fatal", "shelters", "live in",
                        "living in", "inhabitants", "buried", "burials", "seized",
                        "sheltering", "evacuation", "trapped", "displacement",
                        "arrests", "arrest", "detention", "detentions"})

# people nouns: the head of "N <adj>* <noun>" when the number counts people
PEOPLE_NOUNS = frozenset("""
people persons person individuals individual civilians civilian residents resident citizens citizen
palestinians palestinian israelis israeli syrians turks sudanese ukrainians russians
lebanese iranians iraqis afghans yemenis libyans somalis ethiopians haitians
children child kids minors minor babies baby infants infant newborns boys girls teenagers youths students pupils
women woman men man mothers elderly adults
soldiers soldier troops servicemen servicemembers reservists officers officer policemen police policemen
fighters militants terrorists combatants gunmen insurgents rebels militiamen
journalists journalist reporters photographers media workers
doctors nurses medics paramedics staff personnel workers worker volunteers employees members colleagues
patients migrants refugees idps evacuees survivors victims others hostages captives detainees
prisoners passengers pilgrims worshippers villagers farmers families family households
nationals foreigners tourists crew rescuers firefighters
palestinians israelis americans britons thais nepalese filipinos
""".split())

# nouns that, right after a number, mean it counts something other than people
NON_PEOPLE_NOUNS = frozenset("""
trucks truck lorries vehicles cars buses ambulances tanks rockets missiles drones shells bombs
hospitals hospital schools school buildings building homes houses house apartments structures
mosques churches shelters centres centers clinics facilities services beds tents
km kilometres kilometers miles metres meters feet acres hectares tonnes tons kg kilograms litres liters
gallons barrels calories
dollars euros pounds shekels usd eur gbp yuan rupees dinars lira liras
years year months month weeks week days day hours hour minutes minute seconds decades centuries times
percent per cent pc points degrees magnitude
clashes incidents attacks airstrikes strikes raids battles operations sorties
cases doses tests samples vaccines
articles pages votes seats
aftershocks quakes earthquakes
autopsies autopsy identifications livestock cattle animals assessments teams containers coaches trains wagons carriages
tonnes sheep cattle animals livestock
stages phases rounds
countries nations states provinces cities towns villages regions districts governorates camps sites
neighbourhoods neighborhoods areas locations crossings borders
""".split())

# subject head noun -> subject class (SPEC §3 metric identity)
SUBJECT_CLASS = {
    **dict.fromkeys("children child kids minors minor babies baby infants infant newborns boys girls "
                    "teenagers youths students pupils".split(), "children"),
    **dict.fromkeys("women woman mothers".split(), "women"),
    **dict.fromkeys("men man males".split(), "men"),
    **dict.fromkeys("soldiers soldier troops servicemen servicemembers reservists".split(), "soldiers"),
    **dict.fromkeys("civilians civilian".split(), "civilians"),
    **dict.fromkeys("journalists journalist reporters photographers".split(), "journalists"),
    **dict.fromkeys("doctors nurses medics paramedics".split(), "health workers"),
    **dict.fromkeys("policemen police officers officer".split(), "police"),
    **dict.fromkeys("fighters militants terrorists combatants gunmen insurgents rebels militiamen".split(),
                    "combatants"),
    **dict.fromkeys("volunteers rescuers firefighters".split(), "rescuers"),
    **dict.fromkeys("migrants".split(), "migrants"),
    **dict.fromkeys("prisoners detainees".split(), "detainees"),
    **dict.fromkeys("hostages captives".split(), "hostages"),
}

# multi-word subject heads that decide the class before the last noun does
# what the subject pass writes after "dead" taken in by hospitals ("200 dead brought to hospitals")
AT_HOSPITALS = "brought to hospitals"
SUBJECT_PHRASE_CLASS = (
    (re.compile(r"\b(?:health|medical|healthcare|health-care)\s+(?:workers|personnel|staff)\b", re.I),
     "health workers"),
    (re.compile(r"\b(?:aid|humanitarian|un|unrwa|relief)\s+(?:workers|staff|personnel|employees)\b", re.I),
     "aid workers"),
    (re.compile(r"\bstaff(?:\s+members)?\b", re.I), "aid workers"),
    (re.compile(r"\bmedia\s+workers\b", re.I), "journalists"),
    (re.compile(r"\bcivil\s+defen[cs]e\b", re.I), "rescuers"),
    (re.compile(rf"\b{re.escape(AT_HOSPITALS)}\b", re.I), "bodies at hospitals"),
)
