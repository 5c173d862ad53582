"""Numbers that could be head counts: masks for dates, times, amounts, ages, names with digits;
hypothetical and negated figures (the "numbers" pass)."""
from __future__ import annotations

import re
from dataclasses import replace

from worker.core.kinds import (
    KIND_RE,
    NON_PEOPLE_NOUNS,
    PEOPLE_NOUNS,
)
from worker.core.casefold import folded_re
from worker.core.numbers import Number, top_alternatives

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# spans whose digits are never head counts
MASK_RE = re.compile(
    r"\b\d{1,2}\s*[ap]\.?m\b\.?|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|gmt|utc|hrs)\b"
    r"|\b\d{1,2}:\d{2}\b|https?://\S+|www\.\S+|\S+@\S+\.\w+|#\d+|\+\d[\d\s().-]{7,}\d"
    r"|\b\d+(?:\.\d+)?\s*(?:%|per\s?cent|percent|pc\b|percentage)"
    r"|[$€£¥]\s?\d[\d,.]*(?:\s*(?:million|billion|thousand|m|bn|k)\b)?"
    r"|\b(?:us\$|usd|eur|gbp)\s?\d[\d,.]*(?:\s*(?:million|billion|thousand|m|bn|k)\b)?"
    rf"|\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b\.?(?:,?\s+\d{{4}})?"
    rf"|\b{_MONTH}\.?,?\s+\d{{4}}\b"
    r"|\b\d+(?:st|nd|rd|th)\b"
    r"|\b(?:aged|ages?|age\s+of|phase|phases|no\.|number|resolution|article|level|category|magnitude|route|"
    r"highway|flight|page|chapter|section|room|unit|platoon|brigade|division|battalion|ipc|covid|"
    r"sura|verse|paragraph|decree|law|bill|item|gate|building|block|apartment|class|grade|week|day)\s+\d[\d.,]*"
    r"|\b\d[\d.,]*[- ](?:year|month|week|day|hour|minute)s?[- ]old\b|\b\d+\s+years?\s+(?:old|of\s+age)\b"
    r"|\b\d[\d.,]*-(?:magnitude|storey|story|km|mile|year|day|hour|month|week|point|metre|meter|foot|member|strong)\b"
    r"|\b[a-z]+-\d+\b|\b\d+[a-z]{1,2}\d*\b(?<!\dm)(?<!\dk)(?<!\dmn)(?<!\dbn)",
)
# MASK_RE without its e-mail alternative, for windows without "@" (where it cannot match):
# the same matches. The alternatives that start at a word boundary share one boundary test,
# and, the e-mail gone, no two alternatives of the two groups can match at one place, so
# their order between the groups does not matter: a position costs a few tests, not twenty.
_MASK_ALTS = top_alternatives(MASK_RE.pattern)
_MASK_NO_AT_RE = re.compile(r"\b(?:" + "|".join(a[2:] for a in _MASK_ALTS if a.startswith(r"\b")) + ")|"
                            + "|".join(a for a in _MASK_ALTS if not a.startswith(r"\b") and "@" not in a))
# MASK_RE is case-sensitive and runs on ascii_lower(text), only around numbers
# whose neighbourhood has one of these cues. Every MASK_RE match contains one,
# so a window without a cue holds no mask (a necessary condition, not a
# heuristic). The cues are as tight as MASK_RE allows ("-" only next to a
# digit, "day" only before one, "old" as a word): looser ones ("-" in
# "Hamas-run", "day" in "Monday", "old" in "told", any "31,800") sent most
# numbers to the slow scan. Three searches, cheapest first: symbols, cues
# led by a digit, cues led by a word.
_MASK_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_CUE_SYMBOL_RE = re.compile(r"[%$€£¥@]|[-#+]\d|[\d.,]-|\d[/:]|://|www")
_CUE_DIGIT_RE = re.compile(rf"\d(?:[a-z]|\s+[ap]\.?m\b|\.\d\d\s*(?:[ap]|gmt|utc|hrs)|\s+(?:of\s+)?{_MASK_MONTH})")
_CUE_WORD_RE = re.compile(
    rf"\b(?:per\s?cent|percent|pc\b|(?:usd|eur|gbp)\s?\d|{_MASK_MONTH}[a-z]*\.?,?\s+\d|old\b|years?\s+of\s+age"
    r"|(?:aged|ages?|age\s+of|phases?|no\.|number|resolution|article|level|category|magnitude|route|highway"
    r"|flight|page|chapter|section|room|unit|platoon|brigade|division|battalion|ipc|covid|sura|verse|paragraph"
    r"|decree|law|bill|item|gate|building|block|apartment|class|grade|week|day)\s+\d)")

