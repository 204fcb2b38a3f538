"""The capital fixed set shared by the capital tests: three projects with plans and cumulative
disbursement, over the dossiers of test_metrics_fixed_set (D1, D2, D3 and D7 linked to them; D4, D5 and
D6 belong to no project).

- P1 «Đường liên xã Tân Hòa» (Ban QLDA tỉnh, Ngân sách tỉnh): assigned 10.000.000.000 (15/12/2023), adjusted
  −2.000.000.000 (15/07/2024); disbursed 1.000.000.000 (31/03), 3.000.000.000 (30/06), 6.000.000.000 (30/09).
  Dossier D1 (QLXD cv.pham): received 01/03, appraisal passed 07/03, design approved 29/03: 4 + 16 = 20 wd.
- P2 «Trường tiểu học Phú Lý» (UBND huyện Vĩnh Cửu, Ngân sách trung ương): assigned 4.000.000.000
  (15/01/2024); disbursed 400.000.000 (30/06), 1.000.000.000 (31/08). Dossiers D2 (QLXD cv.vo: paused
  05/03–11/03, passed 22/03, its design stage open from 22/03, due 22/04) and D3 (HTKT cv.ngo: paused
  04/03–06/03 and 08/03–12/03, passed 14/03, approved 25/03).
- P3 «Kè chống sạt lở» (Ban QLDA tỉnh, Ngân sách trung ương): assigned 2.000.000.000 (20/12/2023); disbursed
  2.000.000.000 (30/06): all of it. Dossier D7 (QLXD cv.dang, post-basic design): from 15/02, never finished.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

HEADER = "kind,project,name,investor,capital_source,division,year,date,amount,decision,dossiers"
ROWS = [
    "assigned,P1,Đường liên xã Tân Hòa,Ban QLDA tỉnh,Ngân sách tỉnh,QLXD,2024,15/12/2023,10.000.000.000,"
    "1234/QĐ-UBND,D1",
    "adjustment,P1,,,,,2024,15/07/2024,-2.000.000.000,567/QĐ-UBND,",
    "assigned,P2,Trường tiểu học Phú Lý,UBND huyện Vĩnh Cửu,Ngân sách trung ương,QLXD,2024,2024-01-15,4000000000,,"
    "D2;D3",
    "assigned,P3,Kè chống sạt lở,Ban QLDA tỉnh,Ngân sách trung ương,QLXD,2024,20/12/2023,2.000.000.000,,D7",
    "disbursed,P1,,,,,2024,31/03/2024,1.000.000.000,,",
    "disbursed,P1,,,,,2024,30/06/2024,3.000.000.000,,",
    "disbursed,P1,,,,,2024,30/09/2024,6.000.000.000 đồng,,",
    "disbursed,P2,,,,,2024,30/06/2024,400.000.000,,",
    "disbursed,P2,,,,,2024,31/08/2024,1.000.000.000,,",
    "disbursed,P3,,,,,2024,30/06/2024,2.000.000.000,,",
]
CSV = "\n".join([HEADER, *ROWS]) + "\n"



def load(app: Any, folder: Path) -> dict[str, int]:
    """The dossiers of test_metrics_fixed_set, then this set imported from a CSV file in ``folder``: what
    ``capital import`` answered."""
    from test_metrics_fixed_set import build_fixed_set  # (tests/integration, on the path when tests run)

    build_fixed_set(app)
    path = folder / "von.csv"
    path.write_text(CSV, encoding="utf-8")
    result: dict[str, int] = app.capital.import_file(path)
    return result
