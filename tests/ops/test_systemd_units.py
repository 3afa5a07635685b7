"""The systemd units in deploy/systemd parse, start real entry points (the gunicorn and greenlist
console scripts, the WSGI application, the `worker` management command) and carry the restart
policy and hardening that docs/deploy.md promises."""

from __future__ import annotations

import configparser
import importlib
import shlex
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from django.core.management import get_commands
from gunicorn.config import Config

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
HARDENING = {
    "NoNewPrivileges": "true",
    "PrivateTmp": "true",
    "ProtectSystem": "strict",
    "ProtectHome": "true",
    "CapabilityBoundingSet": "",
}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((UNITS / name).read_text(encoding="utf-8"), source=name)
    return parser


def console_script(program: str) -> str:
    """The module:function behind an installed console script of this name."""
    (script,) = entry_points(group="console_scripts", name=Path(program).name)
    return script.value


def test_every_unit_file_is_tested():
    assert sorted(p.name for p in UNITS.glob("*.service")) == [
        "greenlist-web.service",
        "greenlist-worker.service",
    ]


@pytest.mark.parametrize("name", ["greenlist-web.service", "greenlist-worker.service"])
def test_units_have_environment_restart_policy_and_hardening(name):
    service = unit(name)
    assert set(service.sections()) == {"Unit", "Service", "Install"}
    settings = service["Service"]
    assert settings["EnvironmentFile"].startswith("/etc/greenlist/")
    assert settings["Restart"] in {"on-failure", "always"}
    assert float(settings["RestartSec"]) > 0
    assert settings["KillSignal"] == "SIGTERM"
    assert {key: settings.get(key) for key in HARDENING} == HARDENING
    assert settings["User"] != "root"
    assert "StartLimitBurst" in service["Unit"]
    assert service["Install"]["WantedBy"] == "multi-user.target"


def test_the_web_unit_runs_gunicorn_on_the_wsgi_application():
    command = shlex.split(unit("greenlist-web.service")["Service"]["ExecStart"])
    program, args = command[0], command[1:]
    assert console_script(program) == "gunicorn.app.wsgiapp:run"
    parsed = Config().parser().parse_args(args)  # refuses an option gunicorn does not know
    (app,) = parsed.args
    module, _, attribute = app.partition(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert int(parsed.workers) >= 2


def test_the_worker_unit_runs_the_greenlist_worker_command():
    service = unit("greenlist-worker.service")["Service"]
    program, command, *options = shlex.split(service["ExecStart"])
    assert console_script(program) == "greenlist.cli:main"
    assert command in get_commands()
    assert get_commands()[command] == "greenlist.commands"
    assert options == []
    # A stopping worker finishes its current import first: systemd must wait long enough.
    assert int(service["TimeoutStopSec"]) >= 300
