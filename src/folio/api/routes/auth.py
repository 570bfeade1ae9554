from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response

from folio.api.deps import JSON, engine_of, throttled
from folio.api.routes.common import router
from folio.api.schemas.auth import TokenRead
from folio.domain.errors import InvalidInput
from folio.service import auth, runner
from folio.store.uow import UnitOfWork

api = router("/v1/auth", "auth")


@api.post("/token", response_model=TokenRead, summary="OAuth2 client-credentials token")
def issue_token(
    request: Request,
    grant_type: Annotated[str, Form(examples=["client_credentials"])],
    client_id: Annotated[str, Form(max_length=64)],
    client_secret: Annotated[str, Form(max_length=200)],
    scope: Annotated[
        str | None, Form(max_length=1000, description="A subset of the client's scopes.")
    ] = None,
    book_id: Annotated[
        str | None, Form(max_length=64, description="Bind the token to this book.")
    ] = None,
) -> Response:
    """Trade a client id and secret for a bearer token that expires in one hour."""
    grant = client_credentials_grant(
        request,
        grant_type=grant_type,
        client_id=client_id,
        client_secret=client_secret,
        scope=scope,
        book_id=book_id,
    )
    return Response(
        TokenRead.of(grant).model_dump_json(),
        media_type=JSON,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def client_credentials_grant(
    request: Request,
    *,
    grant_type: str | None,
    client_id: str,
    client_secret: str,
    scope: str | None,
    book_id: str | None,
) -> auth.TokenGrant:
    """The client-credentials exchange both token endpoints (native, Asset) answer with."""
    if grant_type != "client_credentials":
        raise InvalidInput(
            "Only grant_type=client_credentials is supported.",
            {"field": "grant_type", "value": grant_type},
        )
    keys = auth.require_keys(request.app.state.signing_keys)
    with throttled(request):
        return runner.read(
            UnitOfWork(engine_of(request), write=False),
            lambda uow: auth.issue_token(
                uow,
                client_id=client_id,
                client_secret=client_secret,
                keys=keys,
                scope=scope,
                book_id=book_id,
            ),
        )
