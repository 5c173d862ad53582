"""Reading every input of SPEC §1, and rejecting bad input with a reason that names it."""
from __future__ import annotations

import json
from datetime import date

import pytest

from worker.inputs import BadArticle, Parsed, Rejected, article_from_payload, read_inputs

PAGE = """<!doctype html><html><head><title>Floods kill dozens in Kerala | Example News</title>
<meta property="og:url" content="https://www.example-news.test/world/kerala-floods">
<meta property="article:published_time" content="2024-07-31T08:00:00Z">
<style>.menu{color:red}</style></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Floods kill dozens in Kerala</h1>
<p>At least 93 people were killed when landslides buried villages in Wayanad district on Tuesday,
the Kerala state government said, as rescue teams dug through mud and boulders for survivors.</p>
<p>More than 3,000 people have been moved to relief camps, officials said on Wednesday, and the army
has built a temporary bridge to reach the worst-hit hamlets.</p>
<p>Rain is forecast to continue for several more days across the southern state, the weather office said.</p>
</article><footer>Read more: <a href="/x">Subscribe</a> Copyright 2024</footer></body></html>"""

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example wire</title><link>https://wire.example.org/</link>
<item><title>Quake toll rises</title><link>https://wire.example.org/a/1</link>
<guid>wire-1</guid><pubDate>Thu, 09 Feb 2023 10:00:00 GMT</pubDate>
<description>The death toll from the earthquake in Turkey rose to 12,391, the disaster agency said.</description></item>
<item><title>Aid arrives</title><link>https://wire.example.org/a/2</link>
<guid>wire-2</guid><pubDate>Fri, 10 Feb 2023 10:00:00 GMT</pubDate>
<description>&lt;p&gt;More than 2,500 people were rescued from the rubble on Friday, officials said.&lt;/p&gt;</description></item>
</channel></rss>"""


def only(items, kind):
    return [i for i in items if isinstance(i, kind)]


def test_an_html_page_gives_its_main_text_without_menus(tmp_path):
    (tmp_path / "kerala.html").write_text(PAGE)
    [item] = list(read_inputs([tmp_path], 10**6))
    assert isinstance(item, Parsed)
    art = item.article
    assert "At least 93 people were killed" in art.text
    assert "Sport" not in art.text and ".menu" not in art.text
    assert art.id == "kerala"
    assert art.published == date(2024, 7, 31)


def test_an_rss_feed_gives_one_article_per_entry(tmp_path):
    (tmp_path / "wire.xml").write_text(FEED)
    items = only(read_inputs([tmp_path], 10**6), Parsed)
    assert [i.article.published for i in items] == [date(2023, 2, 9), date(2023, 2, 10)]
    assert items[0].article.outlet == "wire.example.org"
    assert "12,391" in items[0].article.text
    assert "<p>" not in items[1].article.text and "2,500" in items[1].article.text
    assert items[0].article.id != items[1].article.id


def test_a_json_file_holding_a_list_gives_each_article(tmp_path):
    (tmp_path / "two.json").write_text(json.dumps([{"text": "Ten people died."}, {"text": "Two people died."}]))
    assert [i.article.id for i in only(read_inputs([tmp_path], 10**6), Parsed)] == ["two-0", "two-1"]


def test_a_directory_is_read_recursively_and_ignores_other_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Five people died, police said.")
    (tmp_path / "notes.md").write_text("# not an article")
    assert [i.article.id for i in read_inputs([tmp_path], 10**6)] == ["a"]


def test_a_missing_path_is_named_with_its_reason(tmp_path):
    [item] = list(read_inputs([tmp_path / "nope.json"], 10**6))
    assert isinstance(item, Rejected) and item.reason == "no such file or directory"


def test_a_gigantic_article_is_rejected_with_the_limit(tmp_path):
    (tmp_path / "big.json").write_text(json.dumps({"text": "x" * 5000}))
    [item] = list(read_inputs([tmp_path], 1000))
    assert isinstance(item, Rejected) and "gigantic" in item.reason


@pytest.mark.parametrize("payload,reason", [
    ({"title": "x"}, "no 'text' field"),
    ({"text": "   "}, "'text' is empty"),
    ({"text": 5}, "'text' must be a string"),
    ({"text": "Two died.", "published": "last week"}, "'published' is not an ISO date"),
    (["not", "an", "object"], "expected a JSON object"),
])
def test_a_bad_payload_says_what_is_wrong(payload, reason):
    with pytest.raises(BadArticle, match=reason):
        article_from_payload(payload)


def test_without_id_or_outlet_they_come_from_the_url_and_a_stable_hash():
    a = article_from_payload({"text": "Two died.", "url": "https://www.bbc.co.uk/news/1"})
    b = article_from_payload({"text": "Two died.", "url": "https://www.bbc.co.uk/news/1"})
    assert a.outlet == "bbc.co.uk" and a.id == b.id and a.id.startswith("a")


def test_a_leading_date_line_gives_the_publication_date():
    assert article_from_payload({"text": "date 2024-03-19 Four people died."}).published == date(2024, 3, 19)


def test_an_id_longer_than_the_store_keeps_is_rejected_as_bad_input():
    with pytest.raises(BadArticle, match="'id' is 300 characters long"):
        article_from_payload({"id": "x" * 300, "text": "Two died."})


def test_an_outlet_name_longer_than_its_column_is_rejected_with_the_limit():
    from worker.inputs import BadArticle, article_from_payload

    with pytest.raises(BadArticle, match="'outlet' is 300 characters long"):
        article_from_payload({"id": "long-outlet", "outlet": "x" * 300, "text": "Ten people died."})
