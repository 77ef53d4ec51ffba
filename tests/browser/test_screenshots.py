"""Screenshots of the main pages for the README, at desktop and phone widths.

Skipped unless SCREENSHOTS=1:

    SCREENSHOTS=1 .venv/bin/pytest tests/browser -m screenshots

Each image is the first screen of a page (the viewport, not the whole page),
reduced to a 256-colour palette to keep the repository small.
"""

from pathlib import Path

import pytest
from PIL import Image

from .conftest import PAGES, VIEWPORTS

pytestmark = [pytest.mark.screenshots, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shrink(path):
    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    palette.save(path, optimize=True)


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_screenshots(live_catalogue, open_page, viewport_name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page(viewport=VIEWPORTS[viewport_name])
    for name, path in PAGES:
        response = page.goto(live_catalogue.url + path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        page.wait_for_load_state("networkidle")
        target = SCREENSHOTS / f"{name}-{viewport_name}.png"
        page.screenshot(path=target, animations="disabled", caret="hide")
        shrink(target)
