"""A QR code as an SVG ``data:`` URL (segno: pure Python, no image library), for printed documents
that point to the public look-up page of a dossier."""

from __future__ import annotations


def qr_data_url(text: str, scale: int = 3) -> str:
    """The QR code of ``text`` (error correction M) as ``data:image/svg+xml;…``."""
    import segno

    return str(segno.make(text, error="m").svg_data_uri(scale=scale, border=2))
