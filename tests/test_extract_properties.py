"""Properties of extract() on arbitrary text: it never raises and its output is well-formed."""
from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from worker.aliases import load_aliases
from worker.core.candidates import MASK_RE, is_candidate, masked as _masked
from worker.core.casefold import FOLDED_PATTERNS, check_foldable, fold
from worker.core.extract import extract
from worker.core.numbers import NUMBER_RE, _scan, ascii_lower, find_numbers
from worker.core.qualifiers import APPROX_RE, AT_LEAST_RE, AT_MOST_RE, OR_LESS_RE, OR_MORE_RE, qualify
from worker.core.types import KINDS, QUALIFIERS, SCOPES, ArticleIn

ALIASES = load_aliases()

# mix news words and numerals into arbitrary unicode so that the extractor's
# paths are exercised, not only its early exits
NEWSY = st.sampled_from([
    "at least", "more than", "about", "between", "and", "to", "-", "killed", "wounded", "displaced",
    "people", "children", "said", "according to", "the ministry", "in Gaza", "Türkiye", "İzmit",
    "1,200", "31 800", "2.2 million", "twenty-one", "half a million", "dozens of", ".", ",", "\n",
    "U.N.", "Dr.", "(AP) —", "on Saturday", "since October 7", "%", "$", "2024-03-19", "10:30",
])
TEXT = st.lists(st.one_of(NEWSY, st.text(max_size=12)), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, title=st.text(max_size=30))
def test_extraction_never_raises_and_every_claim_is_well_formed(text, title):
    art = ArticleIn(id="p", text=text, title=title, published=date(2024, 3, 19))
    for c in extract(art, ALIASES):
        assert 0 <= c.start <= c.end <= len(text)
        assert text[c.start:c.end] == c.quote
        assert isinstance(c.value, int) and c.value >= 0
        assert c.kind in KINDS and c.qualifier in QUALIFIERS and c.scope in SCOPES
        assert c.low is None or c.low >= 0
        assert c.high is None or c.low is None or c.low <= c.high
        assert c.article == "p"


# The fast paths below skip work only where a slower, plainer form provably
# finds nothing; these properties hold them to the plainer form on text full
# of the cues they test for.
CUES = st.sampled_from([
    "5", "12", "31,800", "2.5", "1.7m", "30k", "a thousand", "an hundred", "half a million", "half", "behalf",
    "hundreds of", "tens of thousands of", "dozen", "twenty-one", "one", "someone", "often", "and", "to", "-",
    "2023-10-10", "10/12/2023", "10:30", "10.30 am", "10.30pm", "GMT", "http://x.org/5", "www.x.org/7",
    "a@b.com", "#5", "+44 20 7946 0958", "5%", "per cent", "percent", "5pc", "pc", "$5", "€3.4 billion", "US$",
    "USD 5", "eur5", "Europe", "March 5", "5 March", "5th of March, 2024", "Mar. 2024", "May", "may", "Sept.",
    "aged", "age of", "phase", "No.", "number", "day", "Monday", "week", "told", "old", "5-year-old",
    "years old", "years of age", "5-magnitude", "5.-storey", "F-16", "covid-19", "12th", "at least", "about",
    "nearly", "~", "over", "moreover", "up to", "as many as", "some", "roughly", "approx.", "ca.", "upwards of",
    "estimated", "past", "beyond", "under", "below", "at most", "circa", "reportedly", "approximately",
    "exceeding", "topped", "crossed", "north of", "in the tens of", "a maximum of", "more or less", "less than",
    "approaching", "close to", "no fewer than", "or more", "or less", "“", "'", "\"", "killed", "people", "said", ".", ",", "\n", "İ", "ſome", "K",
])
NUMERALS = st.sampled_from(["5", "31,800", "2.5 million", "twenty", "a dozen", "10.30", "12th"])
# cues right before and after a numeral, as often as anything else: "past 5", "5 years old"
CUE_TEXT = st.lists(st.one_of(CUES, st.text(max_size=6), st.tuples(CUES, NUMERALS).map(" ".join),
                              st.tuples(NUMERALS, CUES).map(" ".join)), max_size=30).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(text=CUE_TEXT)
def test_the_number_scan_finds_exactly_what_the_number_pattern_finds_everywhere(text):
    low = ascii_lower(text)
    assert [m.span() for m in _scan(low)] == [m.span() for m in NUMBER_RE.finditer(low)]


