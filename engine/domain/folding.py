"""Text folded for search: lower case, without diacritics, «đ» as «d», spaces collapsed.

«Đường liên xã Tân Hòa» and «duong lien xa tan hoa» fold to the same text, so a search typed
without accents finds the name written with them. The store keeps each dossier's folded code,
project name and investor in one column (``dossier.search_text``, revision 0010) and compares a
folded query with it; the same function folds both, so the two cannot drift apart.
"""

from __future__ import annotations

import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(value: str | None) -> str:
    """``value`` lower-cased, without diacritics, «đ» as «d», whitespace collapsed to single spaces."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_D))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def search_text(code: str, project_name: str, investor: str) -> str:
    """What a dossier's search column holds: its code, project name and investor, folded."""
    return " | ".join(fold(x) for x in (code, project_name, investor))
