"""The examples in the core modules' docstrings hold (they document the mechanisms)."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import worker.core

MODULES = sorted(m.name for m in pkgutil.iter_modules(worker.core.__path__, "worker.core."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