@settings(max_examples=400, deadline=None)
@given(text=CUE_TEXT)
def test_a_number_is_masked_exactly_when_a_mask_in_its_window_covers_it(text):
    low = ascii_lower(text)
    for n in find_numbers(text, low):
        a, b = max(0, n.start - 24), min(len(low), n.end + 24)
        plain = any(m.start() < n.end and n.start < m.end() for m in MASK_RE.finditer(low, a, b))
        assert _masked(low, n) == plain


def _qualify_plain(text, n, s=0):
    """qualify() without its shortcut: every qualifier pattern tried."""
    if n.high is not None:
        return "range", n.value, n.value, n.high, n.start
    before, after = text[max(s, n.start - 40):n.start], text[n.end:n.end + 12]
    if n.vague or OR_MORE_RE.match(after):
        return "at_least", n.value, n.value, None, n.start
    if OR_LESS_RE.match(after):
        return "at_most", n.value, None, n.value, n.start
    for rx, q in ((AT_LEAST_RE, "at_least"), (AT_MOST_RE, "at_most"), (APPROX_RE, "approx")):
        m = rx.search(before)
        if m:
            q_start = n.start - (len(before) - m.start())
            low, high = {"at_least": (n.value, None), "at_most": (None, n.value)}.get(q, (None, None))
            return q, n.value, low, high, q_start
    return "exact", n.value, n.value, n.value, n.start


@settings(max_examples=400, deadline=None)
@given(text=CUE_TEXT)
def test_the_qualifier_shortcut_changes_no_qualifier(text):
    for n in find_numbers(text):
        assert qualify(text, n) == _qualify_plain(text, n)


# case-blind patterns run case-sensitive on the folded text (casefold.py): the words they
# look for in every case, with the characters re.IGNORECASE takes for ASCII letters
FOLD_WORDS = st.sampled_from([
    "COULD RISE", "May Reach", "would", "IF", "If", "said", "SAID", "Says", "according to", "Added", "up FROM",
    "had earlier PUT the toll at", "An earlier Toll of", "including", "Of Them", "were identified", "EACH",
    "another", "in 2015", "In October", "quake", "Since", "began", "as of", "By", "on Monday", "Struck", "attack",
    "that Shook", "which", ",", ";", "(", "—", "and", "1,200", "5", "2019", "kılled", "ſince", "Kelvin", "\u212a",
    "İncluding", "ı", "İ", "ſ", "were", "have", "may have died", "no", "not", " ", "\n", "’s", "Earthquake",
])
FOLD_TEXT = st.lists(st.one_of(FOLD_WORDS, st.text(max_size=5)), max_size=25).map(" ".join)
_FOLD_PAIRS = [(re.compile(p, re.IGNORECASE), re.compile(p)) for p in FOLDED_PATTERNS]


def test_every_folded_pattern_can_run_case_sensitive_on_folded_text():
    assert len(FOLDED_PATTERNS) > 10  # the extractor's modules are imported above
    for pattern in FOLDED_PATTERNS:
        check_foldable(pattern)


@settings(max_examples=300, deadline=None)
@given(text=FOLD_TEXT)
def test_a_folded_pattern_finds_in_the_folded_text_what_it_finds_case_blind_in_the_text(text):
    folded = fold(text)
    assert len(folded) == len(text)
    for blind, folded_rx in _FOLD_PAIRS:
        assert [m.span() for m in blind.finditer(text)] == [m.span() for m in folded_rx.finditer(folded)]


GATE_WORDS = st.sampled_from([
    "12", "1,200", "three", "people", "rose BY", "by", "increased by about", "pulled out", "ALIVE", "live victims",
    "who were Missing were found", "unaccounted for", "bodies were HANDED over", "shifted", "cremated", "Sections",
    "IPC", "and", "discharged", "under treatment", "in stable condition", "livestock", "Cattle", "aims to reach",
    "to help", "ſ", "ı", "İ", "\u212a", ",", ".", "(", ")", "-",
])
GATE_TEXT = st.lists(st.one_of(GATE_WORDS, st.text(max_size=4)), max_size=25).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=GATE_TEXT)
def test_the_candidate_filter_answers_the_same_with_its_word_gates(text):
    folded = fold(text)
    for n in find_numbers(text):
        assert is_candidate(text, n, 0, len(text), folded) == is_candidate(text, n, 0, len(text))
