"""The built help site in a real browser (Chromium via Playwright), served on 127.0.0.1."""
from __future__ import annotations

import re

import pytest
from conftest import ARTIFACTS, VIEWPORTS
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def search_results(page):
    return page.locator(".md-search-result__item")


def test_home_loads_without_console_errors(page, base_url):
    page.goto(base_url)
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_have_text("The LC Phone error dictionary")
    expect(page.locator("#errdict-home-search")).to_be_visible()
    expect(page.locator("#errdict-goto-home")).to_be_visible()
    assert page.errors == []


def test_searching_a_code_gives_its_page_first(page, base_url):
    page.goto(base_url)
    page.locator("#errdict-home-search").fill("21610")
    first = search_results(page).first
    expect(first).to_contain_text("21610: Attempt to send to unsubscribed recipient", timeout=10_000)
    assert re.search(r"/codes/21610/(\?|$)", first.locator("a").first.get_attribute("href"))
    assert page.errors == []


def test_header_search_finds_a_code_by_alias_words(page, base_url):
    page.goto(base_url + "codes/30003/")
    query = page.locator("input[data-md-component=search-query]")
    query.click()
    page.keyboard.type("replied STOP")
    expect(search_results(page).first).to_contain_text("21610:", timeout=10_000)


def test_go_to_code_lands_on_the_code_page(page, base_url):
    page.goto(base_url)
    page.locator("#errdict-goto-home").fill("21610")
    page.locator("#errdict-goto-home").press("Enter")
    page.wait_for_url(re.compile(r"/codes/21610/$"))
    expect(page.locator("h1")).to_have_text("21610: Attempt to send to unsubscribed recipient")


def test_unknown_code_gets_a_message_not_a_404(page, base_url):
    page.goto(base_url)
    page.locator("#errdict-goto-home").fill("99999")
    page.locator("form[data-errdict-goto] button").click()
    message = page.locator(".errdict-goto__message")
    expect(message).to_contain_text("There is no code 99999 in the dictionary")
    assert page.url == base_url
    page.locator("#errdict-goto-home").fill("hello")
    page.locator("#errdict-goto-home").press("Enter")
    expect(message).to_contain_text("A code is a number")
    assert page.errors == []


def test_404_page_offers_the_go_to_code_box(page, base_url, site_dir):
    # The 404 page's links are absolute for the published site, so read it as the host serves it.
    page.set_content((site_dir / "404.html").read_text("utf-8"))
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("form[data-errdict-goto] input")).to_be_visible()
    expect(page.locator("form.errdict-search input[name=q]")).to_be_visible()


def test_code_page_shows_causes_and_solutions(page, base_url):
    page.goto(base_url + "codes/21610/")
    causes = page.locator("#causes + ul > li")
    solutions = page.locator("#solutions + ol > li")
    expect(causes).to_have_count(4)
    expect(solutions).to_have_count(5)
    expect(causes.first).to_contain_text("replied STOP")
    expect(page.locator(".errdict-facts")).to_contain_text("Never retry")
    expect(page.get_by_role("link", name="Edit this entry")).to_have_attribute(
        "href", "https://github.com/errdict/errdict/edit/main/codes/21610.yaml")
    assert page.errors == []


def test_short_link_redirects(page, base_url):
    page.goto(base_url + "21610/")
    page.wait_for_url(re.compile(r"/codes/21610/$"))


def test_index_filter_narrows_the_table(page, base_url):
    page.goto(base_url + "codes/")
    rows = page.locator("table.errdict-codes tbody tr")
    visible = page.locator("table.errdict-codes tbody tr:not([hidden])")
    total = rows.count()
    assert total > 100
    expect(visible).to_have_count(total)
    page.locator(".errdict-filter input[name=text]").fill("unsubscribed")
    expect(visible).to_have_count(1)
    expect(visible.first).to_contain_text("21610")
    page.locator(".errdict-filter input[name=text]").fill("")
    page.locator(".errdict-filter select[name=product]").select_option("voice")
    voice = visible.count()
    assert 0 < voice < total
    assert set(visible.evaluate_all("rows => rows.map(r => r.dataset.product)")) == {"voice"}
    page.locator(".errdict-filter select[name=level]").select_option("warning")
    assert visible.count() < voice
    expect(page.locator(".errdict-count")).to_contain_text(f"of {total} codes")
    assert page.errors == []


def test_index_sorts_by_column(page, base_url):
    page.goto(base_url + "codes/")
    first_code = lambda: page.locator("table.errdict-codes tbody tr td:first-child").first.inner_text()  # noqa: E731
    codes = page.locator("table.errdict-codes tbody tr td:first-child").all_inner_texts()
    assert first_code() == min(codes, key=int)
    page.locator("th[data-sort=num]").click()  # already ascending: now descending
    assert first_code() == max(codes, key=int)
    page.locator("th", has_text="Product").click()
    products = page.locator("table.errdict-codes tbody tr td:nth-child(4)").all_inner_texts()
    assert products == sorted(products, key=str.lower)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_screenshots(browser, base_url, viewport):
    """Home, a code page and the index at desktop and phone widths, for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    tab = context.new_page()
    for name, path in (("home", ""), ("code-21610", "codes/21610/"), ("index", "codes/")):
        tab.goto(base_url + path)
        tab.wait_for_load_state("networkidle")
        target = ARTIFACTS / f"{name}-{viewport}.png"
        tab.screenshot(path=str(target), full_page=(name != "index"))
        assert target.stat().st_size > 10_000
    context.close()


def test_printed_code_page_is_the_content_alone(browser, base_url):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    tab = context.new_page()
    tab.goto(base_url + "codes/21610/")
    tab.emulate_media(media="print")
    for hidden in (".md-header", ".md-footer", ".errdict-meta", ".md-search"):
        expect(tab.locator(hidden).first).to_be_hidden()
    expect(tab.locator("h1")).to_be_visible()
    expect(tab.locator("#causes + ul")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "print-code-21610.png"), full_page=True)
    tab.pdf(path=str(ARTIFACTS / "print-code-21610.pdf"))
    context.close()
