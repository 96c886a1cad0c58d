"""Does a service's OpenAPI document describe every route it serves?"""
from __future__ import annotations


def undescribed_routes(app) -> list[str]:
    doc = app.test_client().get("/api/v1/openapi.json").json
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and "openapi" not in rule.rule:
            path = rule.rule.replace("<", "{").replace(">", "}")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method.lower() not in doc["paths"].get(path, {}):
                    missing.append(f"{method} {path}")
    return missing
