"""The input readers (worker/inputs.py) fuzzed: whatever bytes or JSON shapes a file holds,
no exception escapes, every rejection has a reason, every article is storable text.

Beside the fuzzing, every kind of bad file in claimtrack_testdata.bad_inputs is a
regression case with the reason it must get.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack_testdata.bad_inputs import BAD_FILES
from worker.inputs import Parsed, Rejected, read_inputs

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SUFFIXES = [".json", ".jsonl", ".txt", ".html", ".xml"]
LIMIT = 2000

# pieces that make the parsers take their odd paths more often than random bytes would
PIECES = [b"{", b"}", b"[", b"]", b'"text"', b'"id"', b'"url"', b'"published"', b'"title"', b":", b",",
          b'"\\ud800"', b'"\\udfff x"', b'"\\u0000"', b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\n", b"\r\n",
          b"null", b"true", b"1e999", b"-0", b"NaN", b'"Ten people died."', b'"javascript:x"',
          b'"2024-02-30"', b"<rss>", b"<item>", b"<description>", b"</item>", b"<html>", b"<article>",
          b"<p>Four people were killed.</p>", b"\xc3\x28", b"\x81", b" ", b"[" * 50]

# any character, lone surrogates included (Hypothesis leaves them out by default)
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=[])
TEXTS = st.text(ANY_CHAR, max_size=40) | st.sampled_from(["Five people were killed, police said.", "", " ",
                                                           "\ud800", "x\x00y", "https://a.example/1",
                                                           "javascript:alert(1)", "2024-01-05"])
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | TEXTS,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXTS, inner, max_size=4),
                           max_leaves=12)
PAYLOADS = st.fixed_dictionaries({}, optional={k: JSON_VALUES | TEXTS for k in
                                               ("text", "id", "url", "published", "title", "outlet")})


def assert_sound(items: list) -> None:
    assert items, "a file gave neither an article nor a rejection"
    for item in items:
        item.origin.encode("utf-8")
        if isinstance(item, Rejected):
            assert item.reason.strip()
            item.reason.encode("utf-8")
            assert item.article is None or len(item.article) <= 255
        else:
            assert isinstance(item, Parsed)
            art = item.article
            assert art.text.strip() and "\x00" not in art.text and len(art.text.encode("utf-8")) <= LIMIT
            for value in (art.id, art.title, art.url or "", art.outlet or ""):
                value.encode("utf-8")
            assert 0 < len(art.id) <= 255


@FUZZ
@given(data=st.binary(max_size=3000) | st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join),
       suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_in_any_kind_of_file_give_articles_or_rejections_with_reasons(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    assert_sound(list(read_inputs([path], LIMIT)))


@FUZZ
@given(doc=JSON_VALUES | PAYLOADS | st.lists(PAYLOADS, max_size=3))
def test_any_json_shape_in_a_json_file_gives_articles_or_rejections_with_reasons(tmp_path, doc):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert_sound(list(read_inputs([path], LIMIT)))


@FUZZ
@given(lines=st.lists(PAYLOADS | JSON_VALUES, min_size=1, max_size=5))
def test_any_json_shapes_on_json_lines_give_one_item_per_line(tmp_path, lines):
    path = tmp_path / "doc.jsonl"
    path.write_text("".join(json.dumps(v) + "\n" for v in lines), encoding="utf-8")
    items = list(read_inputs([path], LIMIT))
    assert_sound(items)
    assert len(items) == len(lines)


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_each_kind_of_bad_file_is_rejected_with_its_reason(tmp_path, kind):
    make, reason = BAD_FILES[kind]
    name, content = make(3)
    (tmp_path / name).write_bytes(content)
    items = list(read_inputs([tmp_path / name], 20 * 1024 * 1024))
    assert items and all(isinstance(i, Rejected) for i in items), items
    assert all(reason in i.reason for i in items), [i.reason for i in items]


def test_a_gigantic_line_is_skipped_without_being_read_whole(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "Two people died."}) + "\n")
        fh.write('{"text": "' + "x" * 5_000_000 + '"}\n')
        fh.write(json.dumps({"text": "Three people died."}) + "\n")
    items = list(read_inputs([path], 10_000))
    assert [type(i).__name__ for i in items] == ["Parsed", "Rejected", "Parsed"]
    assert "line 2 is gigantic (5,000,013 bytes > limit 10,000" in items[1].reason


def test_utf16_files_with_a_byte_order_mark_are_read(tmp_path):
    (tmp_path / "u16.json").write_bytes(json.dumps({"text": "Six people died, police said."}).encode("utf-16"))
    [item] = read_inputs([tmp_path / "u16.json"], 10_000)
    assert isinstance(item, Parsed) and item.article.text.startswith("Six people")


def test_a_feed_is_never_fetched_from_the_address_it_holds(tmp_path):
    # feedparser reads a str as a url or a file name: the readers hand it bytes
    (tmp_path / "f.xml").write_text("http://127.0.0.1:9/feed.xml", encoding="utf-8")
    [item] = read_inputs([tmp_path / "f.xml"], 10_000)
    assert isinstance(item, Rejected) and "feed without entries" in item.reason
