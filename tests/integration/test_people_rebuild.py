"""`leaderboard rebuild` leaves goal posters as they were: savings, progress and reached_at come out unchanged."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import time_machine

from leaderboard.extensions import db
from leaderboard.models.people import Goal
from leaderboard.schemas import CancelIn, SaleIn
from leaderboard.schemas_people import GoalIn, KudosIn
from leaderboard.services.access import auth
from leaderboard.services.earnings import bonuses as earnings
from leaderboard.services.people import goals, kudos, personal
from leaderboard.services.roster.people import agent_by_key
from leaderboard.services.sales import ingest as sales

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=40)


def test_goal_progress_and_kudos_board_survive_a_rebuild(app, make, runner):
    rng = random.Random(5)
    site = make.site("gr", "Europe/Paris")
    agents = [make.agent(site, f"g{i}") for i in range(4)]
    products = [make.product(points=10, bonus=b, currency="EUR") for b in ("5.00", "12.50", "0")]
    with app.app_context(), time_machine.travel(START, tick=False) as clock:
        for i, key in enumerate(agents):
            actor = auth.Principal(name=key, role="agent", agent_id=agent_by_key(key).id)
            goals.set_goal(actor, key, GoalIn(title=f"Goal {i}", target_amount=str(40 + 30 * i), currency="EUR",
                                              on_wall=i % 2 == 0))
        earnings.choose_charity(auth.SYSTEM, agent_by_key(agents[1]), "Red Cross")
        ids = []
        for n in range(120):
            clock.move_to(START + timedelta(hours=8 * n))
            ids.append(f"gs-{n}")
            sales.ingest_sale(auth.SYSTEM, SaleIn(id=f"gs-{n}", agent=rng.choice(agents),
                                                  product=rng.choice(products), quantity=rng.randint(1, 3),
                                                  occurred_at=(START + timedelta(hours=8 * n, minutes=-5)).isoformat()))
            if rng.random() < 0.15:
                sales.cancel_sale(auth.SYSTEM, rng.choice(ids), CancelIn(reason="churn"))
            if n % 10 == 0:
                giver = agent_by_key(agents[n % 4])
                kudos.give(auth.Principal(name=giver.key, role="agent", agent_id=giver.id),
                           KudosIn(to=agents[(n + 1) % 4], value="teamwork"))
        clock.move_to(NOW)
        lead = auth.Principal(name="admin", role="admin")
        before = [goals.get_goal(key).as_dict() for key in agents]
        board = kudos.board(lead, "month")
        pairs = [(agent_by_key(key), db.session.get(Goal, agent_by_key(key).id)) for key in agents]
        assert [view.as_dict() for view in goals.views_of(pairs)] == before  # the goal wall's batch agrees
        assert any(g["reached_at"] for g in before) and any(not g["reached_at"] for g in before)
        assert any(g["saved_pending"] != "0.00" for g in before)
        db.session.remove()
        result = runner.invoke(args=["rebuild"])
        assert result.exit_code == 0, result.output
        assert [goals.get_goal(key).as_dict() for key in agents] == before
        assert kudos.board(lead, "month") == board
        db.session.remove()


def test_personal_share_export_and_erase(app, make):
    """What services/people/personal.py gives an export, and what it erases (the privacy service calls it)."""
    site = make.site("pe", "Europe/Paris")
    ana, bob = make.agent(site, "pe-ana"), make.agent(site, "pe-bob")
    with app.app_context(), time_machine.travel(NOW, tick=False):
        ana_id, bob_id = agent_by_key(ana).id, agent_by_key(bob).id
        actor = auth.Principal(name=ana, role="agent", agent_id=ana_id)
        goals.set_goal(actor, ana, GoalIn(title="Bike", target_amount="100", currency="EUR"))
        kudos.give(actor, KudosIn(to=bob, value="respect", message="Thanks, Bob"))
        mine = personal.export_of(ana_id)
        assert mine["goal"]["title"] == "Bike"
        assert [(k["given"], k["message"]) for k in mine["kudos"]] == [(True, "Thanks, Bob")]
        assert [k["given"] for k in personal.export_of(bob_id)["kudos"]] == [False]
        personal.erase(ana_id)
        db.session.commit()
        assert personal.export_of(ana_id) == {"goal": None, "kudos": [
            {"given": True, "value": "respect", "message": "", "given_at": NOW.isoformat()}]}
        db.session.remove()
