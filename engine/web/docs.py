"""The API's documentation page, served without internet access.

Swagger UI's files come from the fastapi-offline package (kept up to date with Swagger UI 5, which
reads OpenAPI 3.1); the page starts it from a script file of ours, so the Content Security Policy
needs no inline script.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_ASSETS = Path(fastapi_offline.__file__).parent / "static"

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title} — tài liệu API</title>
<link rel="stylesheet" href="/static/api-docs/swagger-ui.css">
<link rel="icon" href="/static/api-docs/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/api-docs/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


def add_docs(api: FastAPI, static_dir: Path) -> None:
    api.mount("/static/api-docs", StaticFiles(directory=SWAGGER_ASSETS), name="api-docs-assets")
    api.mount("/static", StaticFiles(directory=static_dir), name="static")

    @api.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(PAGE.format(title=api.title))
