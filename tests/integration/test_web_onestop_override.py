"""A province's one-stop documents file (documents/one-stop.yaml in THAMDINH_RULES_PATH, ``override: true``)
is what the pages list, on SQLite and PostgreSQL: the dossier page's documents by the province's titles,
the reception's checklist by the province's items, and the receipt printed from them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from webtools import page_client

from engine.domain.commands import Receive

OVERRIDE = """id: one-stop-documents
override: true
collect_at: Trung tâm Phục vụ hành chính công tỉnh, quầy số 5
documents:
  receipt: {title: GIẤY TIẾP NHẬN HỒ SƠ (MẪU CỦA TỈNH)}
  control: {title: PHIẾU THEO DÕI QUÁ TRÌNH XỬ LÝ HỒ SƠ}
checklists:
  project-appraisal:
    - {name: Văn bản đề nghị thẩm định theo mẫu của tỉnh, copy: Bản chính, count: 2}
"""


def test_the_pages_list_the_province_s_one_stop_documents(backend: str, request: Any, tmp_path: Path,
                                                            clock: Any) -> None:
    from conftest import SAMPLE_ORG, make_app_for
    from pypdf import PdfReader

    folder = tmp_path / "tinh" / "documents"
    folder.mkdir(parents=True)
    (folder / "one-stop.yaml").write_text(OVERRIDE, encoding="utf-8")
    app = make_app_for(backend, request, tmp_path, clock, rules_path=(tmp_path / "tinh",))
    app.services.load_org(SAMPLE_ORG)
    try:
        reception = page_client(app, "mc.truong")
        form = reception.get("/tiep-nhan").text
        assert "Văn bản đề nghị thẩm định theo mẫu của tỉnh" in form
        assert "Tờ trình thẩm định dự án của chủ đầu tư" not in form  # the province's list replaces the shipped one
        app.services.receive(Receive(workflow="project-appraisal", code="HS-T1", name="Nhà văn hóa", investor="UBND",
                                     group="C", grade="III", division="QLXD", officer="cv.pham",
                                     actor="mc.truong"))
        page = page_client(app, "cv.pham").get("/ho-so/HS-T1").text
        documents = page.split('id="documents"')[1].split("</p>")[0]
        assert "Giấy tiếp nhận hồ sơ (mẫu của tỉnh)" in documents
        assert "Phiếu theo dõi quá trình xử lý hồ sơ" in documents and "Phiếu kiểm soát" not in documents
        pdf = reception.get("/ho-so/HS-T1/giay-to/receipt.pdf").content
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "GIẤY TIẾP NHẬN HỒ SƠ (MẪU CỦA TỈNH)" in text and "quầy số 5" in text
    finally:
        app.close()
