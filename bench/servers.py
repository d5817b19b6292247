"""Processes the benchmarks and the tests start on loopback: a Chroma server and the boardqa app."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float) -> bool:
    """Whether `url` answered 200 before the timeout, while the process still ran."""
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return True
        except OSError:
            time.sleep(0.2)
    return False


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    """Terminate, and kill if it will not go."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def chroma_running(data: Path, *, timeout: float = 60) -> Iterator[str]:
    """A real Chroma server (`chroma run`, shipped with chromadb, beside this Python) on loopback over
    the folder `data`; its URL. Stopped on exit, even on failure."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = data.parent / f"chroma-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--path", str(data),
                                 "--host", "127.0.0.1", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    try:
        if not wait_until_up(f"{url}/api/v2/heartbeat", proc, timeout):
            raise RuntimeError(f"chroma run did not come up: {log.read_text(errors='replace')[-2000:]}")
        yield url
    finally:
        stop(proc)
