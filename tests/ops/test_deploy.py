"""What can be checked of the image without a Docker daemon: the Dockerfile's structure (a pinned
base, the lock installed before Baton's wheel, nothing from the checkout but the package), its
stages run as written in directories standing in for the image, and compose, the systemd unit
and .env.example naming real `baton` commands and settings, listening where the README says."""

from __future__ import annotations

import ipaddress
import re
import shlex
import shutil
import subprocess
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from bot.config import ENV_NAMES
from bot.slack_standin import SlackStandIn
from store.migrate import Migrated
from tests.dockerfile import Builder, Stage, context_files, env_of, ignored, stages
from tests.ops.test_processes import free_port

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = set(ENV_NAMES.values())
README = (ROOT / "README.md").read_text()


PINNED_BASE = re.compile(r"python:3\.11\.\d+-slim-[a-z]+")  # a patch release, not a moving tag
STAGES = stages((ROOT / "Dockerfile").read_text())
FINAL = STAGES[-1]
LOCK = ROOT / "requirements.lock"
# The image's marker environment (pyproject's `; sys_platform == 'win32'` and the like).
IMAGE_MARKERS = {
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "python_version": "3.11",
}


def shell_commands(stage: Stage) -> list[str]:
    """Each command of each RUN, split at `&&`."""
    return [part.strip() for step in stage.only("RUN") for part in step.args.split("&&")]


def context_inputs(stage: Stage) -> list[tuple[int, str]]:
    """(step index, path) of everything a stage takes from the build context, in order."""
    out = []
    for index, step in enumerate(stage.steps):
        if step.keyword in ("COPY", "ADD") and "from" not in step.flags:
            out += [(index, source) for source in shlex.split(step.args)[:-1]]
        out += [(index, m["source"]) for m in step.mounts() if "from" not in m]
    return out


def locked() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in LOCK.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][0-9A-Za-z.+!-]*)", line)
        assert match, f"not a plain pin: {line!r}"
        name = canonicalize_name(match[1])
        assert name not in pins, f"{name} pinned twice"
        pins[name] = Version(match[2])
    return pins


def test_the_image_builds_on_one_pinned_python_in_two_stages() -> None:
    assert len(STAGES) == 2 and STAGES[0].name
    assert {stage.base for stage in STAGES} == {STAGES[0].base}
    assert PINNED_BASE.fullmatch(STAGES[0].base), STAGES[0].base


def test_the_image_takes_only_the_lock_from_the_checkout_and_installs_it_first() -> None:
    """Stage 1 builds the wheel from the package's own files; the image itself takes nothing from
    the checkout but requirements.lock, installed before Baton's wheel arrives from stage 1: a
    code change leaves the dependency layer cached."""
    build_inputs = {path.rstrip("/") for _, path in context_inputs(STAGES[0])}
    assert build_inputs == {"pyproject.toml", "README.md", "LICENSE", "bot", "store"}
    assert [path for _, path in context_inputs(FINAL)] == ["requirements.lock"]
    ((lock_step, _),) = context_inputs(FINAL)
    assert "-r /tmp/requirements.lock" in FINAL.steps[lock_step].args
    from_build = [
        index
        for index, step in enumerate(FINAL.steps)
        if "from" in step.flags or any("from" in m for m in step.mounts())
    ]
    assert from_build and min(from_build) > lock_step
    (wheel_step,) = from_build
    assert ".whl" in FINAL.steps[wheel_step].args
    assert shell_commands(FINAL)[-1].endswith('pip" check')  # the locked set satisfies Baton


def test_every_pip_step_is_a_plain_uncached_install() -> None:
    pip = [c for stage in STAGES for c in shell_commands(stage) if re.search(r"\bpip\b", c)]
    assert len(pip) >= 4
    for command in pip:
        words = shlex.split(command)
        assert "-e" not in words and "--editable" not in words, command
        if {"install", "wheel"} & set(words):
            assert "--no-cache-dir" in words, command
    (wheel,) = [c for c in pip if " wheel " in c]
    assert "--no-deps" in shlex.split(wheel)


