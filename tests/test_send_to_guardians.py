"""«Send til foresatte»: the password-protected home copy arrives at a real SMTP server
(aiosmtpd) with the PDF attached; it opens only with the password, which is never in the
mail; the body carries no case content; guardians without the right to information or
with a protected address get it only with the leadership's confirmation; every sending
is in the chronology and the audit trail with the SHA-256 of the PDF that left, one entry
per guardian: a server that refuses one guardian or goes away part-way leaves the sent
ones recorded as sent and the others as not, and trying again sends to those only."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories.cases import BY, NOW, archive_for, file, sara_report
from tests.factories.users import RECTOR, REPORTER, user
from tests.pupil_register import sara_with_guardians
from tests.smtp_failures import GoingAway, Refusing
from tests.smtp_server import StartServer, free_port, servers
from trygg.cases.events import chronology
from trygg.cases.send_home_mail import SendRequest, Sent, send_to_guardians
from trygg.config import SmtpSettings
from trygg.errors import Refused
from trygg.mail import Mailer
from trygg.models import AuditEvent, Case, CaseDocument, Guardian
from trygg.pdf import ConverterPool, ConverterService, shared_pool

pytestmark = [pytest.mark.libreoffice]


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    with servers() as start:
        yield start


def _case(session: Session, tmp_path: Path) -> tuple[Case, CaseDocument]:
    pupil = sara_with_guardians(session)
    return file(session, tmp_path, REPORTER, sara_report(pupil_id=pupil.id))


def test_the_copy_arrives_by_smtp_and_opens_only_with_the_password(
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    converter: ConverterService,
    start_server: StartServer,
) -> None:
    collector, port = start_server()
    case, report = _case(session, tmp_path)
    kari = case.pupil.guardians[0]  # type: ignore[union-attr]
    mailer = Mailer(SmtpSettings(host="127.0.0.1", port=port), tmp_path / "outbox")
    sent = send_to_guardians(
        session,
        archive_for(tmp_path),
        case,
        report,
        shared_pool((converter.env_value,)),
        mailer,
        SendRequest((kari.id,)),
        user(session, RECTOR),
        BY,
        NOW,
    )
    session.commit()

    [message] = collector.messages()
    assert message["To"] == "kari@hjem.example.no"
    raw = collector.envelopes[0].content
    assert isinstance(raw, bytes)
    assert sent.password.encode() not in raw
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    for content in ("Sara", "Nilsen", case.reference, "6B", "Jonas", sent.password):
        assert content not in text and content not in str(message["Subject"])
    [part] = list(message.iter_attachments())
    pdf = part.get_content()
    assert part.get_filename() == "dokument-fra-skolen.pdf"
    assert hashlib.sha256(pdf).hexdigest() == sent.sha256
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.is_encrypted
    assert not reader.decrypt("feil-passord")
    assert reader.decrypt(sent.password)
    assert "Elev A" in "".join(p.extract_text() for p in reader.pages)

    [event] = [e for e in chronology(session, case) if e.code == "sent_to_guardians"]
    assert event.about == "Kari Nilsen" and event.document_kind == "meldeskjema"
    details = json.loads(
        session.execute(
            select(AuditEvent.details).where(AuditEvent.action == "document.sent_to_guardians")
        ).scalar_one()
    )
    assert details["sha256"] == sent.sha256 and details["to"] == ["kari@hjem.example.no"]
    assert details["document"] == report.id and details["guardians"] == [kari.id]


def test_no_right_or_protected_address_needs_a_confirmation(
    session: Session, demo: dict[str, str], tmp_path: Path, converter: ConverterService
) -> None:
    case, report = _case(session, tmp_path)
    kari, per, line = case.pupil.guardians  # type: ignore[union-attr]
    outbox = tmp_path / "outbox"
    mailer = Mailer(SmtpSettings(), outbox)
    pool = shared_pool((converter.env_value,))
    rector = user(session, RECTOR)
    for guardian in (per, line):
        with pytest.raises(Refused) as refused:
            send_to_guardians(
                session,
                archive_for(tmp_path),
                case,
                report,
                pool,
                mailer,
                SendRequest((kari.id, guardian.id)),
                rector,
                BY,
                NOW,
            )
        assert refused.value.field == "confirm" and guardian.name in refused.value.params["names"]
    assert not outbox.exists()
    with pytest.raises(Refused, match="Velg foresatte"):
        send_to_guardians(
            session,
            archive_for(tmp_path),
            case,
            report,
            pool,
            mailer,
            SendRequest((kari.id + 1000,)),
            rector,
            BY,
            NOW,
        )
    # Confirmed: without SMTP the mail lands in the outbox, one file per guardian.
    sent = send_to_guardians(
        session,
        archive_for(tmp_path),
        case,
        report,
        pool,
        mailer,
        SendRequest((kari.id, line.id), confirmed=True),
        rector,
        BY,
        NOW,
    )
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 2
    assert all(sent.password.encode() not in f.read_bytes() for f in files)


def _send(
    session: Session,
    tmp_path: Path,
    case: Case,
    report: CaseDocument,
    pool: ConverterPool,
    port: int,
    *guardians: Guardian,
) -> Sent:
    mailer = Mailer(SmtpSettings(host="127.0.0.1", port=port), tmp_path / "outbox")
    sent = send_to_guardians(
        session,
        archive_for(tmp_path),
        case,
        report,
        pool,
        mailer,
        SendRequest(tuple(g.id for g in guardians), confirmed=True),
        user(session, RECTOR),
        BY,
        NOW,
    )
    session.commit()
    return sent


def _audited(session: Session, action: str) -> list[dict[str, object]]:
    rows = session.execute(
        select(AuditEvent.details).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).scalars()
    return [json.loads(row) for row in rows]


def test_a_refusal_part_way_is_recorded_per_guardian_and_a_retry_sends_to_the_failed_only(
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    converter: ConverterService,
    start_server: StartServer,
) -> None:
    server = Refusing("line@hjem.example.no")
    collector, port = start_server(collector=server)
    case, report = _case(session, tmp_path)
    kari, _, line = case.pupil.guardians  # type: ignore[union-attr]
    pool = shared_pool((converter.env_value,))

    sent = _send(session, tmp_path, case, report, pool, port, kari, line)

    assert (sent.recipients, sent.failed, sent.failed_ids) == (
        ("Kari Nilsen",),
        ("Line Berg",),
        (line.id,),
    )
    assert sent.password and "e-postserveren" in sent.failure
    assert [m["To"] for m in collector.messages()] == ["kari@hjem.example.no"]
    entries = [(e.code, e.about) for e in chronology(session, case) if "guardian" in e.code]
    assert entries == [
        ("sent_to_guardians", "Kari Nilsen"),
        ("send_to_guardian_failed", "Line Berg"),
    ]
    [ok] = _audited(session, "document.sent_to_guardians")
    [failed] = _audited(session, "document.send_to_guardian_failed")
    assert ok["to"] == ["kari@hjem.example.no"] and ok["sha256"] == sent.sha256
    assert failed["to"] == ["line@hjem.example.no"] and failed["confirmed"] is True
    assert ok["document"] == failed["document"] == report.id

    # Trying again, with the mailbox open now: Line only, with a new copy and password.
    server.refused.clear()
    again = _send(session, tmp_path, case, report, pool, port, *_failed(case, sent))
    assert again.recipients == ("Line Berg",) and not again.failed
    assert again.password != sent.password and again.sha256 != sent.sha256
    assert [m["To"] for m in collector.messages()] == [
        "kari@hjem.example.no",
        "line@hjem.example.no",
    ]
    assert [d["to"] for d in _audited(session, "document.sent_to_guardians")] == [
        ["kari@hjem.example.no"],
        ["line@hjem.example.no"],
    ]


def _failed(case: Case, sent: Sent) -> list[Guardian]:
    assert case.pupil is not None
    return [g for g in case.pupil.guardians if g.id in sent.failed_ids]


def test_a_server_going_away_part_way_leaves_the_rest_recorded_as_not_sent(
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    converter: ConverterService,
    start_server: StartServer,
) -> None:
    collector, port = start_server(collector=GoingAway(accepts=1))
    case, report = _case(session, tmp_path)
    kari, per, _ = case.pupil.guardians  # type: ignore[union-attr]

    sent = _send(
        session, tmp_path, case, report, shared_pool((converter.env_value,)), port, kari, per
    )

    assert sent.recipients == ("Kari Nilsen",) and sent.failed == ("Per Nilsen",)
    assert len(collector.envelopes) == 1
    assert [d["guardians"] for d in _audited(session, "document.sent_to_guardians")] == [[kari.id]]
    assert [d["guardians"] for d in _audited(session, "document.send_to_guardian_failed")] == [
        [per.id]
    ]


def test_no_server_at_all_claims_nothing_sent(
    session: Session, demo: dict[str, str], tmp_path: Path, converter: ConverterService
) -> None:
    case, report = _case(session, tmp_path)
    kari, per, _ = case.pupil.guardians  # type: ignore[union-attr]

    sent = _send(
        session,
        tmp_path,
        case,
        report,
        shared_pool((converter.env_value,)),
        free_port(),
        kari,
        per,
    )

    assert sent.recipients == () and sent.failed == ("Kari Nilsen", "Per Nilsen")
    assert sent.password == ""  # nobody can open a copy that never left
    assert _audited(session, "document.sent_to_guardians") == []
    assert len(_audited(session, "document.send_to_guardian_failed")) == 2
    assert not any(e.code == "sent_to_guardians" for e in chronology(session, case))
