"""The wheel carries everything: built, installed into a fresh venv outside the checkout, served, used in Chromium."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import requests
from babel.messages.pofile import read_po

from leaderboard.web.vendor_files import NPM, VENDOR_DIRS, VENDOR_FILES
from tests.live_server import ROOT, free_port, wait_until_healthy

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # setuptools never prunes build/lib: a module deleted since the last build would ride along.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)],
                   check=True, timeout=600, capture_output=True)
    (built,) = out.glob("leaderboard-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh venv in a temporary folder, the wheel installed with its dependencies, a server started there."""
    home = tmp_path_factory.mktemp("installed")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   timeout=900, capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEADERBOARD_", "PYTHON", "VIRTUAL_ENV"))}
    env.update({"LEADERBOARD_INSTANCE_PATH": str(home / "instance"), "LEADERBOARD_SECRET_KEY": "wheel-test"})

    def leaderboard(*args: str) -> str:
        result = subprocess.run([str(venv / "bin" / "leaderboard"), *args], env=env, cwd=home, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import leaderboard; print(leaderboard.__file__)"],
                           env=env, cwd=home, capture_output=True, text=True, check=True).stdout
    assert Path(where.strip()).is_relative_to(venv), where  # not the checkout
    leaderboard("db", "upgrade")
    admin = {"Authorization": f"Bearer {leaderboard('apikey', 'create', 'admin', '--role', 'admin').split()[-1]}"}
    display = leaderboard("apikey", "create", "tv", "--role", "display").split()[-1]
    port = free_port()
    log = (home / "server.log").open("wb")
    server = subprocess.Popen([str(venv / "bin" / "leaderboard"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(server, url, 60, lambda: (home / "server.log").read_text(errors="replace"))
        channel = requests.put(f"{url}/api/v1/channels/hall", headers=admin, timeout=10, json={
            "name": "Hall", "slides": [{"type": "message", "text": "Installed from a wheel", "seconds": 60}]})
        assert channel.ok, channel.text
        yield {"url": url, "display": display}
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_the_wheel_carries_templates_static_migrations_catalogues_and_every_vendored_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("leaderboard/bundle/config.toml", "leaderboard/bundle/migrations/env.py",
                   "leaderboard/bundle/templates/console/login.html", "leaderboard/bundle/static/js/live.js",
                   "leaderboard/translations/de/LC_MESSAGES/messages.mo",
                   "leaderboard/translations/fr/LC_MESSAGES/messages.mo"):
        assert needed in names
    versions = {p.relative_to(ROOT).as_posix() for p in (ROOT / "migrations" / "versions").glob("*.py")}
    assert {f"leaderboard/bundle/{v}" for v in versions} <= names
    for name, source in VENDOR_FILES.items():
        if source.kind == NPM:
            assert f"leaderboard/bundle/vendor/{name}" in names
    for prefix in VENDOR_DIRS:
        assert any(n.startswith(f"leaderboard/bundle/vendor/{prefix}/") for n in names), prefix


def test_the_installed_tv_loads_its_socket_io_client_and_connects(installed, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    vendor = []
    page.on("response", lambda r: vendor.append((r.url.rsplit("/", 1)[-1], r.status)) if "/vendor/" in r.url else None)
    try:
        page.goto(f"{installed['url']}/tv/hall#token={installed['display']}")
        page.wait_for_selector("#connection[data-state=live]", timeout=20000)
        assert ("socket.io.min.js", 200) in vendor
        assert [(name, status) for name, status in vendor if status != 200] == []  # fonts, their CSS, plotly
        assert page.evaluate("typeof io") == "function"
    finally:
        context.close()


def test_the_installed_sign_in_page_is_german_for_accept_language_de(installed, browser):
    with (ROOT / "leaderboard" / "translations" / "de" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        german = read_po(po)["Sign in"].string
    assert german and german != "Sign in"
    context = browser.new_context(locale="de-DE", extra_http_headers={"Accept-Language": "de"})
    page = context.new_page()
    try:
        page.goto(f"{installed['url']}/login")
        assert page.inner_text("h1").strip() == german
    finally:
        context.close()


def test_the_sdist_carries_what_the_wheel_build_needs(tmp_path):
    pytest.importorskip("build", reason="`build` comes with the dev extras (make install-dev)")
    subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path), str(ROOT)], check=True,
                   timeout=600, capture_output=True)
    (sdist,) = tmp_path.glob("leaderboard-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in ("setup.py", "config.toml", "package.json", "package-lock.json", "migrations/env.py",
                   "wallboard/templates/console/login.html", "leaderboard/web/vendor_files.py",
                   "leaderboard/translations/de/LC_MESSAGES/messages.po"):
        assert needed in names
    assert not any(name.startswith(("node_modules/", "leaderboard/bundle/")) or name.endswith(".mo")
                   for name in names)
