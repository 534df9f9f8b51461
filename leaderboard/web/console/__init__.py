"""The team leads' console (/console): one blueprint per section, registered together."""
from flask import Flask

from leaderboard.web.console import audit, auth, contests, exports, prizes, pulses, roster, sales, screens

BLUEPRINTS = (auth.bp, roster.bp, contests.bp, sales.bp, screens.bp, audit.bp, exports.bp, prizes.bp, pulses.bp)


def init_app(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
