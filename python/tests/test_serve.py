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


def test_languagetool_client_on_the_examples_and_a_clean_seed(server):
    """LanguageTool's own client finds the flagged sentences of examples/spun.txt, and nothing
    in seed 000 (a clean article)."""
    from conftest import seed

    language_tool_python = pytest.importorskip("language_tool_python")
    tool = language_tool_python.LanguageTool("en-US", remote_server=server)
    try:
        spun = (REPO / "examples" / "spun.txt").read_text(encoding="utf-8")
        matches = tool.check(spun)
        clean = tool.check(seed("000").read_text(encoding="utf-8"))
    finally:
        tool.close()
    sentences = [spun[m.offset:m.offset + m.error_length] for m in matches if m.rule_id == "MTCHECK_GARBLED_SENTENCE"]
    assert any("going on going on" in s for s in sentences), sentences
    assert any("na pahatubba" in s for s in sentences), sentences
    assert clean == []


def test_languagetool_client_reads_the_matches(server):
    language_tool_python = pytest.importorskip("language_tool_python")
    tool = language_tool_python.LanguageTool("en-US", remote_server=server)
    try:
        matches = tool.check(GARBLED)
    finally:
        tool.close()
    assert matches, "the garbled sentence is found"
    sentence = [m for m in matches if m.rule_id == "MTCHECK_GARBLED_SENTENCE"]
    assert sentence
    # The client turns LanguageTool's UTF-16 offsets into Python string indices.
    found = GARBLED[sentence[0].offset:sentence[0].offset + sentence[0].error_length]
    assert found.startswith("The night is going on") and found.endswith("bhavataba.")
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
