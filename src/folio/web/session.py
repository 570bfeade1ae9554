"""Who is signed in, what they may do, and the CSRF token every form carries.

The session is the API key (or access token) itself, kept in an HttpOnly, SameSite=Strict
cookie (Secure over https) and authenticated on every request exactly as the API does: the same
`auth.authenticate`, the same `Principal.allows(scope)` and `Principal.sees_book(book_id)`.

CSRF: every POST carries a token, as the form field `csrf_token` or the `X-CSRF-Token` header.
Signed in, the token is an HMAC of the session credential (so it is bound to the session,
needs no server-side state, and reveals nothing about the credential). Before sign-in, the sign-in
form uses a double-submit token: a random cookie that the form must repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import Request
from sqlalchemy import Engine
from starlette.datastructures import FormData
from starlette.responses import Response

from folio.api.deps import client_address
from folio.api.throttle import FailureThrottle
from folio.domain.errors import FolioError, InsufficientScope, NotFound, Unauthenticated
from folio.service import auth, runner
from folio.service.runner import Actor
from folio.store.uow import UnitOfWork

T = TypeVar("T")

SESSION_COOKIE = "folio_session"
PRESESSION_COOKIE = "folio_signin"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_MAX_AGE = 12 * 3600
_CSRF_LABEL = b"folio-ui-csrf-v1"


class SignInRequired(FolioError):
    """Not signed in (or the key was revoked): the pages send the browser to sign in."""

    code = "UNAUTHENTICATED"


class CsrfRejected(FolioError):
    code = "CSRF_REJECTED"
    default_message = (
        "This form did not come from a page Folio served to you in this session "
        "(or the session changed). Reload the page and try again."
    )


def engine_of(request: Request) -> Engine:
    """The engine of the app the interface is mounted in (set there, maybe in its lifespan)."""
    engine: Engine = request.app.state.parent.state.engine
    return engine


def csrf_token_for(credential: str) -> str:
    return hmac.new(credential.encode(), _CSRF_LABEL, hashlib.sha256).hexdigest()


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session(response: Response, request: Request, credential: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        credential,
        max_age=SESSION_MAX_AGE,
        path="/ui",
        secure=is_https(request),
        httponly=True,
        samesite="strict",
    )
    response.delete_cookie(PRESESSION_COOKIE, path="/ui")


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/ui")


def presession_token(request: Request) -> str:
    """The sign-in form's double-submit token: the cookie's, or a new one."""
    token = request.cookies.get(PRESESSION_COOKIE)
    if not token or len(token) != 43:
        token = secrets.token_urlsafe(32)
    return token


def remember_presession(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        PRESESSION_COOKIE,
        token,
        max_age=3600,
        path="/ui",
        secure=is_https(request),
        httponly=True,
        samesite="strict",
    )


def check_presession(request: Request, form: FormData) -> None:
    cookie = request.cookies.get(PRESESSION_COOKIE) or ""
    sent = form.get(CSRF_FIELD)
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(cookie, sent):
        raise CsrfRejected()


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in principal on this request, and the two ways to run a use case."""

    engine: Engine
    principal: auth.Principal
    csrf: str
    actor: Actor

    def can(self, scope: str) -> bool:
        return self.principal.allows(scope)

    def need(self, scope: str) -> None:
        if not self.principal.allows(scope):
            raise InsufficientScope(f"This needs the {scope} scope.", {"required": scope})

    def read(self, fn: Callable[[UnitOfWork], T]) -> T:
        return runner.read(UnitOfWork(self.engine, write=False), fn)

    def write(self, fn: Callable[[UnitOfWork], T]) -> T:
        return runner.write(UnitOfWork(self.engine), fn)


def authenticate(request: Request, credential: str) -> auth.Principal:
    """The principal behind a key or access token, as the API's `deps.authenticated` finds it."""
    parent = request.app.state.parent
    known = auth.VERIFIED.get(engine_of(request), credential)
    if known is not None:
        return known
    throttle: FailureThrottle = parent.state.auth_throttle
    with throttle.guard(client_address(request)):
        return auth.identify(engine_of(request), credential, parent.state.signing_keys)


def viewer(request: Request) -> Viewer:
    """The request's viewer; 404 for a book the credential is not bound to (as the API)."""
    found = _signed_in(request)
    book_id = request.path_params.get("book_id")
    if isinstance(book_id, str) and not found.principal.sees_book(book_id):
        raise NotFound(f"Book {book_id} not found.", {"book_id": book_id})
    return found


def viewer_or_none(request: Request) -> Viewer | None:
    """Whoever is signed in, for an error page's header (sign-out, tabs); never raises."""
    try:
        return _signed_in(request)
    except FolioError:
        return None


def _signed_in(request: Request) -> Viewer:
    credential = request.cookies.get(SESSION_COOKIE)
    if not credential:
        raise SignInRequired("Sign in with an API key.")
    try:
        principal = authenticate(request, credential)
    except Unauthenticated as exc:
        raise SignInRequired(exc.message) from exc
    request_id = request.scope.get("state", {}).get("request_id")
    return Viewer(
        engine=engine_of(request),
        principal=principal,
        csrf=csrf_token_for(credential),
        actor=Actor(
            principal_id=principal.id,
            modified_by="web",
            request_id=request_id if isinstance(request_id, str) else None,
        ),
    )


async def posted_form(request: Request) -> FormData:
    """The POSTed form of a signed-in viewer, after the CSRF check."""
    form = await request.form()
    credential = request.cookies.get(SESSION_COOKIE) or ""
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if (
        not credential
        or not isinstance(sent, str)
        or not hmac.compare_digest(csrf_token_for(credential), sent)
    ):
        raise CsrfRejected()
    return form
