"""Wheel build hook: bundles templates, static files, migrations, config.toml, the npm browser libraries and
compiled catalogues into the package, so an installed server needs neither the checkout nor Node.

Everything else about the package is declared in pyproject.toml.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


def vendor_manifest():  # the module object of leaderboard/web/vendor_files.py
    """Loaded by path: the package's own dependencies are not installed while it builds."""
    spec = importlib.util.spec_from_file_location("vendor_files", ROOT / "leaderboard" / "web" / "vendor_files.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def npm_files() -> dict[str, Path]:
    """Served name -> file under node_modules/, for every npm entry of the manifest (folders expanded)."""
    manifest = vendor_manifest()
    wanted = {name: ROOT / "node_modules" / source.path for name, source in manifest.VENDOR_FILES.items()
              if source.kind == manifest.NPM}
    for prefix, folder in manifest.VENDOR_DIRS.items():
        base = ROOT / "node_modules" / folder.path
        found = [path for path in base.rglob("*")
                 if path.is_file() and folder.serves(path.relative_to(base).as_posix())]
        if not found:
            return {}  # not installed yet
        wanted.update({f"{prefix}/{path.relative_to(base).as_posix()}": path for path in found})
    return wanted


def copy_npm_files(target: Path) -> None:
    wanted = npm_files()
    if not wanted or not all(path.is_file() for path in wanted.values()):
        # package-lock.json pins every version; only the build machine needs Node.
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True)
        wanted = npm_files()
    for name, path in wanted.items():
        if not path.is_file():
            raise SystemExit(f"{path} is missing after npm ci: is it in package.json?")
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / name)


def compile_catalogues(translations: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (ROOT / "leaderboard" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = translations / po_path.relative_to(ROOT / "leaderboard" / "translations").with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as source:
            catalog = read_po(source)
        with mo_path.open("wb") as target:
            write_mo(target, catalog)


class BuildWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # a checkout serves wallboard/, migrations/ and node_modules/ in place
        package = Path(self.build_lib) / "leaderboard"
        bundle = package / "bundle"
        shutil.rmtree(bundle, ignore_errors=True)
        shutil.copytree(ROOT / "wallboard" / "templates", bundle / "templates", ignore=SKIPPED)
        shutil.copytree(ROOT / "wallboard" / "static", bundle / "static", ignore=SKIPPED)
        shutil.copytree(ROOT / "migrations", bundle / "migrations", ignore=SKIPPED)
        shutil.copyfile(ROOT / "config.toml", bundle / "config.toml")
        copy_npm_files(bundle / "vendor")
        compile_catalogues(package / "translations")


setup(cmdclass={"build_py": BuildWithAssets})
