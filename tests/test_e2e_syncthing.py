"""Two real Syncthing instances carry one learner's store between two data folders (issue #17).

Both run on this machine, on loopback only: discovery, relays, NAT and usage reporting off; each
knows the other by device id at ``tcp://127.0.0.1:PORT``; one folder (the coursemate data folder)
is shared. With B's folder paused, ``coursemate mark`` marks a different item on each side, so
both change the store; resumed, Syncthing keeps one version and renames the other to a
``.sync-conflict-`` copy. ``coursemate progress --json`` on each side opens the store, which
merges the copy in; in the end both sides hold the union.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from coursemate.progress.conflicts import MERGED_FOLDER

SYNCTHING = shutil.which("syncthing")
FOLDER_ID = "coursemate"
FIRST = "m1/r/whats-driving-your-need-for-agility"
ON_A = "m2/r/crossing-the-chasm-a-quick-summary"
ON_B = "m3/r/the-elements-of-value"
DEADLINE = 45.0  # seconds for each wait (a timeout, not a measurement)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Instance:
    """One Syncthing: its home, its data folder, its ports, key and device id."""

    name: str
    home: Path
    data: Path
    gui_port: int
    listen_port: int
    api_key: str
    device_id: str = ""
    process: subprocess.Popen[bytes] | None = None

    def api(self, method: str, path: str, body: object | None = None) -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.gui_port}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"X-API-Key": self.api_key, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def log(self) -> str:
        path = self.home / "syncthing.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"


def generate(instance: Instance) -> None:
    out = subprocess.run(
        [SYNCTHING or "syncthing", "generate", f"--home={instance.home}", "--no-default-folder"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    for line in (out.stdout + out.stderr).splitlines():
        if "Device ID:" in line:
            instance.device_id = line.split("Device ID:")[1].strip()
    assert instance.device_id, out.stdout + out.stderr


def configure(me: Instance, other: Instance) -> None:
    """Loopback only, no discovery, relays, NAT or reporting; ``other`` as a known device; the
    data folder shared with it, rescanned often and watched."""
    path = me.home / "config.xml"
    tree = ET.parse(path)
    root = tree.getroot()
    options = root.find("options")
    assert options is not None
    settings = {
        "listenAddress": f"tcp://127.0.0.1:{me.listen_port}",
        "globalAnnounceEnabled": "false",
        "localAnnounceEnabled": "false",
        "relaysEnabled": "false",
        "natEnabled": "false",
        "startBrowser": "false",
        "urAccepted": "-1",
        "crashReportingEnabled": "false",
        "autoUpgradeIntervalH": "0",
        "reconnectionIntervalS": "1",
    }
    for key, value in settings.items():
        element = options.find(key)
        if element is None:
            element = ET.SubElement(options, key)
        element.text = value
    device = ET.SubElement(
        root, "device", id=other.device_id, name=other.name, compression="metadata"
    )
    ET.SubElement(device, "address").text = f"tcp://127.0.0.1:{other.listen_port}"
    # The generated defaults for a new folder (as the GUI would add it), made this one: an
    # element written from scratch would leave, say, maxConflicts at 0 (no conflict copies).
    template = root.find("defaults/folder")
    assert template is not None
    folder = copy.deepcopy(template)
    folder.attrib.update(
        id=FOLDER_ID,
        label=FOLDER_ID,
        path=str(me.data),
        rescanIntervalS="1",
        fsWatcherEnabled="true",
        fsWatcherDelayS="1",
    )
    # A pull that fails (the store changed on this side as it came in: "file modified but
    # not rescanned") is retried after pullerPauseS, 60 s when 0: longer than each wait here.
    pause = folder.find("pullerPauseS")
    if pause is None:
        pause = ET.SubElement(folder, "pullerPauseS")
    pause.text = "1"
    for old in folder.findall("device"):
        folder.remove(old)
    for device_id in (me.device_id, other.device_id):
        ET.SubElement(folder, "device", id=device_id)
    root.insert(0, folder)
    tree.write(path)


def start(instance: Instance) -> None:
    log = open(instance.home / "syncthing.log", "wb")  # noqa: SIM115 - closed with the process
    env = {**os.environ, "STNOUPGRADE": "1", "STNORESTART": "1", "HOME": str(instance.home)}
    instance.process = subprocess.Popen(
        [
            SYNCTHING or "syncthing",
            "serve",
            f"--home={instance.home}",
            f"--gui-address=http://127.0.0.1:{instance.gui_port}",
            f"--gui-apikey={instance.api_key}",
            "--no-browser",
            "--no-restart",
            "--no-upgrade",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    log.close()


def wait_for(what: str, check: Callable[[], bool], *instances: Instance) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` (with the logs) after ``DEADLINE``."""
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            if check():
                return
        except (OSError, ValueError):
            pass  # the API is not up yet, or a file is mid-write: look again
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {i.name}:\n{i.log()}" for i in instances)
            raise AssertionError(f"gave up waiting for {what}\n{logs}")
        time.sleep(0.3)


