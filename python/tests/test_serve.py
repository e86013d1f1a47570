"""`mtcheck serve` with the clients editors use: LanguageTool's own Python client
(language_tool_python, pointed at the server as a remote LanguageTool) and a real browser
(headless Chromium) on the web page."""

import os
import re
import shutil
import subprocess
import urllib.parse

import pytest


GARBLED = ("Zoë 👍 wrote this for the café. The night is going on going on going on going on for "
           "the workers of the shifts of the the night na pahatubba na bhavataba.")


@pytest.fixture(scope="module")
def server(cli):
    process = subprocess.Popen([str(cli), "serve", "--bind", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    match = re.search(r"listening on (http://\S+)", line)
    assert match, line
    yield match.group(1)
    process.kill()
    process.wait()


REPO = __import__("pathlib").Path(__file__).resolve().parents[2]


def no_overlap(matches):
    spans = sorted((m.offset, m.offset + m.error_length) for m in matches)
    return all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_languagetool_client_on_the_examples_and_a_clean_seed(server):
    """LanguageTool's own client finds the garbled stretches of examples/spun.txt, one
    underline each, and nothing in seed 000 (a clean article)."""
    from conftest import seed

    language_tool_python = pytest.importorskip("language_tool_python")
    tool = language_tool_python.LanguageTool("en-US", remote_server=server)
    try:
        spun = (REPO / "examples" / "spun.txt").read_text(encoding="utf-8")
        matches = tool.check(spun)
        clean = tool.check(seed("000").read_text(encoding="utf-8"))
    finally:
        tool.close()
    stretches = [spun[m.offset:m.offset + m.error_length] for m in matches]
    assert any("going on going on" in s for s in stretches), stretches
    assert "na pahatubba" in stretches, stretches
    assert no_overlap(matches)
    assert clean == []


def test_languagetool_client_rule_filters(server):
    """The client's disabled_rules, enabled_rules and enabled_rules_only reach the server:
    words turned off bring back their sentences; "only this rule" gives only it."""
    language_tool_python = pytest.importorskip("language_tool_python")
    spun = (REPO / "examples" / "spun.txt").read_text(encoding="utf-8")
    tool = language_tool_python.LanguageTool("en-US", remote_server=server)
    try:
        everything = tool.check(spun)
        tool.disabled_rules = {"MTCHECK_GARBLED_WORDS"}
        without_words = tool.check(spun)
        tool.disabled_rules = set()
        tool.enabled_rules = {"MTCHECK_GARBLED_WORDS"}
        tool.enabled_rules_only = True
        only_words = tool.check(spun)
    finally:
        tool.close()
    rules = lambda ms: {m.rule_id for m in ms}
    assert rules(everything) >= {"MTCHECK_GARBLED_WORDS", "MTCHECK_GARBLED_SENTENCE"}
    assert rules(without_words) == {"MTCHECK_GARBLED_SENTENCE"}
    assert any("na pahatubba" in spun[m.offset:m.offset + m.error_length] for m in without_words)
    assert rules(only_words) == {"MTCHECK_GARBLED_WORDS"}
    assert no_overlap(without_words) and no_overlap(only_words)


def test_languagetool_client_reads_the_matches(server):
    language_tool_python = pytest.importorskip("language_tool_python")
    tool = language_tool_python.LanguageTool("en-US", remote_server=server)
    try:
        matches = tool.check(GARBLED)
    finally:
        tool.close()
    assert matches, "the garbled sentence is found"
    # The client turns LanguageTool's UTF-16 offsets into Python string indices.
    found = [GARBLED[m.offset:m.offset + m.error_length] for m in matches]
    # (after an emoji, 2 UTF-16 units: a wrong count would shift every stretch)
    assert any(f.startswith("na pahatubba") or f.endswith("na pahatubba na bhavataba") for f in found), found
    for m in matches:
        assert GARBLED[m.offset:m.offset + m.error_length] in m.sentence
        assert m.category == "MTCHECK"


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_the_page_checks_a_text_in_a_real_browser(server, tmp_path):
    # The web page loads from the server with no external resource and calls /v1/check.
    browser = chromium()
    if browser is None:
        if os.environ.get("MTCHECK_REQUIRE_BROWSER"):
            pytest.fail("no Chromium on PATH (scripts/test/python-tests.sh installs it)")
        pytest.skip("no Chromium on PATH")
    text = (REPO / "examples" / "spun.txt").read_text(encoding="utf-8")
    url = server + "/#text=" + urllib.parse.quote(text)
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path}", "--virtual-time-budget=10000", "--window-size=1100,1000"]
    out = subprocess.run(flags + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    # A picture for people: target/serve-page.png.
    subprocess.run(flags + [f"--screenshot={REPO / 'target' / 'serve-page.png'}", url],
                   capture_output=True, timeout=120)
    dom = out.stdout
    assert 'id="verdict"' in dom, out.stderr[-2000:]
    verdict = re.search(r'<div id="verdict"[^>]*>([^<]*)</div>', dom)
    assert verdict and "quality" in verdict.group(1), dom[-3000:]
    assert 'class="s flagged"' in dom, "the garbled sentence is marked"
    assert '<mark class="garbled"' in dom, "with its garbled words"
    assert re.search(r'<mark class="garbled"[^>]*>na pahatubba</mark>', dom), "the untranslated words are marked"
    assert '<div id="error" role="alert"></div>' in dom, "no error shown"
