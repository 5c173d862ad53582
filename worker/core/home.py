"""The story's home: its country and its province, whose "the government", "the country's
ministry" and "the governor" an article means (the source pass reads them through its
SourceMemory)."""
from __future__ import annotations

from worker.core.places import Place, PlaceIndex, regions_of
from worker.core.placing import DIRECTION_STRIP_RE, not_dateline


def story_home(text: str, sentences: list[tuple[int, int]], main_region: str | None, opening: list[list[Place]],
               index: PlaceIndex) -> tuple[str | None, str | None]:
    """The story's country and its province (state, region): whose "the government", "the
    country's ministry" and "the governor" an article means. A curated territory (the Gaza
    Strip) is a country of its own; a village the gazetteers do not know, or a story that
    names none, takes the country its opening's places lie in.

    >>> from worker.core.places import build_place_index
    >>> from worker.core.types import Aliases
    >>> idx = build_place_index(Aliases(places={"Ohio": (), "United States": ()}, within={"Ohio": ("United States",)},
    ...                                 kinds={"Ohio": "subdivision", "United States": "country"}))
    >>> story_home("", [], "Ohio", [], idx)
    ('United States', 'Ohio')
    """
    kind = index.kinds.get(main_region or "")
    chain = regions_of(main_region, index)
    country = province = None
    if main_region and "+" not in main_region and (
            kind == "country" or (kind is None and chain and not DIRECTION_STRIP_RE.match(main_region.lower()))):
        country = main_region  # a country, or a territory the curated table places (not "Southern X")
    elif chain:
        country = chain[-1]
        province = chain[-2] if len(chain) >= 2 else (main_region if kind == "subdivision" else None)
    counts: dict[str, int] = {}
    subdivisions: dict[str, int] = {}
    for (s, _e), found in zip(sentences, opening):
        for p in not_dateline(text, s, found):
            pchain = regions_of(p.region, index)
            pkind = index.kinds.get(p.region)
            outer = p.region if pkind == "country" else (pchain[-1] if pchain else None)
            if outer:
                counts[outer] = counts.get(outer, 0) + 1
            if pkind == "subdivision" and len(pchain) == 1:
                subdivisions[p.region] = subdivisions.get(p.region, 0) + 1
            elif len(pchain) >= 2:
                subdivisions[pchain[-2]] = subdivisions.get(pchain[-2], 0) + 1
    if country is None and counts:
        country = max(counts, key=lambda r: (counts[r], -list(counts).index(r)))
    if province is None and subdivisions:
        inside = [r for r in subdivisions if regions_of(r, index)[-1:] == (country,)]
        if inside:
            province = max(inside, key=lambda r: (subdivisions[r], -inside.index(r)))
    return country, province
