"""A Reflex app served in prod mode on a free port, for the UI benchmarks (bench/ui.py, bench/idle.py).

`serve(app_dir, env)` starts `reflex run --env prod` in `app_dir` the way tests/e2e/conftest.py does
(frontend and backend on one port, bun from npm), waits until the compiled pages are served, and
kills the whole process group on exit. `backend_pid(port)` finds the process that holds the app's
port (the one whose sockets the tabs connect to), `rss_bytes` and `cpu_seconds` read its resident
memory and CPU time from /proc.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BUN_BIN = ROOT / ".tools" / "node_modules" / ".bin"  # bun from npm (Reflex's own download needs GitHub)
# The first build installs the frontend packages with bun; later ones reuse .web.
STARTUP_TIMEOUT_S = 900


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def app_env(url: str, database_url: str) -> dict[str, str]:
    """Krypton's environment for a local run: the fake chain in-process, the demo wallet, `database_url`."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # The demo proof names the host the client connects to, which must be an allowed proof domain.
        "KRYPTON_APP_URL": url,
        "KRYPTON_ENV": "development",
        "KRYPTON_DEMO_WALLET": "true",
        "KRYPTON_CHAIN": "fake",
    }
    # An in-memory state manager: the process under test holds every tab's state itself.
    env.pop("REDIS_URL", None)
    return env


@contextlib.contextmanager
def serve(app_dir: Path, env: dict[str, str], port: int, log_path: Path) -> Iterator[str]:
    """`reflex run --env prod` in `app_dir` on `port`; yields its URL once pages are served."""
    url = f"http://localhost:{port}"
    env = {
        **env,
        "PATH": os.pathsep.join([str(BUN_BIN), str(BIN), env["PATH"]]),
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_CHECK_LATEST_VERSION": "0",
        "PYTHONUNBUFFERED": "1",
    }
    command = [str(BIN / "reflex"), "run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)]
    started = time.monotonic()
    with log_path.open("w") as log:
        # Its own process group: bun, the server and its workers die with it.
        process = subprocess.Popen(
            command, cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        # /ping answers before the compiled pages are served on the same port; wait for both.
        for path in ("/ping", "/"):
            while not _up(url + path):
                if process.poll() is not None:
                    raise RuntimeError(f"reflex exited with {process.returncode}; see {log_path}")
                if time.monotonic() - started > STARTUP_TIMEOUT_S:
                    raise RuntimeError(f"reflex did not serve {path} in {STARTUP_TIMEOUT_S} s; see {log_path}")
                time.sleep(1)
        print(f"  served {app_dir.name} at {url} after {time.monotonic() - started:.0f} s", flush=True)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                # local address "HEX_IP:HEX_PORT", state 0A = LISTEN
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                    inodes.add(fields[9])
    return inodes


def backend_pid(port: int) -> int:
    """The process listening on `port`: the server that holds the websockets and the tabs' states."""
    inodes = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return int(pid)
    raise RuntimeError(f"no process listens on port {port}")


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far."""
    with open(f"/proc/{pid}/stat") as f:
        # The fields after the command name, which is in parentheses and may hold spaces.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
