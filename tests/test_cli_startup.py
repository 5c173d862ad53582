"""`claimtrack extract` starts without the store, the broker or the web stack (issue 10)."""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlalchemy", "celery", "fastapi", "store", "rich", "worker.review", "worker.cli_review",
         "worker.cli_queue", "worker.cli_web")


def loaded_after(code: str) -> dict:
    """Run ``code`` in a fresh interpreter after ``from worker.cli import cli``; the heavy
    modules it left imported, and what it printed."""
    probe = (
        "import json, sys\n"
        "from worker.cli import cli\n"
        f"{code}\n"
        f"heavy = sorted(m for m in sys.modules if m in {HEAVY!r} or m.split('.')[0] in {HEAVY!r})\n"
        "print(json.dumps(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    *printed, heavy = out.splitlines()
    return {"heavy": json.loads(heavy), "printed": printed}


def test_the_extract_command_loads_only_what_extraction_needs():
    got = loaded_after("print(cli.commands['extract'].name)")
    assert got["printed"] == ["extract"]
    assert got["heavy"] == []


def test_listing_the_commands_loads_every_command_module():
    got = loaded_after("print(' '.join(sorted(cli.commands)))")
    names = got["printed"][0].split()
    for name in ("claims", "extract", "ingest", "review", "export", "worker", "serve", "token", "db"):
        assert name in names
    assert "worker.cli_review" in got["heavy"] and "worker.cli_web" in got["heavy"]


def test_an_unknown_command_is_none_and_a_review_command_loads_its_module_alone():
    got = loaded_after("print(cli.commands.get('no-such-command'), cli.commands['review'].name)")
    assert got["printed"] == ["None review"]
    got = loaded_after("print(cli.commands['review'].name)")
    assert "worker.cli_review" in got["heavy"] and "worker.cli_web" not in got["heavy"]