HYPOTHETICAL_RE = folded_re(
    r"\b(?:could|may|might|would|will|shall)\s+(?:\w+ly\s+)?(?:rise|reach|surpass|exceed|climb|increase|"
    r"double|triple|top|kill|die|flee|be\s+displaced|face|hit|soar|grow|jump|go\s+up|affect)\b"
    r"|\b(?:expects?|expected|projects?|projected|forecasts?|forecast|predicts?|predicted|"
    r"(?:fears?|feared)(?!\s+(?:dead|killed|drowned|buried|lost|trapped|missing)\b)|"
    r"risk|risks|threatens?|threatened|warns?\s+that|plans?\s+to|aims?\s+to|target|goal|if)\b")
HEDGED_PAST_RE = folded_re(r"\b(?:may|might|could)\s+have\s+(?:died|been\s+killed|perished|drowned|been\s+injured)\b")
NEGATION_RE = folded_re(r"\b(?:no|not|never|none|nobody|without)\s+$")
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")

# "hundreds", "thousands of": the labelled corpora do not count vague plurals as
# figures (nothing to compare them with); numbers.py still parses them
EMIT_VAGUE = False
_NAME_COMMA_RE = re.compile(r"[A-Z][a-z]+,\s*$")
_CHANGE_BY_RE = re.compile(
    r"\b(?:rose|risen|rises|rising|surged|surges|increased|increases|jumped|climbed|grew|grown|up|down|fell|"
    r"dropped|decreased|declined|exceeds|exceeded|higher|lower|more|less)\s+by\s+"
    r"(?:(?:more\s+than|at\s+least|about|around|nearly|almost|some|over|another)\s+)?$"
    # "reduced the toll in the county by as many as 30": the size of a correction
    r"|\b(?:reduced|reduces|reducing|lowered|lowering|cut|cuts|raised|raising|inflated|overcounted|undercounted|"
    r"overstated|understated|revised\s+(?:up|down)(?:ward)?|increased|decreased)\b[^.;\d]{0,50}\bby\s+"
    r"(?:(?:more\s+than|at\s+least|about|around|nearly|almost|some|over|as\s+many\s+as|up\s+to)\s+)?$",
    re.IGNORECASE)
# "pulled out 44 passengers alive", "44 live victims": people rescued, not a toll ("buried alive" is)
_ALIVE_AFTER_RE = re.compile(r"\s*(?:(?:[A-Za-z'’-]+\s+){0,2}alive\b|live\s+(?:victims|people|persons|survivors)\b)",
                             re.IGNORECASE)
_RESCUE_RE = re.compile(r"\b(?:rescued|rescuing|rescue|pulled|pulling|saved|evacuated|found|recovered|brought|"
                        r"dug|extricated|freed)\b[^.;\d]{0,30}$|^\s*live\b", re.IGNORECASE)
# "of them, 793 were discharged while 382 are undergoing treatment": the state of people
# already counted as injured, not a count of the injured
_STATUS_AFTER_RE = re.compile(
    r"\s*(?:(?:people|persons|patients|passengers|others|of\s+them|more)\s+)?(?:were|are|have\s+been|had\s+been|"
    r"remain|remained|still)\s+(?:(?:still|now|being|currently)\s+)?(?:discharged|undergoing\s+treatment|"
    r"under\s+treatment|receiving\s+treatment|being\s+treated|in\s+(?:a\s+)?(?:critical|stable|serious)\s+condition)\b",
    re.IGNORECASE)
_FOUND_AFTER_RE = re.compile(
    r"\s*(?:[A-Za-z'’-]+\s+){0,4}?(?:missing|unaccounted\s+for)\s+(?:have\s+(?:now\s+)?been|had\s+been|were|are\s+now|was)"
    r"\s+(?:(?:since|now|all|safely)\s+)?(?:found|located|traced|reunited|accounted\s+for)\b", re.IGNORECASE)
