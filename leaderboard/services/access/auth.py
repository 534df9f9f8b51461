"""Who is acting: users, API keys (stored as SHA-256, shown once) and the principal they yield."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from argon2.exceptions import VerificationError
from sqlalchemy import select

from leaderboard.domain.access import Caller, Resource, Verdict, decide
from leaderboard.extensions import db
from leaderboard.models.auth import ROLES, AgentLink, ApiKey, User
from leaderboard.models.roster import Agent, Site
from leaderboard.services.core import audit
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import Forbidden, InvalidInput, NotFound
from leaderboard.services.core.settings import configured

TOKEN_PREFIX = "lb_"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller. `site_ids` is None when not limited to some sites."""

    name: str
    role: str
    site_ids: frozenset[int] | None = None
    agent_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def caller(self) -> Caller:
        """What the access policy (domain/access.py) knows of this principal."""
        return Caller(role=self.role, site_ids=self.site_ids or frozenset(), agent_id=self.agent_id)

    def can_manage_site(self, site_id: int) -> bool:
        """The access policy's roster.write on a resource of that site (admins: any; leads: theirs)."""
        return decide("roster.write", self.caller, Resource(site_ids=frozenset({site_id}))) is Verdict.ALLOW

    def require_site(self, site_id: int, what: str) -> None:
        if not self.can_manage_site(site_id):
            raise Forbidden(f"{self.role} {self.name!r} may not change {what}")


SYSTEM = Principal(name="system", role="admin")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_key(name: str, role: str, user_email: str | None = None,
                   actor: Principal = SYSTEM, agent_key: str | None = None) -> tuple[ApiKey, str]:
    """Create a key; returns it with the secret, which is never stored nor shown again.

    An agent key names its agent (`agent_key`) and acts as that agent, like the agent's phone session."""
    if role not in ("integration", "admin", "lead", "display", "agent"):
        raise InvalidInput(f"unknown role {role!r}")
    user = None
    if user_email:
        user = db.session.scalar(select(User).where(User.email == user_email.lower()))
        if user is None:
            raise NotFound(f"no user {user_email!r}")
    if role == "lead" and (user is None or user.role != "lead"):
        raise InvalidInput("a lead key needs --user naming a lead, whose sites it may manage")
    agent = None
    if role == "agent":
        agent = db.session.scalar(select(Agent).where(Agent.key == agent_key)) if agent_key else None
        if agent is None:
            raise InvalidInput("an agent key needs --agent naming an existing agent, whom it acts as")
    elif agent_key:
        raise InvalidInput("--agent is only for keys with --role agent")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, role=role, token_hash=hash_token(secret), prefix=secret[:10],
                 user=user, agent=agent, created_at=utcnow())
    db.session.add(key)
    audit.record(actor.name, "apikey.create", "api_key", name,
                 after={"role": role, "prefix": key.prefix, **({"agent": agent.key} if agent else {})})
    db.session.commit()
    return key, secret


def revoke_api_key(prefix: str, actor: Principal = SYSTEM) -> None:
    key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None:
        raise NotFound(f"no API key starting {prefix!r}")
    key.revoked_at = utcnow()
    audit.record(actor.name, "apikey.revoke", "api_key", key.name)
    db.session.commit()


def principal_for_token(token: str) -> Principal | None:
    key = db.session.scalar(select(ApiKey).where(ApiKey.token_hash == hash_token(token)))
    if key is None or key.revoked_at is not None:
        return None
    if key.role == "agent":
        agent = key.agent or (key.user.agent if key.user is not None else None)  # older keys name a user
        if agent is None or not agent.active or agent.erased:
            return None
        return _acting_agent(agent)
    return principal_for(key.name, key.role, key.user)


def principal_for(name: str, role: str, user: User | None) -> Principal:
    sites = frozenset(s.id for s in user.sites) if user is not None and role == "lead" else None
    agent_id = user.agent_id if user is not None else None
    return Principal(name=user.email if user else name, role=role, site_ids=sites, agent_id=agent_id)


def create_user(email: str, role: str, password: str | None = None,
                site_keys: Iterable[str] = (), actor: Principal = SYSTEM) -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput(f"{email!r} is not an email address")
    if role not in ROLES or role in ("integration", "display"):
        raise InvalidInput(f"users are admin, lead or agent, not {role!r}")
    if db.session.scalar(select(User).where(User.email == email)):
        raise InvalidInput(f"a user {email!r} already exists")
    sites = []
    for key in site_keys:
        site = db.session.scalar(select(Site).where(Site.key == key))
        if site is None:
            raise NotFound(f"no site {key!r}")
        sites.append(site)
    user = User(email=email, role=role, created_at=utcnow(), sites=sites,
                password_hash=configured().password_hasher.hash(password) if password else None)
    db.session.add(user)
    audit.record(actor.name, "user.create", "user", email, after={"role": role, "sites": list(site_keys)})
    db.session.commit()
    return user


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return configured().password_hasher.verify(user.password_hash, password)
    except VerificationError:
        return False


AGENT_LINK_PREFIX = "lba_"


def issue_agent_link(actor: Principal, agent: Agent) -> tuple[AgentLink, str]:
    """A long random token for the agent's personal link; only its hash is stored."""
    actor.require_site(agent.site_id, f"agent {agent.key!r}")
    token = AGENT_LINK_PREFIX + secrets.token_urlsafe(32)
    link = AgentLink(agent=agent, token_hash=hash_token(token), created_at=utcnow(), created_by=actor.name)
    db.session.add(link)
    audit.record(actor.name, "agent_link.issue", "agent", agent.key)
    db.session.commit()
    return link, token


def revoke_agent_link(actor: Principal, link_id: int) -> AgentLink:
    link = db.session.get(AgentLink, link_id)
    if link is None:
        raise NotFound(f"no link {link_id}")
    actor.require_site(link.agent.site_id, f"agent {link.agent.key!r}")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        audit.record(actor.name, "agent_link.revoke", "agent", link.agent.key)
        db.session.commit()
    return link


def _signs_in(link: AgentLink | None) -> AgentLink | None:
    """The link while it still signs its agent in: not revoked, agent active."""
    if link is None or link.revoked_at is not None or not link.agent.active:
        return None
    return link


def agent_link_for_token(token: str) -> AgentLink | None:
    return _signs_in(db.session.scalar(select(AgentLink).where(AgentLink.token_hash == hash_token(token))))


def live_agent_link(link_id: int) -> AgentLink | None:
    """A browser session's link by id, or None once revoked or its agent deactivated."""
    return _signs_in(db.session.get(AgentLink, link_id))


def agent_principal(link: AgentLink) -> Principal:
    return _acting_agent(link.agent)


def _acting_agent(agent: Agent) -> Principal:
    """An agent acts for themself, within their own site (whose contests they see)."""
    return Principal(name=f"agent:{agent.key}", role="agent", agent_id=agent.id,
                     site_ids=frozenset({agent.site_id}))


def console_user(user_id: int) -> User | None:
    """A browser session's user by id while it is an admin or a lead, else None."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.role in ("admin", "lead") else None


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))
