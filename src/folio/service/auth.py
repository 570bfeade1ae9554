"""Who may call: API keys, OAuth2 clients, signed access tokens and the scopes they carry.

    fol_<key id>_<secret>   an API key, shown once, stored as a SHA-256 hash (it is random
                            enough that a slow hash adds nothing)
    cli_<id> + secret       an OAuth2 client; `issue_token` trades them for a JWT (HS256,
                            one hour) signed with a key kept outside the database
                            (`folio.store.signing_keys`), so reading the database is not
                            enough to sign one

A token is checked against its client's current record on every verification: a revoked or
deleted client's tokens fail, its scopes can only narrow the client's (a scope the client lost
is dropped), and a client bound to a book binds its tokens to that book whatever they claim.

A principal holds native scopes and may be bound to one book. `admin` implies every scope.
Vendor scope names (issue 6: Asset's `ledger:update`, LedgerLou's `perioden:write`) map onto
native ones through `SCOPE_ALIASES`, both when a credential is created and when a token
presents them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt
from sqlalchemy import Engine

from folio.domain.errors import (
    InsufficientScope,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    Unauthenticated,
)
from folio.domain.ids import ID_LENGTH, new_id
from folio.domain.text import check_text
from folio.service import runner
from folio.service.runner import Actor, audit
from folio.store.repos.auth import Credential
from folio.store.signing_keys import SigningKeys
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork

ADMIN = "admin"
SCOPES: tuple[str, ...] = (
    "books:read",
    "books:write",
    "ledgers:read",
    "ledgers:write",
    "journal:read",
    "journal:write",
    "periods:read",
    "periods:write",
    "reports:read",
    ADMIN,
)
# Vendor scope names (Asset's `ledger:*`, LedgerLou's `module:action`) accepted wherever scopes
# are given; each grants the native scope it maps to, so e.g. `ledger:create` and
# `ledger:update` both grant `ledgers:write`. Teal documents no scopes.
ASSET_SCOPES: dict[str, str] = {
    "ledger:create": "ledgers:write",
    "ledger:update": "ledgers:write",
    "ledger:delete": "ledgers:write",
    "ledger:read": "ledgers:read",
    "business:create": "books:write",
    "business:update": "books:write",
    "business:read": "books:read",
    "journal_entry:create": "journal:write",
    "journal_entry:read": "journal:read",
    "report:read": "reports:read",
}
# LedgerLou's (journal:read and journal:write are native names already)
LEDGERLOU_SCOPES: dict[str, str] = {
    "perioden:read": "periods:read",
    "perioden:write": "periods:write",
    "auswertungen:read": "reports:read",
    "config:read": "ledgers:read",
    "config:write": "ledgers:write",
}
SCOPE_ALIASES: dict[str, str] = {**ASSET_SCOPES, **LEDGERLOU_SCOPES}

KEY_PREFIX = "fol_"
TOKEN_LIFETIME = timedelta(hours=1)
TOKEN_ISSUER = "folio"
_ALGORITHM = "HS256"


class CredentialKind(StrEnum):
    KEY = "key"
    CLIENT = "client"


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: a key or client id, its native scopes, its book if bound."""

    id: str
    scopes: frozenset[str]
    book_id: str | None = None
    expires_at: int | None = None  # an access token's expiry (Unix time); keys do not expire
    name: str | None = None  # the credential's label, for people (the web interface's header)

    def allows(self, scope: str) -> bool:
        return ADMIN in self.scopes or canonical_scope(scope) in self.scopes

    def sees_book(self, book_id: str) -> bool:
        return self.book_id is None or self.book_id == book_id


@dataclass(frozen=True, slots=True)
class NewSecret:
    """A created key or client with its plain secret, which is never stored or shown again."""

    credential: Credential
    secret: str


@dataclass(frozen=True, slots=True)
class TokenGrant:
    access_token: str
    expires_in: int
    scopes: tuple[str, ...]
    book_id: str | None


