"""The repository explains itself: its documents link only to files a clone has."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# [text](target) and `path` mentions of markdown files, e.g. `docs/product.md` or `../shared/SPEC.md`.
LINK = re.compile(r"\]\(([^)#\s]+)[^)]*\)")
MENTION = re.compile(r"`([\w./-]+\.md)`")


def _targets(document: Path) -> set[str]:
    text = document.read_text()
    return {t for t in LINK.findall(text) + MENTION.findall(text) if "://" not in t}


def test_the_readme_links_the_product_and_the_architecture():
    assert {"docs/product.md", "docs/architecture.md", "docs/security.md"} <= _targets(ROOT / "README.md")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_linked_document_is_in_the_repository(document):
    # A mention is relative to the document, or to the root as the README's readers say it.
    missing = [
        target
        for target in _targets(document)
        if not (document.parent / target).exists() and not (ROOT / target).exists()
    ]
    assert missing == []
