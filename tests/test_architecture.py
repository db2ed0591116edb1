"""House rules that keep the domain independent of the web layer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = (
    "flask",
    "flask_wtf",
    "flask_login",
    "flask_babel",
    "flask_sqlalchemy",
    "wtforms",
    "forms",
    "views",
    "werkzeug",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_domain_never_imports_the_web_layer() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / "trygg").rglob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_the_check_itself_catches_a_flask_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from flask import request\nimport views.cases.pages\n", encoding="utf-8")
    assert {"flask", "views.cases.pages"} <= imported_modules(sample)


def test_no_junk_drawer_modules() -> None:
    project = ("trygg", "views", "forms", "commands", "tests", "bench", "doc_templates")
    names = {p.name for folder in project for p in (ROOT / folder).rglob("*.py")}
    assert not names & {"utils.py", "helpers.py", "misc.py"}


def test_nothing_reads_outside_the_repository() -> None:
    # A user clones the repository with nothing beside it: examples and test data live
    # inside it (examples/, tests/data/), never in a folder next to the checkout.
    outside = re.compile(r"""\.\./shared|["']shared["']""")
    paths = [
        path
        for folder in ("trygg", "views", "web", "forms", "commands", "tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != Path(__file__).resolve()
    ]
    paths += [ROOT / "Makefile", ROOT / ".ci" / "run", ROOT / "app.py"]
    offenders = [
        str(path.relative_to(ROOT))
        for path in paths
        if path.exists() and outside.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_commands_never_import_the_web_layer() -> None:
    # The command line shares the database handle (database.py) and the domain, never the
    # pages: a command must work on a server that serves no web pages at all.
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for folder in ("commands", "trygg")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] in {"views", "web", "forms"}
    ]
    assert offenders == []


def test_the_database_handle_lives_outside_the_web_layer() -> None:
    assert "db =" in (ROOT / "database.py").read_text(encoding="utf-8")
    for folder in ("views", "web"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "SQLAlchemy(" not in path.read_text(encoding="utf-8"), path


def test_views_never_commit_or_roll_back() -> None:
    # One request lifecycle owns the transaction (web/lifecycle.py); an early commit is
    # commit_now(EarlyCommit.X), named and explained there.
    pattern = re.compile(r"\.(commit|rollback)\(\)")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("views", "web")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.name != "lifecycle.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def imported_test_modules(path: Path) -> set[str]:
    """The test modules (test_*.py) that `path` imports, in any spelling: `import
    tests.test_x`, `from tests.test_x import y`, `from tests import test_x`, relative."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def is_test_module(module: str) -> bool:
        return any(part.startswith("test_") for part in module.split("."))

    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if is_test_module(alias.name))
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            if is_test_module(base):
                found.add(base)
            else:  # from tests import test_x
                dot = "" if base.endswith(".") else "."
                joined = (f"{base}{dot}{alias.name}" for alias in node.names)
                found.update(module for module in joined if is_test_module(module))
    return found


def test_no_test_module_imports_another() -> None:
    # What tests share is built in tests/factories/ (users, cases at a stage, the PDF
    # converter) or lives in the helper modules (*_pages.py, *_steps.py): a test module
    # imported by another runs its module-level code, and its fixtures, a second time.
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for name in sorted(imported_test_modules(path))
    ]
    assert offenders == []


def test_the_check_itself_catches_every_spelling_of_a_test_module_import(
    tmp_path: Path,
) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from tests.test_pdf_convert import free_port_pairs\n"
        "import tests.e2e.test_login_browser\n"
        "from tests import test_mail\n"
        "from .test_views_downloads import url\n"
        "from . import test_html_ids\n"
        "from tests.factories.cases import case_at\n"
        "from tests.conftest import log_in\n",
        encoding="utf-8",
    )
    assert imported_test_modules(sample) == {
        "tests.test_pdf_convert",
        "tests.e2e.test_login_browser",
        "tests.test_mail",
        ".test_views_downloads",
        ".test_html_ids",
    }
