"""The syllabus tree: course → pre-reading → modules → resources and assignment → experiments.

Domain objects live in ``node.data`` (the posting style); their labels come from
``syllabus_items`` with the learner's progress and store. A module's children are built only
when it is first expanded, so a course with hundreds of modules opens as fast as one with three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import NodeID, TreeNode, UnknownNodeID

from coursemate.course.keys import top_key
from coursemate.course.model import Assignment, Course, Experiment, Module, Resource
from coursemate.progress.store import OwnExperiment
from coursemate.ui.store_edits import apply_change
from coursemate.ui.widgets.look_alike import LookAlikes
from coursemate.ui.widgets.node_cached_tree import NodeCachedTree
from coursemate.ui.widgets.syllabus_items import (
    Label,
    PrereadingGroup,
    TreeItem,
    assignment_label,
    experiment_label,
    group_label,
    module_label,
    resource_label,
)

if TYPE_CHECKING:
    from coursemate.progress.maths import CourseProgress
    from coursemate.progress.store import Store

Node: TypeAlias = TreeNode[TreeItem]

# Below this many columns the tree uses short tails: titles get the room.
NARROW_TREE = 48
# A name shortened to fewer characters than this says nothing: the line is left as it is.
MIN_NAME = 6
# How far back from where two titles part the shown part may start (to begin at a word).
WORD_BACK = 16


def node_depth(node: Node) -> int:
    depth = 0
    parent = node.parent
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    return depth


def shorten_apart(name: Text, room: int, shared: int, lead: int) -> Text:
    """``name`` in ``room`` cells with an ellipsis, showing the character at ``shared`` (where
    it parts from a sibling's): the start up to the first word, "…", then from the word where
    they part."""
    plain = name.plain
    if shared < room - 1:  # the usual ellipsis at the end shows where they part
        short = name.copy()
        short.truncate(room, overflow="ellipsis")
        return short
    space = plain.find(" ", lead + 1)
    head_end = space if lead < space <= lead + room // 3 else lead + max(1, room // 4)
    # From the start of the word before the one where they part, for context.
    lowest = max(head_end, shared - WORD_BACK)
    start = shared
    for _ in range(2):
        back = plain.rfind(" ", lowest, start - 1)
        if back < 0:
            break
        start = back + 1
    rest = room - head_end - 1
    if rest < 2:
        short = name.copy()
        short.truncate(room, overflow="ellipsis")
        return short
    tail = name[start:]
    tail.truncate(rest, overflow="ellipsis")
    return Text.assemble(name[:head_end], "…", tail)


class SyllabusTree(NodeCachedTree[TreeItem]):
    """The course as a tree of domain objects, labelled with the learner's progress."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The same keys act on whatever the cursor is on; ``check_action`` picks the binding,
        # so the footer names what space will do right now.
        Binding("space", "toggle_done", "Done", show=True),
        Binding("space", "toggle_chosen", "Choose", show=True),
        Binding("space", "unchoose", "Unchoose", show=True),
        Binding("space", "toggle_expand", "Expand", show=False),
        Binding("enter", "toggle_done", "Done", show=False),
        Binding("enter", "toggle_chosen", "Choose", show=False),
        Binding("enter", "unchoose", "Unchoose", show=False),
        Binding("enter", "toggle_expand", "Expand", show=False),
        Binding("right", "expand_or_down", "Expand", show=False),
        Binding("left", "collapse_or_parent", "Collapse", show=False),
    ]

    # What ``check_action`` answers differently per node: the screen refreshes the footer
    # when one of these changes as the cursor moves.
    DYNAMIC_ACTIONS = ("toggle_done", "toggle_chosen", "unchoose", "toggle_expand")

    class Toggled(Message):
        """A resource was marked done/not done, or an experiment chosen/unchosen.

        The tree writes the store itself, before posting this, so a key pressed right after
        (``n``, ``s``) already sees the change; the screen then relabels and recounts.
        """

        def __init__(self, item: Resource | Experiment | OwnExperiment) -> None:
            self.item = item
            super().__init__()

    def __init__(
        self,
        course: Course,
        store: Store,
        progress: CourseProgress,
        *,
        ascii_only: bool = False,
        id: str | None = None,
    ) -> None:
        # Set before Tree.__init__, which already renders the root's label.
        self._labels: dict[NodeID, Label] = {}  # node id -> its label's parts
        # Characters each title shares with another item's different title.
        self._look_alikes: LookAlikes[NodeID] = LookAlikes()
        self._moved: set[NodeID] = set()  # drawn with a figure that has grown since
        super().__init__(Text(course.title or "Course", style="bold"), data=course, id=id)
        self.course = course
        self.store = store
        self.progress = progress
        self.ascii_only = ascii_only
        self.auto_expand = False
        self.show_root = True
        self.guide_depth = 3
        self._key_nodes: dict[str, Node] = {}
        self._populated: set[str] = set()
        # When filtering, only these keys are shown (None: everything, lazily).
        self._only: frozenset[str] | None = None

    # --- building -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.rebuild()

    @property
    def course_id(self) -> str:
        return self.course.identity

    def _add_item(self, parent: Node, item: TreeItem, *, expandable: bool) -> Node:
        label = self.label_for(item)
        if expandable:
            node = parent.add(label.joined(), data=item)
        else:
            node = parent.add_leaf(label.joined(), data=item)
        self._labels[node.id] = label
        moved = self._look_alikes.add(label.name.plain[label.lead :], node.id)
        if moved:
            # Lines already drawn (and cached) with the old figure are drawn again.
            if not self._moved:
                self.call_after_refresh(self._redraw)
            self._moved.update(moved)
        if not isinstance(item, Course):
            self._key_nodes[item.key] = node
        return node

    def _relabel(self, node: Node) -> None:
        if node.data is None:
            return
        label = self.label_for(node.data)
        self._labels[node.id] = label
        node.set_label(label.joined())

    def rebuild(self, only: frozenset[str] | None = None) -> None:
        """Build the top levels again; with ``only``, show just those keys (and their parents)."""
        self._only = only
        self.clear()
        self._key_nodes.clear()
        self._labels.clear()
        self._look_alikes, self._moved = LookAlikes(), set()
        self._populated.clear()
        root = self.root
        root.expand()
        course = self.course
        if course.prereading and self._shown_any(r.key for r in course.prereading):
            node = self._add_item(root, PrereadingGroup(course.prereading), expandable=True)
            if only is not None:
                self._expand_item(node)
        for module in course.modules:
            if only is not None and not self._module_shown(module):
                continue
            node = self._add_item(
                root, module, expandable=bool(module.resources or module.assignment)
            )
            if only is not None:
                self._expand_item(node)
        self.lay_out_lines()  # so cursor moves are exact

    @property
    def filtered(self) -> bool:
        return self._only is not None

    def _shown(self, key: str) -> bool:
        return self._only is None or key in self._only

    def _shown_any(self, keys: Iterable[str]) -> bool:
        return self._only is None or any(k in self._only for k in keys)

    def _module_shown(self, module: Module) -> bool:
        if self._shown(module.key):
            return True
        keys = [r.key for r in module.resources]
        if module.assignment is not None:
            keys.append(module.assignment.key)
            keys.extend(e.key for e in module.assignment.experiments)
            keys.extend(o.key for o in self._own(module.assignment.key))
        return self._shown_any(keys)

    def _own(self, assignment_key: str) -> list[OwnExperiment]:
        return self.store.own_experiments(self.course_id, assignment_key)

    def _populate(self, node: Node) -> None:
        """Add a module's (or the pre-reading group's) children, once."""
        item = node.data
        if not isinstance(item, Module | PrereadingGroup) or item.key in self._populated:
            return
        self._populated.add(item.key)
        # A module shown because its own title matched shows all of its children.
        whole = self._only is None or item.key in self._only
        for res in item.resources:
            if whole or self._shown(res.key):
                self._add_item(node, res, expandable=False)
        if isinstance(item, Module) and item.assignment is not None:
            self._add_assignment(node, item.assignment, whole)

    def _add_assignment(self, parent: Node, assignment: Assignment, whole: bool) -> None:
        own = self._own(assignment.key)
        keys = [assignment.key, *(e.key for e in assignment.experiments), *(o.key for o in own)]
        if not whole and not self._shown_any(keys):
            return
        whole = whole or self._shown(assignment.key)
        node = self._add_item(parent, assignment, expandable=True)
        node.allow_expand = bool(assignment.experiments or own)
        children: tuple[Experiment | OwnExperiment, ...] = (*assignment.experiments, *own)
        for exp in children:
            if whole or self._shown(exp.key):
                self._add_item(node, exp, expandable=False)
        if self._only is not None:
            node.expand()

    # --- labels ---------------------------------------------------------------------------

    def label_for(self, item: TreeItem) -> Label:
        cid = self.course_id
        if isinstance(item, Course):
            return Label(Text(item.title or "Course", style="bold"), Text())
        if isinstance(item, PrereadingGroup):
            return group_label(item, self.progress.prereading)
        if isinstance(item, Module):
            return module_label(item, self.progress.modules.get(item.key))
        if isinstance(item, Resource):
            done = self.store.is_done(cid, item.key)
            return resource_label(item, done, ascii_only=self.ascii_only)
        if isinstance(item, Assignment):
            prefix = item.key + "/"
            chosen = sum(1 for k in self.store.chosen_keys(cid) if k.startswith(prefix))
            return assignment_label(item, chosen)
        chosen = self.store.is_chosen(cid, item.key)
        state = self.store.experiment(cid, item.key) if chosen else None
        return experiment_label(
            item.text,
            chosen,
            state.status if state is not None else None,
            own=isinstance(item, OwnExperiment),
        )

    def get_label_width(self, node: Node) -> int:
        """No label is wider than the pane: ``render_label`` shortens it to fit.

        Tree's default renders every visible label on each expand or collapse just to size a
        horizontal scroll that never happens here; on a large course that was most of the
        cost of expanding a module.
        """
        return 0

    def render_label(self, node: Node, base_style: Style, style: Style) -> Text:
        """Fit the label to the tree's width, the title first.

        In a narrow tree the short tail is used (minutes go, counts and ticks stay). A name
        still too long is shortened with an ellipsis, keeping the tail visible; where a
        sibling's title starts the same, the part that tells them apart is shown instead of
        the shared start, so two items never look alike ("1 Agile…Management I (Prod…").
        """
        text = super().render_label(node, base_style, style)
        width = self.scrollable_content_region.width
        room = width - node_depth(node) * self.guide_depth
        label = self._labels.get(node.id)
        if label is None:  # the root: its label is Textual's own
            label = Label(Text(str(node.label)), Text())
        if text.cell_len <= room and (width >= NARROW_TREE or label.short is None):
            return text
        cut = len(text) - len(label.tail)
        prefix_end = cut - len(label.name)
        prefix, name, tail = text[:prefix_end], text[prefix_end:cut], text[cut:]
        if label.short is not None and width < NARROW_TREE:
            tail = label.short.copy()
            tail.stylize(style)
        name_room = room - prefix.cell_len - tail.cell_len
        if name.cell_len <= name_room:
            return Text.assemble(prefix, name, tail)
        if name_room < MIN_NAME:
            return text  # too narrow to show anything useful: Textual crops the line
        shared = label.lead + self._shared_start(node)
        return Text.assemble(prefix, shorten_apart(name, name_room, shared, label.lead), tail)

    def _shared_start(self, node: Node) -> int:
        """How many characters of the node's title start another item's different title.

        Across the whole tree, not only among siblings: an experiment of module 1 must not
        look like one of module 5 either.
        """
        return self._look_alikes.shared(node.id)

    def _redraw(self) -> None:
        moved, self._moved = self._moved, set()
        for node_id in moved:
            with suppress(UnknownNodeID):  # gone in a rebuild since
                self.get_node_by_id(node_id).refresh()

    def update_progress(self, progress: CourseProgress, changed: Iterable[str] = ()) -> None:
        """Relabel the changed items and the modules or group holding them (counts move)."""
        self.progress = progress
        changed = tuple(changed)
        holders: dict[int, Node] = {}
        for key in changed:
            node = self._key_nodes.get(key)
            if node is None:
                continue
            self._relabel(node)
            if node.parent is not None and isinstance(node.parent.data, Assignment):
                holders[node.parent.id] = node.parent
        # A module's (or the pre-reading group's) counts move only when one of its own items
        # changed: on a 500-module course, relabelling them all made every toggle slow.
        for holder_key in {top_key(key) for key in changed}:
            if (node := self._key_nodes.get(holder_key)) is not None:
                holders[node.id] = node
        # The item itself paints first; the counts of what holds it follow a frame later.
        # Relabelling a node repaints its whole visible subtree (TreeNode.set_label): about
        # twenty lines for a module, where the tick the learner is looking at is one.
        if holders:
            self.call_after_refresh(self._relabel_nodes, list(holders.values()))

    def _relabel_nodes(self, nodes: list[Node]) -> None:
        for node in nodes:
            self._relabel(node)

    def add_own_experiment(self, mine: OwnExperiment) -> None:
        node = self._key_nodes.get(mine.assignment_key)
        if node is None:
            return  # not built yet: it appears when its module is expanded
        self._add_item(node, mine, expandable=False)
        node.allow_expand = True
        self._relabel(node)

    # --- finding and moving ---------------------------------------------------------------

    def node_for(self, key: str) -> Node | None:
        """The node for ``key``, building and expanding its module as needed."""
        node = self._key_nodes.get(key)
        if node is None:
            parent = self._key_nodes.get(top_key(key))
            if parent is None:
                return None
            self._populate(parent)
            node = self._key_nodes.get(key)
            if node is None:
                return None
        ancestor = node.parent
        while ancestor is not None:
            if not ancestor.is_expanded:
                ancestor.expand()
            ancestor = ancestor.parent
        return node

    def reveal(self, key: str) -> bool:
        """Move the cursor to the item with ``key``; False when it is not in the tree."""
        node = self.node_for(key)
        if node is None:
            return False
        self.lay_out_lines()  # now that ancestors may have expanded
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)
        return True

    def place_cursor(self, *keys: str | None) -> None:
        """The cursor on the first of ``keys`` the tree shows, else on the course (after a
        rebuild, the cursor's line may hold any node, or none)."""
        if any(key is not None and self.reveal(key) for key in keys):
            return
        self.lay_out_lines()  # the new root has no line until then
        self.move_cursor(self.root)
        self.scroll_home(animate=False)

    def known_keys(self) -> list[str]:
        """Keys of the items built so far (unbuilt modules need no relabelling)."""
        return list(self._key_nodes)

    @property
    def cursor_item(self) -> TreeItem | None:
        node = self.cursor_node
        return node.data if node is not None else None

    # --- events and actions ---------------------------------------------------------------

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[TreeItem]) -> None:
        self._populate(event.node)

    def _expand_item(self, node: Node) -> None:
        self._populate(node)
        node.expand()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        item = self.cursor_item
        if action == "toggle_done":
            return isinstance(item, Resource)
        if action in ("toggle_chosen", "unchoose"):
            # "Choose" on an experiment not chosen, "Unchoose" on a chosen one: the footer
            # says what space will do.
            if not isinstance(item, Experiment | OwnExperiment):
                return False
            chosen = self.store.is_chosen(self.course_id, item.key)
            return chosen == (action == "unchoose")
        if action == "toggle_expand":
            node = self.cursor_node
            return node is not None and node.allow_expand
        return True

    def action_toggle_done(self) -> None:
        if isinstance(item := self.cursor_item, Resource):
            done = not self.store.is_done(self.course_id, item.key)
            self._apply(lambda: self.store.set_done(self.course_id, item.key, done), item)

    def action_unchoose(self) -> None:
        self.action_toggle_chosen()

    def action_toggle_chosen(self) -> None:
        if isinstance(item := self.cursor_item, Experiment | OwnExperiment):
            chosen = not self.store.is_chosen(self.course_id, item.key)
            self._apply(
                lambda: self.store.set_chosen(self.course_id, item.key, chosen, title=item.text),
                item,
            )

    def _apply(
        self, change: Callable[[], None], item: Resource | Experiment | OwnExperiment
    ) -> None:
        # A tick the learner waits to see: the autosave timer writes it (see apply_change).
        if apply_change(self, self.store, change, save=False):
            self.post_message(self.Toggled(item))

    def action_toggle_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.collapse() if node.is_expanded else self._expand_item(node)

    def action_expand_or_down(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            self._expand_item(node)
        else:
            self.action_cursor_down()

    def action_collapse_or_parent(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and node.is_expanded and node is not self.root:
            node.collapse()
        else:
            self.action_cursor_parent()
