"""Who is acting: users, API keys (stored as SHA-256, shown once) and the principal they yield."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Iterable, Optional

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.auth import ROLES, ApiKey, User
from leaderboard.models.roster import Site
from leaderboard.services import audit
from leaderboard.services.clock import utcnow
from leaderboard.services.errors import Forbidden, InvalidInput, NotFound

TOKEN_PREFIX = "lb_"
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    """The authenticated caller. `site_ids` is None when not limited to some sites."""

    name: str
    role: str
    site_ids: Optional[frozenset[int]] = None
    agent_id: Optional[int] = None
    extra: dict = field(default_factory=dict, compare=False)

    def can_manage_site(self, site_id: int) -> bool:
        if self.role == "admin":
            return True
        return self.role == "lead" and self.site_ids is not None and site_id in self.site_ids

    def require_site(self, site_id: int, what: str) -> None:
        if not self.can_manage_site(site_id):
            raise Forbidden(f"{self.role} {self.name!r} may not change {what}")


SYSTEM = Principal(name="system", role="admin")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_key(name: str, role: str, user_email: Optional[str] = None,
                   actor: Principal = SYSTEM) -> tuple[ApiKey, str]:
    """Create a key; returns it with the secret, which is never stored nor shown again."""
    if role not in ("integration", "admin", "lead", "display", "agent"):
        raise InvalidInput(f"unknown role {role!r}")
    user = None
    if user_email:
        user = db.session.scalar(select(User).where(User.email == user_email.lower()))
        if user is None:
            raise NotFound(f"no user {user_email!r}")
    if role == "lead" and (user is None or user.role != "lead"):
        raise InvalidInput("a lead key needs --user naming a lead, whose sites it may manage")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, role=role, token_hash=hash_token(secret), prefix=secret[:10],
                 user=user, created_at=utcnow())
    db.session.add(key)
    audit.record(actor.name, "apikey.create", "api_key", name, after={"role": role, "prefix": key.prefix})
    db.session.commit()
    return key, secret


def revoke_api_key(prefix: str, actor: Principal = SYSTEM) -> None:
    key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None:
        raise NotFound(f"no API key starting {prefix!r}")
    key.revoked_at = utcnow()
    audit.record(actor.name, "apikey.revoke", "api_key", key.name)
    db.session.commit()


def principal_for_token(token: str) -> Optional[Principal]:
    key = db.session.scalar(select(ApiKey).where(ApiKey.token_hash == hash_token(token)))
    if key is None or key.revoked_at is not None:
        return None
    return principal_for(key.name, key.role, key.user)


def principal_for(name: str, role: str, user: Optional[User]) -> Principal:
    sites = frozenset(s.id for s in user.sites) if user is not None and role == "lead" else None
    agent_id = user.agent_id if user is not None else None
    return Principal(name=user.email if user else name, role=role, site_ids=sites, agent_id=agent_id)


def create_user(email: str, role: str, password: Optional[str] = None,
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
                password_hash=_hasher.hash(password) if password else None)
    db.session.add(user)
    audit.record(actor.name, "user.create", "user", email, after={"role": role, "sites": list(site_keys)})
    db.session.commit()
    return user


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except VerificationError:
        return False