def test_the_image_runs_baton_serve_as_a_non_root_user_with_a_healthcheck() -> None:
    users = [step.args for step in FINAL.only("USER")]
    assert users and users[-1] not in ("root", "0")
    assert any(c.startswith("useradd ") and users[-1] in c for c in shell_commands(FINAL))
    (healthcheck,) = FINAL.only("HEALTHCHECK")
    assert "/healthz" in healthcheck.args and "curl" not in healthcheck.args


def test_the_lock_pins_every_runtime_dependency_within_pyproject_ranges() -> None:
    pins = locked()
    assert "baton" not in pins
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate(IMAGE_MARKERS):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock (deploy/lock.sh)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (line, pins[name])
    for tool in ("pytest", "ruff", "mypy", "hypothesis"):  # frozen from a dev venv by mistake
        assert tool not in pins


def test_the_build_context_is_what_the_image_is_built_from() -> None:
    files = context_files(ROOT)
    assert {name.split("/")[0] for name in files} == {
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "requirements.lock",
        "bot",
        "store",
    }
    dockerignore = (ROOT / ".dockerignore").read_text()
    assert not ignored("bot/app.py", dockerignore)
    assert not ignored("store/migrations/versions/0001_initial_schema.py", dockerignore)
    for leftover in (
        ".env",
        "bot/.env",
        "baton.db",
        "bot/baton.db-wal",
        "baton.db.migrate-lock",
        "store/baton.db.migrate-lock",
        "bot/__pycache__/app.cpython-311.pyc",
        "tests/ops/test_deploy.py",
        "bench/common.py",
        "deploy/baton.service",
        ".git/HEAD",
        ".venv/bin/python",
        "docs/notes.md",
    ):
        assert ignored(leftover, dockerignore), leftover


