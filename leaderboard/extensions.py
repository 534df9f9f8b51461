"""Flask extensions, created unbound here and bound to an app in create_app."""
from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from leaderboard.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
socketio = SocketIO()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def current_flask_app() -> Flask:
    """The app behind `current_app` (for threads and servers that outlive the context)."""
    return current_app._get_current_object()  # type: ignore[attr-defined]  # LocalProxy's own method
