"""The ceiling a service is compared with: a bare Flask endpoint doing one SQLite insert.

Same engine settings (WAL, BEGIN IMMEDIATE) and same gunicorn configuration as the services.
"""
from __future__ import annotations

import os

from flask import Flask, jsonify, request
from sqlalchemy import Column, Integer, MetaData, Table, Text

from forumops_shared.db import make_engine, write_transaction

metadata = MetaData()
rows = Table("rows", metadata, Column("id", Integer, primary_key=True), Column("payload", Text))


def create_app() -> Flask:
    app = Flask("ceiling")
    engine = make_engine(os.environ["CEILING_DATABASE_URL"])
    metadata.create_all(engine)

    @app.post("/insert")
    def insert():
        with write_transaction(engine) as conn:
            conn.execute(rows.insert().values(payload=request.get_data(as_text=True)))
        return jsonify(status="ok"), 201

    return app
