"""``collate review``: the HTML reports served on 127.0.0.1, with controls that write decisions.

A Starlette app run by uvicorn. The pages are the ones ``collate run``
writes, plus a status choice and a note on every apparatus entry (see
:class:`collate.reporters.html.ReviewControls`); what they change goes through
:mod:`collate.session` into ``apparatus.toml``. Reports on disk are never
written.

The server holds months of an editor's work within reach of every web page
the browser has open, so it trusts nothing (the ITSEE Collation Editor, a
Bottle server with no token that overwrites files, is what it must not be):

- it listens on 127.0.0.1 only;
- every request needs the run's random token (``secrets``): pages take it
  from ``?token=`` (answered with a SameSite=Strict, HttpOnly cookie named
  for the port, and a redirect that drops the token from the address), the
  API only from the ``X-Collate-Token`` header, which a page of another
  origin cannot send without a CORS preflight the server never grants;
- a ``Host`` other than ``127.0.0.1:PORT`` or ``localhost:PORT`` is refused
  (DNS rebinding), and so is an ``Origin`` other than those (cross-site
  requests); writes must be JSON (``Content-Type: application/json``);
- every answer carries ``Referrer-Policy: no-referrer``, ``Cache-Control:
  no-store`` and a Content-Security-Policy that allows no request but to the
  server itself, no script but the page's own (by hash), and no framing.

Errors are JSON ``{"error": message}`` with a 4xx status (a 500 for a bug
or a file that cannot be written), never a traceback.
"""

from __future__ import annotations

import json
import secrets
import signal
import socket
import sys
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .apparatus_write import Decision
from .errors import CollateError
from .model import STATUSES, Collation
from .reporters import html
from .session import MAX_NOTE, NotFound, Session, SessionError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_HEADER = "X-Collate-Token"
#: the largest request body read (bytes): a PUT is a status and a note; a batch lists ids
MAX_BODY = 64 * 1024
MAX_BATCH_BODY = 4 * 1024 * 1024
#: keys that give the current variant a status; j/n/k/p are next/previous
_TAKEN_KEYS = set("jnkp")
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def status_keys(statuses: tuple[str, ...] = STATUSES) -> tuple[tuple[str, str], ...]:
    """A key for each status: its first letter not already taken (``u`` ``r`` ``i`` ``e``)."""
    taken = set(_TAKEN_KEYS)
    keys = []
    for status in statuses:
        key = next((ch for ch in status.lower() if ch.isalpha() and ch not in taken), None)
        if key is not None:
            taken.add(key)
            keys.append((key, status))
    return tuple(keys)


def cookie_name(port: int) -> str:
    """Cookies are not kept apart by port: each server's has its own name."""
    return f"collate-review-{port}"


