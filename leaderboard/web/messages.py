"""Service and validation messages (English, from services, the domain and pydantic) in the reader's language.

Services speak English to every adapter (the API answers in English); pages translate through this one table,
matched on the message's fixed wording, with the variable parts (codes, bounds) carried over.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from leaderboard.services.core.errors import FieldError

NUMBER = r"-?[\d,]+(?:\.\d+)?"
QUOTED = r"'(?P<{}>[^']*)'"


def _q(name: str) -> str:
    return QUOTED.format(name)


# (pattern matched on the whole message, case-insensitively, with an optional final period; translation)
TABLE: tuple[tuple[str, LazyString], ...] = (
    # pydantic
    (r"field required", _l("Required.")),
    (r"string should have at least 1 character", _l("Required: this cannot be empty.")),
    (r"string should have at least (?P<n>\d+) characters", _l("At least %(n)s characters.")),
    (r"string should have at most (?P<n>\d+) characters?", _l("At most %(n)s characters.")),
    (r"string should match pattern .*", _l("This is not in the expected format.")),
    (r"input should be a valid integer.*", _l("Enter a whole number.")),
    (r"input should be a valid (?:number|decimal).*", _l("Enter a number.")),
    (r"input should be greater than or equal to (?P<v>\S+)", _l("Must be at least %(v)s.")),
    (r"input should be greater than (?P<v>\S+)", _l("Must be more than %(v)s.")),
    (r"input should be less than or equal to (?P<v>\S+)", _l("Must be at most %(v)s.")),
    (r"input should be less than (?P<v>\S+)", _l("Must be less than %(v)s.")),
    (r"input should be a valid boolean.*", _l("Must be yes or no.")),
    (r"input should be a valid string", _l("Must be text.")),
    (r"input should be a valid (?:list|array)", _l("Must be a list.")),
    (r"input should be a valid dictionary.*", _l("Must be an object.")),
    (r"decimal input should have no more than (?P<n>\d+) decimal places?", _l("At most %(n)s decimals.")),
    (r"decimal input should have no more than (?P<n>\d+) digits? in total", _l("At most %(n)s digits.")),
    (r"list should have at most (?P<n>\d+) items? after validation, not \d+", _l("At most %(n)s items.")),
    # constrained strings built on a validator type speak of "items": they are characters here
    (r"value should have at least 1 item after validation, not 0", _l("Required: this cannot be empty.")),
    (r"value should have at least (?P<n>\d+) items? after validation, not \d+", _l("Too short: at least %(n)s.")),
    (r"value should have at most (?P<n>\d+) items? after validation, not \d+", _l("Too long: at most %(n)s.")),
    (r"input should be (?P<options>'.*)", _l("Must be one of: %(options)s.")),
    (r"unknown field", _l("This field is not known here.")),
    # schemas
    (r"must be an rfc 3339 timestamp.*|timestamp has no utc offset.*|not a valid timestamp.*",
     _l("Must be a date and time with its UTC offset, such as 2026-11-23T09:30:00+01:00.")),
    (r"must fall from 2000-01-01 up to \(not including\) 2100-01-01.*",
     _l("Must fall from 2000-01-01 up to 2099-12-31.")),
    (r"must be a number or a decimal string|must be a number", _l("Enter a number.")),
    (rf"must be an amount from 0 to (?P<max>{NUMBER})", _l("Must be an amount from 0 to %(max)s.")),
    (r"must have at most two decimals", _l("At most two decimals.")),
    (r"must not contain control characters", _l("Must not contain control characters.")),
    (rf"unknown iana timezone {_q('tz')}", _l("Unknown timezone “%(tz)s”.")),
    # contests
    (r"must be after starts_at", _l("Must be after the start.")),
    (r"required for this kind of contest", _l("Required for this kind of contest.")),
    (r"a contest needs at least one site", _l("Choose at least one site.")),
    (r"choose at least 2 sites", _l("Choose at least two sites.")),
    (rf"unknown site {_q('key')}", _l("Unknown site “%(key)s”.")),
    (rf"unknown product {_q('code')}", _l("Unknown product “%(code)s”.")),
    (rf"unknown kpi {_q('name')}; declared: (?P<known>.*)", _l("Unknown KPI “%(name)s”; known: %(known)s.")),
    (rf"unknown kpi {_q('name')}", _l("Unknown KPI “%(name)s”.")),
    (rf"must be a number from (?P<low>{NUMBER}) to (?P<high>{NUMBER}) with at most 4 decimals",
     _l("Must be a number from %(low)s to %(high)s with at most 4 decimals.")),
    (r"unknown rule for a \w+ contest", _l("This rule does not exist for this kind of contest.")),
    (r"must be true or false", _l("Must be yes or no.")),
    (r"(?:normalize )?must be 'fte' or 'none'",
     _l("Must be total points or points per full-time equivalent.")),
    (r"must be a whole number from (?P<low>\d+) to (?P<high>\d+)",
     _l("Must be a whole number from %(low)s to %(high)s.")),
    (r"must be a list of product codes", _l("Must be a list of product codes.")),
    (r"must be an object keyed by product code", _l("Must be an object keyed by product code.")),
    (r"must be an object with 'points'.*", _l("Give points, tickets or assist points for this product.")),
    (r"must be an object with 'sales' and/or 'kpis'", _l("The score takes a sales weight and KPI weights only.")),
    (r"must be an object keyed by kpi name", _l("Must be an object keyed by KPI name.")),
    (r"must be \{'weight': number, 'target': number\}", _l("A KPI needs both a weight and a target.")),
    (r"must be \{'kpi': name, 'min': number\}", _l("A quality gate needs a KPI and a minimum.")),
    (r"must be an object", _l("Must be an object.")),
    (r"must be a non-empty list of product kinds: .*", _l("Choose which product kinds count.")),
    (rf"unknown product kind {_q('kind')}; one of .*", _l("Unknown product kind “%(kind)s”.")),
    # instant prizes
    (r"must be a list of \{name, stock, when\}", _l("Must be a list of instant prizes.")),
    (r"at most (?P<n>\d+) instant prizes", _l("At most %(n)s instant prizes.")),
    (r"must be an object with exactly 'name', 'stock' and 'when'",
     _l("An instant prize needs a name, a stock and a condition.")),
    (r"must be a text of 1 to (?P<n>\d+) characters", _l("At least 1 and at most %(n)s characters.")),
    (rf"another instant prize is already called {_q('name')}",
     _l("Another instant prize is already called “%(name)s”.")),
    (r"unknown setting for \w+", _l("This setting does not apply to this condition.")),
    (r"must be 'site' or 'contest'", _l("Must be per site or for the whole contest.")),
    (r"must be a product code", _l("Must be a product code.")),
    (r"must be an amount such as \"100\.00\" \(0 or more, 2 decimals\)",
     _l("Must be an amount such as 100.00 (0 or more, 2 decimals).")),
    (r"must be a number above 0 and at most 1", _l("Must be above 0 and at most 1.")),
    (r"must be one of (?P<options>.*)", _l("Must be one of: %(options)s.")),
    # leagues
    (r"format must be 'league' or 'cup'", _l("Choose league or cup.")),
    (r"legs must be 1 or 2", _l("Legs must be 1 or 2.")),
    (r"match length must be whole days from 'P1D' to 'P366D'", _l("A match lasts from 1 to 366 whole days.")),
    (r"points per goal must be 'auto' or a positive number up to (?P<max>[\d,]+) with at most (?P<n>\d+) decimals",
     _l("Points per goal must be auto or a positive number up to %(max)s with at most %(n)s decimals.")),
    (r"match points need win, draw and loss values", _l("Give points for a win, a draw and a loss.")),
    (r"points must satisfy win ≥ draw ≥ loss", _l("A win must give at least as much as a draw, and a draw as a loss.")),
    (r"the fixtures would end after (?P<date>\S+)", _l("The fixtures would end after %(date)s.")),
    (r"contradicts the fixtures: .*", _l("This end does not match the fixtures; leave it empty to follow them.")),
    (r"follows from the fixtures of a league and cannot change",
     _l("The end of a league follows from its fixtures and cannot change.")),
    (r"is fixed once the league has been launched", _l("This cannot change once the league has been launched.")),
    (r"is locked: the tickets of this lucky draw are frozen",
     _l("Locked: the tickets of this lucky draw are frozen.")),
    (r"must be 'league'", _l("Only leagues and cups have fixtures.")),
    # roster
    (r"required", _l("Required.")),
    (rf"missing column {_q('column')}", _l("The column “%(column)s” is missing.")),
    (r"must be 1 to 64 letters, digits, _ \. : or -, starting with a letter or digit",
     _l("1 to 64 letters, digits, _ . : or -, starting with a letter or digit.")),
    (rf"unknown team {_q('key')}", _l("Unknown team “%(key)s”.")),
    (rf"team {_q('team')} is not at site {_q('site')}", _l("The team “%(team)s” is not at the site “%(site)s”.")),
    (rf"unknown agent {_q('key')}", _l("Unknown agent “%(key)s”.")),
    # sales, screens
    (r"is more than (?P<n>\d+) minutes in the future", _l("Is more than %(n)s minutes in the future.")),
    (r"already received with a different body", _l("Already received with different details.")),
    (r"must be yyyy-mm, e\.g\. 2026-11", _l("Must be a month such as 2026-11.")),
    (r"must not be empty", _l("Required: this cannot be empty.")),
    (r"an existing contest is required", _l("Choose an existing contest.")),
    (r"a bracket slide needs a cup", _l("A bracket slide needs a cup.")),
    (r"choose one of: (?P<options>.*)", _l("Choose one of: %(options)s.")),
    # permissions: a lead acting outside their sites, a role acting outside its rights
    (r"\w+ '[^']*' may not change (?:agents|teams|sales|contests) of site '(?P<site>[^']*)'",
     _l("You do not manage the site “%(site)s”.")),
    (r"\w+ '[^']*' may not change site '(?P<site>[^']*)'", _l("You do not manage the site “%(site)s”.")),
    (r"\w+ '[^']*' may not change agent '(?P<key>[^']*)'", _l("You do not manage the agent “%(key)s”.")),
    (r"\w+ '[^']*' may not change team '(?P<key>[^']*)'", _l("You do not manage the team “%(key)s”.")),
    (r"\w+ '[^']*' may not change contest \d+ \(site '(?P<site>[^']*)'\)",
     _l("This contest includes the site “%(site)s”, which you do not manage.")),
    (r"\w+ '[^']*' may not change .+", _l("You do not manage this: it belongs to another site.")),
    (r"role '\w+' may not .+", _l("Your role does not allow this.")),
    (r"only admins (?:change products|create sites)", _l("Only administrators may do this.")),
)
COMPILED = tuple((re.compile(rf"(?:{pattern})\.?", re.IGNORECASE), text) for pattern, text in TABLE)
LINE = re.compile(r"line (?P<n>\d+): (?P<rest>.+)", re.IGNORECASE)


def translate(message: str) -> str:
    """`message` in the page's language; a message this table does not know is shown as it came."""
    text = message.strip()
    line = LINE.fullmatch(text)
    if line:
        return str(_l("Line %(n)s: %(message)s")) % {"n": line["n"], "message": translate(line["rest"])}
    for pattern, translation in COMPILED:
        match = pattern.fullmatch(text)
        if match:
            return str(translation) % match.groupdict()
    return message


def translated(errors: Iterable[FieldError]) -> list[FieldError]:
    """The same problems, each message in the page's language."""
    return [FieldError(problem.field, translate(problem.message)) for problem in errors]
