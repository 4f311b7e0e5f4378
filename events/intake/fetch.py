"""Fetching a report from its address: public http(s) only, a timeout, a size cap; trafilatura reads it."""

from __future__ import annotations

import datetime
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

import trafilatura

TIMEOUT_SECONDS = 10
MAX_BYTES = 3 * 1024 * 1024
# Tests serve pages from loopback and turn this on; production never fetches private addresses.
ALLOW_PRIVATE_ADDRESSES = False


class FetchError(Exception):
    """Why the page could not be read; the editor pastes the text instead."""


@dataclass
class FetchedPage:
    url: str
    text: str
    title: str = ""
    published_on: datetime.date | None = None
    publisher: str = ""
    language: str = ""


def check_address(url: str) -> None:
    """Refuse anything but http(s) to a public address (no loopback, private or link-local hosts)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("Only http and https addresses can be fetched.")
    if ALLOW_PRIVATE_ADDRESSES:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError) as error:
        raise FetchError(f"The address's host could not be found ({parts.hostname}).") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise FetchError("That address is on a private or local network; it cannot be fetched.")


class CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Every address a redirect leads to is checked like the first."""

    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_address(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def download(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES) -> tuple[bytes, str]:
    """The page's bytes and its final address; raises FetchError."""
    check_address(url)
    opener = urllib.request.build_opener(CheckedRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "MineActionTimeline/1.0 (article intake)"})
    try:
        with opener.open(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            if kind not in ("text/html", "application/xhtml+xml", "text/plain"):
                raise FetchError(f"The address does not give a web page ({kind}).")
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"The page is larger than {max_bytes // 1024 // 1024} MB.")
            return body, response.geturl()
    except urllib.error.HTTPError as error:
        raise FetchError(f"The site answered {error.code} {error.reason}.") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(f"The page could not be fetched ({reason}).") from error


def read_page(html: str, url: str) -> FetchedPage:
    """The article's text, title, date and publisher, as trafilatura extracts them."""
    extracted = trafilatura.extract(
        html, url=url, output_format="json", with_metadata=True, include_comments=False, include_tables=False
    )
    if not extracted:
        raise FetchError("No article text was found on the page.")
    data = json.loads(extracted)
    published_on = None
    if data.get("date"):
        try:
            published_on = datetime.date.fromisoformat(data["date"][:10])
        except ValueError:
            published_on = None
    return FetchedPage(
        url=url,
        text=data.get("text") or "",
        title=data.get("title") or "",
        published_on=published_on,
        publisher=data.get("sitename") or data.get("source-hostname") or data.get("hostname") or "",
        language=data.get("language") or "",
    )


def fetch_article(url: str, **limits) -> FetchedPage:
    """Fetch and read the article at ``url``; raises FetchError with a message for the editor."""
    body, final_url = download(url, **limits)
    html = body.decode("utf-8", errors="replace")
    return read_page(html, final_url)
