"""What a person does in the console, in a real browser: sign in, submit, watch, read, fix failures, subscribe,
operate, sign out. Every test also fails on any failed request, request to another host or page error."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from service.access.keys import revoke_key
from service.articles.models import Article
from service.articles.submit import Submission, submit
from tests.console.conftest import PATIENCE_MS, Browser, Console
from tests.receivers import receiver
from tests.seed_expectations import FIXTURE, PUBLISHED_AT, SEED_PATH
from tests.services import wait_until

pytestmark = pytest.mark.integration

UNPARSEABLE = b"<html><body><script>x()</script></body></html>"


def submit_directly(console: Console, raw: bytes, source: str, content_type: str = "text/plain") -> str:
    """An article of the default tenant, through the same submit() as the API and the console."""
    with console.app.app_context():
        result = submit(
            console.app.extensions["db"].session,
            Submission(raw=raw, content_type=content_type, source=source, published_at=PUBLISHED_AT),
        )
        return result.article.id


def stored(console: Console, article_id: str) -> Article:
    with console.app.app_context():
        session = console.app.extensions["db"].session
        article = session.get(Article, article_id)
        assert article is not None
        session.expunge(article)
        return article


def finished(console: Console, article_id: str) -> Article:
    def done() -> Article | None:
        article = stored(console, article_id)
        return article if article.status in ("done", "failed") else None

    return wait_until(done, PATIENCE_MS / 1000, interval=0.3, message=f"article {article_id} finished")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def seed_article(console: Console) -> str:
    """The mission's seed article, processed by the worker (tests that read it share it)."""
    console.workers.start()
    article_id = submit_directly(console, SEED_PATH.read_bytes(), "console-seed", "text/plain; charset=utf-8")
    assert finished(console, article_id).status == "done"
    return article_id


def test_sign_in_keeps_the_key_out_of_urls_cookies_and_logs(
    browser: Browser, console: Console, caplog: pytest.LogCaptureFixture
) -> None:
    key = console.key("default")
    caplog.set_level(logging.DEBUG)
    browser.watch.expect(401, "/console/sign-in")

    browser.goto("/console/articles")
    expect(browser.page).to_have_url(re.compile(r"/console/sign-in\?next=/console/articles$"))
    browser.page.fill("#key", key[:-3] + "xyz")
    browser.page.click("form button[type=submit]")
    expect(browser.page.locator(".flash.error")).to_contain_text("not valid")
    browser.snap("sign-in")
    browser.page.fill("#key", key)
    response_headers: dict[str, str] = {}
    browser.page.on("response", lambda response: response_headers.update(response.headers))
    browser.page.click("form button[type=submit]")

    expect(browser.page.locator("h1")).to_have_text("Articles")
    expect(browser.page.get_by_test_id("tenant")).to_have_text("default")
    policy = response_headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    cookies = browser.context.cookies()
    session_cookie = next(cookie for cookie in cookies if cookie["name"] == "ingest_console")
    assert session_cookie["httpOnly"] and session_cookie["sameSite"] == "Strict"
    serializer = console.app.session_interface.get_signing_serializer(console.app)  # type: ignore[attr-defined]
    kept = serializer.loads(session_cookie["value"])
    assert set(kept) <= {"key_id", "csrf", "_permanent", "_flashes"} and key not in repr(kept)
    assert all(key not in cookie["value"] for cookie in cookies)
    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "POST /console/sign-in" in logged or "/console/sign-in" in logged
    assert key not in logged and key[len("ik_live_") + 6 :] not in logged


def test_a_submitted_article_becomes_done_without_a_reload(browser: Browser, console: Console) -> None:
    # No worker yet: the article must be seen waiting before it is seen done.
    console.workers.stop()
    browser.sign_in(console.key("default"))
    browser.goto("/console/submit")
    browser.page.fill("#document", SEED_PATH.read_text(encoding="utf-8"))
    browser.page.fill("#source", "console-paste")
    browser.page.fill("#published_at", "2022-03-07T09:00:00Z")
    browser.snap("submit")
    browser.page.click("form.stacked button[type=submit]")
    expect(browser.page.locator(".flash.success")).to_have_text("Submitted.")
    article_id = browser.page.url.rsplit("/", 1)[1]

    browser.goto("/console/articles?source=console-paste")
    badge = browser.page.locator(f'[data-status-of="{article_id}"]')
    expect(badge).to_have_text("queued")
    browser.page.evaluate("window.stillTheSamePage = true")
    console.workers.start()

    expect(badge).to_have_text("done", timeout=PATIENCE_MS)
    expect(browser.page.locator(f'[data-title-of="{article_id}"]')).to_have_text(FIXTURE["title"])
    assert browser.page.evaluate("window.stillTheSamePage") is True
    browser.snap("articles")


