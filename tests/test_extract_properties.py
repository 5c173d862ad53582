"""Properties of extract() on arbitrary text: it never raises and its output is well-formed."""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from worker.aliases import load_aliases
from worker.core.extract import extract
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
