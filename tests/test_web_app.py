"""What every response of `triage serve` carries, whatever the page: the security
headers, no caching of anything that may show answers, the body size limit, and the
start-up check of the rule set."""

from __future__ import annotations

import pytest
from webapp import client

from triage.errors import RulesetError
from triage.web import create_app
from triage.web.app import CONTENT_SECURITY_POLICY, Settings


@pytest.mark.parametrize("path", ["/", "/healthz", "/static/app.css"])
def test_every_response_has_the_security_headers(path: str) -> None:
    response = client().get(path)
    assert response.status_code == 200
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert "server" not in headers


def test_pages_are_never_cached_and_static_files_are() -> None:
    assert client().get("/").headers["cache-control"] == "no-store"
    assert client().get("/healthz").headers["cache-control"] == "no-store"
    assert "max-age" in client().get("/static/app.css").headers["cache-control"]


def test_a_body_over_the_limit_is_refused_with_413_as_a_problem_document() -> None:
    response = client().post("/api/v1/triage", content=b"{" + b" " * 70_000 + b"}",
                             headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 413 and "65,536 bytes" in body["detail"]


def test_a_chunked_body_over_the_limit_is_refused_too() -> None:
    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b" " * 8192

    response = client().post("/api/v1/triage", content=chunks(),
                             headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_a_broken_rule_set_stops_the_application_being_made(tmp_path) -> None:
    (tmp_path / "ruleset.yaml").write_text("name: x\n", encoding="utf-8")
    with pytest.raises(RulesetError):
        create_app(tmp_path)


def test_the_limits_are_settings() -> None:
    app = create_app(settings=Settings(max_body=10))
    from starlette.testclient import TestClient

    response = TestClient(app).post("/healthz", content=b"x" * 11)
    assert response.status_code == 413


def test_an_unknown_address_is_a_page_for_a_person_and_a_problem_for_the_api() -> None:
    page = client().get("/favicon.ico")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "there is no page at this address" in page.text and 'href="/"' in page.text
    api = client().get("/api/v1/nothing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/", "/healthz"])
def test_head_is_answered_as_monitors_ask(path: str) -> None:
    response = client().head(path)
    assert response.status_code == 200 and response.content == b""