# "78 bodies were handed over", "170 bodies have been shifted to hospitals", "cremated the
# remains of two victims": what became of bodies already counted, not a count of the dead
_BODY_STATUS_AFTER_RE = re.compile(
    r"\s*(?:[A-Za-z'’-]+\s+){0,2}?(?:(?:have|has|had)\s+(?:(?:been|now)\s+)*|were\s+|was\s+|are\s+(?:being\s+)?|"
    r"remain\s+|been\s+)(?:handed\s+(?:\w+\s+)?(?:over|to)|shifted|transferred|moved|sent|cremated|"
    r"released\s+to|returned\s+to)\b", re.IGNORECASE)
_BODY_STATUS_BEFORE_RE = re.compile(
    r"\b(?:hand(?:ed|ing)?\s+over|shift(?:ed|ing)?|transferr(?:ed|ing)|cremat(?:ed|ing)|preserv(?:ed|ing))\s+"
    r"(?:(?:the|another|a\s+further|further|mortal|remains|bodies|of)\s+)*$", re.IGNORECASE)
# "IPC sections 37 and 38 (causing hurt), 304A and 34": numbers of a law, not counts
_LAW_LIST_RE = re.compile(r"\b(?:sections?|articles?|clauses?|ipc)\b(?:[^.;]{0,160}?)(?:\d\s*[A-Z]?\s*(?:\([^)]*\))?\s*"
                          r"(?:,|and|&)\s*(?:sections?\s+)?)$|\bsections\s+(?:like\s+|under\s+)?$", re.IGNORECASE)
# "the number of perished livestock reached 313,509": animals, not people
_ANIMALS_BEFORE_RE = re.compile(r"\b(?:livestock|cattle|animals|sheep|goats|poultry|camels|buffaloes|cows|"
                                r"donkeys|horses)\b[^.;\d]{0,30}$", re.IGNORECASE)


def masked(lowered: str, n: Number) -> bool:
    """Is ``n`` part of a date, time, amount, percentage, url, age, ...?

    Searched in a small window around the number only: cheaper than a scan
    of the whole text with the large alternation.
    """
    a, b = max(0, n.start - 24), min(len(lowered), n.end + 24)
    if not (_CUE_SYMBOL_RE.search(lowered, a, b) or _CUE_DIGIT_RE.search(lowered, a, b)
            or _CUE_WORD_RE.search(lowered, a, b)):
        return False
    for m in (MASK_RE if lowered.find("@", a, b) >= 0 else _MASK_NO_AT_RE).finditer(lowered, a, b):
        if m.start() < n.end and n.start < m.end():
            return True
    return False


def words_after(text: str, pos: int, limit: int, n: int = 5) -> list[re.Match[str]]:
    out = []
    for m in WORD_RE.finditer(text, pos, min(limit, pos + 80)):
        out.append(m)
        if len(out) >= n:
            break
    return out


_CLAUSE_PUNCT_RE = re.compile(r"[,;:()]")
_NO_BEFORE_RE = re.compile(r"\b(?:no|not)\s+$")


_NAME_PAREN_RE = re.compile(r"[A-Z][a-z]+\s*\($")


