"""The web page of `mtcheck serve`, in a real browser (headless Chromium driven by Playwright):
marks on the editable text that follow edits, the issue list and its cards, the source box,
the scores toggle, keyboard use, and the empty and error states. Screenshots go to
target/page/ (reports/page/ holds the ones the README shows)."""

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request

import pytest

from conftest import REPO, seed

SHOTS = REPO / "target" / "page"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    executable = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if executable is None or sync_playwright is None:
        missing = "Chromium on PATH" if executable is None else "the playwright package"
        if os.environ.get("MTCHECK_REQUIRE_BROWSER"):
            pytest.fail(f"no {missing} (scripts/test/python-tests.sh installs both)")
        pytest.skip(f"no {missing}")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=FLAGS)
        yield chromium
        chromium.close()


class Page:
    """One page of the server in a fresh browser context, with what it requested and logged."""

    def __init__(self, browser, base):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.requests, self.errors = [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.base = base
        self.page.goto(base + "/")

    def check(self, text, source=None):
        """Fills the boxes as a user pastes, and waits for the answer to that text."""
        if source is not None:
            if not self.page.is_visible("#source"):
                self.page.click("#sourcebox summary")
            self.page.fill("#source", source)
        self.page.fill("#text", text)
        self.page.click("#check")
        self.wait_until("document.querySelector('#status').textContent.startsWith('Checked')"
                                    " || document.querySelector('#verdict').className === 'error'")

    def wait_until(self, condition, timeout=60):
        """Polls the JavaScript expression `condition` (the page's content policy forbids the
        eval that Playwright's wait_for_function needs)."""
        end = time.monotonic() + timeout
        while not self.page.evaluate(f"() => Boolean({condition})"):
            assert time.monotonic() < end, f"timed out waiting for {condition}"
            time.sleep(0.05)

    def headline(self):
        return self.page.inner_text("#verdict .headline")

    def marks(self, kind):
        return self.page.eval_on_selector_all(f"#backdrop mark.{kind}", "ms => ms.map(m => m.textContent)")

    def cards(self, kind=""):
        return self.page.eval_on_selector_all(f".card{'.' + kind if kind else ''}",
                                              "cs => cs.map(c => c.querySelector('.title').textContent)")

    def shot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.evaluate("() => { const t = document.querySelector('#text'); t.scrollTop = 0;"
                           " t.dispatchEvent(new Event('scroll')); }")
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))

    def backdrop_matches_text(self):
        # The marks are drawn on a copy of the text behind the textarea: the copy must be the text.
        return self.page.evaluate("document.querySelector('#backdrop').textContent.replace(/ $/, '')"
                                  " === document.querySelector('#text').value.replace(/ $/, '')")

    def close(self):
        self.context.close()


@pytest.fixture
def page(browser, server):
    opened = Page(browser, server)
    yield opened
    outside = [u for u in opened.requests if not u.startswith(server) and not u.startswith("data:")]
    assert not outside, f"the page fetched from elsewhere: {outside}"
    assert not opened.errors, f"console errors: {opened.errors}"
    opened.close()


def api(server, text, source=None):
    body = {"text": text} if source is None else {"text": text, "source": source}
    request = urllib.request.Request(server + "/v1/check", json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)


def example(name):
    return (REPO / "examples" / name).read_text(encoding="utf-8")


def test_the_spun_example_is_marked_on_the_editable_text(page, server):
    text = example("spun.txt")
    page.check(text)
    report = api(server, text)
    flagged = [s for s in report["sentences"] if s["flagged"]]
    assert page.page.get_attribute("#verdict", "class") == "mt"
    assert page.headline() == f"Likely machine-translated: {len(flagged)} of 7 sentences read garbled"
    assert "na pahatubba" in page.marks("garbled"), "the untranslated words are marked in the text"
    assert page.backdrop_matches_text()
    # One card per flagged sentence, in plain words (no feature names).
    assert page.cards() == ["Garbled sentence"] * len(flagged)
    cards = page.page.text_content("#issues")
    assert f"Garbled ({len(flagged)})" in cards and "repeated words" in cards
    assert "next_context_gain" not in cards and "P(garbled)" not in page.page.inner_text("body")
    page.shot("spun")


def test_marks_follow_edits_and_the_text_is_checked_again_on_a_pause(page):
    text = example("spun.txt")
    page.check(text)
    before = page.marks("garbled")
    # An edit before the marks moves them with their words, at once (no check in between).
    moved = page.page.evaluate("""() => {
        const t = document.querySelector('#text');
        t.setSelectionRange(0, 0);
        t.setRangeText('Breaking: ', 0, 0, 'end');
        t.dispatchEvent(new Event('input', { bubbles: true }));
        return [...document.querySelectorAll('#backdrop mark.garbled')].map(m => m.textContent);
    }""")
    assert moved == before
    assert page.backdrop_matches_text()
    # An edit inside marked words removes their mark; the others stay.
    page.page.evaluate("""() => {
        const t = document.querySelector('#text');
        const at = t.value.indexOf('pahatubba');
        t.setRangeText('extra', at, at + 'pahatubba'.length, 'end');
        t.dispatchEvent(new Event('input', { bubbles: true }));
    }""")
    after_edit = page.marks("garbled")
    assert "na pahatubba" not in after_edit and "on going on going on for" in after_edit
    assert page.page.inner_text("#status").startswith("Edited")
    # After the pause the edited text is checked again.
    page.wait_until("document.querySelector('#status').textContent.startsWith('Checked')")
    assert page.backdrop_matches_text()
    assert page.page.input_value("#text").startswith("Breaking: Night Buses")


