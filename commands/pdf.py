"""`flask pdf-service`: the LibreOffice converter service in the foreground."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from trygg.pdf.service import (
    DEFAULT_BASE_PORT,
    DEFAULT_CONVERSION_TIMEOUT,
    ConverterService,
    default_ports,
    run_foreground,
)


def register(app: Flask) -> None:
    @app.cli.command("pdf-service")
    @click.option("--ports", help="Porter, f.eks. 2003,2005 (uno-port = port+1).")
    @click.option("--count", type=int, help="Antall konverterere (standard: antall kjerner).")
    @click.option("--base-port", type=int, default=DEFAULT_BASE_PORT, show_default=True)
    @click.option("--workdir", type=click.Path(path_type=Path), help="Standard: instance/lo.")
    @click.option(
        "--conversion-timeout", type=int, default=DEFAULT_CONVERSION_TIMEOUT, show_default=True
    )
    def pdf_service(
        ports: str | None,
        count: int | None,
        base_port: int,
        workdir: Path | None,
        conversion_timeout: int,
    ) -> None:
        """Kjør PDF-konverteringstjenesten (unoserver under tilsyn) til Ctrl+C."""
        port_list = (
            [int(p) for p in ports.split(",") if p.strip()]
            if ports
            else default_ports(count, base_port)
        )
        service = ConverterService(
            port_list,
            workdir=workdir or Path(app.instance_path) / "lo",
            conversion_timeout=conversion_timeout,
        )
        raise SystemExit(run_foreground(service))
