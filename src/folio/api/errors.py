"""Every error leaves the API as `{"error": message, "code": CODE, "data": details | null}`.

HTTP statuses for the domain's codes live in `STATUS_BY_CODE`, the one place they are mapped;
a test checks that every class of `folio.domain.errors` has an entry. Errors from the layers
around the domain (malformed JSON, schema validation, unknown routes and methods, an
unreachable database, a bug) are turned into the same envelope here.

A compatible API whose vendor answers other statuses for the same codes gets its own table in
`STATUS_OVERRIDES`, keyed by its path prefix: a code there (or the code of a base class, such as
RULE_VIOLATION for every rule) wins over `STATUS_BY_CODE` for requests under that prefix. The
envelope and the codes stay the same.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.responses import Response

from folio.domain.errors import FolioError, TooManyRequests

log = logging.getLogger("folio.api")

STATUS_BY_CODE: dict[str, int] = {
    "FOLIO_ERROR": 400,
    "INVALID_INPUT": 422,
    "INVALID_AMOUNT": 422,
    "INVALID_PERIOD": 422,
    "NOT_FOUND": 404,
    "UNAUTHENTICATED": 401,
    "INSUFFICIENT_SCOPE": 403,
    "CSRF_REJECTED": 403,  # the web interface's form check (folio.web.session)
    "RULE_VIOLATION": 422,
    "UNBALANCED_ENTRY": 422,
    "INVALID_ENTRY": 422,
    "LEDGER_NOT_FOUND": 422,
    "LEDGER_ARCHIVED": 422,
    "BEFORE_ENTRIES_START": 422,
    "PERIOD_LOCKED": 422,
    "INVALID_PERIOD_TRANSITION": 422,
    "SYSTEM_LEDGER_PROTECTED": 422,
    "CURRENCY_MISMATCH": 422,
    "AMOUNT_OVERFLOW": 422,
    "INVALID_BALANCE_ENTRY": 422,
    "ACCOUNTS_NOT_FOUND": 422,
    "ACCOUNT_TYPE_NOT_ALLOWED": 422,
    "ACCOUNT_9000_MISSING": 422,
    "BALANCE_MISMATCH": 422,
    "REVERSAL_NOT_ALLOWED": 422,
    "FISCAL_YEAR_NOT_ENDED": 422,
    "INVALID_OPEN_ITEM": 422,
    "OPEN_ITEMS_MISMATCH": 422,
    "INVALID_SETTLEMENT": 422,
    "DATEV_SETTINGS_MISSING": 422,
    "DATEV_FILE_IMPORTED": 409,
    "PREVIOUS_YEAR_OPEN": 422,
    "OPENING_BALANCES_UNBALANCED": 422,
    "RETAINED_EARNINGS_MISSING": 422,
    "BATCH_REJECTED": 422,
    "FISCAL_YEAR_CLOSED": 409,
    "FISCAL_YEAR_OPEN": 409,
    "FISCAL_YEAR_FINAL": 409,
    "LATER_YEAR_CLOSED": 409,
    "CONFLICT": 409,
    "ALREADY_REVERSED": 409,
    "OPENING_BALANCES_EXIST": 409,
    "DUPLICATE_ACCOUNT": 409,
    "DUPLICATE_PARTY": 409,
    "IDEMPOTENCY_KEY_REUSED": 409,
    "IDEMPOTENCY_KEY_IN_FLIGHT": 409,
    "TOO_MANY_REQUESTS": 429,
    "SERVICE_UNAVAILABLE": 503,
}

# Per path prefix: code (or a base class's code) -> status, for vendors with other statuses.
STATUS_OVERRIDES: dict[str, dict[str, int]] = {
    # LedgerLou answers 400 for every validation and rule error, 409 for conflicts.
    "/compat/ledgerlou/": {
        "INVALID_INPUT": 400,
        "RULE_VIOLATION": 400,
        "INVALID_PERIOD_TRANSITION": 409,
        "OPENING_BALANCES_EXIST": 409,
        "ALREADY_REVERSED": 409,
        "DUPLICATE_ACCOUNT": 409,
        "DUPLICATE_PARTY": 409,
    },
}

# Codes of the HTTP layer itself; none of them is a domain error.
MALFORMED_JSON = "MALFORMED_JSON"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
INTERNAL_ERROR = "INTERNAL_ERROR"
_CODE_BY_HTTP_STATUS = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "INSUFFICIENT_SCOPE",
    404: "NOT_FOUND",
    405: METHOD_NOT_ALLOWED,
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    503: "SERVICE_UNAVAILABLE",
}
_DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)


def _codes(error: FolioError) -> list[str]:
    """The error's code, then its base classes' codes, nearest first."""
    found = [getattr(cls, "code", None) for cls in type(error).__mro__]
    return [code for code in found if isinstance(code, str)]


def overridden_status(path: str, codes: list[str]) -> int | None:
    """The status `STATUS_OVERRIDES` gives the first of `codes` under `path`, if any."""
    for prefix, table in STATUS_OVERRIDES.items():
        if path.startswith(prefix):
            return next((table[code] for code in codes if code in table), None)
    return None


def status_for(error: FolioError, path: str = "") -> int:
    """The status of the error's code, else of its nearest mapped base class.

    Under a prefix of `STATUS_OVERRIDES`, that prefix's table is asked first.
    """
    overridden = overridden_status(path, _codes(error)) if path else None
    if overridden is not None:
        return overridden
    for cls in type(error).__mro__:
        code = getattr(cls, "code", None)
        if code in STATUS_BY_CODE:
            return STATUS_BY_CODE[code]
    return 400  # pragma: no cover - FolioError itself is mapped


def envelope(
    status: int, code: str, message: str, data: Any = None, headers: dict[str, str] | None = None
) -> Response:
    payload = {"error": message, "code": code, "data": data}
    try:
        body = orjson.dumps(payload, default=str)
    except TypeError:
        # `data` echoes what the client sent, and orjson refuses integers beyond 64 bits.
        body = json.dumps(payload, default=str).encode()
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def folio_error_response(error: FolioError, path: str = "") -> Response:
    status = status_for(error, path)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(error, TooManyRequests):
        headers = {"Retry-After": str(error.data["retry_after"])}
    return envelope(status, error.code, error.message, error.data, headers)


def _field(loc: tuple[Any, ...]) -> tuple[str, str]:
    """('body', 'lines', 0, 'debit') -> ('body', 'lines[0].debit')."""
    where = str(loc[0]) if loc else "body"
    text = ""
    for part in loc[1:]:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return where, text or where


def _not_json(problems: list[Any], content_type: str | None) -> str | None:
    """Why a body was not read as JSON: it came with another Content-Type (curl's `-d` sends
    application/x-www-form-urlencoded), so the whole body failed as one value."""
    if content_type is not None and "json" in content_type.lower():
        return None
    if not any(tuple(problem.get("loc", ())) == ("body",) for problem in problems):
        return None
    sent = (content_type or "").split(";")[0].strip()
    return "The request body must be JSON sent with the header Content-Type: application/json; " + (
        f"this request was sent as {sent}." if sent else "this request had no Content-Type."
    )


def validation_response(
    error: RequestValidationError, path: str = "", content_type: str | None = None
) -> Response:
    problems = list(error.errors())
    if any(problem.get("type") == "json_invalid" for problem in problems):
        detail = next(p for p in problems if p.get("type") == "json_invalid")
        reason = (detail.get("ctx") or {}).get("error", "invalid JSON")
        return envelope(400, MALFORMED_JSON, f"The request body is not valid JSON: {reason}.")
    not_json = _not_json(problems, content_type)
    if not_json is not None:
        return envelope(
            overridden_status(path, ["INVALID_INPUT"]) or 422,
            "INVALID_INPUT",
            not_json,
            {"field": "body", "content_type": content_type},
        )
    fields = []
    for problem in problems:
        where, name = _field(tuple(problem.get("loc", ())))
        fields.append({"field": name, "in": where, "message": str(problem.get("msg", ""))})
    first = fields[0] if fields else {"field": "body", "message": "invalid"}
    return envelope(
        overridden_status(path, ["INVALID_INPUT"]) or 422,
        "INVALID_INPUT",
        f"{first['field']}: {first['message']}",
        {"field": first["field"], "errors": fields},
    )


def http_error_response(error: HTTPException) -> Response:
    code = _CODE_BY_HTTP_STATUS.get(error.status_code, f"HTTP_{error.status_code}")
    message = error.detail if isinstance(error.detail, str) else code.replace("_", " ").lower()
    if error.status_code == 404:
        message = "Not found."
    return envelope(error.status_code, code, message, None, dict(error.headers or {}) or None)


# A value the database refused that no service checked: the API and the web say it alike.
UNSTORABLE = "A value cannot be stored: it is too long or too large for its field."


def unexpected_response(error: Exception, path: str = "") -> Response:
    """The database being unreachable is a 503; anything else is a bug: logged, then 500.

    Two database refusals are the caller's: a value the column cannot hold (too long, too
    large; text Folio does not store never gets this far, `domain.text`) is invalid input,
    and a unique key lost to a concurrent request is a conflict.
    """
    if isinstance(error, DataError):
        return envelope(
            overridden_status(path, ["INVALID_INPUT"]) or 422,
            "INVALID_INPUT",
            UNSTORABLE,
        )
    if isinstance(error, IntegrityError):
        log.warning("integrity error: %s", error)
        return envelope(409, "CONFLICT", "The request conflicts with a concurrent change; retry.")
    if isinstance(error, _DATABASE_DOWN):
        log.warning("database unavailable: %s", error)
        return envelope(
            503, "SERVICE_UNAVAILABLE", "The database is unreachable; try again shortly."
        )
    log.exception("unexpected error", exc_info=error)
    return envelope(500, INTERNAL_ERROR, "Something went wrong on our side; it has been logged.")


def response_for(error: Exception, path: str = "", content_type: str | None = None) -> Response:
    """The envelope for `error`, raised by a request for `path` (for `STATUS_OVERRIDES`) whose
    body came as `content_type`."""
    if isinstance(error, HTTPException) and isinstance(error.__cause__, FolioError):
        error = error.__cause__  # raised while FastAPI read the body, which wraps it in a 400
    if isinstance(error, FolioError):
        return folio_error_response(error, path)
    if isinstance(error, RequestValidationError):
        return validation_response(error, path, content_type)
    if isinstance(error, HTTPException):
        return http_error_response(error)
    return unexpected_response(error, path)


def install(app: FastAPI) -> None:
    async def handle(request: Request, error: Exception) -> Response:
        return response_for(error, request.url.path, request.headers.get("content-type"))

    for kind in (FolioError, RequestValidationError, HTTPException, Exception, *_DATABASE_DOWN):
        app.add_exception_handler(kind, handle)
