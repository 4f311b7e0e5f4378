"""Fetching a report from its address, from a real server on loopback."""

import datetime
import http.server
import threading

import pytest

from events.intake import fetch

ARTICLE = """<html><head><title>ANAMA delegation visits NATO Headquarters</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-10-30T10:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>ANAMA delegation visits NATO Headquarters</h1>
<p>A delegation of the Mine Action Agency of the Republic of Azerbaijan (ANAMA) paid a working visit to
Belgium on 28-30 October, meeting officials at NATO Headquarters in Brussels.</p>
<p>The sides discussed cooperation in humanitarian demining and joint trainings in Azerbaijan, and the
delegation took part in the working group on small arms, light weapons and mine action.</p>
</article><footer>Copyright Example News</footer></body></html>"""


class Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/big":
            body, kind = b"x" * 4096, "text/html"
        elif self.path == "/image":
            body, kind = b"\x89PNG", "image/png"
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
            return
        elif self.path == "/article":
            body, kind = ARTICLE.encode(), "text/html; charset=utf-8"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def loopback_allowed(monkeypatch):
    monkeypatch.setattr(fetch, "ALLOW_PRIVATE_ADDRESSES", True)


def test_the_address_alone_gives_text_title_date_and_publisher(server, loopback_allowed):
    page = fetch.fetch_article(f"{server}/moved")
    assert page.url == f"{server}/article"
    assert page.title == "ANAMA delegation visits NATO Headquarters"
    assert page.published_on == datetime.date(2025, 10, 30)
    assert page.publisher == "Example News"
    assert "paid a working visit to" in page.text and "Home | World" not in page.text


def test_loopback_and_private_addresses_are_refused_in_production(server):
    with pytest.raises(fetch.FetchError, match="private or local network"):
        fetch.fetch_article(f"{server}/article")
    with pytest.raises(fetch.FetchError, match="private or local network"):
        fetch.check_address("http://10.0.0.1/article")


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "javascript:alert(1)"])
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(fetch.FetchError, match="Only http and https"):
        fetch.check_address(url)


def test_size_cap_content_type_and_errors_give_a_message(server, loopback_allowed):
    with pytest.raises(fetch.FetchError, match="larger than"):
        fetch.download(f"{server}/big", max_bytes=1024)
    with pytest.raises(fetch.FetchError, match="does not give a web page"):
        fetch.download(f"{server}/image")
    with pytest.raises(fetch.FetchError, match="404"):
        fetch.download(f"{server}/missing")