def is_candidate(text: str, n: Number, s: int, e: int, folded: str | None = None) -> bool:
    """Could ``n`` be a head count at all (not a year, age, amount, ...)?

    ``folded`` is ``case_folded(ascii_lower(text))``: the patterns below are tried only
    where the words they cannot match without occur in it (the same answers, cheaper).
    """
    gate = folded if folded is not None else _ALL_PASS
    surface = text[n.start:n.end]
    if n.decimal and n.value < 1000:
        return False  # "7.8", "2.5": no scale word, not a head count
    before = text[max(s, n.start - 2):n.start]
    after = text[n.end:min(e, n.end + 3)]
    if before.endswith("(") and after.startswith(")") and n.value < 120 and _NAME_PAREN_RE.search(
            text, max(s, n.start - 40), n.start):
        return False  # "Dinesh Yadav (31)": an age
    if before[-1:].isalpha() and not n.is_word:
        return False  # "Town12", "COVID19": digits inside a name
    if before[-1:] == "." and before[:1].isalpha() and not n.is_word:
        return False  # "hardship.1": a footnote mark
    if before.endswith(("-", "/", "#", "№")) and not before.endswith(" -") and n.high is None:
        if len(before) == 2 and before[0].isalnum():
            return False
    if after[:1] in ("/", "°") or after.startswith(("-year", "-strong")):
        return False
    words = words_after(text, n.end, e, 4)
    nxt = words[0].group(0).lower() if words and words[0].start() - n.end <= 2 else ""
    plain4 = surface.isdigit() and len(surface) == 4
    if plain4 and 1800 <= n.value <= 2100 and (
            text[n.end:n.end + 1] != " " or (nxt not in PEOPLE_NOUNS and not KIND_RE.match(nxt or "x"))):
        return False
    # head noun within three words: a non-people noun means it counts things
    for w in words[:3]:
        if w.start() - n.end > 40 or _CLAUSE_PUNCT_RE.search(text, n.end, w.start()):
            break  # "rose to over 1,000, as rescue teams ...": another clause's noun
        lw = w.group(0).lower()
        if lw in NON_PEOPLE_NOUNS:
            return False
        if lw in PEOPLE_NOUNS or lw in ("and", "or", "were", "are", "was", "have", "had", "in", "of", "a", "an", "the"):
            break
    if not n.is_word and n.value < 120 and after.startswith(",") and _NAME_COMMA_RE.search(text, max(s, n.start - 30), n.start):
        return False  # "Ziv Dado, 36, a sergeant": an age
    if n.vague and not EMIT_VAGUE:
        return False
    if gate.find("by", max(s, n.start - 90), n.start) >= 0 and _CHANGE_BY_RE.search(text, max(s, n.start - 90), n.start):
        return False  # "rose by 300": a change, not a count
    if nxt in ("fewer", "less"):
        return False  # "nine fewer missing": a difference
    if not n.is_word and surface[:1] == "0" and len(surface) > 1 and surface.isdigit():
        return False  # "0630": a time or a code
    if gate.find("live", n.end, min(e, n.end + 40)) >= 0 and _ALIVE_AFTER_RE.match(text, n.end, min(e, n.end + 40)) and (
            _RESCUE_RE.search(text, max(s, n.start - 40), n.start) or nxt == "live"):
        return False
    if (gate.find("missing", n.end, min(e, n.end + 90)) >= 0 or gate.find("unaccounted", n.end, min(e, n.end + 90)) >= 0) \
            and _FOUND_AFTER_RE.match(text, n.end, min(e, n.end + 90)):
        return False  # "600 people who were missing were found": found, no longer missing
    if _any_word(_BODY_STATUS_WORDS, gate, max(s, n.start - 40), min(e, n.end + 60)) and (
            _BODY_STATUS_AFTER_RE.match(text, n.end, min(e, n.end + 60))
            or _BODY_STATUS_BEFORE_RE.search(text, max(s, n.start - 40), n.start)):
        return False
    if not n.is_word and _any_word(_LAW_WORDS, gate, max(s, n.start - 200), n.start) \
            and _LAW_LIST_RE.search(text, max(s, n.start - 200), n.start):
        return False
    if after[:1] == "-" and after[1:2].isalpha():
        return False  # "a three-train crash", "a 12-member team": a compound, not a count
    if _any_word(_STATUS_WORDS, gate, n.end, min(e, n.end + 60)) and _STATUS_AFTER_RE.match(text, n.end, min(e, n.end + 60)):
        return False
    if _any_word(_ANIMALS_WORDS, gate, max(s, n.start - 50), n.start) and _ANIMALS_BEFORE_RE.search(
            text, max(s, n.start - 50), n.start):
        return False
    if n.is_word and n.value == 1 and n.high is None:
        # "one" is mostly a pronoun ("one of the", "no one") or an article
        if nxt not in PEOPLE_NOUNS and nxt not in ("was", "died", "killed", "injured", "wounded", "dead", "death",
                                                   "fatality", "injury", "casualty", "martyr") and not (
                nxt in ("in", "each") and _LIST_BEFORE_RE.search(text, max(s, n.start - 120), n.start)):
            return False  # (but "213 in Valencia, three in La Mancha and one in Andalusia" lists one)
    if n.is_word and surface.lower() in ("a dozen", "dozen") and nxt == "of":
        return True
    prev = text[max(s, n.start - 12):n.start].lower()
    if _NO_BEFORE_RE.search(prev):
        return False
    if _any_word(_TARGET_WORDS, gate, max(s, n.start - 45), n.start) and _TARGET_BEFORE_RE.search(
            text, max(s, n.start - 45), n.start):
        return False  # "appeals for $307 million to reach 1.2 million people": a target, not a count
    if n.value <= 5:
        for m in _SCALE_RE.finditer(text, max(s, n.start - 30), min(e, n.end + 16)):
            if m.start() <= n.start and n.end <= m.end():
                return False  # "rates hunger levels from one to five": a scale, not a count
    return True


