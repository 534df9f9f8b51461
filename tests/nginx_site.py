"""nginx in the foreground in front of several `leaderboard serve` processes, from deploy/nginx/leaderboard.conf.

Shared by tests/deploy (the two-process test) and bench/live_screens.py (two workers behind nginx).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.live_server import ROOT, free_port, wait_until_healthy

SITE_CONF = ROOT / "deploy" / "nginx" / "leaderboard.conf"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def render_site(listen_port: int, backends: list[int]) -> str:
    """deploy/nginx/leaderboard.conf with only its ports changed."""
    site = SITE_CONF.read_text()
    site, listens = re.subn(r"^(\s*)listen\s+\S+;", rf"\g<1>listen 127.0.0.1:{listen_port};", site, flags=re.M)
    assert listens == 1, "the site must have exactly one `listen` line"
    servers = list(re.finditer(r"^(\s*)server 127\.0\.0\.1:\d+;\n", site, flags=re.M))
    assert len(servers) >= 2, "the upstream must list two or more `server 127.0.0.1:PORT;` lines"
    indent = servers[0].group(1)
    ours = "".join(f"{indent}server 127.0.0.1:{port};\n" for port in backends)
    return site[:servers[0].start()] + ours + site[servers[-1].end():]


class Nginx:
    """nginx in the foreground with its own prefix, pid, logs and temp folders under the test's folder."""

    def __init__(self, folder: Path, backends: list[int], worker_connections: int = 1024):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (folder / "leaderboard.conf").write_text(render_site(self.port, backends))
        temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in
                         ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root root;\n" if os.geteuid() == 0 else ""  # workers may then read the test's 0700 folder
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log info;\n"
            f"worker_rlimit_nofile {2 * worker_connections};\n"
            f"events {{ worker_connections {worker_connections}; }}\n"
            f"http {{\n    access_log {folder}/access.log;\n{temp}\n    include {folder}/leaderboard.conf;\n}}\n")
        self.log = open(folder / "nginx.out", "ab")  # noqa: SIM115 - open for the life of nginx; closed in stop()
        self.process = subprocess.Popen([NGINX, "-p", str(folder), "-e", str(folder / "error.log"),
                                         "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        wait_until_healthy(self.process, self.url, 15, self.errors)

    def errors(self) -> str:
        path = self.folder / "error.log"
        return path.read_text()[-3000:] if path.exists() else "(no error.log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def reset_postgres(url: str) -> None:
    """The database outlives runs: start from an empty schema (Deployment then runs `leaderboard db upgrade`)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
