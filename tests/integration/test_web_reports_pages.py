"""The reports' pages and calls on both databases: who may read them, the month in the page and as
files (an issued month served as its stored bytes), the statistics, the metrics and the evaluation."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from webtools import api_client, page_client

from engine.bootstrap import App
from engine.domain.commands import Fire
from engine.services.report_files import pdf_available


def _june(app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    """Two dossiers of QLXD appraised in June 2024 (one early, one late) and one of HTKT still open."""
    make_dossier(code="BC-1", at="2024-06-03", officer="cv.vo")
    app.services.fire(Fire(code="BC-1", event="accept", actor="cv.vo", at="2024-06-04"))
    app.services.fire(Fire(code="BC-1", event="pass_appraisal", actor="cv.vo", at="2024-06-05"))
    make_dossier(code="BC-2", at="2024-05-02")
    app.services.fire(Fire(code="BC-2", event="accept", actor="cv.pham", at="2024-05-03"))
    app.services.fire(Fire(code="BC-2", event="pass_appraisal", actor="cv.pham", at="2024-06-28"))
    make_dossier(code="BC-3", at="2024-06-10", division="HTKT", officer="cv.ngo")


def test_an_officer_cannot_read_the_reports_and_is_told_who_may(app: App) -> None:
    r = page_client(app, "cv.pham").get("/bao-cao")
    assert r.status_code == 403 and "trưởng phòng" in r.text and "giám đốc" in r.text
    assert api_client(app, "cv.pham").get("/api/v1/reports/monthly?month=2024-06").status_code == 403


def test_the_month_in_the_page_and_as_every_file(app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    _june(app, make_dossier)
    head = page_client(app, "tp.nguyen")
    assert "Báo cáo tháng" in head.get("/bao-cao").text
    page = head.get("/bao-cao/thang?month=2024-06")
    assert page.status_code == 200, page.text
    assert "tháng 06/2024" in page.text and "Phòng Quản lý xây dựng" in page.text and "Võ Quốc Bảo" in page.text
    assert 'id="draft"' in page.text and "50,0%" in page.text
    html = head.get("/bao-cao/tai-ve/thang?month=2024-06&format=html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "attachment" in html.headers["content-disposition"] and "bao-cao-thang-2024-06.html" in html.headers[
        "content-disposition"]
    assert "SỞ XÂY DỰNG" in html.text
    xlsx = head.get("/bao-cao/tai-ve/thang?month=2024-06&format=xlsx&division=QLXD")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    data = json.loads(head.get("/bao-cao/tai-ve/thang?month=2024-06&format=json").content)
    assert data["month"] == "2024-06" and data["total"]["finished"] == 2
    pdf = head.get("/bao-cao/tai-ve/thang?month=2024-06&format=pdf")
    if pdf_available():
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    else:
        assert pdf.status_code == 422 and "Định dạng «pdf»" in pdf.text
    bad = head.get("/bao-cao/thang?month=2024-6x")
    assert bad.status_code == 422 and "YYYY-MM" in bad.text


def test_an_issued_month_is_served_as_its_stored_bytes(app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    _june(app, make_dossier)
    app.issuing.issue(app.issuing.monthly("2024-06"), "gd.tran")
    stored = app.issuing.issued_file("monthly", "2024-06", "", "html")
    assert stored is not None
    head = page_client(app, "tp.nguyen")
    served = head.get("/bao-cao/tai-ve/thang?month=2024-06&format=html")
    assert served.content == stored[1] and served.headers["x-issued-version"] == "1"
    page = head.get("/bao-cao/thang?month=2024-06").text
    assert 'id="issued"' in page and "phiên bản 1" in page
    api = api_client(app, "gd.tran").get("/api/v1/reports/monthly?month=2024-06&format=html")
    assert api.status_code == 200 and api.content == stored[1]


def test_the_statistics_the_metrics_and_the_evaluation(app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    _june(app, make_dossier)
    director = page_client(app, "gd.tran")
    stats = director.get("/bao-cao/thong-ke?start=2024-06-01&end=2024-06-30")
    assert stats.status_code == 200 and "II.06a" in stats.text and "Tổng cộng" in stats.text
    assert director.get("/bao-cao/tai-ve/thong-ke?start=2024-06-01&end=2024-06-30&format=xlsx").content[:2] == b"PK"
    metrics = director.get("/bao-cao/chi-so?start=2024-06-01&end=2024-06-30&by=division,officer")
    assert metrics.status_code == 200 and "Phạm Thị Hồng" in metrics.text and "Phòng Quản lý xây dựng" in metrics.text
    assert director.get("/bao-cao/chi-so?by=mau").status_code == 422
    rows = api_client(app, "gd.tran").get("/api/v1/reports/metrics", params={
        "start": "2024-06-01", "end": "2024-06-30", "by": "division"}).json()
    assert {r["division"]: r["finished"] for r in rows}["QLXD"] == 2
    evaluation = director.get("/bao-cao/thi-dua")
    assert evaluation.status_code == 200 and "Tổng:" in evaluation.text and "Võ Quốc Bảo" in evaluation.text
    assert director.get("/bao-cao/tai-ve/thi-dua?format=json").json()["movement"]["id"]
    paths = set(api_client(app).get("/api/openapi.json").json()["paths"])
    assert {"/api/v1/reports/monthly", "/api/v1/reports/statistics", "/api/v1/reports/metrics",
            "/api/v1/reports/evaluation"} <= paths
