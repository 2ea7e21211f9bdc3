"""Read a course file (or folder) into a ``Course``, or say exactly what is wrong with it.

Only a file that cannot be read or parsed, or whose top-level shape is wrong, is refused
(``CourseError``). A wrong value in one field is a warning and the field is treated as
missing (see ``fields``), so the rest of the course loads and every problem is reported.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from coursemate.course import dates, fields, yamlsafe
from coursemate.course.errors import CourseError
from coursemate.course.experiments import parse_experiments
from coursemate.course.keys import KeyAllocator, experiment_key, module_key, named_key, slug
from coursemate.course.links import classify_link
from coursemate.course.model import (
    Assignment,
    Course,
    Event,
    Experiment,
    Link,
    Module,
    Resource,
    Session,
)
from coursemate.course.schema import (
    ASSIGNMENT_KEYS,
    EVENT_KEYS,
    MODULE_KEYS,
    PREREADING_KEYS,
    RESOURCE_KEYS,
    SESSION_KEYS,
    TOP_KEYS,
)
from coursemate.course.text import one_line

# Part of the parse cache's key: bump it when the same bytes would now read differently.
RULES = 3
MAX_BYTES = 5 * 1024 * 1024
SYLLABUS_FILE = "syllabus.yaml"
# A line of three or more dashes opens and closes the front matter (trailing blanks allowed).
_BOUNDARY = re.compile(r"^-{3,}[ \t]*\r?$", re.MULTILINE)


def resolve_course_path(path: Path | str) -> Path:
    """The course file for ``path``: the file itself, or a folder's ``index.md``."""
    p = Path(path).expanduser()
    if p.is_dir():
        index = p / "index.md"
        if not index.is_file():
            raise CourseError("this folder has no index.md course file", file=p)
        return index
    if not p.exists():
        raise CourseError("no such file or folder", file=p)
    if not p.is_file():
        raise CourseError("not a regular file", file=p)
    return p


@dataclass(frozen=True, slots=True)
class Source:
    """The raw bytes a course is built from: its file and, when present, ``syllabus.yaml``."""

    file: Path
    data: bytes
    syllabus_file: Path | None = None
    syllabus_data: bytes | None = None


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what is too large to be a course file."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CourseError(
                f"the file is {size / 1_048_576:.1f} MB; course files are limited to "
                f"{MAX_BYTES // 1_048_576} MB",
                file=path,
            )
        with path.open("rb") as handle:
            # Read one byte past the cap: the file may have grown since ``stat``.
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CourseError(f"cannot read the file: {exc.strerror or exc}", file=path) from None
    if len(data) > MAX_BYTES:
        raise CourseError(
            f"the file is over {MAX_BYTES // 1_048_576} MB, the limit for course files", file=path
        )
    return data


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text (a byte-order mark is dropped), refusing binary and other encodings."""
    if b"\x00" in data:
        raise CourseError("this is a binary file, not a Markdown course file", file=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CourseError(
            "the file is not UTF-8 text (save it as UTF-8)", file=path, line=line, column=column
        ) from None


def read_text(path: Path) -> str:
    """The file's text, refusing what is too large, binary, or not UTF-8."""
    return decode(read_bytes(path), path)


def read_source(path: Path | str) -> Source:
    """Resolve ``path`` and read the bytes of the course and its ``syllabus.yaml``."""
    file = resolve_course_path(path)
    data = read_bytes(file)
    external = file.parent / SYLLABUS_FILE
    if external.is_file():
        return Source(file, data, external, read_bytes(external))
    return Source(file, data)


