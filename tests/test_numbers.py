"""Number parsing: separators, scale words, number words, ranges (worker.core.numbers)."""
from __future__ import annotations

import pytest

from worker.core.numbers import ascii_lower, find_numbers, parse_number

PARSES = [
    ("31,800", 31800),
    ("31 800", 31800),
    ("2681", 2681),
    ("2.2 million", 2_200_000),
    ("1.7m", 1_700_000),
    ("8.5 thousand", 8500),
    ("430 thousand", 430_000),
    ("1,4 million", 1_400_000),
    ("three", 3),
    ("twenty-one", 21),
    ("a dozen", 12),
    ("half a million", 500_000),
    ("two million", 2_000_000),
    ("three hundred and twenty", 320),
    ("one thousand two hundred", 1200),
]


@pytest.mark.parametrize(("surface", "value"), PARSES)
def test_a_numeral_parses_to_its_integer_value(surface, value):
    assert parse_number(surface) == value


def _one(text):
    nums = find_numbers(text)
    assert len(nums) == 1, nums
    return nums[0]


RANGES = [
    ("20 to 30 people", 20, 30),
    ("between 20 and 30 people", 20, 30),
    ("20-30 people", 20, 30),
    ("from 10,000 to 15,000 people", 10_000, 15_000),
    ("1 to 1.5 million people", 1_000_000, 1_500_000),
]


@pytest.mark.parametrize(("text", "low", "high"), RANGES)
def test_a_range_is_one_number_with_both_ends(text, low, high):
    n = _one(text)
    assert (n.value, n.high) == (low, high)
    assert text[n.start:n.end].split()[0] in ("between", "from", text.split()[0])


def test_vague_plurals_are_open_lower_bounds():
    n = _one("tens of thousands of people")
    assert (n.value, n.vague) == (20_000, True)
    assert _one("dozens of people").value == 24


def test_and_between_numbers_without_between_is_not_a_range():
    assert [n.value for n in find_numbers("killed 12 and 30 wounded")] == [12, 30]


def test_and_joins_number_words_only_after_a_scale_word():
    assert [n.value for n in find_numbers("one and two")] == [1, 2]


def test_a_descending_pair_is_not_a_range():
    assert [n.value for n in find_numbers("2023-10-10")] == [2023, 10, 10]


def test_offsets_point_at_the_surface():
    text = "Some 2.2 million people"
    n = _one(text)
    assert text[n.start:n.end] == "2.2 million"


def test_ascii_lower_keeps_offsets_for_dotted_capital_i():
    text = "İzmit: 17,000 killed"
    assert len(ascii_lower(text)) == len(text)
    n = _one(text)
    assert text[n.start:n.end] == "17,000"
