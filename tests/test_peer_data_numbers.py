"""Number parsing and qualifier bounds on cases from Microsoft Recognizers-Text.

Cases are copied as literal tables from Specs/Number/English/NumberModel.json
and NumberRangeModel.json (microsoft/Recognizers-Text @ 90e968ea), so the
suite runs without the shared peer-data folder. Licence of the copied data:

    MIT License

    Copyright (c) Microsoft Corporation. All rights reserved.

    Permission is hereby granted, free of charge, to any person obtaining a copy
    of this software and associated documentation files (the "Software"), to deal
    in the Software without restriction, including without limitation the rights
    to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
    copies of the Software, and to permit persons to whom the Software is
    furnished to do so, subject to the following conditions:

    The above copyright notice and this permission notice shall be included in all
    copies or substantial portions of the Software.

    THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
    IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
    FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
    AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
    LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
    OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
    SOFTWARE

Left out on purpose, because a head count is never written that way:
fractions ("one-fourth", "1/2", "twenty fifths"), negative numbers, ordinals
("the tenth"), scientific notation ("1e10", "1.3x10^6"), comparison symbols
("<=", ">30"), "equal to" phrasing, two-sided bounds written as two
comparisons ("above 1000 and below 1500": news writes "between"), slang
scales ("10G", "1MM", "2mil", "10 bln", "3 dzs"), "and a half" compounds,
and cases about IP addresses or phone numbers (those are rejected in context
by the extractor, not by the number parser).
"""
from __future__ import annotations

import pytest

from worker.core.numbers import find_numbers, parse_number
from worker.core.qualifiers import qualify

# NumberModel.json: surface -> integer value
NUMBER_CASES = [
    ("sixteen", 16),
    ("one hundred and sixteen", 116),
    ("one hundred and six", 106),
    ("one hundred and sixty-one", 161),
    ("hundred thousand", 100_000),
    ("half a  dozen", 6),
    ("a dozen", 12),
    ("1,234,567", 1_234_567),
    ("three", 3),
    ("1", 1),
    ("10k", 10_000),
    ("100k", 100_000),
    ("2 million", 2_000_000),
    ("1 trillion", 1_000_000_000_000),
    ("one trillion", 1_000_000_000_000),
    ("twenty-one trillion", 21_000_000_000_000),
    ("twenty-one trillion three hundred", 21_000_000_000_300),
    ("twenty-one trillion and three hundred", 21_000_000_000_300),
    ("fifty - two", 52),
    ("fifty   two", 52),
    ("Three hundred  and  thirty one", 331),
    ("two hundred and two thousand", 202_000),
    ("two  thousand  and  two hundred", 2200),
    ("2.33 k", 2330),
    ("322 hundred", 32_200),
    ("seventy", 70),
    ("fifty-two", 52),
    ("1.2b", 1_200_000_000),
    ("1 234 567", 1_234_567),
    ("40\u202f000", 40_000),
    ("1 414 021 100", 1_414_021_100),
    ("13 lakh", 1_300_000),
    ("1 crore", 10_000_000),
    ("12,567", 12_567),
    ("Twenty-six", 26),
    ("half million", 500_000),
    ("1,674,200", 1_674_200),
    ("zero", 0),
]


@pytest.mark.parametrize(("surface", "value"), NUMBER_CASES)
def test_recognizers_numeral_parses_to_the_same_integer(surface, value):
    assert parse_number(surface) == value


# NumberModel.json sentences: the scanner finds the numeral at the right place
FIND_CASES = [
    ("Twenty-six people die in accident at Techiman", "Twenty-six", 26),
    ("There are 12,567 words in this document", "12,567", 12_567),
    ("For now, China's population is 1 414 021 100.", "1 414 021 100", 1_414_021_100),
    ("I can give you 13 lakh", "13 lakh", 1_300_000),
    ("Half million eggs have been broken today", "Half million", 500_000),
]


@pytest.mark.parametrize(("text", "surface", "value"), FIND_CASES)
def test_recognizers_sentence_numeral_is_found_with_its_offsets(text, surface, value):
    nums = find_numbers(text)
    assert [(text[n.start:n.end], n.value) for n in nums] == [(surface, value)]


# NumberRangeModel.json: sentence -> (qualifier, value, low, high)
RANGE_CASES = [
    ("The number is between 20 and 30.", ("range", 20, 20, 30)),
    ("These apples are about 20~100", ("range", 20, 20, 100)),
    ("The number range is 20 through 100", ("range", 20, 20, 100)),
    ("The number range is from one thousand to one thousand and five hundred.", ("range", 1000, 1000, 1500)),
    ("This number is greater than 4,565", ("at_least", 4565, 4565, None)),
    ("He is more than thirty years old.", ("at_least", 30, 30, None)),
    ("He is over thirty years old.", ("at_least", 30, 30, None)),
    ("His age is no less than thirty.", ("at_least", 30, 30, None)),
    ("There're about five hundred or more in these products.", ("at_least", 500, 500, None)),
    ("There're about five hundred or less in these products.", ("at_most", 500, None, 500)),
    ("His height is below 170.", ("at_most", 170, None, 170)),
    ("His height is under 170.", ("at_most", 170, None, 170)),
    ("Fewer than a thousand giant pandas still live in the wild.", ("at_most", 1000, None, 1000)),
    ("His score is 200 or greater", ("at_least", 200, 200, None)),
    ("The number range is 1000-5000", ("range", 1000, 1000, 5000)),
    ("The number range is 1000 - 5000", ("range", 1000, 1000, 5000)),
    ("The number range is 1000–5000", ("range", 1000, 1000, 5000)),
    ("The number range is 1000 – 5000", ("range", 1000, 1000, 5000)),
    ("Can you show me records more than 30000 in 2009", ("at_least", 30000, 30000, None)),
    ("Can you show me records less than 3000 in 2009", ("at_most", 3000, None, 3000)),
    ("The number is from 200 to 3000000 in 2008", ("range", 200, 200, 3_000_000)),
    ("exceed 3000", ("at_least", 3000, 3000, None)),
    ("surpass 3000", ("at_least", 3000, 3000, None)),
    ("Nissan Motor Co. is planning to cut up to 700 contract workers.", ("at_most", 700, None, 700)),
    ("Number of cars which have horsepower exceeding 150", ("at_least", 150, 150, None)),
    ("The number range is 5k-20k", ("range", 5000, 5000, 20000)),
]


@pytest.mark.parametrize(("text", "expected"), RANGE_CASES)
def test_recognizers_bound_phrase_gives_the_same_interval(text, expected):
    nums = [n for n in find_numbers(text) if not (1900 <= n.value <= 2100 and n.high is None)]
    assert len(nums) == 1, nums
    assert qualify(text, nums[0])[:4] == expected


# NumberRangeModel.json negatives that matter for counts: no range is invented
def test_recognizers_year_month_is_not_a_range():
    assert all(n.high is None for n in find_numbers("1995-01"))
