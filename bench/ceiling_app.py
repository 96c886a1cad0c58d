"""The ceiling a service is compared with: a bare Flask endpoint doing one SQLite insert.

Same engine settings (WAL, BEGIN IMMEDIATE) and same gunicorn configuration as the services.
`/upload` is the ceiling of an upload (bench/awards_bench.py): the same multipart body as an
awards application, its file written to disk as the awards service keeps one (a random name in
an owner-only folder, a temporary file, fsync, rename), then one row inserted.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, jsonify, request
from sqlalchemy import Column, Integer, MetaData, Table, Text

from forumops_shared.db import make_engine, write_transaction

metadata = MetaData()
rows = Table("rows", metadata, Column("id", Integer, primary_key=True), Column("payload", Text))


def create_app() -> Flask:
    app = Flask("ceiling")
    engine = make_engine(os.environ["CEILING_DATABASE_URL"])
    metadata.create_all(engine)
    files = Path(os.environ.get("CEILING_FILES_DIR") or Path(engine.url.database).parent / "ceiling-files")

    @app.post("/insert")
    def insert():
        with write_transaction(engine) as conn:
            conn.execute(rows.insert().values(payload=request.get_data(as_text=True)))
        return jsonify(status="ok"), 201

    @app.post("/upload")
    def upload():
        stored = [keep(files, f.stream.read()) for f in request.files.values()]
        with write_transaction(engine) as conn:
            conn.execute(rows.insert().values(payload=request.form.get("application", "") + " ".join(stored)))
        return jsonify(status="ok"), 201

    return app


def keep(root: Path, data: bytes) -> str:
    """The bytes under a random name, whole or not at all (as awards' FileStore.keep)."""
    name = secrets.token_hex(16)
    folder = root / name[:2]
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = folder / f".{name}.part"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, folder / name[2:])
    return name
