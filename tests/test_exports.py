"""Exports: CSV and JSON Lines shaping (pure, hand-built dicts) and `claimtrack export` on the seeds."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from tests.conftest import SEEDS
from worker.cli import cli
from worker.exports import tabular
from worker.exports.claimreview import claim_review, claim_reviews, shorten
from worker.views import CLAIM_FIELDS, LINK_SIDE_FIELDS


def claim(**kw) -> dict:
    base = {k: None for k in CLAIM_FIELDS}
    base.update({"article": "a1", "kind": "killed", "value": 40, "qualifier": "exact", "low": 40, "high": 40,
                 "scope": "cumulative", "region": "Gaza Strip", "originator": "WHO", "as_of": "2024-01-02",
                 "quote": "40 people were killed", "start": 10, "end": 31})
    base.update(kw)
    return base


def side(c: dict) -> dict:
    return {k: c[k] for k in LINK_SIDE_FIELDS}


def link(a: dict, b: dict, relation="contradicts", flag=None) -> dict:
    return {"relation": relation, "score": 0.9, "reason": "WHO 400 vs OCHA 40: no overlap",
            "a": side(a), "b": side(b), "flag": flag}


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


# ---- CSV / JSON Lines (pure) ------------------------------------------------------------------

@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"),
    ("+31 dead", "'+31 dead"),
    ("-5 people", "'-5 people"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=cmd", "'\t=cmd"),
    ("plain text", "plain text"),
    (-5, -5),
    (1200000, 1200000),
    (0.25, 0.25),
    (None, ""),
])
def test_cells_that_start_like_a_formula_get_an_apostrophe_and_numbers_stay_numbers(value, cell):
    assert tabular.safe_cell(value) == cell


def test_claims_csv_has_stable_columns_iso_dates_sorted_rows_and_crlf_line_ends():
    rows = [claim(article="b", as_of="2024-01-03", value=1200000), claim(article="a", as_of="2024-01-02"),
            claim(article="c", as_of=None, quote='=HYPERLINK("http://evil")')]
    text = tabular.claims_csv(rows)
    assert text.split("\r\n")[0] == ",".join(CLAIM_FIELDS) + ",title"
    parsed = read_csv(text)
    assert [r["article"] for r in parsed] == ["c", "a", "b"]  # undated first, then by date
    assert parsed[2]["as_of"] == "2024-01-03" and parsed[2]["value"] == "1200000"
    assert parsed[0]["quote"] == "'=HYPERLINK(\"http://evil\")"
    assert parsed[0]["as_of"] == ""
    assert tabular.claims_csv(list(reversed(rows))) == text


def test_the_bom_option_starts_the_csv_with_a_utf8_byte_order_mark():
    assert tabular.claims_csv([claim()], bom=True).startswith("\ufeffarticle,")
    assert not tabular.claims_csv([claim()]).startswith("\ufeff")


def test_links_jsonl_keeps_exactly_the_spec_shape_and_drops_the_flag():
    out = tabular.links_jsonl([link(claim(value=400, originator="WHO"), claim(value=40, originator="UN OCHA"),
                                    flag={"id": 3, "status": "new"})])
    row = json.loads(out)
    assert list(row) == ["relation", "score", "reason", "a", "b"]
    assert list(row["a"]) == list(LINK_SIDE_FIELDS)
    assert {"article", "kind", "value", "source_canonical", "as_of", "quote", "start", "end"} <= row["a"].keys()


def test_links_csv_flattens_both_sides_and_carries_the_flag_status():
    rows = read_csv(tabular.links_csv([link(claim(value=400), claim(value=40), flag={"id": 3, "status": "new"}),
                                       link(claim(value=9, as_of="2023-01-01"), claim(value=8), "agrees")]))
    assert list(rows[0]) == list(tabular.LINK_COLUMNS)
    assert [r["relation"] for r in rows] == ["agrees", "contradicts"]
    assert rows[1]["a_value"] == "400" and rows[1]["b_value"] == "40"
    assert rows[1]["flag_status"] == "new" and rows[0]["flag_status"] == ""


# ---- ClaimReview (pure) -----------------------------------------------------------------------

SENTENCE = ("Palestinian health officials in the besieged enclave said on Sunday that at least 20,424 "
            "people have been killed since October 7, most of them women and children.")


@pytest.mark.parametrize("sentence, start, end", [
    ("The ministry said 40 people were killed.", 18, 39),
    (SENTENCE, SENTENCE.index("at least"), SENTENCE.index(" since")),
    (SENTENCE, 0, 20),
    (SENTENCE, SENTENCE.index("most"), len(SENTENCE)),
    ("x" * 200, 0, 200),
])
def test_claim_reviewed_is_under_75_characters_cut_on_word_boundaries_and_keeps_the_number(sentence, start, end):
    out = shorten(sentence, start, end)
    assert len(out) < 75
    if len(sentence) < 75:
        assert out == sentence
        return
    core = out.strip("…")
    assert core in sentence
    pos = sentence.index(core)
    # cut on word boundaries: the excerpt starts and ends at the sentence's edges or at spaces
    assert pos == 0 or sentence[pos - 1] == " " or len(sentence[start:end]) >= 74
    if end - start < 60:
        assert sentence[start:end] in out


def reviewed_flag(status="confirmed", verdict="Figures conflict") -> dict:
    a = {**claim(value=3958, originator="WHO", region="Derna", as_of="2023-09-17"), "id": 11,
         "sentence": "The World Health Organization said on Sunday that 3,958 people had died in Derna.",
         "sentence_start": 50, "sentence_end": 71, "author": "WHO", "url": "https://news.example/who",
         "title": "WHO gives lower toll", "outlet": "news.example", "published": "2023-09-17"}
    b = {**claim(value=11300, originator="UN OCHA", region="Derna", as_of="2023-09-16"), "id": 10,
         "author": "UN OCHA", "published": "2023-09-16"}
    return {"id": 7, "relation": "contradicts", "status": status, "verdict": verdict, "reason": "WHO vs OCHA",
            "reviewed_at": "2024-05-01", "note": "checked with both agencies", "a": a, "b": b}


def test_a_claim_review_carries_every_required_and_recommended_field():
    doc = claim_review(reviewed_flag(), {"name": "Example Desk", "url": "https://desk.example"},
                       "https://desk.example/checks/{id}")
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "ClaimReview"
    assert doc["url"] == "https://desk.example/checks/7"
    assert doc["claimReviewed"] == "…Health Organization said on Sunday that 3,958 people had died in Derna."
    assert doc["author"] == {"@type": "Organization", "name": "Example Desk", "url": "https://desk.example"}
    assert doc["datePublished"] == "2024-05-01"
    rating = doc["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "Figures conflict"
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert rating["name"] == "Figures conflict"
    item = doc["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == "2023-09-17"
    assert item["author"] == {"@type": "Organization", "name": "WHO"}
    assert item["appearance"]["@type"] == "CreativeWork" and item["appearance"]["url"] == "https://news.example/who"
    props = {p["propertyID"]: p["value"] for p in item["additionalProperty"]}
    assert all(p["@type"] == "PropertyValue" for p in item["additionalProperty"])
    assert props["kind"] == "killed" and props["value"] == 3958 and props["low"] == 40 and props["high"] == 40
    assert props["as_of"] == "2023-09-17" and props["region"] == "Derna"
    json.dumps(doc)  # plain JSON all the way down


def test_only_confirmed_and_dismissed_flags_become_claim_reviews_with_a_default_verdict():
    flags = [reviewed_flag("confirmed"), {**reviewed_flag("dismissed", None), "id": 8},
             {**reviewed_flag("in_review"), "id": 9}]
    docs = claim_reviews(flags, {"name": "Desk", "url": None}, "urn:claimtrack:flag:{id}")
    assert [d["url"] for d in docs] == ["urn:claimtrack:flag:7", "urn:claimtrack:flag:8"]
    assert docs[1]["reviewRating"]["alternateName"] == "No real contradiction"
    assert docs[0]["reviewRating"]["ratingValue"] < docs[1]["reviewRating"]["ratingValue"]
    assert "url" not in docs[0]["author"]


# ---- `claimtrack export` on the seeds -----------------------------------------------------------

def run(*args, ok=(0,)):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code in ok, result.output
    return result


@pytest.fixture
def seeded(cli_env):
    run("ingest", str(SEEDS))
    return cli_env


def test_export_links_jsonl_from_the_seeds_has_the_spec_shape_and_is_deterministic(seeded):
    first = run("export", "links", "--format", "jsonl").stdout
    rows = [json.loads(line) for line in first.splitlines()]
    assert rows and all(list(r) == ["relation", "score", "reason", "a", "b"] for r in rows)
    assert {r["relation"] for r in rows} >= {"contradicts", "updates"}
    assert rows == sorted(rows, key=tabular.link_sort_key)
    assert run("export", "links", "--format", "jsonl").stdout == first


def test_export_claims_csv_holds_the_same_claims_as_jsonl(seeded, tmp_path):
    out = tmp_path / "claims.csv"
    run("export", "claims", "--format", "csv", "--bom", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = read_csv(raw.decode("utf-8"))
    lines = [json.loads(x) for x in run("export", "claims", "--format", "jsonl").stdout.splitlines()]
    assert len(rows) == len(lines) > 20
    assert [(r["article"], r["start"], r["value"]) for r in rows] == \
        [(c["article"], str(c["start"]), str(c["value"])) for c in lines]


def test_export_filters_select_by_kind_region_source_since_and_status(seeded):
    def claims(*args):
        return [json.loads(x) for x in run("export", "claims", *args).stdout.splitlines()]

    assert {c["kind"] for c in claims("--kind", "hostages")} == {"hostages"}
    assert all("derna" in c["region"].lower() for c in claims("--region", "derna"))
    assert all(c["as_of"] >= "2023-12-01" for c in claims("--since", "2023-12-01"))
    assert claims("--source", "OCHA") and all("OCHA" in (c["originator"] or "") for c in claims("--source", "OCHA"))
    flagged = claims("--status", "new")
    assert flagged and len(flagged) < len(claims())
    assert claims("--status", "confirmed") == []
    links = [json.loads(x) for x in run("export", "links", "--relation", "contradicts").stdout.splitlines()]
    assert links and {x["relation"] for x in links} == {"contradicts"}


def test_export_explains_a_bad_date(seeded):
    result = run("export", "claims", "--since", "last week", ok=(2,))
    assert "is not an ISO date" in result.output
