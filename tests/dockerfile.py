"""Enough of Dockerfile and .dockerignore syntax to check this project's image without a Docker
daemon (there is none in CI): parse the stages, compute the build context, and run a stage's
steps in a directory that stands in for the image's filesystem."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Step:
    keyword: str  # FROM, RUN, COPY, ... upper-cased
    flags: dict[str, list[str]]  # --mount=..., --from=...: name -> values, in order
    args: str  # the rest: a shell command, or COPY's sources and destination

    def flag(self, name: str) -> str | None:
        values = self.flags.get(name, [])
        return values[-1] if values else None

    def mounts(self) -> list[dict[str, str]]:
        mounts = self.flags.get("mount", [])
        return [dict(part.split("=", 1) for part in mount.split(",")) for mount in mounts]


@dataclass
class Stage:
    base: str
    name: str | None
    steps: list[Step] = field(default_factory=list)

    def only(self, keyword: str) -> list[Step]:
        return [step for step in self.steps if step.keyword == keyword]


def steps(text: str) -> list[Step]:
    """Instructions in order: continuation lines joined, comments and parser directives dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if not line.strip():
            continue
        keyword, _, rest = line.strip().partition(" ")
        flags: dict[str, list[str]] = {}
        rest = rest.strip()
        while rest.startswith("--"):
            flag, _, rest = rest.partition(" ")
            name, _, value = flag[2:].partition("=")
            flags.setdefault(name, []).append(value)
            rest = rest.strip()
        out.append(Step(keyword.upper(), flags, rest))
    return out


def stages(text: str) -> list[Stage]:
    out: list[Stage] = []
    for step in steps(text):
        if step.keyword == "FROM":
            base, *name = re.split(r"\s+as\s+", step.args, flags=re.I)
            out.append(Stage(base.strip(), name[0].strip() if name else None))
        else:
            assert out, f"{step.keyword} before any FROM"
            out[-1].steps.append(step)
    return out


def env_of(args: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in shlex.split(args))


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go filepath.Match plus `**`) as a regular expression."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def ignored(path: str, dockerignore: str) -> bool:
    """Whether Docker leaves `path` (relative, with /) out of the build context: the last matching
    pattern decides, `!` re-includes, and a pattern matching a directory covers what is in it."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for line in dockerignore.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        include = line.startswith("!")
        regex = _pattern_regex(os.path.normpath(line.removeprefix("!")).lstrip("/"))
        if any(regex.match(prefix) for prefix in prefixes):
            verdict = not include
    return verdict


def context_files(root: Path) -> list[str]:
    """The files `docker build root` would send: the working copy minus .dockerignore."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    dockerignore = (root / ".dockerignore").read_text()
    return sorted(
        name for name in listed if (root / name).is_file() and not ignored(name, dockerignore)
    )


class Builder:
    """Runs stages' steps with a directory per stage standing in for its filesystem root: COPY
    copies from the context (or another stage), RUN runs under `sh` with absolute paths of ENV
    and bind mounts moved under that directory, `python` is the given interpreter (the base
    image's), and the steps `skip` names (e.g. useradd, which needs root) are left out."""

    def __init__(self, context: Path, workspace: Path, python: str) -> None:
        self.context = context
        self.workspace = workspace
        self.roots: dict[str, Path] = {}
        base_bin = workspace / "base-bin"
        base_bin.mkdir(parents=True)
        (base_bin / "python").symlink_to(python)
        outside = {
            k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))
        }
        self.base_env = {**outside, "PATH": f"{base_bin}{os.pathsep}{outside['PATH']}"}

    def build(self, stage: Stage, index: int, skip: tuple[str, ...]) -> tuple[Path, dict[str, str]]:
        """Runs `stage`; returns its root and the environment its container would start with."""
        root = self.workspace / f"stage-{index}"
        self.roots[stage.name or str(index)] = root
        root.mkdir()
        env = dict(self.base_env)
        cwd = root
        for step in stage.steps:
            if step.keyword == "ENV":
                for key, value in env_of(step.args).items():
                    env[key] = self._env_value(root, value, env)
            elif step.keyword == "WORKDIR":
                cwd = root / step.args.lstrip("/")
                cwd.mkdir(parents=True, exist_ok=True)
            elif step.keyword == "COPY":
                self._copy(step, cwd)
            elif step.keyword == "RUN" and not step.args.startswith(skip):
                command = step.args
                for mount in step.mounts():
                    assert mount.get("type") == "bind", mount
                    origin = self.roots[mount["from"]] if "from" in mount else self.context
                    source = origin / mount["source"].lstrip("/")
                    command = command.replace(mount["target"], str(source))
                subprocess.run(["sh", "-c", command], cwd=cwd, env=env, check=True, timeout=300)
        return root, env

    def _env_value(self, root: Path, value: str, env: dict[str, str]) -> str:
        if value.startswith("/"):  # a path, or a PATH-like list: move absolute parts under root
            parts = value.split(os.pathsep)
            return os.pathsep.join(
                env["PATH"] if p == "$PATH" else str(root / p.lstrip("/")) for p in parts
            )
        return value

    def _copy(self, step: Step, cwd: Path) -> None:
        assert set(step.flags) <= {"from"}, step.flags
        *sources, destination = shlex.split(step.args)
        origin = self.roots[step.flags["from"][-1]] if "from" in step.flags else self.context
        assert destination.endswith("/") or destination == ".", "COPY into a directory"
        target = cwd / destination
        for source in sources:
            path = origin / source.lstrip("/")
            if path.is_dir():  # a directory's contents, as Docker copies them
                shutil.copytree(path, target, dirs_exist_ok=True)
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target / path.name)
