"""The Word template pages through HTTP as the demo admins: upload, refusal, odd files,
the 5 MB limit, roll-back, reset, downloads, and what a school admin may not reach."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.admin_pages import (
    admin_client,
    audit_events,
    error_summary,
    post_upload,
    selected_option,
    templates,
)
from tests.conftest import csrf_token
from tests.factories.templates import KIND, edited_default, heading_of
from tests.factories.users import NORDPOLEN, VESTRE_AKER, oslo, school_id
from trygg.documents.render import template_path
from trygg.documents.template_store import active_template

UPLOAD = "/admin/maler/last-opp"


def test_municipality_admin_uploads_a_template_for_one_school(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    nordpolen = school_id(session, NORDPOLEN)
    content = edited_default("Aktivitetsplan – Nordpolen")

    status, _, location = post_upload(client, content, str(nordpolen))

    assert status == 302
    assert location == f"/admin/maler?skole={nordpolen}#mal-{KIND}"
    page = client.get(location).get_data(as_text=True)
    assert "Aktivitetsplan: malen er godkjent og brukes nå (versjon 1)." in page
    assert "Skolens egen mal, versjon 1" in page
    # No PDF service in tests: the report says LibreOffice was not tried, and why.
    assert "ikke prøvd i LibreOffice" in page
    # The case workflow renders this school's documents with it, the other school's not.
    assert active_template(session, oslo(session), nordpolen, KIND) == content
    assert active_template(session, oslo(session), school_id(session, VESTRE_AKER), KIND) is None
    (stored,) = templates(session)
    assert stored.filename == "kommunens-plan.docx" and stored.uploaded_by is not None
    event = audit_events(session, "template.uploaded")[-1]
    assert event.object_id == str(stored.id)
    assert set(json.loads(event.details)) == {
        "municipality_id",
        "school_id",
        "kind",
        "version",
        "passed",
    }

    download = client.get(f"/admin/maler/{stored.id}/fil")
    assert download.status_code == 200 and download.data == content
    assert "kommunens-plan.docx" in download.headers["Content-Disposition"]


def test_a_broken_template_is_refused_with_norwegian_findings_and_the_old_one_stays(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    good = edited_default("Kommunens plan")
    assert post_upload(client, good, "kommune")[0] == 302

    status, _, location = post_upload(client, edited_default(problem="{{ problem }"), "kommune")

    assert status == 302 and location == f"/admin/maler?skole=kommune#mal-{KIND}"
    page = client.get(location).get_data(as_text=True)
    assert "malen ble avvist og er ikke tatt i bruk" in page
    assert "Kommunens mal, versjon 1" in page
    assert "Avvist" in page and "Malsyntaksfeil i hoveddelen" in page
    first, second = templates(session)
    assert (first.active, second.active, second.version) == (True, False, 2)
    nordpolen = school_id(session, NORDPOLEN)
    assert active_template(session, oslo(session), nordpolen, KIND) == good
    assert [e.object_id for e in audit_events(session, "template.refused")] == [str(second.id)]

    # A refused version cannot be put in use, whatever is posted.
    token = csrf_token(client, "/admin/maler")
    client.post(f"/admin/maler/{second.id}/bruk", data={"csrf_token": token})
    assert active_template(session, oslo(session), nordpolen, KIND) == good


def test_files_that_are_not_templates_get_a_clear_message_and_keep_the_choices(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    vestre = str(school_id(session, VESTRE_AKER))
    cases = [
        (b"hello", "mal.docx", "Filen er ikke et Word-dokument (.docx)."),
        (b"", "tom.docx", "Filen er tom."),
        (b"hello", "mal.txt", "Malen må være et Word-dokument (.docx)."),
        (b"%PDF-1.7", "mal.pdf", "Malen må være et Word-dokument (.docx)."),
    ]
    for content, filename, message in cases:
        status, page, _ = post_upload(client, content, vestre, kind="evaluering", filename=filename)
        assert status == 200, filename
        assert message in error_summary(page), filename
        assert selected_option(page, "kind") == "evaluering"
        assert selected_option(page, "school") == vestre
    assert templates(session) == []


def test_a_file_over_5_mb_gets_a_norwegian_page_not_a_500(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    vestre = str(school_id(session, VESTRE_AKER))
    for size in (6 * 1024 * 1024, 20 * 1024 * 1024):
        status, page, _ = post_upload(
            client,
            b"PK\x03\x04" + b"0" * size,
            vestre,
            kind="evaluering",
            # The upload links carry the choices in the address, so the page keeps them.
            url=f"{UPLOAD}?skole={vestre}&type=evaluering",
        )
        assert status == 413
        assert "Filen er for stor. En mal kan være høyst 5 MB" in error_summary(page)
        assert selected_option(page, "kind") == "evaluering"
        assert selected_option(page, "school") == vestre
    # Just under the request limit but over 5 MB of file: the domain says so.
    status, page, _ = post_upload(client, b"PK\x03\x04" + b"0" * (5 * 1024 * 1024), "kommune")
    assert status == 200 and "En mal kan være høyst 5 MB" in error_summary(page)
    assert templates(session) == []


def test_roll_back_reset_and_the_default_download(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin_school"])
    nordpolen = school_id(session, NORDPOLEN)
    post_upload(client, edited_default("Første"), str(nordpolen))
    post_upload(client, edited_default("Andre"), str(nordpolen))
    first, _ = templates(session)

    token = csrf_token(client, "/admin/maler")
    response = client.post(f"/admin/maler/{first.id}/bruk", data={"csrf_token": token})
    assert response.status_code == 302
    assert "versjon 1 brukes nå" in client.get(response.headers["Location"]).get_data(as_text=True)
    current = active_template(session, oslo(session), nordpolen, KIND)
    assert heading_of(current or b"") == "Første"

    response = client.post(
        "/admin/maler/standardmal",
        data={"csrf_token": token, "kind": KIND, "school": str(nordpolen)},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "de opplastede malene brukes ikke lenger" in page
    section = page.split(f'id="mal-{KIND}"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Standardmal</strong>" in section and "Tidligere versjon" in section
    assert active_template(session, oslo(session), nordpolen, KIND) is None
    assert [e.object_id for e in audit_events(session, "template.reset")] == [str(nordpolen)]

    default = client.get(f"/admin/maler/standardmal/{KIND}")
    assert default.status_code == 200 and default.data == template_path(KIND).read_bytes()
    assert client.get("/admin/maler/standardmal/brev").status_code == 404


def test_school_admin_reaches_only_their_own_school(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    nordpolen, vestre = school_id(session, NORDPOLEN), school_id(session, VESTRE_AKER)
    municipal = admin_client(client, demo["admin"])
    post_upload(municipal, edited_default("Kommunens plan"), "kommune")
    post_upload(municipal, edited_default("Vestre Akers plan"), str(vestre))
    municipal_template, vestre_template = templates(session)
    municipal.post("/logg-ut", data={"csrf_token": csrf_token(municipal, "/")})

    admin_client(client, demo["admin_school"])
    upload_page = client.get(UPLOAD).get_data(as_text=True)
    assert f'value="{nordpolen}"' in upload_page and f'value="{vestre}"' not in upload_page
    assert 'value="kommune"' not in upload_page

    # Another school, or the whole municipality: not reachable, and nothing is stored.
    assert post_upload(client, edited_default(), str(vestre))[0] == 404
    assert post_upload(client, edited_default(), "kommune")[0] == 404
    assert len(templates(session)) == 2
    assert client.get(f"/admin/maler?skole={vestre}").status_code == 404
    assert client.get(f"/admin/maler/{vestre_template.id}/fil").status_code == 404
    token = csrf_token(client, "/admin/maler")
    for url, data in (
        (f"/admin/maler/{vestre_template.id}/bruk", {}),
        (f"/admin/maler/{municipal_template.id}/bruk", {}),
        ("/admin/maler/standardmal", {"kind": KIND, "school": str(vestre)}),
        ("/admin/maler/standardmal", {"kind": KIND, "school": "kommune"}),
    ):
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 404, url
    assert active_template(session, oslo(session), vestre, KIND) == vestre_template.content

    # Their own page shows what their school inherits, and they may download it.
    page = client.get("/admin/maler").get_data(as_text=True)
    assert "Nordpolen skole" in page and "Vestre Aker" not in page
    assert "Kommunens mal, versjon 1" in page
    assert client.get(f"/admin/maler/{municipal_template.id}/fil").status_code == 200
