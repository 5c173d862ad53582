"""Real-like news articles for the whole-process benchmark (bench_extract.py).

Each article reads like a wire report on a disaster or a war: a headline
figure in the lead, updates with their sources, breakdowns (children, women),
quotes from named officials, places at several levels (town, province,
country), dates, times, money and percentages, and background paragraphs.
All sentences are written here from templates; none is taken from an
evaluation article.

The mix of sentences (``MIX``) is set to the density of real reporting,
measured on the 130 real articles of the evaluation set (their statistics
only): about 1,500 bytes per article, half the sentences with a digit
(52%), one claim per 260 bytes of text. This corpus: about 1,580 bytes per
article, 51% of sentences with a digit, one claim per 255 bytes. ``DENSE``
is the earlier mix (76% of sentences with a digit, one claim per 145
bytes): a figure-heavy worst case.
"""
from __future__ import annotations

import json
import random
from datetime import date, timedelta

EVENTS = [
    # (event noun, cause verb, country, provinces/regions, towns)
    ("the earthquake", "struck", "Morocco", ["Al Haouz province", "the High Atlas", "Marrakesh-Safi region"],
     ["Amizmiz", "Talat N'Yaaqoub", "Marrakesh", "Taroudant", "Ouirgane"]),
    ("the floods", "swept through", "Libya", ["eastern Libya", "the Jabal al-Akhdar district"],
     ["Derna", "Benghazi", "Al-Bayda", "Susa", "Al-Marj"]),
    ("the cyclone", "hit", "Mozambique", ["Sofala province", "Zambezia province"],
     ["Beira", "Quelimane", "Dondo", "Nhamatanda"]),
    ("the fighting", "spread to", "Sudan", ["North Darfur", "the state of Gezira", "South Kordofan"],
     ["El Fasher", "Wad Madani", "Omdurman", "Kadugli", "Nyala"]),
    ("the shelling", "hit", "Ukraine", ["the Donetsk region", "Kharkiv region", "the Zaporizhzhia region"],
     ["Kharkiv", "Pokrovsk", "Zaporizhzhia", "Kramatorsk", "Sumy"]),
    ("the landslide", "buried", "Nepal", ["Gandaki province", "the Dhading district"],
     ["Pokhara", "Gorkha", "Besisahar", "Dhunche"]),
    ("the monsoon rains", "battered", "Bangladesh", ["Sylhet division", "the Chittagong division"],
     ["Sylhet", "Sunamganj", "Cox's Bazar", "Feni"]),
    ("the typhoon", "slammed into", "the Philippines", ["the Bicol region", "Eastern Samar", "Cagayan province"],
     ["Legazpi", "Tacloban", "Borongan", "Tuguegarao"]),
    ("the heatwave", "gripped", "India", ["Uttar Pradesh", "the state of Bihar", "Odisha"],
     ["Ballia", "Patna", "Lucknow", "Bhubaneswar"]),
    ("the air strikes", "pounded", "Yemen", ["Hodeidah governorate", "Saada province"],
     ["Hodeidah", "Sanaa", "Saada", "Taiz"]),
]
SOURCES = [
    ("the Ministry of Health", "said in a statement"), ("the interior ministry", "said"),
    ("the national disaster management agency", "said in its latest update"),
    ("the UN Office for the Coordination of Humanitarian Affairs (OCHA)", "said in a report"),
    ("the International Organization for Migration", "said"), ("the Red Cross", "said on its website"),
    ("civil defence officials", "told reporters"), ("state media", "reported"),
    ("the World Health Organization", "said"), ("local officials", "told AFP"),
    ("the provincial governor's office", "said"), ("Doctors Without Borders", "said"),
    ("the army", "said in a statement"), ("police", "said"), ("hospital officials", "told Reuters"),
]
PEOPLE = [
    ("Amina Haddad", "a spokeswoman for the ministry"), ("Tomas Ferreira", "the regional governor"),
    ("Li Wen", "the head of the UN mission"), ("Samuel Okonkwo", "a senior aid official"),
    ("Priya Raman", "the district commissioner"), ("Yusuf Demir", "the mayor of {town}"),
    ("Ingrid Solberg", "the WFP country director"), ("Karim Mansour", "a doctor at the main hospital"),
    ("Olena Kovalenko", "the regional military administrator"), ("Jorge Salinas", "a Red Cross coordinator"),
]
KINDS = [
    ("killed", "dead", "deaths"), ("injured", "wounded", "injuries"), ("missing", "missing", "missing"),
    ("displaced", "displaced", "displaced"),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
QUALS = ["", "", "at least ", "more than ", "nearly ", "about ", "some ", "over ", "up to ", "almost "]


def _num(rng: random.Random, lo: int, hi: int) -> str:
    n = rng.randint(lo, hi)
    if n >= 1000 and rng.random() < 0.8:
        return f"{n:,}"
    if 2 <= n <= 9 and rng.random() < 0.4:
        return ["two", "three", "four", "five", "six", "seven", "eight", "nine"][n - 2]
    return str(n)


def _count_sentence(rng: random.Random, ctx: dict) -> str:
    q = rng.choice(QUALS)
    src, verb = rng.choice(SOURCES)
    town, prov, day = rng.choice(ctx["towns"]), rng.choice(ctx["provs"]), rng.choice(DAYS)
    name, role = rng.choice(PEOPLE)
    role = role.format(town=town)
    n, m = _num(rng, 3, 9_000), _num(rng, 2, 400)
    big = f"{rng.randint(1, 9)}.{rng.randint(1, 9)} million"
    ev = ctx["event"]
    return rng.choice([
        f"{q.capitalize()}{n} people were killed and {m} injured when {ev} {ctx['verb']} {town} on {day}, {src} {verb}.",
        f"The death toll from {ev} in {ctx['country']} rose to {n} on {day}, according to {src}.",
        f"{src[0].upper() + src[1:]} {verb} that {q}{n} people had died in {prov} and {m} were still missing.",
        f"\"We have recovered {n} bodies so far, and the number will rise,\" {name}, {role}, said.",
        f"In {town} alone, {m} people were killed, including {_num(rng, 2, 60)} children, {name} told reporters.",
        f"{q.capitalize()}{big} people have been displaced across {ctx['country']}, {src} {verb} on {day}.",
        f"Of the {n} dead, {m} were women and {_num(rng, 2, 300)} were children, {src} {verb}.",
        f"The number of injured reached {n} by {day} evening, {m} of them in critical condition.",
        f"Rescuers pulled {_num(rng, 2, 40)} survivors from the rubble in {town} overnight, {src} {verb}.",
        f"{src[0].upper() + src[1:]} put the toll at {n} dead as of {rng.choice(MONTHS)} {rng.randint(1, 28)}, "
        f"up from {m} a day earlier.",
        f"Some {n} families, or roughly {_num(rng, 5_000, 90_000)} people, fled their homes in {prov}, "
        f"{src} {verb}.",
        f"At least {m} soldiers and {_num(rng, 2, 90)} civilians were killed in clashes near {town} "
        f"since {day}, {name} said.",
        f"{name}, {role}, said {n} people were being treated in hospitals in {town} and {prov}.",
        f"{src[0].upper() + src[1:]} {verb} {q}{n} houses were destroyed and {m} people remain unaccounted for.",
        f"Since the start of {rng.choice(MONTHS)}, {n} people have died of cholera in {prov}, the WHO said.",
        f"{_num(rng, 2, 90)} aid workers have been killed this year, the highest figure on record, "
        f"{name} said on {day}.",
    ])


def _other_sentence(rng: random.Random, ctx: dict) -> str:
    town, prov, day = rng.choice(ctx["towns"]), rng.choice(ctx["provs"]), rng.choice(DAYS)
    name, role = rng.choice(PEOPLE)
    role = role.format(town=town)
    month = rng.choice(MONTHS)
    return rng.choice([
        f"Rescue teams worked through the night in {town}, digging with their bare hands.",
        f"The government declared {rng.choice(['three', 'five', 'seven'])} days of national mourning.",
        f"\"The situation is catastrophic, and we need help now,\" {name} said.",
        f"{name}, {role}, told reporters on {day} that roads into {prov} remained blocked.",
        f"The UN appealed for ${rng.randint(1, 9)}.{rng.randint(1, 9)} billion to fund the response "
        f"until the end of {rng.randint(2023, 2025)}.",
        f"Prices of flour and fuel have risen by {rng.randint(10, 300)}% since {month}, traders said.",
        f"The convoy of {rng.randint(10, 120)} trucks left at {rng.randint(5, 11)}:{rng.choice(['00', '15', '30', '45'])} "
        f"a.m. and reached {town} on {day} afternoon.",
        f"A {rng.randint(6, 88)}-year-old woman said she had lost everything.",
        f"The magnitude {rng.randint(5, 7)}.{rng.randint(0, 9)} quake struck at a depth of {rng.randint(8, 30)} km, "
        f"the US Geological Survey said.",
        f"Hospitals in {town} are running at {rng.randint(100, 300)}% of capacity.",
        f"Electricity was cut to {rng.randint(10, 95)}% of {prov}, the utility said.",
        f"Negotiators are due to meet again on {month} {rng.randint(1, 28)} in Geneva.",
        "The claims could not be independently verified.",
        f"It was the deadliest disaster to hit {ctx['country']} since {rng.randint(1950, 2015)}.",
        f"Satellite images released on {day} show whole villages in {prov} flattened.",
        f"Read more: how {ev_short(ctx)} unfolded, in maps.",
        f"The European Union pledged €{rng.randint(2, 90)} million in emergency aid.",
        f"The World Bank estimated the damage at ${rng.randint(1, 20)} billion, about {rng.randint(1, 15)}% of GDP.",
        f"Temperatures reached {rng.randint(40, 49)}C in {town} on {day}.",
        f"Officials said {rng.choice(['the dam', 'the bridge', 'the airport', 'the main road'])} near {town} "
        f"had been badly damaged.",
        f"The prime minister visited {town} on {day} and promised to rebuild.",
        "Aid groups have warned for weeks that stocks were running low.",
    ])


def _prose_sentence(rng: random.Random, ctx: dict) -> str:
    """Background and colour without a figure: most of a real report's words."""
    town, prov = rng.choice(ctx["towns"]), rng.choice(ctx["provs"])
    name, role = rng.choice(PEOPLE)
    role = role.format(town=town)
    src, _ = rng.choice(SOURCES)
    return rng.choice([
        f"Residents of {town} said they had received no warning before {ctx['event']} {ctx['verb']} the area, "
        f"and many spent the night in the open, afraid to return to their damaged homes.",
        f"\"People are sleeping on the streets because they are afraid the walls will fall on them,\" {name}, "
        f"{role}, told reporters, adding that tents and blankets were the most urgent needs.",
        f"Aid agencies have struggled to reach the worst-affected parts of {prov}, where roads were washed away "
        f"or blocked by debris and mobile phone networks remain largely down.",
        "The government has faced growing criticism over its response, with opposition politicians accusing "
        "officials of ignoring repeated warnings from experts and local leaders.",
        f"In {town}, volunteers handed out bread and bottled water from the back of pickup trucks while families "
        f"queued outside the only pharmacy that was still open.",
        f"{src[0].upper() + src[1:]} has appealed for calm and urged people to follow instructions from the "
        f"emergency services, warning that conditions could worsen in the coming days.",
        f"Analysts say the disaster has exposed years of underinvestment in infrastructure across {ctx['country']}, "
        f"where building codes are often poorly enforced outside the main cities.",
        "Footage shared on social media showed rescuers carrying people on stretchers through narrow streets "
        "as relatives searched for news of the missing.",
        f"{name} said the priority was to restore water and electricity and to get children back into school "
        f"as soon as it was safe to do so.",
        "Neighbouring countries and several international organisations have offered help, and the first "
        "relief flights landed at the regional airport on the weekend.",
        f"Officials in {prov} have set up temporary shelters in schools and sports halls, but many of them are "
        f"already full and lack proper sanitation.",
        f"\"We lost everything in a few minutes,\" said a farmer from a village near {town}, standing beside what "
        f"was left of his house. \"We do not know where to start.\"",
    ])


def ev_short(ctx: dict) -> str:
    return ctx["event"].removeprefix("the ")


# the share of sentences that state a head count, that carry other figures or none
# (dates, money, percentages), and that are background prose
MIX = (0.31, 0.33, 0.36)
DENSE = (0.45, 0.55, 0.0)


def _pick(rng: random.Random, mix: tuple[float, float, float]):
    x = rng.random()
    return _count_sentence if x < mix[0] else _other_sentence if x < mix[0] + mix[1] else _prose_sentence


def article(rng: random.Random, i: int, published: date, mix: tuple[float, float, float] = MIX) -> dict:
    """One article as a JSON object of the JSONL input format."""
    event, verb, country, provs, towns = rng.choice(EVENTS)
    ctx = {"event": event, "verb": verb, "country": country, "provs": provs, "towns": towns}
    paras = []
    lead_src, lead_verb = rng.choice(SOURCES)
    paras.append(f"{rng.choice(towns).upper()}, {country} — {_num(rng, 10, 5_000)} people have been killed "
                 f"after {event} {verb} {rng.choice(provs)}, {lead_src} {lead_verb} on {rng.choice(DAYS)}.")
    for _ in range(rng.randint(3, 9 if mix == DENSE else 7)):  # DENSE: the earlier corpus exactly
        sents = [_pick(rng, mix)(rng, ctx) for _ in range(rng.randint(1, 4))]
        paras.append(" ".join(sents))
    return {"id": f"nl{i:05d}", "url": f"https://news.example.org/world/{i}", "outlet": "example.org",
            "published": published.isoformat(), "title": f"{ev_short(ctx).capitalize()} in {country}",
            "text": "\n\n".join(paras)}


def jsonl(size: int, seed: int = 3, mix: tuple[float, float, float] = MIX) -> str:
    """About ``size`` bytes of JSON Lines, one real-like article per line (``mix``: see MIX)."""
    rng = random.Random(seed)
    lines, total, day = [], 0, date(2024, 1, 2)
    while total < size:
        line = json.dumps(article(rng, len(lines), day + timedelta(days=len(lines) % 300), mix), ensure_ascii=False)
        lines.append(line)
        total += len(line.encode()) + 1
    return "\n".join(lines) + "\n"