def split_front_matter(text: str, path: Path) -> tuple[str, int, str]:
    """(front matter, line offset of its first line, body)."""
    boundaries = list(itertools.islice(_BOUNDARY.finditer(text), 2))
    if not boundaries or text[: boundaries[0].start()].strip():
        raise CourseError(
            "no front matter: a course file starts with a line of three dashes (---)",
            file=path,
            line=1,
            column=1,
        )
    if len(boundaries) < 2:
        raise CourseError(
            "the front matter is never closed: add a line of three dashes (---) after it",
            file=path,
            line=text[: boundaries[0].start()].count("\n") + 1,
            column=1,
        )
    opening, closing = boundaries[0], boundaries[1]
    front = text[opening.end() : closing.start()]
    offset = text[: opening.end()].count("\n")
    if front.startswith("\n"):
        front = front[1:]
        offset += 1
    return front, offset, text[closing.end() :].lstrip("\n")


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> yamlsafe.Document:
    try:
        return yamlsafe.load_document(text)
    except yamlsafe.YamlTooLarge:
        raise CourseError(
            "the YAML expands to too many values (aliases nested too deeply); refused",
            file=path,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.problem} ({exc.context}"
            start = exc.context_mark
            if start is not None and mark is not None and start.line != mark.line:
                problem += f" that starts at line {start.line + 1 + line_offset}"
            problem += ")"
        raise CourseError(
            f"invalid YAML: {problem}",
            file=path,
            line=(mark.line + 1 + line_offset) if mark else None,
            column=(mark.column + 1) if mark else None,
        ) from None
    except RecursionError:  # PyYAML's pure-Python parser, when libyaml is missing
        raise CourseError("invalid YAML: nested too deeply", file=path) from None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        # Plain YAMLErrors carry no mark; ValueError/OverflowError come from constructing
        # scalars such as an impossible date ("2025-13-45") or a huge timestamp.
        raise CourseError(f"invalid YAML: {one_line(str(exc))[:200]}", file=path) from None


def load_course(path: Path | str, *, site_url: str | None = None) -> Course:
    """Load a course file or folder; raises ``CourseError`` with file, line:column, field."""
    return parse_source(read_source(path), site_url=site_url)


def parse_source(source: Source, *, site_url: str | None = None) -> Course:
    """Build the course from bytes already read (the parse cache hashes the same bytes)."""
    file = source.file
    text = decode(source.data, file)
    front, offset, body = split_front_matter(text, file)
    doc = parse_yaml(front, file, offset)
    data = {} if doc.data is None else doc.data
    if not isinstance(data, Mapping):
        raise CourseError(
            f"the front matter must be a mapping of fields, got {fields.describe(data)}",
            file=file,
            line=offset + 1,
            column=1,
        )
    top = fields.Context(file, doc.root, offset)
    swept = [(top, doc)]
    top.check_keys(data, TOP_KEYS, "")
    # ``syllabus.yaml`` beside the file takes precedence, key by key, over the front matter's
    # ``syllabus`` and ``syllabusBefore``; problems are reported against the file that holds them.
    sources: dict[str, tuple[fields.Context, Any]] = {
        key: (top, data.get(key)) for key in ("syllabus", "syllabusBefore")
    }
    if source.syllabus_file is not None and source.syllabus_data is not None:
        ext_file = source.syllabus_file
        ext = parse_yaml(decode(source.syllabus_data, ext_file), ext_file)
        ext_ctx = fields.Context(ext_file, ext.root, 0, top.warnings, top.drafts)
        swept.append((ext_ctx, ext))
        if isinstance(ext.data, list):  # a bare list of modules
            sources["syllabus"] = (ext_ctx, ext.data)
        elif isinstance(ext.data, Mapping):
            ext_ctx.check_keys(ext.data, ("syllabus", "syllabusBefore"), "")
            for key in ("syllabus", "syllabusBefore"):
                if key in ext.data:
                    sources[key] = (ext_ctx, ext.data[key])
        elif ext.data is not None:
            raise CourseError(
                f"expected a mapping with 'syllabus', got {fields.describe(ext.data)}",
                file=ext_file,
                line=1,
                column=1,
            )
    course = build_course(data, sources, top, file, body, site_url)
    for ctx, parsed in swept:
        _warn_bad_dates(ctx, parsed)
    return replace(course, warnings=tuple(top.warnings), drafts=tuple(top.drafts))


def _warn_bad_dates(ctx: fields.Context, doc: yamlsafe.Document) -> None:
    """Impossible dates that no field read (and so warned about) are still reported."""
    for text in sorted(doc.bad_dates, key=lambda d: (d.line, d.column)):
        if not text.reported:
            ctx.warn_at(f"'{one_line(text)[:40]}' is not a real date; kept as text", text)


def _first(*values: Any) -> Any:
    return next((v for v in values if v not in (None, "", [], {})), None)


def build_course(
    data: Mapping[str, Any],
    sources: Mapping[str, tuple[fields.Context, Any]],
    top: fields.Context,
    file: Path,
    body: str,
    site_url: str | None,
) -> Course:
    # Older schema generations kept course text in ``delivery`` or ``offering`` blocks.
    legacy: dict[str, Any] = {}
    for block in ("delivery", "offering"):
        if isinstance(data.get(block), Mapping):
            legacy.update(data[block])
    written_title = _first(data.get("title"), data.get("shortTitle"), data.get("short_title"))
    title = fields.title(top, written_title, "title")
    if written_title is None:  # a title of the wrong type has been warned about already
        top.warn("the course has no title", "title")
    identity = (
        fields.identifier(data.get("id"))
        or slug(fields.identifier(data.get("slug")), 120)
        or slug(title, 120)
        or slug(file.parent.name if file.name == "index.md" else file.stem, 120)
        or "course"
    )
    proficiencies = data.get("course_proficiencies")
    level = _first(
        data.get("level"),
        legacy.get("skilllevel"),
        proficiencies[0] if isinstance(proficiencies, list) and proficiencies else None,
    )
    card_field = data.get("card")
    card = card_field if isinstance(card_field, Mapping) else {}
    syllabus_ctx, syllabus = sources["syllabus"]
    before_ctx, before = sources["syllabusBefore"]
    modules = parse_modules(syllabus_ctx, syllabus)
    # Warnings are attached by ``parse_source``, once the last ones (dates) are in.
    return Course(
        identity=identity,
        title=title,
        code=fields.title(
            top, _first(data.get("code"), legacy.get("code"), data.get("programCode")), "code"
        ),
        level=fields.title(top, level, "level"),
        description=fields.markdown(
            top,
            _first(data.get("description"), card.get("content"), legacy.get("lead")),
            "description",
        ),
        introduction=fields.markdown(top, data.get("introduction"), "introduction"),
        overview=fields.markdown(
            top, _first(data.get("overview"), legacy.get("details")), "overview"
        ),
        outcomes=fields.markdown(top, data.get("outcomes"), "outcomes"),
        objectives=fields.markdown(
            top, _first(data.get("objectives"), legacy.get("objectives")), "objectives"
        ),
        prerequisites=fields.markdown(
            top, _first(data.get("prerequisites"), legacy.get("prerequisites")), "prerequisites"
        ),
        audience=fields.markdown(
            top, _first(data.get("audience"), legacy.get("audience")), "audience"
        ),
        trainers=fields.string_list(top, data.get("trainers"), "trainers"),
        assessment=fields.markdown(
            top, _first(data.get("assessment"), legacy.get("certification")), "assessment"
        ),
        prereading=parse_prereading(before_ctx, before),
        modules=modules,
        events=parse_events(top, data.get("events"), modules),
        source=file,
        site_url=site_url,
        body=fields.markdown(top, body, "body"),
    )


def parse_prereading(ctx: fields.Context, value: Any) -> tuple[Resource, ...]:
    alloc = KeyAllocator()
    items: list[Resource] = []
    for _, path, entry in fields.items(ctx, value, "syllabusBefore"):
        ctx.check_keys(entry, PREREADING_KEYS, path)
        links = tuple(
            Link(
                title=fields.title(ctx, m.get("title"), f"{where}.title"),
                url=_link(ctx, m, ("url", "link"), where),
                type=fields.title(ctx, m.get("type"), f"{where}.type"),
            )
            for _, where, m in fields.mappings(ctx, entry.get("resources"), f"{path}.resources")
        )
        title = fields.title(ctx, entry.get("title"), f"{path}.title")
        link = _link(ctx, entry, ("link",), path) or next((lk.url for lk in links if lk.url), None)
        field = "duration" if entry.get("duration") not in (None, "") else "timeRequired"
        res = Resource(
            # Keys are handed out in file order, before sorting, so a weight change keeps them.
            key=alloc(named_key("pre", title, link)),
            kind="prereading",
            title=title,
            link=link,
            minutes=fields.minutes(ctx, entry.get(field), f"{path}.{field}"),
            type=fields.title(
                ctx, _first(entry.get("type"), links[0].type if links else None), f"{path}.type"
            ),
            weight=fields.weight(ctx, entry.get("weight"), f"{path}.weight"),
            description=fields.markdown(ctx, entry.get("description"), f"{path}.description"),
            links=links,
            content=fields.markdown(ctx, entry.get("content"), f"{path}.content"),
        )
        _resource_warnings(ctx, res, entry, path, field)
        items.append(res)
    return tuple(_by_weight(items))


def _by_weight(items: list[Resource]) -> list[Resource]:
    """Order by weight (missing weights last), then file order: ``sorted`` is stable."""
    return sorted(items, key=lambda r: (r.weight is None, r.weight or 0.0))


def _link(
    ctx: fields.Context, entry: Mapping[str, Any], names: tuple[str, ...], path: str
) -> str | None:
    """The first of the fields ``names`` that is written, as a link; a link the app will
    refuse to open (``javascript:``, ``file:``) is warned about here."""
    name = next((n for n in names if entry.get(n) not in (None, "")), names[0])
    field = f"{path}.{name}"
    link = fields.link(ctx, entry.get(name), field)
    if link is not None and classify_link(link)[0] == "refused":
        ctx.warn(
            f"the link '{_shorten(link)}' will not be opened: only web links (http/https) are",
            field,
        )
    return link


def _shorten(text: str, limit: int = 60) -> str:
    shown = one_line(text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _resource_warnings(
    ctx: fields.Context,
    res: Resource,
    raw: Mapping[str, Any],
    path: str,
    duration_field: str = "duration",
) -> None:
    name = f"'{res.title}'" if res.title else "an untitled resource"
    field = "url" if raw.get("link") in (None, "") and "url" in raw else "link"
    # A link f.link refused (not text, or holding control characters) had its own warning.
    if res.link is None and f"{path}.{field}" not in ctx.ignored:
        written = raw.get(field)
        if written is None or (isinstance(written, str) and not one_line(written)):
            ctx.warn(f"{name} has no link", f"{path}.link")
        elif isinstance(written, str):
            ctx.warn(
                f"{name} has no usable link ('{_shorten(written)}' is not a web address)",
                f"{path}.{field}",
            )
    if res.minutes is None and raw.get(duration_field) in (None, ""):
        # (A duration written wrongly has had its own warning.)
        ctx.warn(f"{name} has no duration", f"{path}.duration")


def parse_modules(ctx: fields.Context, value: Any) -> tuple[Module, ...]:
    alloc = KeyAllocator()
    modules: list[Module] = []
    seen_ids: dict[str, int] = {}
    for i, path, entry in fields.items(ctx, value, "syllabus"):
        ctx.check_keys(entry, MODULE_KEYS, path)
        title = fields.title(ctx, entry.get("title"), f"{path}.title")
        module_id = fields.identifier(entry.get("id")) or slug(title) or str(i + 1)
        if module_id in seen_ids:
            ctx.warn(
                f"module id '{module_id}' is used twice (also by syllabus[{seen_ids[module_id]}])",
                f"{path}.id",
            )
        seen_ids.setdefault(module_id, i)
        key = alloc(module_key(module_id, title))
        minutes = fields.minutes(ctx, entry.get("duration"), f"{path}.duration")
        if minutes is None and entry.get("duration") in (None, ""):
            ctx.warn(f"module '{title or module_id}' has no duration", f"{path}.duration")
        content = fields.markdown(ctx, entry.get("content"), f"{path}.content")
        if not content:
            parts = [
                fields.markdown(ctx, entry.get(k), f"{path}.{k}") for k in ("overview", "details")
            ]
            content = "\n\n".join(p for p in parts if p)
        modules.append(
            Module(
                key=key,
                id=module_id,
                number=len(modules) + 1,  # items that are not modules were skipped
                title=title,
                minutes=minutes,
                content=content,
                resources=parse_resources(ctx, entry.get("learningResources"), path, key),
                assignment=parse_assignment(
                    ctx, entry.get("assignment"), f"{path}.assignment", key
                ),
            )
        )
    return tuple(modules)


def parse_resources(
    ctx: fields.Context, value: Any, path: str, parent: str
) -> tuple[Resource, ...]:
    alloc = KeyAllocator()
    items: list[Resource] = []
    for _, rpath, entry in fields.items(ctx, value, f"{path}.learningResources"):
        ctx.check_keys(entry, RESOURCE_KEYS, rpath)
        title = fields.title(ctx, entry.get("title"), f"{rpath}.title")
        link = _link(ctx, entry, ("link", "url"), rpath)
        res = Resource(
            # Keys are handed out in file order, before sorting, so a weight change keeps them.
            key=alloc(named_key(f"{parent}/r", title, link)),
            kind="resource",
            title=title,
            link=link,
            minutes=fields.minutes(ctx, entry.get("duration"), f"{rpath}.duration"),
            type=fields.title(ctx, entry.get("type"), f"{rpath}.type"),
            weight=fields.weight(ctx, entry.get("weight"), f"{rpath}.weight"),
            description=fields.markdown(ctx, entry.get("description"), f"{rpath}.description"),
            parent_key=parent,
            content=fields.markdown(ctx, entry.get("content"), f"{rpath}.content"),
        )
        _resource_warnings(ctx, res, entry, rpath)
        items.append(res)
    return tuple(_by_weight(items))


def parse_assignment(ctx: fields.Context, value: Any, path: str, parent: str) -> Assignment | None:
    if value is None or value == "" or value == {}:
        return None
    if not isinstance(value, Mapping):
        ctx.ignore(f"expected a mapping of fields, got {fields.describe(value)}", path)
        return None
    entry = value
    ctx.check_keys(entry, ASSIGNMENT_KEYS, path)
    key = f"{parent}/a"
    alloc = KeyAllocator()
    experiments = tuple(
        Experiment(key=alloc(experiment_key(key, text)), text=text, parent_key=key)
        for text in parse_experiments(ctx, entry.get("examples"), f"{path}.examples")
    )
    return Assignment(
        key=key,
        title=fields.title(ctx, entry.get("title"), f"{path}.title") or "Assignment",
        content=fields.markdown(ctx, entry.get("content"), f"{path}.content"),
        experiments=experiments,
        parent_key=parent,
    )


def parse_events(ctx: fields.Context, value: Any, modules: tuple[Module, ...]) -> tuple[Event, ...]:
    by_id: dict[str, Module] = {}
    for m in modules:  # with a duplicated id, the first module wins (as with keys)
        by_id.setdefault(m.id, m)
    events: list[Event] = []
    for i, path, entry in fields.mappings(ctx, value, "events"):
        ctx.check_keys(entry, EVENT_KEYS, path)
        sessions = [
            _parse_session(ctx, s, where, f"e{i + 1}/s{j + 1}", by_id)
            for j, where, s in fields.mappings(ctx, entry.get("sessions"), f"{path}.sessions")
        ]
        start_date = fields.as_date(ctx, entry.get("start_date"), f"{path}.start_date")
        events.append(
            Event(
                key=f"e{i + 1}",
                start_date=start_date,
                location=fields.title(ctx, entry.get("location"), f"{path}.location"),
                sessions=_number_days(sessions),
                registration_link=_link(ctx, entry, ("registration_link",), path),
            )
        )
    return tuple(events)


def _parse_session(
    ctx: fields.Context, entry: Mapping[str, Any], path: str, key: str, by_id: Mapping[str, Module]
) -> Session:
    ctx.check_keys(entry, SESSION_KEYS, path)
    tz_name = fields.title(ctx, entry.get("timezone"), f"{path}.timezone")
    zone = dates.zone_named(tz_name) if tz_name else None
    if tz_name and zone is None:
        ctx.warn(f"unknown timezone '{tz_name}'; times are shown as written", f"{path}.timezone")
    start = fields.as_datetime(ctx, entry.get("start_datetime"), f"{path}.start_datetime")
    end = fields.as_datetime(ctx, entry.get("end_datetime"), f"{path}.end_datetime")
    if zone is not None:
        start = start.replace(tzinfo=zone) if start and start.tzinfo is None else start
        end = end.replace(tzinfo=zone) if end and end.tzinfo is None else end
    for moment, name in ((start, "start_datetime"), (end, "end_datetime")):
        problem = _beyond_the_calendar(moment) if moment is not None else None
        if problem:  # once per session: the end is usually on the same day
            ctx.warn(problem, f"{path}.{name}")
            break
    if start and end and (start.tzinfo is None) == (end.tzinfo is None):
        if end <= start:
            ctx.warn(
                f"the session ends ({dates.minute_text(end)}) before it starts "
                f"({dates.minute_text(start)})",
                f"{path}.end_datetime",
            )
        elif end.date() != start.date():
            ctx.warn(f"the session spans {(end.date() - start.date()).days + 1} days", path)
    ids = tuple(
        fields.identifier(v)
        for v in fields.as_list(ctx, entry.get("syllabus_ids"), f"{path}.syllabus_ids")
    )
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        ctx.warn(f"the session names unknown modules: {', '.join(unknown)}", f"{path}.syllabus_ids")
    return Session(
        key=key,
        day=0,
        start=start,
        end=end,
        timezone=tz_name,
        module_ids=ids,
        module_keys=tuple(by_id[i].key for i in ids if i in by_id),
    )


def _beyond_the_calendar(moment: datetime) -> str | None:
    """Why the schedule cannot be worked out from ``moment``, when it is at the very edge of
    the calendar (year 1 or 9999); the agenda then shows what it can and no catch-up."""
    if moment.tzinfo is not None and dates.in_zone(moment, UTC) is None:
        return (
            f"{dates.minute_text(moment)} is too close to the edge of the calendar to convert "
            "between timezones"
        )
    if dates.catch_up_after(moment.date()) is None:
        return (
            f"{moment.date().isoformat()} is too close to the end of the calendar: the catch-up "
            "two weeks later cannot be scheduled"
        )
    return None


def _number_days(sessions: list[Session]) -> tuple[Session, ...]:
    """Day numbers count distinct calendar dates within the event, in date order."""
    days = sorted({s.start.date() for s in sessions if s.start})
    numbered = []
    for index, s in enumerate(sessions):
        day = days.index(s.start.date()) + 1 if s.start else index + 1
        numbered.append(replace(s, day=day))
    return tuple(numbered)
