"""Entry point of the `leaderboard` console script (a FlaskGroup around create_app)."""
from __future__ import annotations

import os
import sys

SERVING_COMMANDS = {"serve", "demo"}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in SERVING_COMMANDS:
        # gevent must patch the standard library before anything else imports it.
        from gevent import monkey

        monkey.patch_all()
        os.environ.setdefault("LEADERBOARD_REALTIME_ASYNC_MODE", "gevent")
    from flask.cli import FlaskGroup

    from leaderboard.app import create_app

    FlaskGroup(name="leaderboard", create_app=create_app, add_version_option=False,
               help="Sales games for contact centres.")(prog_name="leaderboard")
