"""Export downloads: GET /export/{what}.{format}?key=value… streams an export of `resolvers.exports`, for
the caller set by `tec.app.authentication` (contact fields need a reader API key, as in GraphQL)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from graph.errors import GraphError, NotFoundError
from resolvers.export_filters import ExportError
from resolvers.exports import open_export
from tec.app.authentication import principal_of

log = logging.getLogger(__name__)


def _error(message: str, code: str, status: int) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status)


async def export_download(request: Request) -> Response:
    """Stream an export; filters come from the query string, contact fields need a reader API key."""
    name = str(request.path_params["file"])
    what, dot, fmt = name.rpartition(".")
    if not dot:
        return _error(f"Name the format too: /export/{name}.csv, .geojson or .graphml.", "BAD_USER_INPUT", 400)
    principal = principal_of(request)
    where: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        where[name] = f"{where[name]},{value}" if name in where else value
    try:
        export = await open_export(request.app.state.store, principal, what, fmt, where)
    except ExportError as error:
        return _error(str(error), error.code, 400)
    except NotFoundError as error:
        return _error(str(error), error.code, 404)
    except GraphError as error:
        status = 504 if error.code == "QUERY_TIMEOUT" else 503 if error.code == "SERVICE_UNAVAILABLE" else 400
        return _error(str(error), error.code, status)
    log.info("export %s.%s started (private fields: %s)", export.what, export.fmt, principal.can_read_private)
    return StreamingResponse(
        export.chunks(),
        media_type=export.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"', "Cache-Control": "no-store"},
    )