def canonical_scope(name: str) -> str:
    return SCOPE_ALIASES.get(name, name)


def parse_scopes(value: str | Iterable[str], *, field: str = "scopes") -> tuple[str, ...]:
    """Space- or comma-separated scope names, aliases resolved; unknown names are refused."""
    names = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    resolved: list[str] = []
    for name in names:
        scope = canonical_scope(name)
        if scope not in SCOPES:
            raise InvalidInput(
                f"Unknown scope {name!r}; choose from {' '.join(SCOPES)}.",
                {"field": field, "value": name, "allowed": list(SCOPES)},
            )
        if scope not in resolved:
            resolved.append(scope)
    if not resolved:
        raise InvalidInput("Give at least one scope.", {"field": field})
    return tuple(resolved)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def _check_book(uow: UnitOfWork, book_id: str | None) -> None:
    if book_id is not None and uow.books.get(book_id) is None:
        raise NotFound(f"Book {book_id} not found.", {"book_id": book_id})


def _create(
    uow: UnitOfWork,
    kind: CredentialKind,
    *,
    scopes: str | Iterable[str],
    book_id: str | None,
    name: str | None,
    actor: Actor,
) -> NewSecret:
    granted = parse_scopes(scopes)
    _check_book(uow, book_id)
    if name is not None and len(name) > 200:
        raise InvalidInput("name is longer than 200 characters.", {"field": "name"})
    check_text(name, "name")
    if kind is CredentialKind.KEY:
        credential_id = new_id("key")
        secret = f"{KEY_PREFIX}{credential_id[4:]}_{secrets.token_urlsafe(32)}"
    else:
        credential_id = new_id("cli")
        secret = secrets.token_urlsafe(32)
    credential = Credential(
        id=credential_id,
        name=name,
        secret_hash=hash_secret(secret),
        scopes=granted,
        book_id=book_id,
        created_at=utcnow(),
        revoked_at=None,
    )
    uow.auth.insert(kind.value, credential)
    audit(
        uow,
        actor,
        "api_key.created" if kind is CredentialKind.KEY else "oauth_client.created",
        book_id=book_id,
        target_type="api_key" if kind is CredentialKind.KEY else "oauth_client",
        target_id=credential_id,
        details={"name": name, "scopes": " ".join(granted), "book_id": book_id},
    )
    return NewSecret(credential, secret)


def create_api_key(
    uow: UnitOfWork,
    *,
    scopes: str | Iterable[str],
    actor: Actor,
    book_id: str | None = None,
    name: str | None = None,
) -> NewSecret:
    return _create(uow, CredentialKind.KEY, scopes=scopes, book_id=book_id, name=name, actor=actor)


def create_client(
    uow: UnitOfWork,
    *,
    scopes: str | Iterable[str],
    actor: Actor,
    book_id: str | None = None,
    name: str | None = None,
) -> NewSecret:
    return _create(
        uow, CredentialKind.CLIENT, scopes=scopes, book_id=book_id, name=name, actor=actor
    )


def list_credentials(uow: UnitOfWork, kind: CredentialKind) -> list[Credential]:
    return list(uow.auth.search(kind.value))


def revoke(uow: UnitOfWork, kind: CredentialKind, credential_id: str, actor: Actor) -> Credential:
    credential = uow.auth.get(kind.value, credential_id)
    if credential is None:
        raise NotFound(f"{credential_id} not found.", {"id": credential_id})
    if credential.revoked_at is None:
        at = utcnow()
        uow.auth.revoke(kind.value, credential_id, at)
        audit(
            uow,
            actor,
            "api_key.revoked" if kind is CredentialKind.KEY else "oauth_client.revoked",
            book_id=credential.book_id,
            target_type="api_key" if kind is CredentialKind.KEY else "oauth_client",
            target_id=credential_id,
        )
        credential = replace(credential, revoked_at=at)
        VERIFIED.clear()
    return credential


