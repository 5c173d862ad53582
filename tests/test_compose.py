"""docker-compose.yml and the Dockerfile name only things that exist in the project.

There is no Docker engine here, so the files are parsed and every command, module path
and environment variable they name is checked against the code: the click group, the
importable Celery app, and the variables ``worker/settings.py`` reads.
"""
from __future__ import annotations

import importlib
import re
import shlex

import click
import pytest
import yaml

from tests.conftest import ROOT
from worker.cli import cli

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def settings_variables() -> set[str]:
    """The environment variables worker/settings.py reads (by reading its source)."""
    source = (ROOT / "worker" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"""os\.environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]*)["']""", source))
    assert names, "found no os.environ reads in worker/settings.py"
    return names


def project_services(doc: dict) -> dict[str, dict]:
    """Services that run the claimtrack image (built from this repository)."""
    return {name: svc for name, svc in doc["services"].items() if "build" in svc}


def argv(command) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def check_claimtrack_command(args: list[str]) -> None:
    """Resolve ``claimtrack sub [sub …] --options`` against the click group, options included."""
    assert args and args[0] == "claimtrack", args
    group: click.Command = cli
    rest = args[1:]
    path = ["claimtrack"]
    while isinstance(group, click.Group) and rest and not rest[0].startswith("-"):
        sub = group.commands.get(rest[0])
        assert sub is not None, f"`{' '.join(path)}` has no command {rest[0]!r} (compose: {' '.join(args)})"
        group, rest, path = sub, rest[1:], [*path, rest[0]]
    if isinstance(group, click.Group):
        assert rest in ([], ["--help"], ["-h"]), f"`{' '.join(args)}` names a group, not a command"
        return
    # parsing (not invoking) fails on an unknown option or a bad value
    ctx = group.make_context(" ".join(path), list(rest))
    ctx.close()


def check_celery_command(args: list[str]) -> None:
    """``[python -m] celery -A module ...``: the module imports and holds a Celery app."""
    from celery import Celery

    i = args.index("-A") if "-A" in args else args.index("--app")
    module = importlib.import_module(args[i + 1].split(":")[0])
    assert any(isinstance(v, Celery) for v in vars(module).values()), f"{args[i + 1]} holds no Celery app"


def check_command(args: list[str]) -> str:
    if args[0] == "claimtrack":
        check_claimtrack_command(args)
        return "claimtrack"
    if "celery" in args[:3]:
        check_celery_command(args)
        return "celery"
    return "other"


def healthcheck_argv(svc: dict) -> list[str] | None:
    test = (svc.get("healthcheck") or {}).get("test")
    if not test:
        return None
    if isinstance(test, list) and test[0] == "CMD-SHELL":
        return shlex.split(test[1])
    if isinstance(test, list) and test[0] == "CMD":
        return list(test[1:])
    return shlex.split(test)


def test_compose_has_the_services_the_spec_lists():
    services = compose()["services"]
    assert {"redis", "postgres", "migrate", "worker", "beat"} <= set(services)


def test_postgres_has_a_healthcheck_and_migrate_waits_for_it():
    services = compose()["services"]
    assert healthcheck_argv(services["postgres"])[0] == "pg_isready"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert argv(services["migrate"]["command"]) == ["claimtrack", "db", "upgrade"]


def test_worker_and_beat_start_after_the_migration_and_redis():
    services = compose()["services"]
    for name in ("worker", "beat"):
        deps = services[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully", name
        assert deps["redis"]["condition"] == "service_healthy", name


def test_every_claimtrack_and_celery_command_exists():
    checked = []
    for name, svc in project_services(compose()).items():
        for args in (argv(svc["command"]), healthcheck_argv(svc)):
            if args:
                checked.append((name, check_command(args)))
    assert ("worker", "claimtrack") in checked and ("beat", "claimtrack") in checked
    assert ("worker", "celery") in checked


def test_a_misspelt_command_or_option_is_caught():
    with pytest.raises(AssertionError):
        check_claimtrack_command(["claimtrack", "wroker"])
    with pytest.raises(click.exceptions.NoSuchOption):
        check_claimtrack_command(["claimtrack", "beat", "--schedule-fle", "/tmp/x"])
    with pytest.raises(ModuleNotFoundError):
        check_celery_command(["celery", "-A", "worker.celery_ap", "worker"])


def test_every_environment_variable_is_one_the_code_reads():
    known = settings_variables()
    seen = set()
    for name, svc in project_services(compose()).items():
        env = svc.get("environment") or {}
        keys = env.keys() if isinstance(env, dict) else [e.split("=", 1)[0] for e in env]
        for key in keys:
            assert key in known, f"service {name} sets {key}, which worker/settings.py never reads"
            seen.add(key)
    assert {"CLAIMTRACK_DATABASE_URL", "CLAIMTRACK_BROKER_URL"} <= seen


def test_services_reach_each_other_by_service_name():
    doc = compose()
    env = doc["services"]["worker"]["environment"]
    assert "@postgres:" in env["CLAIMTRACK_DATABASE_URL"]
    assert env["CLAIMTRACK_BROKER_URL"].startswith("redis://redis:")


def test_redis_is_persistent_so_a_restart_loses_no_message():
    args = argv(compose()["services"]["redis"]["command"])
    assert args[args.index("--appendonly") + 1] == "yes"
    assert args[args.index("--appendfsync") + 1] in ("always", "everysec")


def test_dockerfile_copies_files_that_exist_and_runs_a_real_command():
    text = DOCKERFILE.read_text(encoding="utf-8")
    copies = [line.split()[1:-1] for line in text.splitlines() if line.startswith("COPY ")]
    assert copies
    for sources in copies:
        for src in sources:
            assert (ROOT / src).exists(), f"Dockerfile copies {src}, which does not exist"
    cmd = re.search(r"^CMD (\[.*\])$", text, re.M)
    assert cmd is not None
    check_command(yaml.safe_load(cmd.group(1)))
    for svc in project_services(compose()).values():
        assert svc["build"] == "." and (ROOT / "Dockerfile").exists()
