"""Every HTTP route's access policy: the action it takes and the stored resource it touches.

The decisions come from leaderboard/domain/access.py; web/access.py enforces this table before any view
(fail closed: a route with no entry answers 403), and the OpenAPI document reads its roles from here.
tests/security/test_authorization_matrix.py checks that every route has an entry.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request

from leaderboard.domain.access import PUBLIC, Resource
from leaderboard.services.access import policy
from leaderboard.services.people.pulses import pulse_resource
from leaderboard.services.prizes import wins as prize_wins

Locate = Callable[[dict[str, Any]], Resource]


@dataclass(frozen=True)
class RoutePolicy:
    action: str
    locate: Locate | None = None  # the resource the path (or query) names
    console: bool = False            # a console page: leads and admins only, sign-in page otherwise


def _contest(args: dict[str, Any]) -> Resource:
    return policy.contest_resource(args["contest_id"])


def _agent(args: dict[str, Any]) -> Resource:
    return policy.agent_resource(args["key"])


def _channel(args: dict[str, Any]) -> Resource:
    return policy.channel_resource(args["key"])


def _site(args: dict[str, Any]) -> Resource:
    return policy.site_resource(args["key"])


def _team(args: dict[str, Any]) -> Resource:
    return policy.team_resource(args["key"])


def _roster_item(args: dict[str, Any]) -> Resource:
    return policy.roster_item_resource(args.get("collection") or args["kind"], args["key"])


def _query_site(_args: dict[str, Any]) -> Resource:
    return policy.query_site_resource(request.args.get("site"))


def _pulse(args: dict[str, Any]) -> Resource:
    return pulse_resource(args["pulse_id"])


def _page(action: str, locate: Locate | None = None) -> RoutePolicy:
    return RoutePolicy(action, locate, console=True)


OPEN = RoutePolicy(PUBLIC)
ENDPOINTS: dict[str, RoutePolicy] = {
    # API: health and the contract are public; a TV registers and polls with its own secret.
    "api.health.health": OPEN,
    "api.openapi.openapi_document": OPEN,
    "api.screens.register_screen": OPEN,
    "api.screens.screen_status": OPEN,
    "api.roster.list_collection": RoutePolicy("roster.read"),
    "api.roster.get_item": RoutePolicy("roster.read", _roster_item),
    "api.roster.put_site": RoutePolicy("site.write", _site),
    "api.roster.put_team": RoutePolicy("roster.write", _team),
    "api.roster.put_agent": RoutePolicy("roster.write", _agent),
    "api.roster.put_product": RoutePolicy("product.write"),
    "api.roster.import_roster": RoutePolicy("roster.write"),
    "api.sales.post_sales": RoutePolicy("sale.write"),
    "api.sales.cancel": RoutePolicy("sale.cancel"),
    "api.kpis.post_kpis": RoutePolicy("kpi.write"),
    "api.contests.create_contest": RoutePolicy("contest.write"),
    "api.contests.list_contests": RoutePolicy("contest.read"),
    "api.contests.get_contest": RoutePolicy("contest.read", _contest),
    "api.contests.patch_contest": RoutePolicy("contest.write", _contest),
    "api.contests.cancel_contest": RoutePolicy("contest.write", _contest),
    "api.contests.contest_standings": RoutePolicy("contest.read", _contest),
    "api.contests.calendar_standings": RoutePolicy("board.read", _query_site),
    "api.draws.list_tickets": RoutePolicy("contest.read", _contest),
    "api.draws.freeze": RoutePolicy("contest.write", _contest),
    "api.draws.run_draw": RoutePolicy("contest.write", _contest),
    "api.draws.get_proof": RoutePolicy("contest.read", _contest),
    "api.leagues.matches": RoutePolicy("contest.read", _contest),
    "api.leagues.table": RoutePolicy("contest.read", _contest),
    "api.leagues.bracket": RoutePolicy("contest.read", _contest),
    "api.earnings.agent_earnings": RoutePolicy("agent.private", _agent),
    "api.earnings.choose_charity": RoutePolicy("agent.private", _agent),
    "api.earnings.payroll": RoutePolicy("payroll.read"),
    "api.screens.pair_screen": RoutePolicy("screen.pair"),
    "api.screens.put_channel": RoutePolicy("channel.write", _channel),
    "api.screens.list_channels": RoutePolicy("channel.read"),
    "api.screens.get_channel": RoutePolicy("channel.read", _channel),
    "api.photos.put_photo": RoutePolicy("roster.write", _agent),
    "api.photos.delete_photo": RoutePolicy("roster.write", _agent),
    "api.privacy.export_agent": RoutePolicy("agent.export", _agent),
    "api.privacy.erase_agent": RoutePolicy("agent.erase", _agent),
    "api.privacy.give_consent": RoutePolicy("contest.consent", _contest),
    "api.privacy.withdraw_consent": RoutePolicy("contest.consent", _contest),
    "api.prizes.contest_prizes": RoutePolicy("contest.read", _contest),
    "api.prizes.hand_over": RoutePolicy("prize.hand_over", lambda args: prize_wins.win_resource(args["win_id"])),
    # The people side: goal posters, kudos, values pulses (services check recipients, sites and ballots).
    "api.people.get_goal": RoutePolicy("agent.private", _agent),
    "api.people.put_goal": RoutePolicy("goal.write", _agent),
    "api.people.give_kudos": RoutePolicy("kudos.give"),
    "api.people.list_kudos": RoutePolicy("kudos.read"),
    "api.people.kudos_board": RoutePolicy("kudos.read"),
    "api.people.open_pulse": RoutePolicy("pulse.open"),
    "api.people.list_pulses": RoutePolicy("pulse.list"),
    "api.people.answer_pulse": RoutePolicy("pulse.answer", _pulse),
    "api.people.pulse_results": RoutePolicy("pulse.read", _pulse),
    # Pages anyone may open: they show nothing personal, or only the signed-in agent's own numbers.
    "static": OPEN,
    "tv.home": OPEN,
    "tv.pairing": OPEN,
    "tv.channel_page": OPEN,  # an empty shell: the slides arrive over /live with a display token
    "tv.phone_qr": OPEN,
    "tv.vendor": OPEN,
    "tv.live_events": OPEN,
    "tv.strings": OPEN,  # interface strings, no data
    "tv.join": OPEN,  # what the TV's QR code opens: how to get a personal link
    "tv.proof_qr": OPEN,  # a QR code of the proof's address; the proof itself keeps its own policy
    # Photos are named by an unguessable token that only screens allowed to see the board are given.
    "tv.photo": OPEN,
    "i18n.switch": OPEN,
    "console.login": OPEN,
    "console.logout": OPEN,
    "phone.me": OPEN,
    "phone.personal_link": OPEN,
    "phone.manifest": OPEN,  # browsers fetch a web app manifest without credentials
    "phone.sign_out": OPEN,
    "phone.charity": RoutePolicy("self.read"),
    "phone_prizes.my_prizes": RoutePolicy("self.read"),
    "phone.consent": RoutePolicy("self.read"),  # the consent service checks the contest itself
    # The phone's people section: the signed-in agent's own goal, kudos and pulse answers (services check the rest).
    "phone_people.people_json": RoutePolicy("self.read"),
    "phone_people.set_goal": RoutePolicy("self.read"),
    "phone_people.goal_wall": RoutePolicy("self.read"),
    "phone_people.give_kudos": RoutePolicy("self.read"),
    "phone_people.answer_pulse": RoutePolicy("self.read"),
    # Poster pictures, like photos, are named by an unguessable token given only to who may see the poster.
    "phone_people.poster_picture": OPEN,
    # The console.
    "console.dashboard": _page("contest.read"),
    "console_audit.index": _page("audit.read"),
    "console_contests.index": _page("contest.read"),
    "console_contests.detail": _page("contest.read", _contest),
    "console_contests.proof": _page("contest.read", _contest),
    "console_contests.new": _page("contest.write"),
    "console_contests.edit": _page("contest.write", _contest),
    "console_contests.cancel": _page("contest.write", _contest),
    "console_contests.freeze": _page("contest.write", _contest),
    "console_contests.run_draw": _page("contest.write", _contest),
    "console_exports.index": _page("payroll.read"),
    "console_exports.payroll_csv": _page("payroll.read"),
    "console_exports.standings_csv": _page("contest.read"),
    "console_roster.index": _page("roster.read"),
    "console_roster.new": _page("roster.write"),
    "console_roster.edit": _page("roster.write", _roster_item),
    "console_roster.export_agents": _page("roster.read"),
    "console_roster.issue_link": _page("roster.write", _agent),
    "console_roster.import_csv": _page("roster.write"),
    "console_roster.revoke_link": _page("roster.write"),
    "console_pulses.index": _page("pulse.read"),  # opening one: the service checks pulse.open on its sites
    "console_pulses.kudos_board": _page("kudos.read"),  # giving: the service checks kudos.give
    "console_sales.index": _page("sale.read"),
    "console_prizes.index": _page("prize.hand_over"),
    "console_prizes.hand_over": _page("prize.hand_over", lambda args: prize_wins.win_resource(args["win_id"])),
    "console_sales.cancel": _page("sale.cancel"),
    "console_screens.index": _page("channel.read"),
    "console_screens.channel": _page("channel.write", _channel),
    "console_screens.new_channel": _page("channel.write"),
    "console_screens.pair": _page("screen.pair"),
}
