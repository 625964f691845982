"""Where copy goes out and what each surface allows, read from `surfaces.yml`.

Limits live in a file, not in code, because platforms change them and teams add surfaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

PACKAGED = Path(__file__).resolve().parent / "surfaces.yml"
X_LINK_LENGTH = 23  # X counts every link as 23 characters, however long
_URL = re.compile(r"https?://\S+")
_HASHTAG = re.compile(r"(?<![\w#])#\w+")


class _SurfaceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Strict: YAML already gives ints and booleans, and `max_chars: yes` is a typo, not 1.
    max_chars: int | None = Field(default=None, gt=0, strict=True)
    max_hashtags: int | None = Field(default=None, ge=0, strict=True)
    subject_max: int | None = Field(default=None, gt=0, strict=True)
    link_required: bool = Field(default=False, strict=True)
    note: str | None = None


@dataclass(frozen=True)
class Surface:
    name: str
    max_chars: int | None = None
    max_hashtags: int | None = None
    subject_max: int | None = None
    link_required: bool = False
    note: str | None = None


def default_path() -> Path:
    """A team's own ./surfaces.yml wins over the one Baton ships."""
    local = Path("surfaces.yml")
    return local if local.is_file() else PACKAGED


def load_surfaces(path: Path | None = None) -> dict[str, Surface]:
    """Surfaces by name, in file order. A malformed file raises ValueError with one line that
    names the file and the problem, so a bad edit stops Baton at start-up, not at /draft."""
    source = path or default_path()
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{source}: cannot read surfaces ({_one_line(error)})") from error
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{source}: expected a mapping of surface names to their limits")
    surfaces: dict[str, Surface] = {}
    seen: dict[str, str] = {}
    for key, spec in data.items():
        name = str(key).strip()
        if not name:
            raise ValueError(f"{source}: a surface needs a name")
        if name.casefold() in seen:
            raise ValueError(f"{source}: {name} and {seen[name.casefold()]} are the same surface")
        seen[name.casefold()] = name
        if spec is not None and not isinstance(spec, dict):
            raise ValueError(
                f"{source}: {name}: expected its limits as a mapping, e.g. `max_chars: 280`"
            )
        try:
            checked = _SurfaceSpec.model_validate(spec or {})
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValueError(f"{source}: {name}.{where}: {first['msg']}") from error
        surfaces[name] = Surface(name=name, **checked.model_dump())
    return surfaces


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def constraints_text(surface: Surface) -> str:
    """One sentence for the /draft template, e.g. "X: at most 280 characters, at most 3
    hashtags." followed by the surface's note, if any."""
    limits = []
    if surface.max_chars:
        limits.append(f"at most {_count(surface.max_chars, 'character')}")
    if surface.max_hashtags == 0:
        limits.append("no hashtags")
    elif surface.max_hashtags is not None:
        limits.append(f"at most {_count(surface.max_hashtags, 'hashtag')}")
    if surface.subject_max:
        limits.append(f"a subject of at most {_count(surface.subject_max, 'character')}")
    if surface.link_required:
        limits.append("a link")
    said = ", ".join(limits) if limits else "no limits"
    note = f" {surface.note}" if surface.note else ""
    return f"{surface.name}: {said}.{note}"


def copy_length(surface: Surface, copy: str) -> int:
    """Characters as people count them: Unicode code points, not bytes or UTF-16 units."""
    # Only X shortens links (t.co): there every URL counts as 23 whatever its length. Other
    # surfaces count the URL as typed.
    if surface.name == "X":
        return len(_URL.sub("x" * X_LINK_LENGTH, copy))
    return len(copy)


def check_copy(
    surface: Surface, *, copy: str, subject: str | None, link: str | None
) -> dict[str, str]:
    """Problems by field label, each stating the excess."""
    problems: dict[str, str] = {}
    length = copy_length(surface, copy)
    copy_problems = []
    if surface.max_chars and length > surface.max_chars:
        over = length - surface.max_chars
        copy_problems.append(
            f"{length} characters: {over} over the {surface.name} limit of "
            f"{surface.max_chars}; cut {over}."
        )
    hashtags = len(_HASHTAG.findall(copy))
    if surface.max_hashtags is not None and hashtags > surface.max_hashtags:
        over = hashtags - surface.max_hashtags
        copy_problems.append(
            f"{_count(hashtags, 'hashtag')}: {over} over the {surface.name} limit of "
            f"{surface.max_hashtags}; remove {over}."
        )
    if copy_problems:
        problems["Copy"] = " ".join(copy_problems)
    if surface.subject_max and subject and len(subject) > surface.subject_max:
        over = len(subject) - surface.subject_max
        problems["Subject"] = (
            f"{len(subject)} characters: {over} over the {surface.name} subject limit of "
            f"{surface.subject_max}; cut {over}."
        )
    if surface.link_required and not (link or "").strip():
        problems["Link"] = f"{surface.name} drafts need a link (where the copy will live)."
    return problems
