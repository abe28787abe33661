"""Who is calling. One middleware reads the `Authorization: Bearer <API key>` header of an HTTP request
(GraphQL and the export downloads alike) and sets the caller, as Starlette's `AuthenticationMiddleware`
does: `request.user` is a `Caller` holding the `Principal` the resolvers read, `request.auth.scopes` its
role. Without the header the caller is anonymous; a malformed header or an unknown key is answered 401
(`UNAUTHENTICATED`) before any resolver runs.

A WebSocket is authenticated by GraphQL over WebSocket's `connection_init` payload, after the socket
opens (`tec.app.graphql_view`), with the same `principal_for_header`.
"""

from __future__ import annotations

import json

from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError, BaseUser
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from graph.errors import GraphError
from graph.store import Store
from resolvers.auth import principal_for_token
from schema.context import ANONYMOUS, Principal
from tec.app import graphql_http
from tec.app.graphql_http_view import error_body


class AuthenticationFailed(AuthenticationError):
    """The caller cannot be known: a malformed header, an unknown key (401), or Neo4j unavailable (503)."""

    def __init__(self, message: str, code: str = "UNAUTHENTICATED", status: int = 401) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class Caller(BaseUser):
    """The authenticated caller as Starlette sees it (`request.user`)."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    @property
    def is_authenticated(self) -> bool:
        return self.principal.role is not None

    @property
    def display_name(self) -> str:
        return self.principal.label

    @property
    def identity(self) -> str:
        return self.principal.key_id or ""


async def principal_for_header(store: Store, header: str) -> Principal:
    """The principal of an Authorization header's value (anonymous when empty)."""
    if not header:
        return ANONYMOUS
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed("The Authorization header must be `Bearer <API key>`.")
    try:
        principal = await principal_for_token(store, token.strip())
    except GraphError as error:
        raise AuthenticationFailed(str(error), error.code, 503) from None
    if principal is None:
        raise AuthenticationFailed("This API key is unknown or revoked; ask an admin for a valid one.")
    return principal


def principal_of(connection: HTTPConnection) -> Principal:
    """The caller the middleware set (anonymous where it did not run)."""
    user = connection.scope.get("user")
    return user.principal if isinstance(user, Caller) else ANONYMOUS


class ApiKeys(AuthenticationBackend):
    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser]:
        principal = await principal_for_header(conn.app.state.store, conn.headers.get("authorization", ""))
        return AuthCredentials([principal.role] if principal.role else []), Caller(principal)


def refusal(conn: HTTPConnection, error: Exception) -> Response:
    """The answer to a request whose caller cannot be known, in the media type negotiated for GraphQL."""
    code, status = (error.code, error.status) if isinstance(error, AuthenticationFailed) else ("UNAUTHENTICATED", 401)
    media = str(conn.scope.get("state", {}).get("graphql_media_type", graphql_http.JSON))
    return Response(
        json.dumps(error_body(str(error), code), separators=(",", ":")), status_code=status, media_type=media
    )


class Authentication(AuthenticationMiddleware):
    """Starlette's authentication middleware with the API-key backend, for HTTP requests (a WebSocket
    authenticates in its `connection_init` message, which this middleware cannot read)."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, backend=ApiKeys(), on_error=refusal)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
