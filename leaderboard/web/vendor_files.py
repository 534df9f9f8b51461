"""The browser files served under /vendor/: the one list the pages link and the wheel build bundles.

Standard library only: setup.py reads this file at build time, before any dependency is installed.
To add a library, `npm install --save-exact` it and add an entry below; the route and the build follow.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass

NPM = "npm"  # under node_modules/, copied into the wheel when it is built
PYTHON = "python"  # inside an installed Python dependency, found where pip put it


@dataclass(frozen=True)
class VendorSource:
    kind: str
    path: str  # under node_modules/ (npm) or site-packages/ (python), forward slashes
    # Folders only: the files served and bundled, as globs relative to the folder.
    include: tuple[str, ...] = ()

    def serves(self, inner: str) -> bool:
        return any(fnmatch.fnmatchcase(inner, pattern) for pattern in self.include)


def npm(path: str, include: tuple[str, ...] = ()) -> VendorSource:
    return VendorSource(NPM, path, include)


def python_package(path: str) -> VendorSource:
    return VendorSource(PYTHON, path)


# Served name -> the file.
VENDOR_FILES: dict[str, VendorSource] = {
    "socket.io.min.js": npm("socket.io-client/dist/socket.io.min.js"),
    "plotly.min.js": python_package("plotly/package_data/plotly.min.js"),
    # Used by the browser tests' contrast check, served like everything else the pages load.
    "axe.min.js": npm("axe-core/axe.min.js"),
}

# Served prefix -> a folder, of which only `include` is served (and bundled: Noto Sans SC alone is 76 MB).
# Each font's CSS declares one @font-face per unicode-range, so a page loads only the files it shows.
FONT_FILES = ("400.css", "700.css", "files/*-400-normal.woff2", "files/*-700-normal.woff2")
VENDOR_DIRS: dict[str, VendorSource] = {
    "fonts/noto-sans": npm("@fontsource/noto-sans", FONT_FILES),
    "fonts/noto-sans-arabic": npm("@fontsource/noto-sans-arabic", FONT_FILES),
    "fonts/noto-sans-sc": npm("@fontsource/noto-sans-sc", FONT_FILES),
}
