"""STARTTLS against a real server with a self-signed certificate: the Mailer must check it."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.smtp_server import Collector, StartServer, servers
from trygg.config import SmtpSettings
from trygg.mail import Mailer, MailError, notice

LINK = "https://trygg.example.no/saker/17"


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    # A fixture, so every server is stopped even when the test fails.
    with servers() as start:
        yield start


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the name smtplib checks), and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "trygg-test-smtp")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def start_tls_server(start: StartServer, certificate: tuple[Path, Path]) -> tuple[Collector, int]:
    """A server that refuses mail until the client has switched to TLS."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return start(tls_context=context, require_starttls=True)


def test_starttls_to_a_trusted_server_delivers(
    start_server: StartServer, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # OpenSSL reads SSL_CERT_FILE when the Mailer builds its default context, so the test
    # trusts its own certificate the way an operator would trust a municipal CA.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    collector, port = start_tls_server(start_server, certificate)
    settings = SmtpSettings(host="127.0.0.1", port=port, use_tls=True)

    assert Mailer(settings, Path("unused")).send([notice("a@example.no", "new_report", LINK)])
    assert len(collector.envelopes) == 1


def test_starttls_refuses_an_untrusted_certificate(
    start_server: StartServer, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    collector, port = start_tls_server(start_server, certificate)
    settings = SmtpSettings(host="127.0.0.1", port=port, use_tls=True)

    with pytest.raises(MailError, match="Kunne ikke sende e-post"):
        Mailer(settings, Path("unused")).send([notice("a@example.no", "new_report", LINK)])
    assert collector.envelopes == []