def has_api_keys(uow: UnitOfWork) -> bool:
    return uow.auth.count_keys() > 0


def require_keys(keys: SigningKeys | None) -> SigningKeys:
    """The signing keys, or SERVICE_UNAVAILABLE naming the settings that provide them."""
    if keys is None:
        raise ServiceUnavailable(
            "Access tokens are off: this server has no signing key. Set FOLIO_SECRET_KEY_FILE "
            "or FOLIO_SECRET_KEY (docs/operations.md); API keys work without one.",
            {"setting": "FOLIO_SECRET_KEY_FILE"},
        )
    return keys


def _principal(credential: Credential) -> Principal:
    return Principal(
        id=credential.id,
        scopes=frozenset(canonical_scope(s) for s in credential.scopes),
        book_id=credential.book_id,
        name=credential.name,
    )


def authenticate_key(uow: UnitOfWork, key: str) -> Principal:
    """The principal of an API key `fol_<22-char id>_<secret>`; any mismatch is 401."""
    body = key[len(KEY_PREFIX) :]
    if not key.startswith(KEY_PREFIX) or len(body) <= ID_LENGTH or body[ID_LENGTH] != "_":
        raise Unauthenticated("The API key is malformed.")
    credential = uow.auth.get(CredentialKind.KEY.value, "key_" + body[:ID_LENGTH])
    if (
        credential is None
        or credential.revoked_at is not None
        or not _matches(key, credential.secret_hash)
    ):
        raise Unauthenticated("The API key is unknown or revoked.")
    return _principal(credential)


def issue_token(
    uow: UnitOfWork,
    *,
    client_id: str,
    client_secret: str,
    keys: SigningKeys | None,
    scope: str | None = None,
    book_id: str | None = None,
    now: datetime | None = None,
) -> TokenGrant:
    """OAuth2 client credentials: a token with the requested subset of the client's scopes."""
    kid, key = require_keys(keys).signing
    credential = uow.auth.get(CredentialKind.CLIENT.value, client_id)
    if (
        credential is None
        or credential.revoked_at is not None
        or not _matches(client_secret, credential.secret_hash)
    ):
        raise Unauthenticated("Unknown client or wrong client secret.")
    client = _principal(credential)
    if scope:
        requested = parse_scopes(scope, field="scope")
        refused = [name for name in requested if not client.allows(name)]
        if refused:
            raise InsufficientScope("The client may not request these scopes.", {"scopes": refused})
        scopes = requested
    else:
        scopes = tuple(sorted(client.scopes))
    if book_id:
        if not client.sees_book(book_id) or uow.books.get(book_id) is None:
            raise NotFound(f"Book {book_id} not found.", {"book_id": book_id})
    else:
        book_id = client.book_id
    issued = now or utcnow()
    claims: dict[str, Any] = {
        "iss": TOKEN_ISSUER,
        "sub": client.id,
        "scope": " ".join(scopes),
        "iat": int(issued.timestamp()),
        "exp": int((issued + TOKEN_LIFETIME).timestamp()),
    }
    if book_id:
        claims["book_id"] = book_id
    token = jwt.encode(claims, key, algorithm=_ALGORITHM, headers={"kid": kid})
    return TokenGrant(token, int(TOKEN_LIFETIME.total_seconds()), scopes, book_id)


