"""Start-up in a real terminal: launch a command in tmux (120×40) and time until a text appears.

Each launch gets its own tmux session on a private tmux server (``tmux -L <socket>``), so
nothing touches the user's tmux. The clock starts just before ``tmux new-session`` and stops
when ``tmux capture-pane -p`` first shows the needle (the first module's title). The pane
command is ``exec env K=V ... argv`` so the pane's pid is the program itself, which lets us read
its peak RSS (VmHWM) from /proc and wait until it has really exited before the next launch.

No run may leave a process behind (issue #18: closed terminals once left coursemate running):
each program is asked to quit with ``q``, then its terminal is closed, and only then killed;
when the benchmark finishes it checks that every pid it started has exited and says how they
went.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

WIDTH, HEIGHT = 120, 40
POLL_SLEEP = 0.002  # between captures: tight, yet leaves the app a core on a 2-core box


@dataclass(frozen=True)
class Launch:
    """One program to start: its argv and the extra environment it needs."""

    argv: Sequence[str]
    env: dict[str, str] = field(default_factory=dict)

    def shell_command(self) -> str:
        pairs = [f"{k}={v}" for k, v in sorted(self.env.items())]
        return "exec " + shlex.join(["env", *pairs, *self.argv])


@dataclass
class Sample:
    seconds: float | None  # None: the needle never appeared before the timeout
    rss_peak_kb: int | None = None
    screen: str = ""


def _proc_status_kb(pid: int, name: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


class TmuxBench:
    """A private tmux server for the benchmark's sessions; use as a context manager."""

    def __init__(self, tag: str, log: Callable[[str], None] = print) -> None:
        self.socket = f"coursemate-bench-{tag}-{os.getpid()}"
        self._count = 0
        self._log = log
        self.pids: list[int] = []  # every program started, in order
        self.endings: Counter[str] = Counter()  # how they ended: quit, hang-up, SIGKILL

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=check,
        )

    def __enter__(self) -> TmuxBench:
        # A keeper session holds the server up, so each launch does not pay for a new server.
        self.tmux("new-session", "-d", "-s", "keeper", "-x", str(WIDTH), "-y", str(HEIGHT))
        # Keep a crashed program's last screen (its traceback) readable for the report.
        self.tmux("set-option", "-g", "remain-on-exit", "on")
        return self

    def __exit__(self, *exc: object) -> None:
        self.tmux("kill-server", check=False)
        self._log(self.leftover_report())

    def leftovers(self) -> list[int]:
        """The started pids still running (after a moment to finish exiting)."""
        return [pid for pid in self.pids if not _wait_gone(pid, 3.0)]

    def leftover_report(self) -> str:
        left = self.leftovers()
        how = ", ".join(f"{n} {how}" for how, n in sorted(self.endings.items())) or "none"
        if left:
            return (
                f"  LEFT BEHIND: {len(left)} of the {len(self.pids)} processes started are "
                f"still running: pids {' '.join(map(str, left))} (ended: {how})"
            )
        return f"  all {len(self.pids)} processes started have exited (ended: {how})"

    def run(
        self,
        launch: Launch,
        needle: str,
        *,
        timeout: float = 60.0,
        settle: float = 0.0,
    ) -> Sample:
        """Launch, wait for ``needle`` on screen, optionally wait ``settle`` s, then stop it."""
        self._count += 1
        session = f"run{self._count}"
        cmd = [
            "new-session", "-d", "-P", "-F", "#{pane_pid}", "-s", session,
            "-x", str(WIDTH), "-y", str(HEIGHT), launch.shell_command(),
        ]  # fmt: skip
        capture = ["tmux", "-L", self.socket, "capture-pane", "-p", "-t", session]
        start = time.perf_counter()
        pid = int(self.tmux(*cmd).stdout.strip())
        self.pids.append(pid)
        found: float | None = None
        screen = ""
        deadline = start + timeout
        while time.perf_counter() < deadline:
            screen = subprocess.run(capture, capture_output=True, text=True).stdout
            if needle in screen:
                found = time.perf_counter() - start
                break
            if not _alive(pid):
                break
            time.sleep(POLL_SLEEP)
        if settle and found is not None:
            time.sleep(settle)
        rss = _proc_status_kb(pid, "VmHWM")
        self.stop(session, pid)
        return Sample(found, rss, screen)

    def stop(self, session: str, pid: int) -> None:
        """Quit the program and wait until it has gone, so runs never overlap."""
        self.tmux("send-keys", "-t", session, "q", check=False)
        ending = "quit with q"
        if not _wait_gone(pid, 3.0):
            self.tmux("kill-session", "-t", session, check=False)  # SIGHUP
            ending = "after a hang-up"
            if not _wait_gone(pid, 3.0):
                with contextlib.suppress(ProcessLookupError):  # it went after all
                    os.kill(pid, signal.SIGKILL)
                ending = "needed SIGKILL"
                _wait_gone(pid, 1.0)
        self.endings[ending] += 1
        self.tmux("kill-session", "-t", session, check=False)


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.perf_counter() + seconds
    while _alive(pid):
        if time.perf_counter() > deadline:
            return False
        time.sleep(0.01)
    return True


