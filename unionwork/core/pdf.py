"""PDF from HTML: the one place that calls WeasyPrint (official documents, visit reports,
assessment sheets and rankings).

- **Nothing is fetched.** The printed pages carry their styles inline and use the system's fonts;
  a URL in the HTML (an image a user typed into a text, say) is not fetched, neither from the
  network nor from the disk: only ``data:`` URLs are read. WeasyPrint's default fetcher would
  follow any URL (and builds an HTTPS context for each document, 40–50 ms).
- **The same HTML is not laid out twice.** A document is opened by every unit it is sent to, a
  ranking by every district; the PDF of an HTML string is kept in the process's memory (the most
  recently used, up to ``CACHE_BYTES``), keyed by the string's SHA-256, so that any change of
  what is printed (a word, a recipient, a date) makes a new PDF. Laying out and subsetting the
  CJK fonts takes 200–300 ms a document on this machine.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

CACHE_BYTES = 32 * 1024 * 1024
_lock = threading.Lock()
_cache: OrderedDict[str, bytes] = OrderedDict()
_held = 0
_fetcher = None


def _no_fetching():
    global _fetcher
    if _fetcher is None:
        from weasyprint.urls import URLFetcher

        _fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    return _fetcher


def render(html: str) -> bytes:
    """The PDF of ``html`` (laid out once per distinct string, see the module's note)."""
    from weasyprint import HTML

    key = hashlib.sha256(html.encode()).hexdigest()
    with _lock:
        pdf = _cache.get(key)
        if pdf is not None:
            _cache.move_to_end(key)
            return pdf
    pdf = HTML(string=html, url_fetcher=_no_fetching()).write_pdf()
    _keep(key, pdf)
    return pdf


def _keep(key: str, pdf: bytes) -> None:
    global _held
    if len(pdf) > CACHE_BYTES // 4:  # a very long document is not worth a quarter of the room
        return
    with _lock:
        if key in _cache:
            return
        _cache[key] = pdf
        _held += len(pdf)
        while _held > CACHE_BYTES:
            _old, dropped = _cache.popitem(last=False)
            _held -= len(dropped)


def forget() -> None:
    """Empty the cache (tests)."""
    global _held
    with _lock:
        _cache.clear()
        _held = 0
