"""Sign in with an API key, sign out."""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from folio.domain.errors import Unauthenticated
from folio.web.app import redirect, render
from folio.web.forms import text_of
from folio.web.pages import Posted, router
from folio.web.session import (
    SESSION_COOKIE,
    SignInRequired,
    authenticate,
    check_presession,
    clear_session,
    presession_token,
    remember_presession,
    set_session,
    viewer,
)

pages = router()


def _next(target: str) -> str:
    """Only a path inside the interface: never an open redirect."""
    if target.startswith("/ui/") and "//" not in target and "\\" not in target:
        return target
    return "/ui/books"


def _form(request: Request, target: str, error: str | None, status: int = 200) -> Response:
    token = presession_token(request)
    context = {"next": target, "key_error": error, "pre": token}
    response = render(request, "sign_in.html", context, status=status)
    remember_presession(response, request, token)
    return response


@pages.get("/")
def home() -> Response:
    return redirect("/ui/books")


@pages.get("/sign-in")
def sign_in_form(request: Request, next: str = "") -> Response:
    if request.cookies.get(SESSION_COOKIE):
        try:
            viewer(request)
            return redirect(_next(next))
        except SignInRequired:
            pass
    return _form(request, next, None)


@pages.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await request.form()
    check_presession(request, form)
    key = text_of(form, "key").strip()
    target = text_of(form, "next")
    if not key:
        return _form(request, target, "Paste your API key (it starts with fol_).", 422)
    try:
        await run_in_threadpool(authenticate, request, key)
    except Unauthenticated:
        message = "Folio does not know this key, or it was revoked. Check it and try again."
        return _form(request, target, message, 401)
    response = redirect(_next(target))
    set_session(response, request, key)
    return response


@pages.post("/sign-out")
def sign_out(_form: Posted) -> Response:
    response = redirect("/ui/sign-in")
    clear_session(response)
    return response
