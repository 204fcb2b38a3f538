"""How a dossier may reach the department (the statutory statistics count new dossiers by it): at the
one-stop desk, through the online portal, by post. A module of its own so that the command line can
offer the choice without importing the commands at start-up."""

from __future__ import annotations

INTAKE_CHANNELS = ("in_person", "online", "post")
INTAKE_CHANNEL_LABELS = {"in_person": "Trực tiếp tại Bộ phận Một cửa", "online": "Trực tuyến",
                         "post": "Qua dịch vụ bưu chính"}
