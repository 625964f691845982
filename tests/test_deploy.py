"""What can be checked of the container without building it: the Dockerfile's own install and
start commands run as written in a fresh virtual environment, and compose, the systemd unit
and .env.example name real `baton` commands and real settings."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from bot.config import ENV_NAMES
from bot.slack_standin import SlackStandIn
from store.migrate import Migrated
from tests.test_processes import free_port

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = set(ENV_NAMES.values())
README = (ROOT / "README.md").read_text()


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def env_of(args: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in shlex.split(args))


DOCKERFILE = instructions((ROOT / "Dockerfile").read_text())


def only(keyword: str) -> list[str]:
    return [args for k, args in DOCKERFILE if k == keyword]


def test_the_dockerfile_is_slim_non_root_and_installs_as_the_readme_does() -> None:
    assert only("FROM") == ["python:3.11-slim"]
    users = only("USER")
    assert users and users[-1] not in ("root", "0")
    install = [run for run in only("RUN") if "pip install" in run]
    readme_first = README.split("```sh\n", 1)[1].splitlines()[0]
    assert install == [readme_first.removesuffix(" && .venv/bin/baton demo")]
    assert only("CMD") == ['["baton", "serve"]']
    (healthcheck,) = only("HEALTHCHECK")
    assert "/healthz" in healthcheck and "curl" not in healthcheck


@pytest.mark.container
def test_the_dockerfile_commands_run_as_written_in_a_fresh_venv(tmp_path: Path) -> None:
    """COPY . . (minus .dockerignore), the RUN that installs, then the image's commands: the
    CMD's subcommand exists, `baton migrate` works on SQLite, and the HEALTHCHECK passes
    against a running `baton worker` (the one process that needs no signing secret)."""
    started = time.monotonic()
    app = tmp_path / "app"
    ignored = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines() if p.strip()]
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if (
            any(
                Path(name).match(pattern.removeprefix("**/")) or name.startswith(pattern + "/")
                for pattern in ignored
            )
            or not (ROOT / name).is_file()
        ):
            continue
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, app / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    for args in only("ENV"):
        for key, value in env_of(args).items():
            env[key] = value.replace("/app", str(app)).replace("$PATH", os.environ["PATH"])
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'data' / 'baton.db'}"
    (tmp_path / "data").mkdir()
    (install,) = [run for run in only("RUN") if "pip install" in run]
    subprocess.run(["sh", "-c", install], cwd=app, env=env, check=True, timeout=240)
    baton = app / ".venv" / "bin" / "baton"
    assert shutil.which("baton", path=env["PATH"]) == str(baton)

    (cmd,) = only("CMD")
    program, subcommand = yaml.safe_load(cmd)
    help_text = subprocess.run(
        [program, "--help"], env=env, cwd=app, capture_output=True, text=True, check=True
    ).stdout
    assert subcommand in help_text
    migrated = subprocess.run(
        [program, "migrate"], env=env, cwd=app, capture_output=True, text=True, timeout=60
    )
    assert migrated.returncode == 0, migrated.stderr
    assert "latest schema" in migrated.stdout

    slack = SlackStandIn(bot_token="xoxb-container")
    port = free_port()
    worker_env = {
        **env,
        "SLACK_BOT_TOKEN": "xoxb-container",
        "SLACK_API_URL": slack.serve(),
        "PORT": str(port),
    }
    worker = subprocess.Popen(
        [program, "worker"],
        env=worker_env,
        cwd=app,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        (healthcheck,) = only("HEALTHCHECK")
        probe = healthcheck.split(" CMD ", 1)[1]
        checked = subprocess.run(["sh", "-c", probe], env=worker_env, cwd=app, timeout=10)
        assert checked.returncode == 0
        broken = subprocess.run(["sh", "-c", probe], env={**worker_env, "PORT": "1"}, timeout=10)
        assert broken.returncode != 0  # the probe can fail
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        slack.stop()
    assert time.monotonic() - started < 240


def baton_commands(command: Any) -> list[str]:
    words = command if isinstance(command, list) else shlex.split(command)
    assert Path(words[0]).name == "baton", words
    return [str(w) for w in words[1:]]


def parses(args: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Run `baton <args>` in-process with the entry points replaced: which one it reached."""
    import bot.runtime
    from bot.cli import main

    reached: list[str] = []

    class Closable:
        def close(self) -> None:
            pass

        def dispose(self) -> None:
            pass

    monkeypatch.setattr(bot.runtime, "serve", lambda *a, **k: reached.append("serve"))
    monkeypatch.setattr(bot.runtime, "work", lambda *a, **k: reached.append("worker"))

    def migrate(*_args: object, **_kwargs: object) -> tuple[Closable, Migrated]:
        reached.append("migrate")
        return Closable(), Migrated("head", "head")

    monkeypatch.setattr(bot.runtime, "migrate_database", migrate)
    monkeypatch.chdir(tmp_path)
    assert main(args) == 0
    return reached[0]


def test_compose_runs_real_commands_with_real_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["postgres"]["image"] == "postgres:16"
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["postgres"]["volumes"])
    reached = {}
    for name in ("migrate", "serve", "worker"):
        service = services[name]
        assert service["env_file"] == ".env"
        assert set(service["environment"]) <= SETTINGS, name
        for key, value in service["environment"].items():
            monkeypatch.setenv(key, str(value))
        reached[name] = parses(baton_commands(service["command"]), monkeypatch, tmp_path)
    assert reached == {"migrate": "migrate", "serve": "serve", "worker": "worker"}
    assert services["serve"]["command"][1:] == ["serve", "--no-scheduler"]
    after = {"condition": "service_completed_successfully"}
    assert services["serve"]["depends_on"]["migrate"] == after
    assert services["worker"]["depends_on"]["migrate"] == after
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_the_systemd_unit_runs_real_commands(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    unit = (ROOT / "deploy" / "baton.service").read_text()
    starts = dict(re.findall(r"^(ExecStart|ExecStartPre)=(.+)$", unit, flags=re.M))
    assert parses(baton_commands(starts["ExecStartPre"]), monkeypatch, tmp_path) == "migrate"
    assert parses(baton_commands(starts["ExecStart"]), monkeypatch, tmp_path) == "serve"
    assert re.search(r"^User=baton$", unit, flags=re.M)


def test_env_example_and_readme_name_every_setting_and_only_real_ones() -> None:
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.M))
    assert named <= SETTINGS
    assert {"BATON_LOG_LEVEL", "BATON_LOG_FORMAT", "BATON_HEALTH_MAX_LAG"} <= named
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", README, flags=re.M))
    assert table == SETTINGS


def test_the_license_is_the_apache_license_the_package_declares() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License")
    assert "Version 2.0, January 2004" in text and "END OF TERMS AND CONDITIONS" in text
    assert 'license = "Apache-2.0"' in (ROOT / "pyproject.toml").read_text()
