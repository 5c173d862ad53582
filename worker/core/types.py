"""Value types shared by the pure core (SPEC §1–§3)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

KINDS = ("killed", "injured", "displaced", "missing", "hostages", "detained",
         "food_insecure", "population")
QUALIFIERS = ("exact", "at_least", "at_most", "approx", "range")
SCOPES = ("cumulative", "period", "incident")
RELATIONS = ("agrees", "repeats", "updates", "revises_down", "contradicts")
# what a figure is in its article: the count itself, a breakdown of a count, an
# earlier figure quoted for comparison, or a figure of another event
ROLES = ("total", "part", "earlier", "other_event")


@dataclass(frozen=True)
class ArticleIn:
    """An article as read from input (SPEC §1), before it is stored."""

    id: str
    text: str
    title: str = ""
    url: str | None = None
    outlet: str | None = None
    published: date | None = None


@dataclass(frozen=True)
class Claim:
    """One stated head count (SPEC §2). Offsets index ``ArticleIn.text``."""

    kind: str
    value: int
    qualifier: str
    low: int | None
    high: int | None
    scope: str
    quote: str
    start: int
    end: int
    period: str | None = None
    subject: str | None = None
    subject_class: str = "people"
    location: str | None = None
    region: str | None = None
    source: str | None = None
    source_canonical: str | None = None
    as_of: date | None = None
    article: str | None = None
    role: str = "total"
    # the regions that contain ``region``, innermost first ("Derna" -> ("Libya",))
    regions: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """The SPEC §2 fields as JSON-ready values."""
        return {
            "article": self.article, "kind": self.kind, "value": self.value,
            "qualifier": self.qualifier, "low": self.low, "high": self.high,
            "scope": self.scope, "period": self.period, "subject": self.subject,
            "subject_class": self.subject_class,
            "location": self.location, "region": self.region, "source": self.source,
            "source_canonical": self.source_canonical,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "quote": self.quote, "start": self.start, "end": self.end,
            "role": self.role, "regions": list(self.regions),
        }


@dataclass(frozen=True)
class Aliases:
    """Name tables the core matches against; loaded by the shell, passed in.

    ``sources`` maps a canonical authority to the ways news names it;
    ``places`` maps a normalised region to the ways news names it;
    ``within`` maps a region to the regions that contain it.
    """

    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # region -> the regions that contain it, innermost first ("Balasore" -> ("India",))
    within: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # region -> what it is: "country", "subdivision" (province, state, county...) or "city"
    kinds: dict[str, str] = field(default_factory=dict)