class _AllPass:
    """A gate text without gates: every word "occurs" (is_candidate called without ``folded``)."""

    def find(self, _word: str, _a: int = 0, _b: int = 0) -> int:
        return 0


_ALL_PASS = _AllPass()
# the words each pattern cannot match without (in the folded text, casefold.py)
_BODY_STATUS_WORDS = ("hand", "shift", "transf", "moved", "sent", "cremat", "release", "return", "preserv")
_LAW_WORDS = ("section", "article", "clause", "ipc")
_STATUS_WORDS = ("dischar", "treat", "condition")
_ANIMALS_WORDS = ("livestock", "cattle", "animals", "sheep", "goats", "poultry", "camels", "buffaloes", "cows", "donkeys",
                  "horses")
_TARGET_WORDS = ("reach", "assist", "help", "support", "serve", "feed", "target")


def _any_word(words: tuple[str, ...], gate: str | _AllPass, a: int, b: int) -> bool:
    """Does one of ``words`` occur in ``gate[a:b]``?"""
    if gate is _ALL_PASS:
        return True
    return any(map(gate[a:b].__contains__, words))  # type: ignore[index]


_LIST_BEFORE_RE = re.compile(r"\d[^.;:]{0,100}(?:,|\band)\s*$")
_TARGET_BEFORE_RE = re.compile(
    r"\b(?:(?:aims?|plans?|seeks?|hopes?|appeals?\s+for\s+[^.;]{0,30}?|needs?\s+[^.;]{0,20}?|funds?)\s+to\s+"
    r"|in\s+order\s+to\s+|to\s+)(?:reach|assist|help|support|serve|feed|target)\s+"
    r"(?:(?:some|about|around|nearly|almost|more\s+than|over|up\s+to|at\s+least)\s+)?$", re.IGNORECASE)
_SCALE_RE = re.compile(r"\b(?:levels?|phases?|scale|grades?)\s+(?:from\s+)?(?:one|1)\s*(?:to|-|\u2013)\s*(?:five|5)\b",
                       re.IGNORECASE)


# "the toll climbed from 558 to 569": two figures, the earlier and the new, not a range
_CHANGE_FROM_RE = re.compile(
    r"\b(?:rose|risen|rising|rises|climbed|climbing|climbs|jumped|increased|increasing|grew|soared|surged|went\s+up|"
    r"fell|dropped|declined|decreased|revised|raised|lowered|updated|corrected|changed|moved|shot\s+up)\b"
    r"[^.;\d]{0,40}\bfrom\s+(?:about\s+|around\s+|some\s+)?$", re.IGNORECASE)
_FIRST_DIGIT_RE = re.compile(r"\d")
_RANGE_JOIN_RE = re.compile(r"\s+to\s+|\s*[-\u2013]\s*")


def split_changes(text: str, numbers: list[Number]) -> list[Number]:
    """Ranges written as a change ("rose from 558 to 569") split into their two figures."""
    out: list[Number] = []
    for n in numbers:
        if n.high is not None and not n.is_word:
            digit = _FIRST_DIGIT_RE.search(text, n.start, n.end)
            first = digit.start() if digit else n.start
            if _CHANGE_FROM_RE.search(text[max(0, n.start - 80):first]):
                j = _RANGE_JOIN_RE.search(text, first, n.end)
                if j is not None:
                    out.append(replace(n, start=first, end=j.start(), high=None))
                    out.append(replace(n, start=j.end(), value=n.high, high=None))
                    continue
        out.append(n)
    return out
