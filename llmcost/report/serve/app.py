"""The Starlette application: routes, the token check, the security headers, and the errors.

Read-only by construction: every route is GET (HEAD too), anything else is 405 before a route is
looked up. Every response carries a strict Content-Security-Policy: scripts and styles only from
this server's /static/, no inline script or style, no connection, frame or form anywhere else.
"""

from __future__ import annotations

import hmac
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from llmcost.errors import LlmcostError, UsageError, WarehouseBusy
from llmcost.report.serve.api import (
    ENDPOINTS,
    Answer,
    Reader,
    TooBig,
    TooSlow,
    answer,
    openapi,
    start_request,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Receive, Scope, Send

META_CSP = "; ".join(  # what a <meta> can say (frame-ancestors only works as a header)
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)
CSP = META_CSP + "; frame-ancestors 'none'"
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}
COOKIE = "llmcost_token"
STATIC = {
    "chart.umd.min.js": ("report", "vendor/chart.umd.min.js", "text/javascript"),
    "report.js": ("report", "report.js", "text/javascript"),
    "report.css": ("report", "report.css", "text/css"),
    "serve.js": ("serve", "serve.js", "text/javascript"),
    "serve.css": ("serve", "serve.css", "text/css"),
}


class Guard:
    """ASGI middleware: GET and HEAD only (405), the token (401), and the security headers."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token.encode("utf-8") if token else None

    def _ok(self, given: str | None) -> bool:
        assert self.token is not None
        return given is not None and hmac.compare_digest(given.encode("utf-8"), self.token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.requests import Request
        from starlette.responses import PlainTextResponse, RedirectResponse

        async def send_secure(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.decode("latin-1") not in HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        request = Request(scope)
        if request.method not in ("GET", "HEAD"):
            resp: Response = PlainTextResponse(
                "llmcost serve is read-only: GET only\n", status_code=405, headers={"allow": "GET, HEAD"}
            )
            await resp(scope, receive, send_secure)
            return
        if self.token is not None:
            auth = request.headers.get("authorization", "")
            bearer = auth[7:] if auth.lower().startswith("bearer ") else None
            query_token = request.query_params.get("token")
            if query_token is not None and self._ok(query_token):
                # once: the token moves to a cookie and out of the URL (and the browser history)
                rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                target = request.url.path + ("?" + urlencode(rest) if rest else "")
                resp = RedirectResponse(target, status_code=303)
                resp.set_cookie(COOKIE, query_token, httponly=True, samesite="strict", path="/")
                await resp(scope, receive, send_secure)
                return
            given = [bearer, request.headers.get("x-llmcost-token"), request.cookies.get(COOKIE)]
            if not any(self._ok(g) for g in given):
                resp = PlainTextResponse(
                    "401: this server needs its token: Authorization: Bearer TOKEN, or open a page once "
                    "with ?token=TOKEN\n",
                    status_code=401,
                    headers={"www-authenticate": 'Bearer realm="llmcost"'},
                )
                await resp(scope, receive, send_secure)
                return
        await self.app(scope, receive, send_secure)


def status_of(exc: BaseException) -> int:
    if isinstance(exc, TooBig):
        return 413
    if isinstance(exc, TooSlow | WarehouseBusy):
        return 503
    if isinstance(exc, LlmcostError):
        # a bad parameter, a bad config, no warehouse yet: all things the asker can change
        return 400 if isinstance(exc, UsageError) or type(exc).__name__ == "ConfigError" else 503
    return 500


QUERIES_AT_ONCE = 4  # DuckDB work in flight; more requests wait their turn (memory stays bounded)


async def in_worker(func: Any, *args: Any) -> Any:
    """`func(*args)` in a worker thread, at most QUERIES_AT_ONCE at a time."""
    import anyio.to_thread

    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(QUERIES_AT_ONCE)
    return await anyio.to_thread.run_sync(func, *args, limiter=_limiter)


_limiter: Any = None


def _fresh(func: Any) -> Any:
    """`func` run as one request: the snapshot an earlier request on the thread read is forgotten."""

    def run(*args: Any) -> Any:
        start_request()
        return func(*args)

    return run


async def run_answer(reader: Reader, name: str, given: list[tuple[str, str]]) -> Answer:
    ans: Answer = await in_worker(_fresh(answer), ENDPOINTS[name], reader, given)
    return ans


def as_of_headers(ans: Answer) -> dict[str, str]:
    """An answer read from the snapshot while a writer wrote: as of when, and who writes."""
    if ans.as_of is None:
        return {}
    return {
        "x-llmcost-as-of": ans.as_of.written_at,
        "x-llmcost-snapshot-generation": str(ans.as_of.generation),
    }


def create_app(reader: Reader, *, token: str | None = None) -> ASGIApp:
    """The whole server over `reader`'s warehouse; `token` (if any) is required on every request."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    from llmcost.report.serve import pages

    async def api(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ENDPOINTS:
            return JSONResponse({"error": f"no endpoint /api/{name[:60]}; see /api/openapi.json"}, 404)
        given = [(k, v) for k, v in request.query_params.multi_items() if k != "format"]
        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "csv"):
            return JSONResponse({"error": f"format: json or csv (got {fmt[:20]!r})"}, 400)
        try:
            ans = await run_answer(reader, name, given)
        except (LlmcostError, TooSlow, TooBig) as e:
            return JSONResponse({"error": str(e)}, status_of(e))
        if fmt == "csv":
            filename = "llmcost-" + name.replace("/", "-") + ".csv"
            return Response(
                ans.csv,
                media_type="text/csv; charset=utf-8",
                headers={"content-disposition": f'attachment; filename="{filename}"', **as_of_headers(ans)},
            )
        return Response(ans.json, media_type="application/json", headers=as_of_headers(ans))

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi())

    async def api_index(request: Request) -> Response:
        return HTMLResponse(pages.api_index(openapi()))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("not found\n", 404)
        package, path, media = STATIC[name]
        base = resources.files("llmcost.report") / ("templates" if package == "report" else "serve/static")
        return Response(
            (base / path).read_bytes(), media_type=media, headers={"cache-control": "max-age=3600"}
        )

    async def favicon(request: Request) -> Response:
        return Response(status_code=204)

    async def page(request: Request) -> Response:
        name = request.path_params.get("page", "")
        if name not in pages.PAGES:
            return HTMLResponse(pages.error_page("Not found", f"No page /{name[:60]}."), 404)
        given = [(k, v) for k, v in request.query_params.multi_items()]
        try:
            html = await in_worker(_fresh(pages.PAGES[name]), reader, given)
        except (LlmcostError, TooSlow, TooBig) as e:
            return HTMLResponse(pages.error_page("Cannot answer", str(e), name), status_of(e))
        return HTMLResponse(html)

    async def trace_page(request: Request) -> Response:
        # /trace/<id>: the same page as /trace?id=<id> (a path people paste)
        given = [("id", request.path_params["id"]), *request.query_params.multi_items()]
        try:
            html = await in_worker(_fresh(pages.PAGES["trace"]), reader, given)
        except (LlmcostError, TooSlow, TooBig) as e:
            return HTMLResponse(pages.error_page("Cannot answer", str(e), "trace"), status_of(e))
        return HTMLResponse(html)

    app: Starlette = Starlette(
        routes=[
            Route("/api/openapi.json", openapi_json),
            Route("/api/", api_index),
            Route("/api", api_index),
            Route("/api/{name:path}", api),
            Route("/static/{name}", static),
            Route("/favicon.ico", favicon),
            Route("/trace/{id:path}", trace_page),
            Route("/", page),
            Route("/{page}", page),
        ]
    )
    return Guard(app, token)
