"""HTML → PDF, in one place: the one-stop documents, the receipts and the reports print through it.

WeasyPrint (a well-kept renderer of HTML and CSS for paged media, pure Python over Pango): it honours
``@page`` (A4, margins, running page numbers), needs no browser process and no network, and renders a
receipt in tens of milliseconds once loaded (bench/web_bench.py measures it beside the headless
Chromium the browser tests use). ``base_url`` resolves relative links (images, style sheets); the
documents inline what they need, so nothing is fetched.
"""

from __future__ import annotations


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of ``html`` (A4 unless its CSS says otherwise); only ``data:`` URLs are read (a QR code,
    say): nothing is fetched from a network or a file."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    return bytes(HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf())
