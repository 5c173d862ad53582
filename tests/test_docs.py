"""The README stays true to the code: every setting the code reads is in its table."""
from __future__ import annotations

import re

from tests.conftest import ROOT


def test_every_environment_setting_is_in_the_readme_configuration_table():
    read = set(re.findall(r"CLAIMTRACK_[A-Z_]+", (ROOT / "worker" / "settings.py").read_text(encoding="utf-8")))
    table = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("| `CLAIMTRACK_")]
    documented = {name for line in table for name in re.findall(r"`(CLAIMTRACK_[A-Z_]+)`", line.split("|")[1])}
    assert len(read) >= 15
    assert read <= documented, f"read by worker/settings.py but not in the README table: {sorted(read - documented)}"


def test_every_task_the_worker_registers_is_in_the_readme():
    from worker import tasks  # noqa: F401 - registers the tasks
    from worker.celery_app import app

    names = {n for n in app.tasks if n.startswith("claimtrack.")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(names) >= 5
    assert {n for n in names if f"`{n}`" not in readme} == set()