def test_the_seed_article_reads_with_quotes_speakers_and_credits(
    browser: Browser, console: Console, seed_article: str
) -> None:
    browser.sign_in(console.key("default"))
    browser.goto(f"/console/articles/{seed_article}")
    page = browser.page

    expect(page.locator("h1.headline")).to_have_text(FIXTURE["title"])
    marks = page.locator("mark.quote").evaluate_all(
        "marks => marks.map(mark => ({text: mark.textContent, speaker: mark.dataset.speaker}))"
    )
    for expected in FIXTURE["quotes"]:
        speakers = [mark["speaker"] for mark in marks if mark["text"].startswith(expected["starts"])]
        assert speakers == [expected["speaker"]], expected["starts"]
    assert {"Wang Yi", "Antony Blinken", "Peter Stano"} <= {mark["speaker"] for mark in marks}
    expect(page.locator("mark.quote + .speaker").first).to_have_text("Wang Yi")

    first_photo = page.get_by_test_id("media").first
    expect(first_photo.locator('[data-field="photographer"]')).to_have_text("Alexei Druzhinin")
    agencies = first_photo.locator('[data-field="agencies"] .agency').all_inner_texts()
    assert sorted(agencies) == sorted(FIXTURE["media"][0]["agencies"])

    # Removed boilerplate stands where it was (before the first paragraph), greyed, and can be hidden.
    reading = page.get_by_test_id("reading")
    first_block = reading.locator("> *").first
    expect(first_block).to_have_class("removed")
    expect(first_block).to_contain_text("wire photo")
    expect(first_block.locator(".reason")).to_have_text("boilerplate")
    page.click("label[for=show-removed]")
    expect(reading.locator(".removed").first).to_be_hidden()
    page.click("label[for=show-removed]")

    browser.snap("article", height=1500)
    page.locator("button.entity", has_text="Wang Yi").click()
    selected = page.locator(".mention.selected")
    expect(selected.first).to_be_visible()
    browser.snap("article-entity", full_page=False)
    assert {text.strip() for text in selected.all_inner_texts()} <= {"Wang Yi", "Wang"} and selected.count() >= 2

    expect(page.locator(".sidebar")).to_contain_text("2019-06-15")
    expect(page.get_by_test_id("raw")).to_contain_text("Please let us know if you're having issues with commenting.")
    page.locator("details.json summary").click()
    expect(page.get_by_test_id("json")).to_contain_text(f'"id": "{seed_article}"')