def base_python(base: str) -> str:
    """The real interpreter of the base image's Python version here (python3.11 for 3.11.x)."""
    version = re.match(r"python:(\d+\.\d+)", base)
    assert version, base
    major_minor = version[1]
    found = shutil.which(f"python{major_minor}")
    if not found:
        pytest.skip(f"needs python{major_minor}, the image's Python")
    return subprocess.run(
        [found, "-c", "import sys; print(sys.executable)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.mark.container
def test_the_dockerfile_builds_and_runs_outside_docker(tmp_path: Path) -> None:
    """The build context copied as Docker would send it, every stage's steps run (all but the
    root-only useradd), then the image's commands: `baton migrate` on SQLite, the CMD serving,
    and the HEALTHCHECK passing against it."""
    started = time.monotonic()
    context = tmp_path / "context"
    for name in context_files(ROOT):
        (context / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, context / name)
    builder = Builder(context, tmp_path / "fs", base_python(FINAL.base))
    for index, stage in enumerate(STAGES[:-1]):
        builder.build(stage, index, skip=())
    root, env = builder.build(FINAL, len(STAGES) - 1, skip=("useradd ",))
    venv = Path(env["VIRTUAL_ENV"])
    assert venv.is_relative_to(root)
    baton = venv / "bin" / "baton"
    assert shutil.which("baton", path=env["PATH"]) == str(baton)
    (record,) = venv.glob("lib/python*/site-packages/baton-*.dist-info/RECORD")
    installed = {line.split("/")[0] for line in record.read_text().splitlines()}
    assert installed - {"..", record.parent.name} == {"bot", "store"}  # no tests, no bench

    (workdir,) = [step.args for step in FINAL.only("WORKDIR")]
    cwd = root / workdir.lstrip("/")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'baton.db'}"
    (cmd,) = FINAL.only("CMD")
    program, *args = yaml.safe_load(cmd.args)
    help_text = subprocess.run(
        [program, "--help"], env=env, cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
    assert args[0] in help_text
    migrated = subprocess.run(
        [program, "migrate"], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert migrated.returncode == 0, migrated.stderr
    assert "latest schema" in migrated.stdout

    slack = SlackStandIn(bot_token="xoxb-container")
    port = free_port()
    serve_env = {
        **env,
        "SLACK_BOT_TOKEN": "xoxb-container",
        "SLACK_SIGNING_SECRET": "container-secret",
        "SLACK_API_URL": slack.serve(),
        "PORT": str(port),
    }
    server = subprocess.Popen(
        [program, *args], env=serve_env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        (healthcheck,) = FINAL.only("HEALTHCHECK")
        assert healthcheck.args.startswith("CMD "), healthcheck.args
        probe = healthcheck.args.removeprefix("CMD ")
        checked = subprocess.run(["sh", "-c", probe], env=serve_env, cwd=cwd, timeout=10)
        assert checked.returncode == 0
        broken = subprocess.run(["sh", "-c", probe], env={**serve_env, "PORT": "1"}, timeout=10)
        assert broken.returncode != 0  # the probe can fail
    finally:
        server.terminate()
        server.wait(timeout=20)
        slack.stop()
    assert time.monotonic() - started < 240


def baton_commands(command: Any) -> list[str]:
    words = command if isinstance(command, list) else shlex.split(command)
    assert Path(words[0]).name == "baton", words
    return [str(w) for w in words[1:]]


def reaches(
    args: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[str, dict[str, Any]]:
    """Run `baton <args>` in-process with the entry points replaced: which one it reached, and
    with which keyword arguments (`host`, the interface it would listen on)."""
    import bot.runtime
    from bot.cli import main

    reached: list[tuple[str, dict[str, Any]]] = []

    class Closable:
        def close(self) -> None:
            pass

        def dispose(self) -> None:
            pass

    monkeypatch.setattr(bot.runtime, "serve", lambda *a, **k: reached.append(("serve", k)))
    monkeypatch.setattr(bot.runtime, "work", lambda *a, **k: reached.append(("worker", k)))

    def migrate(*_args: object, **kwargs: Any) -> tuple[Closable, Migrated]:
        reached.append(("migrate", kwargs))
        return Closable(), Migrated("head", "head")

    monkeypatch.setattr(bot.runtime, "migrate_database", migrate)
    monkeypatch.chdir(tmp_path)
    assert main(args) == 0
    return reached[0]


def parses(args: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    return reaches(args, monkeypatch, tmp_path)[0]


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
    assert "--no-scheduler" in services["serve"]["command"]
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


def test_compose_publishes_on_loopback_only_what_listens_on_all_interfaces_inside(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The HTTPS proxy on the host reaches the port; nothing else does. Inside the container
    Baton must listen on 0.0.0.0, or the port mapping reaches nothing."""
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    published = {name: s["ports"] for name, s in services.items() if "ports" in s}
    assert published == {"serve": ["127.0.0.1:3000:3000"]}  # host address:host port:container port
    command, kwargs = reaches(baton_commands(services["serve"]["command"]), monkeypatch, tmp_path)
    assert (command, kwargs["host"]) == ("serve", "0.0.0.0")
    (image_cmd,) = FINAL.only("CMD")
    command, kwargs = reaches(baton_commands(yaml.safe_load(image_cmd.args)), monkeypatch, tmp_path)
    assert (command, kwargs["host"]) == ("serve", "0.0.0.0")
    image_env = {k: v for step in FINAL.only("ENV") for k, v in env_of(step.args).items()}
    assert image_env["PORT"] == "3000"


def test_the_systemd_unit_listens_on_loopback_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every process the unit starts, or its comment says to start, that listens on $PORT."""
    unit = (ROOT / "deploy" / "baton.service").read_text()
    starts = re.findall(r"ExecStart=([^`\n]+)", unit)
    listening = {}
    for start in starts:
        command, kwargs = reaches(baton_commands(start), monkeypatch, tmp_path)
        listening[command] = kwargs["host"]
    assert set(listening) == {"serve", "worker"}
    for command, host in listening.items():
        assert ipaddress.ip_address(host).is_loopback, (command, host)


def test_env_example_names_only_real_settings() -> None:
    # docs/configuration.md's table of every setting is checked in tests/test_readme.py.
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.M))
    assert named <= SETTINGS
    assert {"BATON_LOG_LEVEL", "BATON_LOG_FORMAT", "BATON_HEALTH_MAX_LAG"} <= named


def test_the_license_is_the_apache_license_the_package_declares() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License")
    assert "Version 2.0, January 2004" in text and "END OF TERMS AND CONDITIONS" in text
    assert 'license = "Apache-2.0"' in (ROOT / "pyproject.toml").read_text()
