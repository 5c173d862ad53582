"""Synthetic articles (SPEC §1 JSON) stating attributed head counts, of any number and size."""
from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Iterator

PLACES = ["Sudan", "Myanmar", "Haiti", "Ukraine", "Yemen", "Libya", "Somalia", "Syria", "Mali", "Ethiopia"]
SOURCES = ["the United Nations", "the Red Cross", "the health ministry", "local officials",
           "the World Health Organization"]
OUTLETS = ["example-news.org", "daily-wire.example", "globe.example", "courier.example"]
KINDS = [("were killed", 1), ("were injured", 2), ("have been displaced", 40), ("are missing", 1)]
QUALIFIERS = ["", "at least ", "more than ", "about ", "nearly "]
FILLER = ["Rescue teams worked through the night.", "Aid convoys were delayed at the border.",
          "Residents described scenes of chaos.", "The situation remained tense on the ground.",
          "Officials appealed for international help.", "Roads into the area were blocked."]
# figure-free prose that pads an article to a wanted size without adding claims
PADDING = ["Markets in the town reopened slowly as traders returned with what stock they had.",
           "Teachers said classes would resume once the school buildings were inspected.",
           "Farmers worried about the planting season and the price of seed and fuel.",
           "Volunteers handed out blankets and water from the back of a lorry.",
           "The bridge over the river was closed while engineers checked its supports.",
           "Families waited outside the clinic for news of relatives who had gone missing.",
           "Mobile networks were patchy, and many residents walked to the hill for a signal.",
           "Local radio read out the names of the shelters that still had room."]
START = date(2024, 1, 1)


def iter_synthetic(n: int, seed: int = 7, size: int = 0, start: int = 0) -> Iterator[dict]:
    """``n`` small distinct articles, one at a time; ``size`` pads each text with
    figure-free sentences to about that many bytes; ids run from ``syn-<start>``.

    Each source's running totals grow with the date, so the same articles give the same
    links in any arrival order without depending on downward revisions; different
    sources disagree, so agreements and contradictions appear too.
    """
    rng = random.Random(seed)
    for i in range(start, start + n):
        place = PLACES[i % len(PLACES)]
        day = rng.randrange(90)
        published = START + timedelta(days=day)
        sentences = []
        for verb, scale in rng.sample(KINDS, rng.randint(1, 3)):
            s = rng.randrange(len(SOURCES))
            value = (40 + 13 * s + 7 * day + PLACES.index(place)) * scale
            qualifier = rng.choice(QUALIFIERS)
            sentences.append(f"{qualifier.capitalize()}{value:,} people {verb} in {place}, {SOURCES[s]} said.")
        sentences.append(rng.choice(FILLER))
        sentences.append(f"This is dispatch {i} from the {place} desk.")
        text = " ".join(sentences)
        while len(text) < size:
            text += " " + rng.choice(PADDING)
        yield {"id": f"syn-{i:05d}", "url": f"https://{OUTLETS[i % len(OUTLETS)]}/story/{i}",
               "outlet": OUTLETS[i % len(OUTLETS)], "published": published.isoformat(),
               "title": f"Dispatch {i} on {place}", "text": text}


def synthetic_articles(n: int, seed: int = 7) -> list[dict]:
    """``n`` small distinct articles as a list (see :func:`iter_synthetic`)."""
    return list(iter_synthetic(n, seed))


def write_jsonl(path: Path, payloads: Iterable[dict]) -> Path:
    """One article per line, written as they come (any number of them)."""
    with path.open("w", encoding="utf-8") as fh:
        for p in payloads:
            fh.write(json.dumps(p) + "\n")
    return path
