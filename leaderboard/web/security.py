"""Request limits (body size, URL length) before any view, security headers on every answer, safe redirects."""
import io
import re
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request
from werkzeug.wsgi import get_content_length

# gevent refuses request lines from 8,192 bytes on, without a body: answer a readable 414 below that.
MAX_URL_BYTES = 8000
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    # Plotly sets style attributes on the elements it draws.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "font-src 'self'",
    "manifest-src 'self'",  # the phone page's installable web app
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
# The channel editor shows the real TV page in an iframe of the console: that page alone may be framed, by us.
SAME_ORIGIN_FRAMING_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'")


def allow_same_origin_framing(response: Response) -> Response:
    """Let pages of this origin (and only them) show `response` in an iframe."""
    response.headers["Content-Security-Policy"] = SAME_ORIGIN_FRAMING_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


# Browsers drop tabs and newlines inside URLs and read a backslash as a slash: "/\t/evil" is "//evil".
_UNSAFE_IN_REDIRECTS = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_next(target: object, fallback: str = "/") -> str:
    """`target` when it is a same-origin relative path ("/console/…"), else `fallback`: never another site."""
    if not isinstance(target, str) or not target.startswith("/") or _UNSAFE_IN_REDIRECTS.search(target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith("//"):
        return fallback
    return target


def refuse_long_urls() -> None:
    target = request.environ.get("RAW_URI") or request.full_path
    if len(target.encode("utf-8", "surrogateescape")) > MAX_URL_BYTES:
        abort(414, f"the URL is longer than {MAX_URL_BYTES} bytes")


def buffer_streamed_body() -> None:
    """Read a body without Content-Length (chunked) up to the limit: over it → 413.

    Werkzeug stops reading such a stream at MAX_CONTENT_LENGTH and hands back the truncated
    body, which then fails to parse (400). Reading one byte past the limit tells the difference."""
    environ = request.environ
    if get_content_length(environ) is not None:
        return  # Werkzeug checks a declared length itself
    if not environ.get("wsgi.input_terminated"):
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", ""):
            abort(411, "this server cannot read a chunked body here: send Content-Length")
        return  # no body at all
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    stream, body = environ["wsgi.input"], bytearray()
    while len(body) <= limit:
        chunk = stream.read(min(64 * 1024, limit + 1 - len(body)))
        if not chunk:
            break
        body += chunk
    if len(body) > limit:
        abort(413)
    # From here on the body is an ordinary one with a known length.
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(bytes(body)), str(len(body))
    environ.pop("wsgi.input_terminated")
    environ.pop("HTTP_TRANSFER_ENCODING", None)


def init_app(app: Flask) -> None:
    # First in line, before any hook that could read the body.
    app.before_request_funcs.setdefault(None, [])[:0] = [refuse_long_urls, buffer_streamed_body]

    @app.after_request
    def secure_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # same-origin: HTTPS form posts carry the Referer that CSRF protection checks; nothing leaks out.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
