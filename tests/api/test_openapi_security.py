"""The OpenAPI document names every route's bearer requirement with its scopes, and every
write's Idempotency-Key and Modified-By headers (documented by `deps.documented`, as FastAPI
documented the dependency tree they came from before)."""

from __future__ import annotations

from fastapi import FastAPI

from folio.api import deps
from folio.api.app import api_routes


def _uses(route: object, call: object) -> bool:
    pending = [route.dependant]  # type: ignore[attr-defined]
    while pending:
        node = pending.pop()
        if node.call is call:
            return True
        pending.extend(node.dependencies)
    return False


def test_every_route_documents_its_security_and_a_writes_headers(app: FastAPI) -> None:
    schema = app.openapi()
    assert schema["components"]["securitySchemes"]["bearer"] == deps.SECURITY_SCHEMES["bearer"]
    writes = reads = 0
    for method, path, route in api_routes(app):
        if method == "HEAD" or not route.include_in_schema:
            continue
        operation = schema["paths"][path][method.lower()]
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        if _uses(route, deps.write_call):
            writes += 1
            assert operation["security"] == [{"bearer": sorted(deps.route_scopes(route))}], path
            assert {"Idempotency-Key", "Modified-By"} <= headers, (method, path)
        elif _uses(route, deps.read_call):
            reads += 1
            assert operation["security"] == [{"bearer": sorted(deps.route_scopes(route))}], path
            assert not {"Idempotency-Key", "Modified-By"} & headers, (method, path)
    assert writes > 30 and reads > 30  # the walk found the routes
    posting = schema["paths"]["/v1/books/{book_id}/journal-entries"]["post"]
    assert posting["security"] == [{"bearer": ["journal:write"]}]
