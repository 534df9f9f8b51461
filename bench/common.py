"""Shared bench plumbing: machine facts, code snapshot, app factory, and `leaderboard serve` / CLI subprocesses
on 127.0.0.1."""
from __future__ import annotations

import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

import loadgen  # noqa: E402  (stdlib only)

SNAPSHOT_PARTS = ("leaderboard", "migrations", "wallboard", "config.toml")
CONSOLE = "from leaderboard.console import main; main()"  # the `leaderboard` console script, snapshot-aware


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    """nproc, CPU model, memory, Python and SQLite versions, load average."""
    import sqlite3
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), 0)
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(), "load_average": os.getloadavg()}


def git_state() -> dict[str, Any]:
    def git(*cmd: str) -> str:
        try:
            return subprocess.run(["git", *cmd], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"commit": git("rev-parse", "HEAD"), "subject": git("log", "-1", "--format=%s"),
            "dirty_files": len(git("status", "--porcelain").splitlines())}


def snapshot_code(dest: Path, ref: str | None = "HEAD") -> Path:
    """Copy the application as committed at `ref` (or, with ref None, the working tree as it is now), so a
    long run (and its servers) measures one version of the code even while others edit the working tree.
    Call before anything imports leaderboard."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    if ref is not None:
        archive = subprocess.run(["git", "archive", ref, *SNAPSHOT_PARTS], cwd=PROJECT_ROOT, capture_output=True,
                                 check=True, timeout=60).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True, timeout=60)
    else:
        for part in SNAPSHOT_PARTS:
            source = PROJECT_ROOT / part
            if source.is_dir():
                shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif source.exists():
                shutil.copy2(source, dest / part)
    sys.path.insert(0, str(dest))
    return dest


def code_ref(ref: str) -> str | None:
    """'worktree' means the files as they are now; anything else is a git ref."""
    return None if ref == "worktree" else ref


def service(new: str, old: str):
    """A service module by its path under leaderboard/services in the grouped layout (e.g. 'sales.ingest'),
    or in the flat layout of older commits (e.g. 'sales'), so the bench can measure either."""
    import importlib
    try:
        return importlib.import_module(f"leaderboard.services.{new}")
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("leaderboard.services"):
            raise
        return importlib.import_module(f"leaderboard.services.{old}")


def sqlite_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'bench.db'}"


database_url = sqlite_url  # the name profile_paths.py and older scripts use


def make_app(instance: Path, url: str | None = None):
    from leaderboard import create_app
    return create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": url or sqlite_url(instance),
                       "SECRET_KEY": "bench-secret"})


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((loadgen.LOCALHOST, 0))
        return s.getsockname()[1]


def app_env(instance: Path, url: str | None, code: Path | None) -> dict[str, str]:
    env = dict(os.environ, LEADERBOARD_INSTANCE_PATH=str(instance),
               LEADERBOARD_DATABASE_URL=url or sqlite_url(instance), LEADERBOARD_SECRET_KEY="bench-secret",
               LEADERBOARD_SERVER_HOST=loadgen.LOCALHOST)
    if code is not None:  # the snapshot shadows the editable install
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH")]))
    return env


def run_cli(instance: Path, args: list[str], url: str | None = None, code: Path | None = None,
            timeout: float = 3600) -> tuple[float, str]:
    """Runs `leaderboard <args>` as a subprocess; returns (wall seconds, combined output). Raises on failure."""
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", CONSOLE, *args], env=app_env(instance, url, code),
                          cwd=str(code or PROJECT_ROOT), capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_cli.last_cpu_s = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    output = (done.stdout + done.stderr).replace("\r", "\n")
    if done.returncode != 0:
        raise SystemExit(f"leaderboard {' '.join(args)} exited {done.returncode}:\n{output[-2000:]}")
    return seconds, output


class Server:
    """`leaderboard serve` (gevent) as a subprocess on 127.0.0.1 against the bench database."""

    def __init__(self, instance: Path, kind: str = "leaderboard", code: Path | None = None,
                 url: str | None = None, name: str = "server"):
        self.instance, self.kind, self.code, self.url = instance, kind, code, url
        self.port = free_port()
        self.log_path = instance / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = dict(app_env(self.instance, self.url, self.code),
                   BENCH_SERVER_YIELD="1" if self.kind == "nodelay-yield" else "0")
        launcher = ([sys.executable, "-c", CONSOLE, "serve"] if self.kind == "leaderboard"
                    else [sys.executable, str(BENCH_DIR / "serve_nodelay.py")])
        command = [*launcher, "--host", loadgen.LOCALHOST, "--port", str(self.port)]
        self.log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(command, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     cwd=str(self.code or PROJECT_ROOT))
        deadline = time.monotonic() + 60
        client = loadgen.Client(self.port, "none", timeout=2)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}; see {self.log_path}")
            status, _, _ = client.request("GET", "/api/v1/health")
            if status == 200:
                client.close()
                return self
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"server did not answer /api/v1/health within 60 s; see {self.log_path}")

    def __exit__(self, *exc: Any) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.log_file.close()

    def rss_mb(self) -> float | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except (OSError, AttributeError):
            return None
        return None


def verdict(targets: dict[str, tuple[str, float]], metric: str, value: float | None) -> str:
    """'met' / 'MISSED' against targets[metric] = (op, target); '' when there is no target or value."""
    if metric not in targets or value is None:
        return ""
    op, target = targets[metric]
    ok = value >= target if op == ">=" else value <= target
    return "met" if ok else "MISSED"
