"""Extract attributed head counts from one article (SPEC §2).

Design: a pipeline of passes over one document (sentences -> numbers ->
candidates -> kind -> qualifier -> scope -> subject -> place -> source ->
date), each pass its own module. Three compiled-regex scans over the text (sentences, numbers,
masks for dates/times/urls), then per sentence that holds a number: kind
words, qualifier, scope, subject, place and source. Sentences without a
number cost one regex probe. Work is linear in the text size.

    >>> from worker.core.types import ArticleIn, Aliases
    >>> art = ArticleIn(id="a", text="At least 12 people were killed, police said.")
    >>> [(c.kind, c.value, c.qualifier) for c in extract(art, Aliases())]
    [('killed', 12, 'at_least')]
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from worker.core.attribution import (
    Attribution,
    SourceIndex,
    SourceMemory,
    build_source_index,
)
from worker.core.breakdown import parts_by_sum
from worker.core.candidates import (
    HEDGED_PAST_RE,
    HYPOTHETICAL_RE,
    NEGATION_RE,
    is_candidate,
    masked,
    split_changes,
)
from worker.core.casefold import folded_text
from worker.core.dating import DIGIT_RE, as_of_date
from worker.core.home import story_home
from worker.core.kindpick import (
    APPOSITIVE_RE,
    CARRY_PART_RE,
    COORD_RE,
    FROM_TO_RE,
    LIST_ITEM_RE,
    LIVES_TAKEN_RE,
    SAME_FIGURE_RE,
    TALLY_AFTER_RE,
    KindWord,
    pick_kind,
)
from worker.core.kinds import (
    KIND_RE,
    WEAK_WORDS,
    kind_of,
)
from worker.core.numbers import Number, ascii_lower, find_numbers
from worker.core.places import (
    Place,
    PlaceIndex,
    build_place_index,
    find_places,
    regions_of,
)
from worker.core.placing import (
    article_within,
    carry_location,
    location_of,
    opening_places,
)
from worker.core.placing import main_place as find_main_place
from worker.core.qualifiers import qualify
from worker.core.roles import clause_start, earlier_cue, role_of
from worker.core.scope import heading_scope, inherits_scope, main_events, scope_of
from worker.core.sentences import split_sentences
from worker.core.sourcing import (
    CARRY_SENTENCES,
    SAY_HINT_RE,
    nearest_attribution,
    remember_sources,
    resolve_claim_source,
)
from worker.core.subjects import (
    ABROAD_RE,
    does_other,
    head_is_people,
    held_group,
    ipc_class,
    subject_after,
    subject_before,
    subject_class_of,
)
from worker.core.types import Aliases, ArticleIn, Claim

LIST_SHAPE_RE = re.compile(r"^\s*(?:were|are|was|being|others?|more|in|of|among|from|at|on|,|;|\.|and)\b|^\s*[,;.)]",
                            re.IGNORECASE)

# the lines a list heading ("... are as follows:") governs: short ones, right after it
LIST_LINES = 1
LIST_LINE_CHARS = 120
LIST_LINE_RE = re.compile(r"\s*(?:[-•*·–]|[A-Za-z][\w ’'()/-]{0,50}:\s*(?:[a-z]+\s+)?\d)")

_INDEX_CACHE: dict[int, tuple[Aliases, PlaceIndex, SourceIndex]] = {}

# a comma or semicolon between a figure and a kind word after it: the word is another clause's
_CLAUSE_PUNCT_RE = re.compile(r"[,;]")


def _indexes(aliases: Aliases) -> tuple[PlaceIndex, SourceIndex]:
    """Lookup tables for ``aliases``, built once per alias object (memoised)."""
    hit = _INDEX_CACHE.get(id(aliases))
    if hit is not None and hit[0] is aliases:
        return hit[1], hit[2]
    if len(_INDEX_CACHE) > 16:
        _INDEX_CACHE.clear()
    places, sources = build_place_index(aliases), build_source_index(aliases)
    _INDEX_CACHE[id(aliases)] = (aliases, places, sources)
    return places, sources


def extract(article: ArticleIn, aliases: Aliases) -> list[Claim]:
    """Every attributed head count stated in ``article.text``, in text order.

    Offsets index ``article.text``; ``text[start:end] == quote`` always.
    """
    text = article.text or ""
    if not text.strip():
        return []
    place_index, source_index = _indexes(aliases)
    sentences = split_sentences(text)
    lowered = ascii_lower(text)
    folded = folded_text(text)
    numbers = split_changes(text, [n for n in find_numbers(text, lowered) if not masked(lowered, n)])
    if not numbers:
        return []
    num_starts = [n.start for n in numbers]
    opening = opening_places(text, sentences, place_index)
    main_region, main_place = find_main_place(text, sentences, place_index, opening)
    # the disasters its title and first two sentences name: what the story is about
    story = main_events(ascii_lower(article.title or "")) | main_events(lowered[:sentences[:2][-1][1]])
    country, province = story_home(text, sentences, main_region, opening, place_index)
    memory = SourceMemory(country=country, province=province)
    # a national office ("the interior ministry") is the story's country's
    home = country or main_region
    claims: list[Claim] = []
    # a sentence that names no place is about the article's place (placing.main_place)
    last_location: tuple[str | None, str | None] = (main_place, main_region)
    title = (article.title or "").strip()
    carried: tuple[int, str | None, str | None] | None = None
    last_kind: tuple[int, str] | None = None
    last_scope: tuple[int, tuple[str, str | None]] | None = None
    listing: tuple[int, tuple[str, str | None] | None] | None = None
    def attribute_pending(todo: list[tuple[int, int, bool, bool]]) -> None:
        for s, e, headline, needs_hint in todo:
            if not needs_hint or SAY_HINT_RE.search(folded, s, e):
                remember_sources(text, s, e, headline, source_index, memory, home)

    memory.attribute_pending = attribute_pending
    for si, (s, e) in enumerate(sentences):
        i = bisect_left(num_starts, s)
        in_sentence: list[Number] = []
        while i < len(numbers) and numbers[i].start < e:
            if numbers[i].end <= e:
                in_sentence.append(numbers[i])
            i += 1
        headline = si == 0 and (text[s:e] == title or text[e - 1] not in ".!?\"”")
        if not in_sentence:
            # who was named here may resolve "the ministry said" later on: queue
            # the sentence, attributed only if a later read needs it (when it
            # has a say-word)
            memory.pending.append((s, e, headline, True))
            if text[s:e].rstrip().endswith(":"):
                # "The deaths by state are as follows:" heads a list of figures of that kind
                heading = KIND_RE.search(lowered, s, e)
                if heading:
                    last_kind = (si, kind_of(heading.group(0)))
                # "For the period between May 1 and May 9, the figures are:" gives them a window
                listing = (si, heading_scope(text, lowered, s, e))
            continue
        candidates = [n for n in in_sentence if is_candidate(text, n, s, e, folded)]
        if not candidates:
            memory.pending.append((s, e, headline, False))
            continue
        atts = remember_sources(text, s, e, headline, source_index, memory, home)
        # "In Turkey alone, the number was 35,418": the kind of the figure just before
        carry_kind = last_kind[1] if last_kind and si - last_kind[0] <= CARRY_SENTENCES else None
        carry_scope = last_scope[1] if last_scope and si - last_scope[0] <= 1 else None
        found = _sentence_claims(article, text, lowered, s, e, candidates, atts, place_index, last_location,
                                 carry_kind, story, carry_scope)
        if listing is not None and listing[1] is not None:
            if si - listing[0] <= LIST_LINES and e - s <= LIST_LINE_CHARS and LIST_LINE_RE.match(text, s, e):
                # a short line under the heading: one of its items, in its window
                found = [replace(c, scope=listing[1][0], period=listing[1][1])
                         if c.scope == "cumulative" and c.role not in ("earlier", "other_event") else c
                         for c in found]
                listing = (si, listing[1])  # the list goes on from this line
            else:
                listing = None
        if not found:
            continue
        if not atts and carried is not None and si - carried[0] <= CARRY_SENTENCES and not headline:
            # a figure list continued from the previous sentence keeps its source
            found = [replace(c, source=carried[1], source_canonical=carried[2]) for c in found]
        elif found[-1].source is not None and not headline:
            carried = (si, found[-1].source, found[-1].source_canonical)
        if found[-1].source is not None and carried is not None and not headline:
            carried = (si, carried[1], carried[2]) if not atts else carried
        last_location = carry_location(found[-1].location, found[-1].region, (main_place, main_region))
        last_kind = (si, found[-1].kind)
        last_scope = (si, (found[-1].scope, found[-1].period))
        claims.extend(found)
    claims = parts_by_sum(claims, [start for start, _ in sentences], text)
    stated = article_within(text, sentences, place_index, opening)  # "Odisha's Balasore"
    claims = [replace(c, regions=regions_of(c.region, place_index, stated)) if c.region in stated else c
              for c in claims]
    return [resolve_claim_source(c, memory) for c in claims]


def _sentence_claims(article: ArticleIn, text: str, lowered: str, s: int, e: int, nums: list[Number],
                     atts: list[Attribution], place_index: PlaceIndex,
                     last_location: tuple[str | None, str | None], carry_kind: str | None = None,
                     story: frozenset[str] = frozenset(),
                     carry_scope: tuple[str, str | None] | None = None) -> list[Claim]:
    kws = [KindWord(m.start(), m.end(), kind_of(m.group(0)), m.group(0) in WEAK_WORDS)
           for m in KIND_RE.finditer(lowered, s, e)
           if m.group(0) != "lives" or LIVES_TAKEN_RE.search(lowered, max(s, m.start() - 60), m.start())]
    quals = [qualify(text, n, s) for n in nums]
    # where each figure's words quote an earlier one ("up from", "an earlier toll of"), or -1
    cues = [earlier_cue(text, s, q[4]) for q in quals]
    owned: set[int] = set()
    picked: list[tuple[KindWord | None, bool]] = []
    for k, n in enumerate(nums):
        lo_bound = nums[k - 1].end if k else s
        hi_bound = nums[k + 1].start if k + 1 < len(nums) else e
        kw, forward = pick_kind(text, n, quals[k][4], kws, lo_bound, hi_bound, owned)
        if kw is not None and forward and not (k and cues[k] >= 0):
            owned.add(kws.index(kw))  # an earlier figure takes its kind from the figure before
        picked.append((kw, forward))
    # "2,913 children and 1,709 women are among the dead": a coordinated
    # number shares the kind word of the one after it
    for k in range(len(nums) - 2, -1, -1):
        if picked[k][0] is None and picked[k + 1][0] is not None and picked[k + 1][1]:
            gap = text[nums[k].end:quals[k + 1][4]]
            if COORD_RE.match(gap):
                picked[k] = (picked[k + 1][0], True)
    # "1,162 people, including 384 children and 231 women, had died"
    for k in range(len(nums) - 1):
        if picked[k][0] is None and APPOSITIVE_RE.match(text, nums[k].end, min(e, nums[k].end + 60)):
            for j in range(k + 1, len(nums)):
                kw_j, fwd_j = picked[j]
                if kw_j is not None and fwd_j and "," in text[nums[j].end:kw_j.start]:
                    picked[k] = (kw_j, True)
                    break
    places: list[Place] | None = None
    out: list[Claim] = []
    prev_kind: str | None = None
    prev_subject: str | None = None
    prev_scope = carry_scope
    for k, n in enumerate(nums):
        kw, forward = picked[k]
        hi_bound = nums[k + 1].start if k + 1 < len(nums) else e
        kind = kw.kind if kw else None
        qualifier, value, low, high, q_start = quals[k]
        if cues[k] >= 0 and not (kw is not None and forward and not _CLAUSE_PUNCT_RE.search(text, n.end, kw.start)):
            # "revised to 275 from 288": an earlier figure counts what the figure it is
            # compared with counts, unless its own words say ("an earlier toll of",
            # "an earlier report cited 492 deaths")
            cut = clause_start(text, s, q_start)
            own = [w for w in kws if cut <= w.start and w.end <= q_start]
            kind = own[-1].kind if own else (prev_kind or carry_kind or kind)
        after_text = text[n.end:min(e, n.end + 40)]
        listed = kind is None
        if kind is None and prev_kind and (LIST_SHAPE_RE.match(after_text) or head_is_people(text, n, e)) \
                and not does_other(text, n, e):
            kind = prev_kind
        if kind is None and k and FROM_TO_RE.match(text[nums[k - 1].end:q_start]) and prev_kind:
            kind = prev_kind
        if kind is None and carry_kind and (SAME_FIGURE_RE.search(text, max(s, n.start - 40), n.start)
                                            or TALLY_AFTER_RE.match(text, n.end, min(e, n.end + 20))
                                            or ((CARRY_PART_RE.search(text, max(s, q_start - 40), q_start)
                                                 or LIST_ITEM_RE.search(text, max(s, q_start - 40), q_start))
                                                and head_is_people(text, n, e))):
            kind = carry_kind
        if kind is None:
            continue
        # hypotheticals and negations: "could kill thousands", "no one was killed"
        lo = min(n.start, kw.start) if kw else n.start
        hi = max(n.end, kw.end) if kw else n.end
        folded = folded_text(text)
        if HYPOTHETICAL_RE.search(folded[max(s, lo - 30):hi]) or HEDGED_PAST_RE.search(folded, lo, min(e, hi + 25)) \
                or NEGATION_RE.search(folded[max(s, lo - 8):lo]):
            continue
        scope, period = scope_of(text, lowered, n, s, e, kw, story)
        subject = subject_after(text, n, e) or subject_before(text, s, q_start)
        if subject is None or subject.lower() == "others":
            # "3,785 Palestinians killed and 12,493 wounded": the group carries over
            subject = prev_subject or "people"
        if places is None:
            places = find_places(text, s, e, place_index)
        att = nearest_attribution(text, atts, n)
        source, canonical = (att.raw, att.canonical) if att else (None, None)
        abroad = ABROAD_RE.search(text, n.end, min(hi_bound, n.end + 70)) if kind == "displaced" else None
        if abroad and not DIGIT_RE.search(text, n.end, abroad.start()):
            # "1.7 million have fled across borders into Chad, Egypt...": counted by the
            # country they fled, not the ones they reached
            origin = [p for p in places if p.end <= abroad.start()]
            location, region = location_of(text, s, n, origin, hi_bound, atts, last_location, canonical, place_index)
        else:
            abroad = None
            location, region = location_of(text, s, n, places, hi_bound, atts, last_location, canonical, place_index)
        as_of = as_of_date(text, s, e, article, n, scope)
        subject_class = subject_class_of(subject)
        if kind == "food_insecure" and subject_class == "people":
            subject_class = ipc_class(lowered, n, s, e) or subject_class
        elif abroad is not None and subject_class == "people":
            subject_class = "refugees abroad"
        elif kind in ("hostages", "detained"):
            subject_class = held_group(text, n, s, e, subject, subject_class)
        role = role_of(text, s, e, n, q_start, subject_class, article.published, prev_kind == kind,
                       cues[k] >= 0)
        if role in ("earlier", "other_event") and as_of == article.published:
            as_of = None  # never the article's own date: that is the newer figure's
        if role == "other_event":
            scope, period = "incident", None
        elif inherits_scope(scope, role, listed, prev_scope):
            scope, period = prev_scope
        q0 = min(q_start, kw.start if kw and not forward and q_start - kw.end <= 60 else q_start)
        q1 = max(n.end, kw.end if kw and forward else n.end)
        out.append(Claim(
            kind=kind, value=value, qualifier=qualifier, low=low, high=high, scope=scope,
            quote=text[q0:q1], start=q0, end=q1, period=period, subject=subject,
            subject_class=subject_class, location=location, region=region, regions=regions_of(region, place_index),
            source=source, source_canonical=canonical, as_of=as_of, article=article.id, role=role,
        ))
        prev_kind, prev_subject = kind, subject
        if role != "earlier":
            prev_scope = (scope, period)
    return out
