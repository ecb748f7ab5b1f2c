"""Page files of the dashboard, relative to ``streamlit_app/app.py`` (for switch_page)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BOARD = "../pages/board.py"
INTAKE = "../pages/intake.py"
ASSESSMENT = "../pages/assessment.py"
OPTIONS = "../pages/options.py"
IMAGING = "../pages/imaging.py"
EVIDENCE = "../pages/evidence.py"
PRESENT = "../pages/present.py"
EXPORT = "../pages/export.py"
DELETED = "../pages/deleted.py"
#: The page icon, bundled (nothing is fetched to show it).
ICON = ROOT / "streamlit_app" / "assets" / "icon.png"


def export_page_exists() -> bool:
    """The EXPORT helper's page is listed only once its file is there."""
    return (ROOT / "pages" / "export.py").is_file()
