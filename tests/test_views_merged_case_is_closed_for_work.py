"""Issue 13: a case merged into another is closed for work. Found by the helper that built
merging: the merged case's own action addresses (notes, people, receipt, handler, new
documents, reopening) still changed it. Every POST address of a case, walked from the URL
map, is now refused for the merged case and changes none of its rows."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, log_in
from tests.factories.cases import file, sara_report
from tests.factories.users import RECTOR, REPORTER
from trygg.models import CaseActor, CaseDocument, CaseEvent
from trygg.models.cases import MERGED


def _counts(session: Session, case_id: int) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(  # type: ignore[return-value]
        session.execute(select(func.count()).where(model.case_id == case_id)).scalar_one()
        for model in (CaseActor, CaseDocument, CaseEvent)
    )


def test_no_post_address_changes_a_merged_case(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    surviving, _ = file(session, tmp_path, REPORTER)
    merged, _ = file(session, tmp_path, REPORTER, sara_report(pupil_name="Sara Nilsenn"))
    log_in(client, RECTOR)
    url = f"/saker/{surviving.id}/slaa-sammen"
    client.post(
        url, data={"csrf_token": csrf_token(client, url), "other": str(merged.id), "confirm": "y"}
    )
    session.expire_all()
    assert session.get(type(merged), merged.id).status == MERGED  # type: ignore[union-attr]
    before = _counts(session, merged.id)

    token = csrf_token(client, f"/saker/{surviving.id}")
    walked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or "case_id" not in rule.arguments:
            continue
        path = rule.rule.replace("<id:case_id>", str(merged.id))
        path = re.sub(r"<[^>]+>", "1", path)
        response = client.post(path, data={"csrf_token": token})
        walked += 1
        assert response.status_code in (302, 303, 403, 404, 422), (path, response.status_code)
        if response.status_code in (302, 303):
            # Back to the case (which leads on to the surviving one), never onwards.
            assert response.headers["Location"].endswith(f"/saker/{merged.id}"), path
    assert walked >= 10
    assert _counts(session, merged.id) == before
