"""Alembic environment: runs against the Flask app's engine and the models' metadata."""
import logging

from alembic import context
from flask import current_app

from leaderboard.models.base import Money, UTCDateTime

config = context.config
log = logging.getLogger("alembic.env")


def render_item(type_, obj, autogen_context):
    """Render our TypeDecorators as the plain types they store, so migrations never import models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    if type_ == "type" and isinstance(obj, Money):
        return "sa.Numeric(precision=14, scale=2)"
    return False


def skip_empty_autogenerate(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def run_migrations_online() -> None:
    migrate_ext = current_app.extensions["migrate"]
    options = dict(migrate_ext.configure_args)
    options.setdefault("process_revision_directives", skip_empty_autogenerate)
    options.setdefault("render_item", render_item)
    options.setdefault("compare_type", True)
    with migrate_ext.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=migrate_ext.db.metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
