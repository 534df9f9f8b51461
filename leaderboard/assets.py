"""Where the server finds its files: the wheel's bundled package data, or the checkout it runs from.

The wheel build (setup.py) copies templates, static files, migrations, config.toml and the npm browser
libraries into leaderboard/bundle/. A checkout (editable install, `make demo`) has no bundle and
serves wallboard/, migrations/ and node_modules/ where they are.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from leaderboard.web.vendor_files import NPM, VENDOR_DIRS, VENDOR_FILES

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLE_DIR = PACKAGE_DIR / "bundle"
CHECKOUT_DIR = PACKAGE_DIR.parent


def is_bundled() -> bool:
    return (BUNDLE_DIR / "config.toml").is_file()


def templates_dir() -> Path:
    return BUNDLE_DIR / "templates" if is_bundled() else CHECKOUT_DIR / "wallboard" / "templates"


def static_dir() -> Path:
    return BUNDLE_DIR / "static" if is_bundled() else CHECKOUT_DIR / "wallboard" / "static"


def migrations_dir() -> Path:
    return BUNDLE_DIR / "migrations" if is_bundled() else CHECKOUT_DIR / "migrations"


def default_config_file() -> Path:
    return BUNDLE_DIR / "config.toml" if is_bundled() else CHECKOUT_DIR / "config.toml"


def default_instance_dir() -> Path:
    """./instance of the checkout, or of the working directory when installed from a wheel."""
    return Path.cwd() / "instance" if is_bundled() else CHECKOUT_DIR / "instance"


def vendor_file(name: str) -> Path | None:
    """The file served as /vendor/<name>, or None when it is not listed or not installed."""
    if ".." in name.split("/"):
        return None
    source, inner = VENDOR_FILES.get(name), ""
    if source is None:
        for folder_prefix, folder in VENDOR_DIRS.items():
            if name.startswith(folder_prefix + "/") and folder.serves(name[len(folder_prefix) + 1:]):
                source, inner = folder, name[len(folder_prefix) + 1:]
                break
    if source is None:
        return None
    if source.kind == NPM:
        path = BUNDLE_DIR / "vendor" / name if is_bundled() else CHECKOUT_DIR / "node_modules" / source.path / inner
    else:
        package, _, within = source.path.partition("/")
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            return None
        path = Path(next(iter(spec.submodule_search_locations))) / within / inner
    return path if path.is_file() else None
