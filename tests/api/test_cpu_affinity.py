"""`folio serve --cpu`: every thread of the server on the one CPU named, those it starts later
(the group-commit writer, the worker threads) too; without it, wherever the scheduler puts
them. Real processes: the pinning happens in the server's start-up, not in an app under test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from folio.api import affinity
from tests.faults.harness import free_port

pytestmark = pytest.mark.skipif(not affinity.supported(), reason="CPU affinity is Linux's")
FOLIO = str(Path(sys.executable).parent / "folio")
_KEY = re.compile(r"^(fol_\S+)$", re.MULTILINE)


def _threads_cpus(pid: int) -> dict[int, set[int]]:
    """Each thread of `pid` and the CPUs it may run on."""
    found = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            found[int(task)] = set(os.sched_getaffinity(int(task)))
        except ProcessLookupError:
            continue
    return found


def _serve(
    db_url: str, *options: str, cpu_setting: str | None = None
) -> tuple[subprocess.Popen[str], str, str]:
    """`folio serve` on a free port, with FOLIO_CPU set to `cpu_setting` or unset; the process,
    its base address and its first admin key."""
    port = free_port()
    env = {**os.environ, "FOLIO_DATABASE_URL": db_url}
    env.pop("FOLIO_CPU", None)
    if cpu_setting is not None:
        env["FOLIO_CPU"] = cpu_setting
    proc = subprocess.Popen(
        [FOLIO, "serve", "--port", str(port), "--database", db_url, *options],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise AssertionError(f"the server did not start: {proc.communicate()[0]}")
    os.set_blocking(proc.stdout.fileno(), False)
    out = proc.stdout.read() or ""
    key = _KEY.search(out)
    assert key is not None, out
    return proc, base, key.group(1)


def _post_one(base: str, key: str) -> None:
    """A book and an entry: the group-commit writer and a worker thread start for them."""
    headers = {"Authorization": f"Bearer {key}"}
    made = httpx.post(
        f"{base}/v1/books", headers=headers, timeout=30,
        json={"name": "Pinned GmbH", "currency": "EUR", "entries_start": "2025-01-01",
              "chart": "skr04"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    book = made.json()["id"]
    ledgers = httpx.get(
        f"{base}/v1/books/{book}/ledgers", headers=headers, params={"number": "1800"}, timeout=30
    ).json()["data"]
    offset = httpx.get(
        f"{base}/v1/books/{book}/ledgers", headers=headers, params={"number": "9000"}, timeout=30
    ).json()["data"]
    posted = httpx.post(
        f"{base}/v1/books/{book}/journal-entries", headers=headers, timeout=30,
        json={"date": "2025-01-02", "lines": [
            {"ledger_id": ledgers[0]["id"], "debit": "10.00"},
            {"ledger_id": offset[0]["id"], "credit": "10.00"},
        ]},
    )  # fmt: skip
    assert posted.status_code == 201, posted.text


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("choice", ["last", "auto", "last by FOLIO_CPU"])
def test_every_thread_of_the_server_runs_on_the_cpu_named(db_url: str, choice: str) -> None:
    cpus = sorted(affinity.allowed())
    cpu = "auto" if choice == "auto" else str(cpus[-1])
    if choice.endswith("FOLIO_CPU"):
        proc, base, key = _serve(db_url, cpu_setting=cpu)
    else:
        proc, base, key = _serve(db_url, "--cpu", cpu)
    try:
        _post_one(base, key)
        threads = _threads_cpus(proc.pid)
        assert len(threads) >= 2  # the event loop, the writer and worker threads
        pinned = {frozenset(allowed) for allowed in threads.values()}
        assert len(pinned) == 1 and len(next(iter(pinned))) == 1, threads
        if choice != "auto":
            assert pinned == {frozenset({cpus[-1]})}
    finally:
        _stop(proc)


def test_without_a_cpu_the_server_may_run_on_any(db_url: str) -> None:
    proc, base, key = _serve(db_url)
    try:
        _post_one(base, key)
        assert all(allowed == affinity.allowed() for allowed in _threads_cpus(proc.pid).values())
    finally:
        _stop(proc)


def test_a_cpu_the_server_may_not_use_or_several_workers_are_refused(db_url: str) -> None:
    beyond = str(max(affinity.allowed()) + 1)
    for options, message in (
        (["--cpu", beyond], 'FOLIO_CPU must be "off", "auto" or a CPU this process may run'),
        (["--cpu", "auto", "--workers", "2"], "one CPU is for one worker"),
    ):
        done = subprocess.run(
            [FOLIO, "serve", "--port", str(free_port()), "--database", db_url, *options],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 2
        assert message in " ".join(done.stderr.replace("│", " ").split())