def test_cards_and_keyboard(page):
    page.check(example("spun.txt"))
    text = page.page.locator("#text")
    # Alt+Down from the start selects the first issue in the text.
    text.focus()
    page.page.evaluate("document.querySelector('#text').setSelectionRange(0, 0)")
    page.page.keyboard.press("Alt+ArrowDown")
    selected = page.page.evaluate("(() => { const t = document.querySelector('#text'); return t.value.slice(t.selectionStart, t.selectionEnd); })()")
    assert "going on going on" in selected
    assert page.page.eval_on_selector_all("#backdrop mark.active", "ms => ms.length") >= 1
    # In the list: Down moves to the next card and shows its sentence, Enter too, Esc goes back.
    page.page.focus(".card >> nth=0")
    page.page.keyboard.press("ArrowDown")
    focused = page.page.evaluate("document.activeElement.dataset.issue")
    assert focused == "1"
    selected = page.page.evaluate("(() => { const t = document.querySelector('#text'); return t.value.slice(t.selectionStart, t.selectionEnd); })()")
    assert "We are happy" in selected
    page.page.keyboard.press("Escape")
    assert page.page.evaluate("document.activeElement.id") == "text"
    # Enter on a card shows its words in the text (and changes nothing there).
    before = page.page.input_value("#text")
    page.page.focus(".card >> nth=2")
    page.page.keyboard.press("Enter")
    assert page.page.evaluate("document.activeElement.id") == "text"
    selected = page.page.evaluate("(() => { const t = document.querySelector('#text'); return t.value.slice(t.selectionStart, t.selectionEnd); })()")
    assert "na pahatubba" in selected
    # Delete on a card (or its Ignore) hides that issue, and leaves the text alone.
    page.page.focus(".card >> nth=0")
    page.page.keyboard.press("Delete")
    assert len(page.cards()) == 3
    assert page.page.input_value("#text") == before
    # Ctrl+Enter checks again (the ignored issue stays hidden), with the text as it was.
    page.page.keyboard.press("Control+Enter")
    assert page.page.input_value("#text") == before
    page.wait_until("document.querySelector('#status').textContent.startsWith('Checked')")
    assert len(page.cards()) == 3


def test_the_source_box_marks_what_a_spinner_changed(page, server):
    text, source = example("article-spun.txt"), example("article.txt")
    page.check(text, source=source)
    report = api(server, text, source)
    changes = report["source"]["changes"]
    assert page.headline().startswith("Spun copy of the source:"), page.headline()
    assert page.page.get_attribute("#verdict", "class") == "mt"
    assert len(page.marks("changed")) >= len(changes) > 20
    titles = page.cards("changed")
    assert "“ban”, the source had “bar”" in titles
    assert "“city” added" in titles
    assert page.backdrop_matches_text()
    page.shot("source")


def test_scores_are_behind_a_toggle(page):
    page.check(example("spun.txt"))
    assert not page.page.is_visible(".card .score")
    assert "P(MT)" not in page.page.inner_text("#verdict")
    page.page.check("#scores")
    assert page.page.is_visible(".card .score")
    assert re.search(r"P\(MT\) \d\.\d\d", page.page.inner_text("#verdict"))


def test_empty_short_and_error_states(page, browser, cli):
    assert page.headline() == "Paste or type an article to check it."
    assert page.page.inner_text("#empty") == "Nothing checked yet."
    calls = len([u for u in page.requests if "/v1/check" in u])
    page.page.fill("#text", "   \n  ")
    page.page.click("#check")
    assert len([u for u in page.requests if "/v1/check" in u]) == calls, "blank text is not sent"
    page.check("Hello there.")
    assert page.headline().startswith("Too short to judge")
    # A server that refuses a large text, then one that is gone: plain errors, and a way to retry.
    small = subprocess.Popen([str(cli), "serve", "--bind", "127.0.0.1:0", "-q", "--fast", "--max-body-bytes", "2000"],
                             stderr=subprocess.PIPE, text=True)
    base = re.search(r"listening on (http://\S+)", small.stderr.readline()).group(1)
    try:
        other = Page(browser, base)
        other.check(example("spun.txt") * 3)
        assert other.page.get_attribute("#verdict", "class") == "error"
        assert "larger than this server accepts" in other.headline()
        small.kill()
        small.wait()
        other.page.click("#check")
        other.wait_until("document.querySelector('#verdict').textContent.includes('does not answer')")
        assert other.page.is_visible("#verdict button")
        other.close()
    finally:
        small.kill()


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_the_seeds(page, prefix):
    text = seed(prefix).read_text(encoding="utf-8")
    page.check(text)
    assert page.backdrop_matches_text()
    if prefix != "003":
        assert not page.headline().startswith("Likely machine-translated"), page.headline()
        assert len(page.cards("garbled")) + len(page.cards("sentence")) + len(page.cards("smooth")) <= 1
    page.shot(f"seed-{prefix}")