def test_a_failed_article_shows_its_reason_and_is_reprocessed(
    browser: Browser, console: Console, tmp_path: Path
) -> None:
    console.workers.start()
    broken = tmp_path / "broken.html"
    broken.write_bytes(UNPARSEABLE)
    good = tmp_path / "note.txt"
    good.write_text("A short note about the harbour.\n\nThe ferries run again from Monday, the port said.\n")
    browser.sign_in(console.key("default"))

    browser.goto("/console/submit")
    browser.page.set_input_files("#files", [str(broken), str(good)])
    rows = browser.page.locator("#uploads tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("[data-status-of]")).to_have_text("failed", timeout=PATIENCE_MS)
    expect(rows.nth(1).locator("[data-status-of]")).to_have_text("done", timeout=PATIENCE_MS)
    assert browser.page.locator("#uploads progress").evaluate_all("bars => bars.map(bar => bar.value)") == [100, 100]
    browser.snap("submit-files")
    failed_link = rows.nth(0).locator("a").get_attribute("href")
    assert failed_link is not None
    failed_id = failed_link.rsplit("/", 1)[1]
    before = stored(console, failed_id).processed_at

    browser.goto("/console/failures")
    row = browser.page.get_by_test_id("failure-row").filter(has_text="broken.html")
    expect(row.locator(".reason")).to_contain_text("unparseable")
    expect(row.locator(".reason")).to_contain_text("no article text")
    browser.snap("failures")
    row.get_by_role("button", name="Reprocess").click()
    expect(browser.page.locator(".flash.success")).to_contain_text("Queued for reprocessing")

    again = wait_until(
        lambda: (article := stored(console, failed_id)).processed_at != before and article.status == "failed",
        PATIENCE_MS / 1000,
        message="the reprocessed article failed again",
    )
    assert again


def test_a_subscription_shows_its_secret_once_and_its_delivery_log(
    browser: Browser, console: Console, seed_article: str
) -> None:
    browser.sign_in(console.key("default"))
    with receiver() as target:
        browser.goto("/console/subscriptions")
        browser.page.fill("#url", target.url())
        browser.page.uncheck("input[value='article.duplicate']")
        browser.page.click("form.stacked button[type=submit]")
        secret = browser.page.get_by_test_id("secret").locator("pre").inner_text()
        assert secret.startswith("whsec_")
        subscription_url = browser.page.url
        browser.page.locator("a", has_text="Subscriptions").first.click()
        browser.page.locator("a", has_text=target.url()).click()
        expect(browser.page.get_by_test_id("secret")).to_have_count(0)
        assert secret not in browser.page.content()

        submit_directly(console, b"Harbour news.\n\nThe ferries run again, the port said on Tuesday.\n", "hooks")
        wait_until(lambda: target.requests, PATIENCE_MS / 1000, message="a delivery")
        browser.page.reload()
        attempt = browser.page.get_by_test_id("attempt").first
        expect(attempt.locator(".code-status")).to_have_text("200")
        expect(attempt.locator(".latency")).to_contain_text("ms")
        browser.snap("subscription")

        delivery = browser.page.locator("tr[data-delivery]").first
        delivery_id = delivery.get_attribute("data-delivery")
        delivery.get_by_role("button", name="Redeliver").click()
        expect(browser.page.locator(".flash.success")).to_have_text("Queued to be sent again now.")

        def sent_twice() -> bool:
            return sum(request.headers.get("webhook-id") == delivery_id for request in target.requests) >= 2

        wait_until(sent_twice, PATIENCE_MS / 1000, message="the redelivery, with the same webhook-id")

        browser.page.click("form[action$='/rotate'] button")
        rotated = browser.page.get_by_test_id("secret").locator("pre").inner_text()
        assert rotated.startswith("whsec_") and rotated != secret
    assert subscription_url.startswith(console.url("/console/subscriptions"))


def test_an_integration_shows_its_secret_once(browser: Browser, console: Console) -> None:
    browser.sign_in(console.key("default"))
    browser.goto("/console/integrations")
    browser.page.select_option("#type", "standard")
    browser.page.fill("#name", "Newsroom CMS")
    browser.page.fill("#int-source", "newsroom-cms")
    browser.page.click("form.stacked button[type=submit]")

    secret = browser.page.get_by_test_id("secret").locator("pre").inner_text()
    assert secret.startswith("whsec_")
    expect(browser.page.locator("table.list")).to_contain_text("newsroom-cms")
    browser.snap("integrations")
    browser.goto("/console/integrations")
    assert secret not in browser.page.content()


def test_operations_show_queues_workers_and_throughput(browser: Browser, console: Console, seed_article: str) -> None:
    browser.sign_in(console.key("default"))
    browser.goto("/console/operations")

    expect(browser.page.locator('[data-queue="ingest"]')).to_have_text(re.compile(r"^\d+$"))
    expect(browser.page.locator('[data-queue="webhooks"]')).to_be_visible()
    expect(browser.page.get_by_test_id("workers")).to_contain_text("celery@")
    assert int(browser.page.get_by_test_id("finished-last-hour").inner_text()) >= 1
    assert browser.page.locator("[data-testid=chart] rect").count() >= 1
    browser.snap("operations")


def test_a_tenant_never_sees_another_tenants_data(browser: Browser, console: Console, seed_article: str) -> None:
    browser.sign_in(console.key("other-newsroom"))
    expect(browser.page.get_by_test_id("tenant")).to_have_text("other-newsroom")
    expect(browser.page.locator("main")).not_to_contain_text(FIXTURE["title"])
    assert seed_article not in browser.page.content()

    browser.watch.expect(404, f"/console/articles/{seed_article}")
    browser.goto(f"/console/articles/{seed_article}")
    expect(browser.page.locator("h1")).to_have_text("404")
    answer = browser.page.request.get(console.url(f"/console/api/statuses?ids={seed_article}"))
    assert answer.json() == {"articles": {}}
    for path in ("/console/failures", "/console/subscriptions", "/console/integrations", "/console/operations"):
        browser.goto(path)
        content = browser.page.content()
        assert "broken.html" not in content and "newsroom-cms" not in content and "Harbour" not in content, path


def test_a_post_without_the_csrf_token_is_refused(browser: Browser, console: Console, seed_article: str) -> None:
    browser.sign_in(console.key("default"))
    forged = browser.page.request.post(console.url(f"/console/articles/{seed_article}/delete"), form={})
    wrong = browser.page.request.post(
        console.url(f"/console/articles/{seed_article}/delete"), form={"csrf_token": "not-the-token"}
    )

    assert forged.status == 403 and wrong.status == 403
    assert stored(console, seed_article).status == "done"


def test_signing_out_or_revoking_the_key_ends_the_session(browser: Browser, console: Console) -> None:
    browser.sign_in(console.key("default"))
    browser.page.get_by_role("button", name="Sign out").click()
    expect(browser.page.locator(".flash.info")).to_have_text("Signed out.")
    browser.goto("/console/articles")
    expect(browser.page).to_have_url(re.compile("/console/sign-in"))
    refused = browser.page.request.get(console.url("/console/api/statuses?ids=x"))
    assert refused.status == 401

    key = console.key("default")
    browser.sign_in(key)
    with console.app.app_context():
        session: Any = console.app.extensions["db"].session
        revoke_key(session, key[:14])
    browser.goto("/console/failures")
    expect(browser.page.locator("h1")).to_have_text("Sign in")


def test_api_docs_load_from_this_service_alone(browser: Browser, console: Console) -> None:
    browser.goto("/docs")
    expect(browser.page.locator(".opblock").first).to_be_visible()
    assert browser.page.locator(".opblock").count() >= 10
    assert browser.watch.hosts == {browser.watch.origin}
    browser.snap("docs")
