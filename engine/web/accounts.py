"""Local accounts: argon2 password hashes, roles per organisation, login throttling.

The CLI (`hegui users …`) and the login page both call these; a wrong user name and a wrong password
are refused alike (no user enumeration), and too many failures lock out a name or a client address for
a while without checking the password at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.errors import InputError
from engine.i18n import both
from engine.web.db import ROLES, LoginFailure, Membership, Organisation, User, audit, now, organisation

MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # argon2 hashes anything; a megabyte "password" would only cost CPU
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")

_hasher = PasswordHasher()
# verified against when the user does not exist, so that both refusals take the same time
_DUMMY = _hasher.hash("hegui-no-such-user")


def check_name(value: str, option: str) -> str:
    """A user name or organisation slug: lower-case letters, digits, . _ - (at most 64)."""
    if not NAME.fullmatch(value):
        raise InputError.one(option, both("web.bad_name", value=value))
    return value


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError.one("password", both("web.password_length", min=MIN_PASSWORD, max=MAX_PASSWORD))


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def add_user(session: Session, username: str, password: str, org_slug: str, role: str) -> User:
    """A new user with a role in an organisation (created when it does not exist yet)."""
    check_name(username, "USERNAME")
    check_name(org_slug, "--org")
    if role not in ROLES:
        raise InputError.one("--role", both("web.bad_role", role=role, roles=", ".join(ROLES)))
    check_password(password)
    if find_user(session, username) is not None:
        raise InputError.one("USERNAME", both("web.user_exists", user=username))
    org = organisation(session, org_slug)
    if org is None:
        org = Organisation(slug=org_slug, name=org_slug)
        session.add(org)
    user = User(username=username, password_hash=_hasher.hash(password), disabled=False)
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
    audit(session, "cli", "user.add", f"{username} {org_slug} {role}")
    return user


def existing_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise InputError.one("USERNAME", both("web.no_user", user=username))
    return user


def set_password(session: Session, username: str, password: str) -> None:
    """A new password; sessions signed with the old hash end (see session_stamp)."""
    check_password(password)
    user = existing_user(session, username)
    user.password_hash = _hasher.hash(password)
    audit(session, "cli", "user.passwd", username)


def disable_user(session: Session, username: str) -> None:
    existing_user(session, username).disabled = True
    audit(session, "cli", "user.disable", username)


def session_stamp(user: User) -> str:
    """Bound into the session cookie: a password change or a re-hash ends every older session."""
    return user.password_hash[-16:]


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    throttled: bool = False


def throttled(session: Session, username: str, client: str) -> bool:
    since = now() - THROTTLE_WINDOW
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    by_user = session.scalar(recent.where(LoginFailure.username == username)) or 0
    by_client = session.scalar(recent.where(LoginFailure.client == client)) or 0
    return by_user >= MAX_FAILURES_PER_USER or by_client >= MAX_FAILURES_PER_CLIENT


def login(session: Session, username: str, password: str, client: str) -> LoginResult:
    """The user for these credentials, or None; throttled logins are refused before any check."""
    username = username[:64]
    if throttled(session, username, client):
        return LoginResult(None, throttled=True)
    user = find_user(session, username)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY, password[:MAX_PASSWORD])
        ok = user is not None and not user.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        session.add(LoginFailure(username=username, client=client[:64]))
        return LoginResult(None)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    audit(session, username, "login")
    return LoginResult(user)


def roles_of(session: Session, user_id: int) -> dict[str, str]:
    """Organisation slug → the user's role there."""
    rows = session.execute(
        select(Organisation.slug, Membership.role)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user_id)
        .order_by(Organisation.slug)
    )
    return {slug: role for slug, role in rows}


def allowed(role: str | None, needed: str) -> bool:
    """Roles rank admin > assessor > reviewer > viewer; `needed` is the least role that may act."""
    return role is not None and ROLES.index(role) <= ROLES.index(needed)
