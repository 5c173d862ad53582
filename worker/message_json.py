"""How a worker decodes JSON messages: as kombu does, but no message can be nested so
deep that it stops the worker.

A prefork worker decodes each message in its main process and pickles the arguments to
a pool process. A payload nested a few hundred levels deep decodes, then fails to
pickle: the main process dies ("Unrecoverable error: RecursionError") and the message,
never acknowledged, comes back to kill the next worker. So values nested deeper than
``MAX_DEPTH`` are cut and replaced by ``{"$too_deep": MAX_DEPTH}`` (no article field is
a container: the article is then rejected with its reason), and a body too deep to
decode at all becomes one argument holding that marker. Registered by worker.tasks,
which every worker imports before it consumes.
"""
from __future__ import annotations

from kombu.serialization import register
from kombu.utils.json import dumps, loads as kombu_loads

MAX_DEPTH = 100
TOO_DEEP = "$too_deep"


def cut_deep(value, max_depth: int = MAX_DEPTH):
    """``value`` with every container deeper than ``max_depth`` levels replaced by the
    marker, walked without recursion.

    >>> cut_deep([[[1]]], max_depth=2)
    [[{'$too_deep': 2}]]
    """
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in list(children):
            if isinstance(child, (dict, list)):
                if depth + 1 >= max_depth:
                    node[key] = {TOO_DEEP: max_depth}
                else:
                    stack.append((child, depth + 1))
    return value


def too_deep(value) -> bool:
    """Whether ``value`` is the marker of a cut."""
    return isinstance(value, dict) and TOO_DEEP in value


def loads(s):
    """kombu's JSON decoding, with deep values cut (see the module's docstring)."""
    try:
        value = kombu_loads(s)
    except RecursionError:
        # a Celery message body is [args, kwargs, options]
        return [[{TOO_DEEP: MAX_DEPTH}], {}, {}]
    return cut_deep(value) if isinstance(value, (dict, list)) else value


def register_json() -> None:
    """Make ``application/json`` messages decode with :func:`loads` in this process."""
    register("json", dumps, loads, content_type="application/json", content_encoding="utf-8")