class Guard:
    """ASGI middleware: the Host, Origin and token checks, and the headers every answer gets."""

    def __init__(self, app: ASGIApp, token: str, port: int) -> None:
        self.app = app
        self.token = token
        self.port = port
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}
        self.cookie = cookie_name(port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan is off and websockets are not served
            return await self.app(scope, receive, send)
        refusal = self.refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
                headers.setdefault("Content-Security-Policy", API_CSP)
            await send(message)

        await self.app(scope, receive, with_headers)

    def _same(self, given: str | None) -> bool:
        return given is not None and secrets.compare_digest(given.encode(), self.token.encode())

    def refusal(self, scope: Scope) -> Response | None:
        """The answer to a request that may not go on, or None when it may."""
        headers = Headers(scope=scope)
        path = scope["path"]
        api = path.startswith("/api/") or path == "/api"
        host = headers.get("host")
        if host not in self.hosts:
            return _refuse(403, f"Host {host!r} refused: this server answers only to 127.0.0.1:{self.port}", api)
        origin = headers.get("origin")
        if origin is not None and origin not in self.origins:
            return _refuse(403, f"Origin {origin!r} refused: only pages this server serves may call it", api)
        if api:
            given = headers.get(TOKEN_HEADER)
            if given is None:
                return _refuse(401, f"the {TOKEN_HEADER} header is missing", api)
            if not self._same(given):
                return _refuse(403, f"the {TOKEN_HEADER} header does not hold this run's token", api)
            return None
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if "token" in query:
            if not self._same(query["token"][0]):
                return _refuse(403, "wrong token: open the address collate review printed", api)
            rest = {k: v for k, v in query.items() if k != "token"}
            target = path + (f"?{urlencode(rest, doseq=True)}" if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="strict", path="/")
            for key, value in SECURITY_HEADERS.items():
                response.headers[key] = value
            return response
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # http.cookies raises CookieError on a malformed header
            cookie = SimpleCookie()
        held = cookie.get(self.cookie)
        if held is None:
            return _refuse(401, "this page needs the address collate review printed (with ?token=...)", api)
        if not self._same(held.value):
            return _refuse(403, "this page needs the address this run of collate review printed"
                           " (the token is from another run)", api)
        return None


def _refuse(status: int, message: str, api: bool) -> Response:
    response: Response
    if api:
        response = JSONResponse({"error": message}, status_code=status)
    else:
        response = PlainTextResponse(f"collate review: {message}\n", status_code=status)
    for key, value in SECURITY_HEADERS.items():
        response.headers[key] = value
    response.headers["Content-Security-Policy"] = API_CSP
    return response


def _error(status: int, message: str, **details: Any) -> JSONResponse:
    return JSONResponse({"error": message, **details}, status_code=status)


# --------------------------------------------------------------------------- the pages


def _controls(c: Collation, versions: dict[str, str], token: str) -> html.ReviewControls:
    keys = status_keys()
    return html.ReviewControls(
        statuses=STATUSES,
        keys=keys,
        notes={v.id: v.note for v in c.variants},
        max_note=MAX_NOTE,
        data={
            "token": token,
            "set": c.name,
            "versions": versions,
            "status": {v.id: v.status for v in c.variants},
            "keys": {key: status for key, status in keys},
        },
    )


def _page(text: str, policy: str) -> HTMLResponse:
    return HTMLResponse(text, headers={"Content-Security-Policy": policy + "; frame-ancestors 'none'"})


class Review:
    """The endpoints, over one :class:`Session`."""

    def __init__(self, session: Session, token: str) -> None:
        self.session = session
        self.token = token

    async def index(self, request: Request) -> Response:
        return _page(html.render_index(self.session.all_current()), html.csp(False))

    async def set_page(self, request: Request) -> Response:
        name = request.path_params["name"]
        c, versions = self.session.current(name)
        writable = self.session.writable(name)
        controls = _controls(c, versions, self.token) if writable else None
        return _page(html.render(c, controls), html.csp(bool(c.variants), review=controls is not None))

    # ------------------------------------------------------------------- the API

    async def sets(self, request: Request) -> Response:
        out = []
        for c in self.session.all_current():
            out.append({
                "name": c.name,
                "title": c.title,
                "witnesses": [w.siglum for w in c.witnesses],
                "variants": len(c.variants),
                "substantive": c.substantive,
                "unreviewed": sum(1 for v in c.variants if v.status == "unreviewed"),
                "apparatus": self.session.apparatus_file(c.name),
                "page": f"/{c.name}.html",
            })
        return JSONResponse({"sets": out, "statuses": list(STATUSES)})

    async def one_set(self, request: Request) -> Response:
        name = request.path_params["name"]
        c, versions = self.session.current(name)
        return JSONResponse({
            "name": c.name,
            "title": c.title,
            "base": c.base,
            "apparatus": self.session.apparatus_file(name),
            "statuses": list(STATUSES),
            "variants": [
                {
                    "id": v.id,
                    "kind": v.kind,
                    "classes": list(v.classes),
                    "substantive": v.substantive,
                    "readings": {s: r.text for s, r in v.readings.items()},
                    "status": v.status,
                    "note": v.note,
                    "version": versions[v.id],
                }
                for v in c.variants
            ],
            "stale": [e.as_dict() for e in c.stale],
        })

    async def variant(self, request: Request) -> Response:
        if request.method == "PUT":
            return await self.put_variant(request)
        name, vid = request.path_params["name"], request.path_params["vid"]
        c, versions = self.session.current(name)
        found = next((v for v in c.variants if v.id == vid), None)
        if found is None:
            raise NotFound(f"set {name} has no variant {vid}")
        return JSONResponse({"set": name, "id": vid, "status": found.status, "note": found.note,
                             "version": versions[vid]})

    async def put_variant(self, request: Request) -> Response:
        name, vid = request.path_params["name"], request.path_params["vid"]
        body = await _json_body(request, MAX_BODY)
        _only(body, {"status", "note"})
        if "status" not in body and "note" not in body:
            raise HTTPException(400, 'give "status", "note" or both')
        decision = Decision(status=_status(body.get("status")), note=_note(body.get("note")))
        expected = _if_match(request.headers.get("if-match"))
        result = self.session.write(name, {vid: decision}, {vid: expected})
        (state,) = result.variants
        return JSONResponse({"set": name, "id": vid, "status": state.status, "note": state.note,
                             "version": state.version, "merged": result.merged, "written": result.written})

    async def batch(self, request: Request) -> Response:
        name = request.path_params["name"]
        body = await _json_body(request, MAX_BATCH_BODY)
        _only(body, {"ids", "status", "note", "versions"})
        ids = body.get("ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise HTTPException(400, '"ids" must be a non-empty list of variant ids')
        if len(set(ids)) != len(ids):
            raise HTTPException(400, '"ids" lists a variant twice')
        if "status" not in body and "note" not in body:
            raise HTTPException(400, 'give "status", "note" or both')
        versions = body.get("versions", {})
        if not isinstance(versions, dict) or not all(isinstance(v, str) for v in versions.values()):
            raise HTTPException(400, '"versions" must map variant ids to the versions the page showed')
        decision = Decision(status=_status(body.get("status")), note=_note(body.get("note")))
        result = self.session.write(name, {vid: decision for vid in ids}, {vid: versions.get(vid) for vid in ids})
        return JSONResponse({
            "set": name,
            "variants": [{"id": s.id, "status": s.status, "note": s.note, "version": s.version}
                         for s in result.variants],
            "merged": result.merged,
            "written": result.written,
        })


async def _json_body(request: Request, limit: int) -> dict[str, Any]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPException(415, "send JSON (Content-Type: application/json)")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the request is {int(declared):,} bytes; at most {limit:,} are read")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"the request is over {limit:,} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise HTTPException(400, "malformed JSON: not UTF-8") from None
    except ValueError as exc:
        raise HTTPException(400, f"malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "send a JSON object")
    return data


def _only(body: dict[str, Any], known: set[str]) -> None:
    unknown = sorted(set(body) - known)
    if unknown:
        raise HTTPException(400, f"unknown key {', '.join(map(repr, unknown))} (known: {', '.join(sorted(known))})")


def _status(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in STATUSES:
        raise HTTPException(400, f"status must be one of {', '.join(STATUSES)}, not {json.dumps(value)}")
    return value


def _note(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise HTTPException(400, "note must be a string")
    if len(value) > MAX_NOTE:
        raise HTTPException(413, f"the note is {len(value):,} characters; at most {MAX_NOTE:,} are kept")
    if "\x00" in value:
        raise HTTPException(400, "the note holds a NUL character")
    return value


def _if_match(value: str | None) -> str | None:
    if value is None or value.strip() == "*":
        return None
    return value.strip().removeprefix("W/").strip('"')


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"nothing at {request.url.path}"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path} (allowed: {exc.headers.get('Allow', '')})" \
            if exc.headers else f"{request.method} is not allowed here"
    else:
        message = exc.detail
    return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)


async def _session_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SessionError)
    return _error(exc.status, exc.message, **exc.details)


async def _collate_error(request: Request, exc: Exception) -> Response:
    return _error(409, f"{exc} (fix it, then reload the page)")


async def _bug(request: Request, exc: Exception) -> Response:
    print(f"collate review: internal error on {request.method} {request.url.path}: {exc!r}", file=sys.stderr)
    return _error(500, f"internal error ({type(exc).__name__}); the apparatus file is unchanged")


def create_app(session: Session, token: str, port: int) -> ASGIApp:
    """The review app for ``session``, guarded for ``token`` and a server on 127.0.0.1:``port``."""
    review = Review(session, token)
    routes = [
        Route("/", review.index),
        Route("/index.html", review.index),
        Route("/api/sets", review.sets),
        Route("/api/sets/{name}", review.one_set),
        Route("/api/sets/{name}/variants/{vid}", review.variant, methods=["GET", "PUT"]),
        Route("/api/sets/{name}/batch", review.batch, methods=["POST"]),
        Route("/{name}.html", review.set_page),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            HTTPException: _http_error,
            SessionError: _session_error,
            CollateError: _collate_error,
            Exception: _bug,
        },
    )
    return Guard(app, token, port)


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port`` 0: a free one); a port in use is a one-line error."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(128)  # connections made before uvicorn starts wait here
    except OSError as exc:
        sock.close()
        raise CollateError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
    return sock


#: the exit code after SIGTERM: 128 + the signal's number, as a shell reports a process it ended
TERMINATED = 128 + signal.SIGTERM


class Terminated(Exception):
    """The server was sent SIGTERM (``kill``, a service manager) and has shut down cleanly."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def serve(session: Session, sock: socket.socket, open_browser: bool, echo: Callable[[str], None]) -> None:
    """Serve ``session`` on ``sock`` (see :func:`bind`) until interrupted.

    ``echo`` gets the one line with the address and this run's token. uvicorn
    shuts down on SIGINT or SIGTERM alike (requests in flight finish, so a write
    is whole or not begun) and then raises the signal again: SIGINT becomes
    KeyboardInterrupt, SIGTERM becomes :class:`Terminated` here, instead of the
    default action that ends the process without a word.
    """
    import uvicorn

    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(32)
    url = f"http://127.0.0.1:{port}/?token={token}"
    config = uvicorn.Config(
        create_app(session, token, port),
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="none",
        server_header=False,
        date_header=False,
    )
    echo(url)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminated) if main else None
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
