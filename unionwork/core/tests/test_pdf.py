"""The one PDF renderer: it fetches nothing a page names, and lays out the same page once."""

from __future__ import annotations

import http.server
import threading

import pytest

from unionwork.core import pdf


@pytest.fixture(autouse=True)
def _empty_cache():
    pdf.forget()
    yield
    pdf.forget()


@pytest.fixture
def server():
    """A local web server that counts the requests it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


def test_a_url_in_the_printed_html_is_not_fetched(server, tmp_path):
    base, hits = server
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: blue }")
    html = (
        f"<html><head><link rel='stylesheet' href='{base}/style.css'>"
        f"<link rel='stylesheet' href='file://{secret}'></head>"
        f"<body><p>通知</p><img src='{base}/photo.png'></body></html>"
    )
    out = pdf.render(html)
    assert out.startswith(b"%PDF")
    assert hits == []


def test_a_data_url_is_still_drawn():
    # The visit report's chart is a PNG in a data: URL.
    one_pixel = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    with_image = pdf.render(f"<html><body><img src='data:image/png;base64,{one_pixel}'></body></html>")
    without = pdf.render("<html><body></body></html>")
    assert b"/Image" in with_image
    assert b"/Image" not in without


def test_the_same_html_is_laid_out_once_and_a_changed_one_again(monkeypatch):
    from weasyprint import HTML

    calls = []
    real = HTML.write_pdf

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", counting)
    first = pdf.render("<html><body><p>第一稿</p></body></html>")
    again = pdf.render("<html><body><p>第一稿</p></body></html>")
    changed = pdf.render("<html><body><p>第二稿</p></body></html>")
    assert first == again
    assert changed != first
    assert len(calls) == 2


def test_the_cache_keeps_its_size(monkeypatch):
    monkeypatch.setattr(pdf, "CACHE_BYTES", 4000)
    for i in range(4):
        pdf._keep(f"k{i}", b"x" * 900)
    assert pdf._held <= 4000
    pdf._keep("big", b"x" * 1500)  # over a quarter of the room: not kept
    assert "big" not in pdf._cache
    pdf._keep("k4", b"x" * 900)  # the least recently used goes
    assert "k0" not in pdf._cache and "k4" in pdf._cache
    assert pdf._held == sum(len(v) for v in pdf._cache.values()) <= 4000
