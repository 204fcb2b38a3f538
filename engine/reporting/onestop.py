"""The one-stop documents as HTML for A4 (templates/documents/): the Decree 30 heading, the body of
each form, and the signature blocks; the PDF is engine.reporting.pdf's."""

from __future__ import annotations

from typing import Any

from ..io.templating import environment


def render_document(template: str, data: dict[str, Any]) -> str:
    """``templates/documents/<template>`` filled with ``data``."""
    return environment("documents").get_template(template).render(**data)
