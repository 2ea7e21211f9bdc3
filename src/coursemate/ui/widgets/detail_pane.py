"""The reading pane: Markdown about the selected item, with a progress bar for containers.

Course text reaches Markdown in two ways: content fields are Markdown and render as such;
titles, links and other one-line text are backslash-escaped first so they show literally.
The learner's text (notes, reflections, own experiments) comes from the store, which can be
written by hand, by an older version or by an import: it is cleaned as it is shown.
Links are shown as text; ``o`` and ``c`` act on them (see ``coursemate.ui.links``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import ProgressBar, Static

from coursemate.course.kinds import readable_kind
from coursemate.course.model import Assignment, Course, Experiment, Module, Resource
from coursemate.course.text import clean, one_line
from coursemate.plural import counted, noun
from coursemate.progress.checklist import REFLECTION_FIELDS, REFLECTION_LABELS
from coursemate.progress.store import OwnExperiment
from coursemate.ui.links import resolve_link
from coursemate.ui.widgets.render_once import RenderOnce
from coursemate.ui.widgets.syllabus_items import (
    BOX,
    BOX_CHECKED,
    TICK,
    PrereadingGroup,
    TreeItem,
    minutes_text,
    resource_icon,
)

if TYPE_CHECKING:
    from coursemate.progress.maths import CourseProgress, ModuleProgress
    from coursemate.progress.store import Store

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def md_escape(text: str) -> str:
    """One-line course text made literal inside Markdown (every ASCII punctuation escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def quote_block(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in text.splitlines())


def trainer_name(value: str) -> str:
    """Site files name trainers by profile path ("/company/people/jane-doe/"): show "Jane Doe"."""
    if "/" not in value:
        return value
    last = next((part for part in reversed(value.split("/")) if part), value)
    return last.replace("-", " ").title()


@dataclass(frozen=True)
class Detail:
    """What the pane shows: a plain-text title (never markup) and a Markdown body."""

    title: str
    markdown: str


@dataclass(frozen=True)
class DetailContext:
    """What the pane needs besides the item: the learner's state and the progress maths."""

    course: Course
    store: Store
    progress: CourseProgress

    @property
    def course_id(self) -> str:
        return self.course.identity


def _progress_line(p: ModuleProgress, what: str = "resource") -> str:
    if not p.items_total:
        return f"No {what}s to track."
    return (
        f"**{p.items_done}/{p.items_total}** {noun(p.items_total, what)} done · "
        f"{p.minutes_done}/{p.minutes_total} min · **{p.minutes_left} min left** · {p.percent}%"
    )


def _link_lines(link: str | None, site_url: str | None) -> list[str]:
    if not link:
        return ["**Link:** none"]
    target = resolve_link(link, site_url)
    if target.url is not None:
        shown = md_escape(link)
        if target.url != link:  # a site- or page-relative link: show where it leads
            shown += f" → {md_escape(target.url)}"
        return [f"**Link:** {shown}", "", "*`o` opens it in the browser, `c` copies it.*"]
    return [f"**Link:** {md_escape(link)}", "", f"*{md_escape(target.problem or '')}*"]


def _note_lines(ctx: DetailContext, key: str) -> list[str]:
    note = clean(ctx.store.note(ctx.course_id, key))
    if not note.strip():
        return ["", "*No note yet — press `e` to write one.*"]
    return ["", "### My note", "", quote_block(note)]


def course_markdown(ctx: DetailContext) -> Detail:
    c = ctx.course
    facts = [counted(len(c.modules), "module"), minutes_text(c.minutes) if c.minutes else ""]
    if c.code:
        facts.insert(0, md_escape(c.code))
    if c.level:
        facts.append(f"level: {md_escape(c.level)}")
    lines = [" · ".join(f for f in facts if f), ""]
    lines += ["**Pre-reading and resources:** " + _progress_line(ctx.progress.overall, "item")]
    if c.trainers:
        lines += ["", "**Trainers:** " + ", ".join(md_escape(trainer_name(t)) for t in c.trainers)]
    if c.warnings:
        warnings = counted(len(c.warnings), "warning")
        lines += ["", f"*This course file has {warnings} — press `w` to see them.*"]
    sections = [
        ("About", c.description),
        ("Introduction", c.introduction),
        ("Overview", c.overview),
        ("Outcomes", c.outcomes),
        ("Objectives", c.objectives),
        ("Prerequisites", c.prerequisites),
        ("Audience", c.audience),
        ("Assessment", c.assessment),
    ]
    for heading, body in sections:
        if body.strip():
            lines += ["", f"### {heading}", "", body.strip()]
    return Detail(c.title or "Course", "\n".join(lines))


def _resource_bullet(ctx: DetailContext, res: Resource) -> str:
    done = ctx.store.is_done(ctx.course_id, res.key)
    mark = TICK if done else BOX
    return f"- {mark} {md_escape(res.title or '(untitled)')} · {minutes_text(res.minutes)}"


def group_markdown(ctx: DetailContext, group: PrereadingGroup) -> Detail:
    lines = [_progress_line(ctx.progress.prereading, "item"), ""]
    lines += [_resource_bullet(ctx, r) for r in group.resources]
    return Detail(group.title, "\n".join(lines))


def module_markdown(ctx: DetailContext, module: Module) -> Detail:
    p = ctx.progress.modules.get(module.key)
    lines: list[str] = []
    if module.minutes is not None:
        lines += [f"Session time: {module.minutes} min", ""]
    if p is not None:
        lines += [_progress_line(p), ""]
    if module.content.strip():
        lines += [module.content.strip(), ""]
    if module.resources:
        lines += ["### Resources", ""]
        lines += [_resource_bullet(ctx, r) for r in module.resources]
        lines.append("")
    if module.assignment is not None:
        lines += ["### Assignment", "", md_escape(module.assignment.title)]
    lines += _note_lines(ctx, module.key)
    return Detail(f"{module.number} · {module.title or 'Module'}", "\n".join(lines))


# A resource's own text is shown up to this many characters: the pane renders it on every
# cursor move, and a file can hold megabytes in one field.
MAX_CONTENT_CHARS = 20_000


def bounded_markdown(text: str, limit: int = MAX_CONTENT_CHARS) -> str:
    """``text`` cut at a paragraph (else a line) before ``limit``, saying how much is left out."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind("\n\n", 0, limit)
    if cut < limit // 2:
        cut = text.rfind("\n", 0, limit)
    if cut < limit // 2:
        cut = limit
    rest = len(text) - cut
    return f"{text[:cut].rstrip()}\n\n*… {rest:,} more characters are in the course file.*"


def kind_text(resource_type: str) -> str:
    """The readable kind, with the type as the file writes it when that differs."""
    kind = readable_kind(resource_type)
    shown = md_escape(kind) if kind else "unknown"
    raw = one_line(resource_type)
    if raw and raw != kind:
        shown += f" (type: {md_escape(raw)})"
    return shown


def resource_markdown(ctx: DetailContext, res: Resource) -> Detail:
    done = ctx.store.is_done(ctx.course_id, res.key)
    kind = "Pre-reading" if res.kind == "prereading" else "Resource"
    state = f"{TICK} done" if done else "not done — `space` marks it done"
    lines = [
        f"{kind} · **Kind:** {kind_text(res.type)} · **Time:** {minutes_text(res.minutes)}",
        "",
        f"**State:** {state}",
        "",
        *_link_lines(res.link, ctx.course.site_url),
    ]
    if res.description.strip():
        lines += ["", res.description.strip()]
    if res.content.strip():
        lines += ["", bounded_markdown(res.content)]
    if res.links:
        lines += ["", "### Links", ""]
        for extra in res.links:
            name = md_escape(extra.title or extra.url or "link")
            target = resolve_link(extra.url, ctx.course.site_url)
            lines.append(f"- [{name}](<{target.url}>)" if target.url else f"- {name}")
    lines += _note_lines(ctx, res.key)
    return Detail(f"{resource_icon(res.type)} {res.title or '(untitled)'}", "\n".join(lines))


def _experiment_bullet(ctx: DetailContext, key: str, text: str, own: bool) -> str:
    chosen = ctx.store.is_chosen(ctx.course_id, key)
    state = ctx.store.experiment(ctx.course_id, key) if chosen else None
    status = f" · *{state.status}*" if state is not None else ""
    mine = "(mine) " if own else ""
    return f"- {BOX_CHECKED if chosen else BOX} {mine}{text}{status}"


def assignment_markdown(ctx: DetailContext, assignment: Assignment) -> Detail:
    lines: list[str] = []
    if assignment.content.strip():
        lines += [assignment.content.strip(), ""]
    own = ctx.store.own_experiments(ctx.course_id, assignment.key)
    if assignment.experiments or own:
        lines += ["### Experiments", ""]
        lines += [_experiment_bullet(ctx, e.key, e.text, False) for e in assignment.experiments]
        lines += [_experiment_bullet(ctx, o.key, md_escape(one_line(o.text)), True) for o in own]
        lines += ["", "*`space` chooses an experiment · `a` adds your own.*"]
    else:
        lines += ["*No suggested experiments — press `a` to add your own.*"]
    lines += _note_lines(ctx, assignment.key)
    return Detail(f"Assignment: {assignment.title}", "\n".join(lines))


def experiment_markdown(ctx: DetailContext, exp: Experiment | OwnExperiment) -> Detail:
    own = isinstance(exp, OwnExperiment)
    text = md_escape(one_line(exp.text)) if own else exp.text
    title = "My own experiment" if own else "Experiment"
    lines = [text, ""]
    state = ctx.store.experiment(ctx.course_id, exp.key)
    if state is None:
        lines += [f"{BOX} Not chosen — `space` chooses it."]
        lines += _note_lines(ctx, exp.key)
        return Detail(title, "\n".join(lines))
    dates = " · ".join(f"{s} {d}" for s, d in state.status_dates.items())
    lines += [
        f"{BOX_CHECKED} Chosen · **Status:** {state.status}" + (f" ({dates})" if dates else "")
    ]
    lines += ["", "*`s` sets its status (planned, running, done, dropped) · `e` reflects.*"]
    if any(v.strip() for v in state.reflection.values()):
        lines += ["", "### Reflection"]
        for name in REFLECTION_FIELDS:
            answer = clean(state.reflection.get(name, "")).strip()
            lines += ["", f"**{REFLECTION_LABELS[name]}**", ""]
            lines += [quote_block(answer) if answer else "*not written yet*"]
    return Detail(title, "\n".join(lines))


def item_detail(ctx: DetailContext, item: TreeItem | None) -> Detail:
    if item is None or isinstance(item, Course):
        return course_markdown(ctx)
    if isinstance(item, PrereadingGroup):
        return group_markdown(ctx, item)
    if isinstance(item, Module):
        return module_markdown(ctx, item)
    if isinstance(item, Resource):
        return resource_markdown(ctx, item)
    if isinstance(item, Assignment):
        return assignment_markdown(ctx, item)
    return experiment_markdown(ctx, item)


def item_progress(ctx: DetailContext, item: TreeItem | None) -> ModuleProgress | None:
    """The progress a bar should show for this item, when it holds other items."""
    if item is None or isinstance(item, Course):
        return ctx.progress.overall
    if isinstance(item, PrereadingGroup):
        return ctx.progress.prereading
    if isinstance(item, Module):
        p = ctx.progress.modules.get(item.key)
        return p if p is not None and p.items_total else None
    return None


class DetailPane(VerticalScroll, can_focus=True):
    """Markdown for one item; a progress bar (minutes) for the course, pre-reading and modules.

    The body is Rich's Markdown in one ``Static``, not Textual's ``Markdown`` widget: that one
    mounts a widget per block, and re-mounting some hundred of them on every cursor move cost
    hundreds of milliseconds on a large course (see benchmarks/README.md). Links are printed,
    not made clickable (``hyperlinks=False``): a terminal hyperlink would open without the
    http(s) rules that ``o`` applies.
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-title", markup=False)
        yield Static("", id="detail-markdown")

    def _bar(self) -> ProgressBar:
        """The progress bar, mounted on first use: it is four widgets and a stylesheet, and the
        app's first frame (the tree) does not need it."""
        try:
            return self.query_one("#detail-progress", ProgressBar)
        except NoMatches:
            bar = ProgressBar(total=100, show_eta=False, id="detail-progress")
            self.mount(bar, before="#detail-markdown")
            return bar

    def show(self, ctx: DetailContext, item: TreeItem | None) -> None:
        from rich.markdown import Markdown

        if not self.is_attached:
            # The app is leaving (a signal during start-up): once App.exit() is called,
            # Textual 8.2.8 refuses to mount, and the bar's MountError would turn a clean exit
            # into a traceback.
            return
        progress = item_progress(ctx, item)
        bar = self._bar()
        bar.display = progress is not None
        if progress is not None:
            if progress.minutes_total:
                bar.update(total=progress.minutes_total, progress=progress.minutes_done)
            else:  # items without durations: count items instead of minutes
                bar.update(total=max(progress.items_total, 1), progress=progress.items_done)
        detail = item_detail(ctx, item)
        self.query_one("#detail-title", Static).update(Text(detail.title))
        body = Markdown(detail.markdown, hyperlinks=False, inline_code_theme="ansi_dark")
        self.query_one("#detail-markdown", Static).update(RenderOnce(body))
        self.scroll_home(animate=False)
