"""Console sign-in, sign-out and the dashboard of contests."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from leaderboard.extensions import limiter
from leaderboard.services.access import auth
from leaderboard.services.boards import console_queries as queries
from leaderboard.services.contests import lifecycle as contests
from leaderboard.web.console.common import LEADS
from leaderboard.web.security import safe_next
from leaderboard.web.signin import session_principal, signed_in_user

bp = Blueprint("console", __name__)
LOGIN_RATE = "10 per minute"


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_RATE, methods=["POST"], error_message="Too many sign-in attempts; wait a minute.")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = auth.user_by_email(form.email.data)
        if user is not None and user.role in LEADS and auth.check_password(user, form.password.data):
            login_user(signed_in_user(user))
            return redirect(safe_next(request.args.get("next"), url_for("console.dashboard")))
        form.password.errors = [_("Wrong email or password.")]
    return render_template("console/login.html", form=form), (200 if request.method == "GET" or
                                                              form.errors == {} else 422)


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("console.login"))


@bp.get("/console/")
def dashboard():
    items = contests.list_contests(session_principal())
    site_names = {site.key: site.name for site in queries.visible_sites(session_principal())}
    return render_template("console/dashboard.html", contests=[contests.contest_view(c) for c in items],
                           site_names=site_names)