def summarise(a: list[float | None], b: list[float | None]) -> dict[str, object]:
    """Medians of A and B and the median of the per-pair ratios A/B (pairs with both timed)."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    ok_a = [x for x in a if x is not None]
    ok_b = [y for y in b if y is not None]
    return {
        "a_s": a,
        "b_s": b,
        "a_median_s": statistics.median(ok_a) if ok_a else None,
        "b_median_s": statistics.median(ok_b) if ok_b else None,
        "ratio_median": statistics.median(x / y for x, y in pairs) if pairs else None,
        "pairs": len(pairs),
        "failures": len(a) - len(ok_a) + len(b) - len(ok_b),
    }


def cold_and_warm(
    bench: TmuxBench,
    app: Callable[[Path], Launch],
    floor: Launch,
    needle: str,
    pairs: int,
    cache_root: Path,
    log: Callable[[str], None] = print,
) -> dict[str, object]:
    """Alternate app and floor: per pair A cold, B cold, A warm (same cache), B warm.

    Cold: the app gets an empty, fresh cache dir. Warm: the second start with that cache kept.
    The floor has nothing to cache, so its "cold" and "warm" differ only by chance and by
    whatever the OS kept in memory (the OS page cache is never dropped: that needs root).
    """
    cold_a: list[float | None] = []
    cold_b: list[float | None] = []
    warm_a: list[float | None] = []
    warm_b: list[float | None] = []
    failed_screen = ""
    for i in range(pairs):
        cache = cache_root / f"cache-{i}"
        cache.mkdir(parents=True)
        for bucket, launch in ((cold_a, app(cache)), (cold_b, floor)):
            sample = bench.run(launch, needle)
            bucket.append(sample.seconds)
            if sample.seconds is None:
                failed_screen = sample.screen
        for bucket, launch in ((warm_a, app(cache)), (warm_b, floor)):
            sample = bench.run(launch, needle)
            bucket.append(sample.seconds)
            if sample.seconds is None:
                failed_screen = sample.screen
        log(
            f"    pair {i + 1}/{pairs}: cold {_fmt(cold_a[-1])} vs {_fmt(cold_b[-1])}, "
            f"warm {_fmt(warm_a[-1])} vs {_fmt(warm_b[-1])}"
        )
    result: dict[str, object] = {
        "cold": summarise(cold_a, cold_b),
        "warm": summarise(warm_a, warm_b),
    }
    if failed_screen:
        result["last_failed_screen"] = failed_screen
    return result


def _fmt(value: float | None) -> str:
    return "timeout" if value is None else f"{value * 1000:.0f} ms"