def coursemate(data: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "coursemate", *args, "--learner", "alice", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def done_per_module(data: Path) -> dict[str, int]:
    """What ``coursemate progress --json`` says is done, per module (it merges copies first)."""
    report = json.loads(coursemate(data, "progress", "--json"))
    return {m["key"]: m["items_done"] for m in report["modules"] if m["items_done"]}


@pytest.fixture
def two_machines(tmp_path: Path) -> Iterator[tuple[Instance, Instance]]:
    if SYNCTHING is None:
        pytest.skip("syncthing is not installed (Debian: apt-get install syncthing)")
    a, b = (
        Instance(
            name,
            tmp_path / f"home-{name}",
            tmp_path / f"data-{name}",
            free_port(),
            free_port(),
            secrets.token_hex(16),
        )
        for name in ("a", "b")
    )
    for instance in (a, b):
        generate(instance)
        (instance.data / ".stfolder").mkdir(parents=True)  # Syncthing's folder marker
    configure(a, b)
    configure(b, a)
    try:
        start(a)
        start(b)
        wait_for(
            "the two instances to connect",
            lambda: a.api("GET", "/rest/system/connections")["connections"][b.device_id][
                "connected"
            ],
            a,
            b,
        )
        yield a, b
    finally:
        for instance in (a, b):
            if instance.process is not None:
                instance.process.terminate()
                try:
                    instance.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    instance.process.kill()
                    instance.process.wait()


def test_two_syncthing_machines_marking_while_apart_both_end_with_the_union(
    two_machines: tuple[Instance, Instance],
) -> None:
    a, b = two_machines
    coursemate(a.data, "mark", FIRST)
    store = next(p for p in a.data.glob("alice-*.json"))
    on_b = b.data / store.name
    wait_for(
        "the first mark to reach B",
        lambda: on_b.read_bytes() == store.read_bytes(),
        a,
        b,
    )

    b.api("PATCH", f"/rest/config/folders/{FOLDER_ID}", {"paused": True})
    wait_for(
        "B's folder to pause",
        lambda: b.api("GET", f"/rest/config/folders/{FOLDER_ID}")["paused"] is True,
        a,
        b,
    )
    coursemate(a.data, "mark", ON_A)
    coursemate(b.data, "mark", ON_B)
    assert done_per_module(a.data) == {"m1": 1, "m2": 1}  # apart: each has its own only
    assert done_per_module(b.data) == {"m1": 1, "m3": 1}
    b.api("PATCH", f"/rest/config/folders/{FOLDER_ID}", {"paused": False})

    union = {"m1": 1, "m2": 1, "m3": 1}

    def settled() -> bool:
        """Both sides hold both marks, and no conflict copy waits beside either store (one
        may still be on its way to the other side: the next open merges it too)."""
        waiting = [p for side in (a, b) for p in side.data.glob("alice-*.sync-conflict-*")]
        return not waiting and all(done_per_module(side.data) == union for side in (a, b))

    wait_for("both sides to hold both marks", settled, a, b)
    # Syncthing made a conflict copy on one side (perhaps sent to the other too); it was merged
    # and moved into merged-conflicts/, never deleted.
    merged = [p.name for side in (a, b) for p in (side.data / MERGED_FOLDER).glob("*.json")]
    assert any(".sync-conflict-" in name for name in merged), merged