def decode_token(token: str, keys: SigningKeys) -> tuple[str, frozenset[str], str | None, int]:
    """Verify signature (by the key its `kid` names), issuer and expiry: (client id, scopes,
    book id, expiry)."""
    try:
        key = keys.verifying(jwt.get_unverified_header(token).get("kid"))
        if key is None:
            raise Unauthenticated("The access token is invalid.")
        claims = jwt.decode(
            token,
            key,
            algorithms=[_ALGORITHM],
            issuer=TOKEN_ISSUER,
            options={"require": ["exp", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("The access token has expired.") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("The access token is invalid.") from exc
    scope = claims.get("scope", "")
    book_id = claims.get("book_id")
    expires = claims["exp"]
    if not isinstance(scope, str) or not isinstance(book_id, str | None):
        raise Unauthenticated("The access token is invalid.")
    if not isinstance(expires, int):
        raise Unauthenticated("The access token is invalid.")
    scopes = frozenset(canonical_scope(s) for s in scope.split())
    return str(claims["sub"]), scopes, book_id, expires


def authenticate_token(uow: UnitOfWork, token: str, keys: SigningKeys) -> Principal:
    """A signed access token, read against its client's record as it is now."""
    client_id, claimed, book_id, expires = decode_token(token, keys)
    credential = uow.auth.get(CredentialKind.CLIENT.value, client_id)
    if credential is None or credential.revoked_at is not None:
        raise Unauthenticated("The client of this access token was revoked.")
    client = _principal(credential)
    if client.book_id is not None:
        if book_id not in (None, client.book_id):
            raise Unauthenticated("The access token is invalid.")
        book_id = client.book_id
    scopes = frozenset(scope for scope in claimed if client.allows(scope))
    if not scopes:
        raise Unauthenticated("The client of this access token holds none of its scopes now.")
    return Principal(
        id=client_id, scopes=scopes, book_id=book_id, expires_at=expires, name=credential.name
    )


def authenticate(uow: UnitOfWork, token: str, keys: SigningKeys | None) -> Principal:
    """Any bearer token: an API key by its prefix, otherwise an access token."""
    if token.startswith(KEY_PREFIX):
        return authenticate_key(uow, token)
    if keys is None:  # no key, so no token this server could have signed
        raise Unauthenticated("The access token is invalid.")
    return authenticate_token(uow, token, keys)


# ------------------------------------------------------------------ verified tokens, briefly

VERIFIED_SECONDS = 5.0
VERIFIED_MAX = 10_000


class VerifiedTokens:
    """Bearer tokens verified in the last few seconds, per engine.

    Verifying a token is a read transaction, and every request has one; while posting under
    load it was 11% of the server's Python time (py-spy, BENCHMARKS.md). A revocation in this
    process forgets them all at once; one made by another process (`folio keys revoke`,
    another worker) takes effect within VERIFIED_SECONDS. Only SHA-256 digests of tokens are
    kept, under the engine object itself (weakly): rendering the engine's URL as the key cost
    more than the lookup, and a new engine on a recreated database starts with none.
    """

    def __init__(self, seconds: float = VERIFIED_SECONDS) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._found: weakref.WeakKeyDictionary[Engine, dict[bytes, tuple[Principal, float]]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, engine: Engine, token: str) -> Principal | None:
        known = self._found.get(engine)
        found = known.get(_digest(token)) if known is not None else None
        if found is None or found[1] <= time.monotonic():
            return None
        return found[0]

    def put(self, engine: Engine, token: str, principal: Principal) -> None:
        until = time.monotonic() + self.seconds
        if principal.expires_at is not None:  # an access token stops at its own expiry
            until = min(until, time.monotonic() + principal.expires_at - time.time())
        with self._lock:
            known = self._found.get(engine)
            if known is None:
                known = self._found[engine] = {}
            if len(known) >= VERIFIED_MAX:
                now = time.monotonic()
                live = {k: v for k, v in known.items() if v[1] > now}
                known = self._found[engine] = live if len(live) < VERIFIED_MAX else {}
            known[_digest(token)] = (principal, until)

    def clear(self) -> None:
        with self._lock:
            self._found.clear()


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


VERIFIED = VerifiedTokens()


def identify(engine: Engine, token: str, keys: SigningKeys | None) -> Principal:
    """The principal of a bearer token, remembered for VERIFIED_SECONDS."""
    known = VERIFIED.get(engine, token)
    if known is not None:
        return known
    principal = runner.read(
        UnitOfWork(engine, write=False), lambda uow: authenticate(uow, token, keys)
    )
    VERIFIED.put(engine, token, principal)
    return principal
