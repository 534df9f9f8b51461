"""Duty leases and the duty runner, in process (SQLite, and PostgreSQL when configured)."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from leaderboard.extensions import db
from leaderboard.models.leases import DutyLease
from leaderboard.services.core import leases
from leaderboard.services.core.duties import Duty, DutyRun, run_due
from tests.conftest import NOW

MINUTE = timedelta(minutes=1)


def take(app, holder: str, at, duty: str = "confirm-sales") -> bool:
    with app.app_context():
        taken = leases.take(duty, holder, MINUTE, at)
        db.session.commit()
        return taken


def test_a_lease_goes_to_one_holder_until_it_expires(app):
    assert take(app, "a", NOW)
    assert not take(app, "b", NOW + timedelta(seconds=59))
    assert not take(app, "a", NOW + timedelta(seconds=30))  # not even its holder: once per period
    assert take(app, "other-duty-holder", NOW, duty="league-upkeep")  # leases are per duty
    assert take(app, "b", NOW + MINUTE)
    with app.app_context():
        rows = {row.duty: (row.holder, row.expires_at) for row in db.session.scalars(select(DutyLease))}
    assert rows == {"confirm-sales": ("b", NOW + 2 * MINUTE), "league-upkeep": ("other-duty-holder", NOW + MINUTE)}


def test_a_claim_rolled_back_leaves_the_lease_free(app):
    with app.app_context():
        assert leases.take("confirm-sales", "a", MINUTE, NOW)
        db.session.rollback()  # the process died, or the duty failed, before commit
    assert take(app, "b", NOW)


def test_run_due_runs_each_duty_once_per_lease_and_survives_a_failing_duty(app):
    calls: list[tuple[str, object]] = []

    def confirm(now) -> int:
        calls.append(("confirm", now))
        return 3

    def broken(now) -> int:
        calls.append(("broken", now))
        raise RuntimeError("boom")

    duties = (Duty("broken", broken), Duty("confirm", confirm))
    clock = iter([NOW, NOW, NOW + timedelta(seconds=1), NOW + timedelta(seconds=1), NOW + MINUTE, NOW + MINUTE])
    with app.app_context():
        first = run_due(duties, "a", MINUTE, now=lambda: next(clock))
        second = run_due(duties, "b", MINUTE, now=lambda: next(clock))
        third = run_due(duties, "b", MINUTE, now=lambda: next(clock))
    assert first == [DutyRun("broken", ran=False, failed=True), DutyRun("confirm", ran=True, changed=3)]
    # The failed duty's claim was rolled back with it: b retries it at once; confirm is a's for a minute.
    assert second == [DutyRun("broken", ran=False, failed=True), DutyRun("confirm", ran=False)]
    assert third == [DutyRun("broken", ran=False, failed=True), DutyRun("confirm", ran=True, changed=3)]
    assert calls == [("broken", NOW), ("confirm", NOW), ("broken", NOW + timedelta(seconds=1)),
                     ("broken", NOW + MINUTE), ("confirm", NOW + MINUTE)]


def test_a_duty_with_a_longer_period_waits_for_it_whatever_the_poll(app):
    hourly = Duty("hourly", lambda now: 1, period=timedelta(hours=1))
    with app.app_context():
        runs = [run_due((hourly,), holder, MINUTE, now=lambda at=at: at)[0].ran
                for holder, at in (("a", NOW), ("b", NOW + 5 * MINUTE), ("a", NOW + 59 * MINUTE),
                                   ("b", NOW + timedelta(hours=1)))]
    # Leases run a tenth short of the period, so a poll landing just after the hour is never skipped.
    assert runs == [True, False, True, False]


def test_tick_takes_the_workers_lease_so_it_never_confirms_alongside_them(runner):
    first = runner.invoke(args=["tick"])
    assert first.exit_code == 0 and "0 newly confirmed sales counted" in first.output
    second = runner.invoke(args=["tick"])  # within the period: a worker (here, the first tick) holds the lease
    assert second.exit_code == 0 and "holds the lease" in second.output


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attempts=st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(min_value=0, max_value=150)),
                         max_size=12))
def test_any_sequence_of_takes_matches_the_rule_free_or_expired(app, attempts):
    """Whatever the order of holders and times, a take succeeds exactly when nobody's lease is still running."""
    with app.app_context():
        db.session.execute(delete(DutyLease))
        db.session.commit()
    expires = None
    offset = 0
    for holder, step in attempts:
        offset += step
        at = NOW + timedelta(seconds=offset)
        expected = expires is None or at >= expires
        assert take(app, holder, at) is expected, (holder, offset)
        if expected:
            expires = at + MINUTE
